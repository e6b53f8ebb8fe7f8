"""@mentions: parsed without JavaScript, notified once, only to people who may read."""

from django.urls import reverse

from communities.discussions import services
from communities.discussions.mentions import (
    mention_token,
    mentioned_ids,
    mentions_resolve,
    render_with_mentions,
)
from communities.models import Mention, Thread
from membership.notifications.models import Notification

from ..factories import CommunityFactory, MembershipFactory, UserFactory
from .factories import WorkingGroupFactory, WorkingGroupMemberFactory


def test_typed_names_become_tokens_ignoring_case_longest_name_first():
    people = [(1, "Ada Lovelace"), (2, "Ada"), (3, "Grace Hopper")]

    body = mentions_resolve("Thanks @ada lovelace and @Ada, cc @GRACE HOPPER.", people)

    assert body == (
        "Thanks @[ada lovelace](member:1) and @[Ada](member:2), cc @[GRACE HOPPER](member:3)."
    )
    assert mentioned_ids(body) == {1, 2, 3}


def test_emails_unknown_names_and_existing_tokens_are_left_alone():
    people = [(1, "Ada")]
    body = "Write to bob@Ada.org or @Nobody; @[Ada](member:1) already; @Adam is someone else"

    assert mentions_resolve(body, people) == body


def test_a_token_renders_as_a_profile_link_and_stays_sanitised():
    html = str(render_with_mentions("Hi " + mention_token(name="Ada <b>", user_id=7)))

    assert f'href="{reverse("membership:profile", args=[7])}"' in html
    assert "@Ada &lt;b&gt;" in html
    assert "<b>" not in html


def _thread(community, author, body="Hello", **extra):
    return services.thread_create(
        community=community,
        author=author,
        kind=Thread.Kind.DISCUSSION,
        title="T",
        body=body,
        **extra,
    )


def test_mentioned_members_are_notified_once_per_post(community, active, replier):
    thread = _thread(community, active, body="What do you think, @Pat Reply?")

    assert "@[Pat Reply](member:" in thread.body
    note = Notification.objects.get(kind=Notification.Kind.MENTION)
    assert (note.recipient, note.actor) == (replier, active)

    services.thread_edit(thread=thread, editor=active, title="T", body=thread.body + " Still?")
    assert Notification.objects.filter(kind=Notification.Kind.MENTION).count() == 1

    post = services.reply_create(thread=thread, author=active, body="@pat reply again")
    assert Notification.objects.filter(kind=Notification.Kind.MENTION).count() == 2
    assert Mention.objects.filter(post=post, user=replier).exists()


def test_only_people_who_may_read_the_thread_are_notified(active, community):
    outsider = UserFactory(display_name="Olu Outsider")
    other = CommunityFactory(visibility="private")
    MembershipFactory(community=other, user=outsider)
    # A token typed by hand for someone outside the community reaches no one.
    _thread(
        community, active, body=f"{mention_token(name='Olu', user_id=outsider.pk)} @Olu Outsider"
    )

    assert not Notification.objects.filter(kind=Notification.Kind.MENTION).exists()


def test_in_a_closed_group_only_group_members_are_reachable(community, core, active, replier):
    group = WorkingGroupFactory(community=community, is_closed=True)
    WorkingGroupMemberFactory(group=group, user=core)

    _thread(community, core, body="@Pat Reply and @Ada Active", group=group)

    assert not Notification.objects.filter(kind=Notification.Kind.MENTION).exists()
    WorkingGroupMemberFactory(group=group, user=replier)
    _thread(community, core, body="@Pat Reply", group=group)
    assert Notification.objects.get(kind=Notification.Kind.MENTION).recipient == replier


def test_suggestions_list_only_members_of_the_community(client, community, active, replier):
    stranger = UserFactory(display_name="Pat Stranger")
    MembershipFactory(community=CommunityFactory(), user=stranger)
    client.force_login(active)
    url = reverse("discussions:mention_suggestions", args=[community.slug])

    results = client.get(url, {"q": "pat"}).json()["results"]

    assert results == [{"id": replier.pk, "name": "Pat Reply"}]
    assert client.get(url, {"q": ""}).json()["results"] == []


def test_suggestions_for_a_group_list_only_its_members(client, community, core, active, replier):
    group = WorkingGroupFactory(community=community)
    WorkingGroupMemberFactory(group=group, user=replier)
    client.force_login(core)
    url = reverse("discussions:mention_suggestions", args=[community.slug])

    names = [r["name"] for r in client.get(url, {"q": "p", "group": group.slug}).json()["results"]]

    assert names == ["Pat Reply"]
    assert client.get(url, {"q": "a", "group": "no-such-group"}).status_code == 404
