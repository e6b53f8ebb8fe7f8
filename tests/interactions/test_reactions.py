import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from communities.discussions.interaction_models import Reaction
from communities.discussions.reactions import reaction_summaries, reaction_toggle
from communities.models import Thread

from ..factories import MembershipFactory, UserFactory
from .factories import PostFactory, ReactionFactory, ThreadFactory, WorkingGroupFactory

Kind = Reaction.Kind


@pytest.fixture
def thread(community, core):
    return ThreadFactory(community=community, author=core)


def _react_url(thread):
    return reverse("interactions:react", args=[thread.community.slug, thread.pk])


def _summary(target, kind):
    return next(s for s in target.reaction_summaries if s.kind == kind)


# --- the service --------------------------------------------------------------


def test_a_member_gives_a_reaction_and_takes_it_back(thread, peripheral):
    assert reaction_toggle(user=peripheral, thread=thread, kind=Kind.HELPFUL) is True
    assert Reaction.objects.filter(thread=thread, user=peripheral, kind=Kind.HELPFUL).count() == 1

    assert reaction_toggle(user=peripheral, thread=thread, kind=Kind.HELPFUL) is False
    assert not Reaction.objects.filter(thread=thread, user=peripheral).exists()


def test_each_kind_is_given_once_per_member_and_message(thread, peripheral):
    reply = PostFactory(thread=thread)
    reaction_toggle(user=peripheral, thread=thread, kind=Kind.HELPFUL)
    reaction_toggle(user=peripheral, thread=thread, kind=Kind.THANKS)
    reaction_toggle(user=peripheral, thread=thread, post=reply, kind=Kind.HELPFUL)

    assert Reaction.objects.filter(user=peripheral).count() == 3
    for post in (None, reply):
        with pytest.raises(IntegrityError), transaction.atomic():
            Reaction.objects.create(user=peripheral, thread=thread, post=post, kind=Kind.HELPFUL)


def test_an_unknown_kind_is_refused(thread, peripheral):
    with pytest.raises(ValidationError):
        reaction_toggle(user=peripheral, thread=thread, kind="love")


@pytest.mark.parametrize("who", ["outsider", "leader"])
def test_people_who_may_not_reply_cannot_react(thread, who, request):
    person = request.getfixturevalue(who)
    with pytest.raises(ValidationError):
        reaction_toggle(user=person, thread=thread, kind=Kind.HELPFUL)
    assert not Reaction.objects.exists()


def test_a_locked_thread_takes_no_reactions_from_members(thread, peripheral):
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    thread.refresh_from_db()
    with pytest.raises(ValidationError):
        reaction_toggle(user=peripheral, thread=thread, kind=Kind.HELPFUL)


def test_a_reply_from_another_thread_is_refused(thread, peripheral, community):
    elsewhere = PostFactory(thread=ThreadFactory(community=community))
    with pytest.raises(ValidationError):
        reaction_toggle(user=peripheral, thread=thread, post=elsewhere, kind=Kind.HELPFUL)


def test_in_a_group_thread_only_group_members_react(community, peripheral, core):
    group = WorkingGroupFactory(community=community)
    thread = ThreadFactory(community=community, group=group)
    with pytest.raises(ValidationError):
        reaction_toggle(user=peripheral, thread=thread, kind=Kind.HELPFUL)
    # Moderators may, without being in the group.
    assert reaction_toggle(user=core, thread=thread, kind=Kind.HELPFUL)


# --- the summaries ---------------------------------------------------------------


def test_summaries_count_each_kind_and_say_which_are_mine(thread, peripheral, core):
    reply = PostFactory(thread=thread)
    other = PostFactory(thread=thread)
    ReactionFactory(thread=thread, user=peripheral, kind=Kind.HELPFUL)
    ReactionFactory(thread=thread, user=core, kind=Kind.HELPFUL)
    ReactionFactory(thread=thread, post=reply, user=core, kind=Kind.THANKS)

    reaction_summaries(peripheral, threads=[thread], posts=[reply, other])

    assert [s.kind for s in thread.reaction_summaries] == [Kind.HELPFUL, Kind.THANKS]
    assert (_summary(thread, Kind.HELPFUL).count, _summary(thread, Kind.HELPFUL).mine) == (2, True)
    assert _summary(thread, Kind.THANKS).count == 0
    # A reply's reactions are not the opening message's, and the other way round.
    assert (_summary(reply, Kind.THANKS).count, _summary(reply, Kind.THANKS).mine) == (1, False)
    assert _summary(reply, Kind.HELPFUL).count == 0
    assert all(s.count == 0 for s in other.reaction_summaries)


def test_summaries_for_signed_out_readers_mark_nothing_mine(thread, peripheral):
    from django.contrib.auth.models import AnonymousUser

    ReactionFactory(thread=thread, user=peripheral)
    reaction_summaries(AnonymousUser(), threads=[thread])
    assert _summary(thread, Kind.HELPFUL).count == 1
    assert not _summary(thread, Kind.HELPFUL).mine


@pytest.mark.parametrize("rows", [3, 30])
def test_summaries_cost_one_query_whatever_the_number_of_posts(
    thread, peripheral, rows, django_assert_num_queries
):
    posts = [PostFactory(thread=thread) for _ in range(rows)]
    for post in posts:
        ReactionFactory(thread=thread, post=post, user=UserFactory(), kind=Kind.THANKS)
        ReactionFactory(thread=thread, post=post, user=peripheral, kind=Kind.HELPFUL)

    with django_assert_num_queries(1):
        reaction_summaries(peripheral, threads=[thread], posts=posts)

    assert all(_summary(post, Kind.HELPFUL).mine for post in posts)
    assert all(_summary(post, Kind.THANKS).count == 1 for post in posts)


def test_summaries_of_nothing_cost_no_query(peripheral, django_assert_num_queries):
    with django_assert_num_queries(0):
        reaction_summaries(peripheral, threads=[], posts=[])


# --- the view -----------------------------------------------------------------


def test_htmx_reaction_answers_with_the_pressed_button_and_a_status(client, thread, peripheral):
    client.force_login(peripheral)
    response = client.post(_react_url(thread), {"kind": "helpful"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="react-thread-{thread.pk}-helpful"' in html
    assert 'aria-pressed="true"' in html
    assert 'hx-swap-oob="innerHTML"' in html and "You reacted: Helpful." in html
    assert "<html" not in html


def test_htmx_reaction_on_a_reply_counts_on_the_reply(client, thread, peripheral):
    reply = PostFactory(thread=thread)
    client.force_login(peripheral)
    response = client.post(
        _react_url(thread), {"kind": "thanks", "post_id": reply.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="react-post-{reply.pk}-thanks"' in response.content.decode()
    assert Reaction.objects.get().post == reply


def test_without_javascript_a_reaction_goes_back_to_the_thread(client, thread, peripheral):
    client.force_login(peripheral)
    response = client.post(_react_url(thread), {"kind": "helpful"})

    assert response.status_code == 302
    assert response["Location"] == (f"/c/{thread.community.slug}/discussions/{thread.pk}/#opening")
    assert Reaction.objects.filter(user=peripheral, kind="helpful").exists()


def test_without_javascript_it_goes_back_to_a_local_next_only(client, thread, peripheral):
    client.force_login(peripheral)
    local = client.post(_react_url(thread), {"kind": "helpful", "next": "/c/x/groups/"})
    assert local["Location"].startswith("/c/x/groups/")
    away = client.post(_react_url(thread), {"kind": "helpful", "next": "https://evil.example/"})
    assert away["Location"].startswith(f"/c/{thread.community.slug}/discussions/")


def test_a_bad_reaction_answers_400(client, thread, peripheral):
    client.force_login(peripheral)
    assert client.post(_react_url(thread), {"kind": "love"}).status_code == 400
    assert not Reaction.objects.exists()


def test_a_reply_that_is_not_in_the_thread_answers_404(client, thread, peripheral, community):
    elsewhere = PostFactory(thread=ThreadFactory(community=community))
    client.force_login(peripheral)
    response = client.post(_react_url(thread), {"kind": "helpful", "post_id": elsewhere.pk})
    assert response.status_code == 404


def test_a_closed_group_thread_is_404_for_members_outside_it(client, community, peripheral):
    group = WorkingGroupFactory(community=community, is_closed=True)
    thread = ThreadFactory(community=community, group=group)
    client.force_login(peripheral)
    assert client.post(_react_url(thread), {"kind": "helpful"}).status_code == 404


def test_another_communitys_thread_answers_404(client, thread, peripheral):
    other = ThreadFactory()
    MembershipFactory(community=other.community, user=peripheral)
    client.force_login(peripheral)
    url = reverse("interactions:react", args=[thread.community.slug, other.pk])
    assert client.post(url, {"kind": "helpful"}).status_code == 404


def test_a_hidden_reply_takes_no_reactions(client, thread, core):
    reply = PostFactory(thread=thread, is_hidden=True)
    client.force_login(core)
    response = client.post(_react_url(thread), {"kind": "helpful", "post_id": reply.pk})
    assert response.status_code == 404
    assert not Reaction.objects.exists()
