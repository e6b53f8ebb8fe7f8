"""The community activity feed, the personal home feed and their previews."""

import pytest
from django.urls import reverse

from communities.models import Activity, Community, WorkingGroup, WorkingGroupMember
from membership.models import Membership

from ..factories import CommunityFactory, MembershipFactory, UserFactory
from .factories import ActivityFactory

HOME_FEED = reverse("activity:home_feed")
HTMX = {"HTTP_HX_REQUEST": "true"}
SECRET = "PLATYPUS-SECRET"


def _feed(community):
    return reverse("activity:community_feed", args=[community.slug])


@pytest.mark.parametrize("verb", Activity.Verb.values)
def test_every_verb_reads_as_a_sentence_with_a_linked_title(client, community, verb):
    ActivityFactory(
        community=community, verb=verb, title="Leaflet draft", actor__display_name="Ann Actor"
    )

    body = client.get(_feed(community)).content.decode()

    assert f"Ann Actor {Activity.Verb(verb).label}" in body
    assert f'<a href="/c/{community.slug}/">Leaflet draft</a>' in body


def test_the_community_feed_is_newest_first(client, community):
    ActivityFactory(community=community, title="Older")
    ActivityFactory(community=community, title="Newer")
    ActivityFactory(title="Elsewhere")

    body = client.get(_feed(community)).content.decode()

    assert body.index("Newer") < body.index("Older")
    assert "Elsewhere" not in body


def test_titles_are_escaped_and_foreign_urls_are_not_linked(client, community):
    ActivityFactory(community=community, title="<script>alert(1)</script>")
    ActivityFactory(community=community, title="Away", url="https://evil.example/")

    body = client.get(_feed(community)).content.decode()

    assert "<script>alert(1)" not in body
    assert "evil.example" not in body


def test_a_private_community_feed_is_for_its_readers_only(client, outsider):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    ActivityFactory(community=private, title=f"{SECRET} plan")
    member = MembershipFactory(community=private).user

    client.force_login(outsider)
    refused = client.get(_feed(private))
    client.force_login(member)
    allowed = client.get(_feed(private))

    assert refused.status_code == 403 and SECRET not in refused.content.decode()
    assert SECRET in allowed.content.decode()


def test_closed_working_group_rows_show_only_to_its_members_and_moderators(client, community):
    group = WorkingGroup.objects.create(
        community=community, name="Leaflet", slug="leaflet", is_closed=True
    )
    ActivityFactory(community=community, group=group, title=f"{SECRET} minutes")
    in_group = MembershipFactory(community=community).user
    WorkingGroupMember.objects.create(group=group, user=in_group)
    not_in_group = MembershipFactory(community=community).user
    moderator = MembershipFactory(community=community, level=Membership.Level.CORE).user

    seen = {}
    for name, person in [("in", in_group), ("out", not_in_group), ("moderator", moderator)]:
        client.force_login(person)
        seen[name] = (
            SECRET in client.get(_feed(community)).content.decode(),
            SECRET in client.get(HOME_FEED).content.decode(),
        )

    assert seen == {"in": (True, True), "out": (False, False), "moderator": (True, True)}


def test_the_home_feed_shows_only_my_communities(client, outsider):
    mine = MembershipFactory(user=outsider).community
    ActivityFactory(community=mine, title="In mine")
    ActivityFactory(title="Public but not mine")
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    ActivityFactory(community=private, title=f"{SECRET} private")
    client.force_login(outsider)

    body = client.get(HOME_FEED).content.decode()

    assert "In mine" in body
    assert "Public but not mine" not in body
    assert SECRET not in body


def test_the_home_feed_needs_sign_in(client, db):
    response = client.get(HOME_FEED)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_show_more_appends_with_htmx_and_is_a_link_without(client, outsider):
    mine = MembershipFactory(user=outsider).community
    ActivityFactory.create_batch(23, community=mine)
    client.force_login(outsider)

    first = client.get(HOME_FEED)
    cursor = first.context["page"].next_cursor
    more = client.get(HOME_FEED, {"before": cursor}, **HTMX)
    plain = client.get(HOME_FEED, {"before": cursor})

    assert len(first.context["activities"]) == 20
    assert f'hx-get="{HOME_FEED}?before=' in first.content.decode()
    assert "<html" not in more.content.decode()
    assert more.content.decode().count('<li class="activity"') == 3
    assert plain.content.decode().count('<li class="activity"') == 3
    assert client.get(HOME_FEED, {"before": "nope"}).status_code == 400


def test_the_signed_in_home_page_previews_new_in_my_communities(client, outsider):
    mine = MembershipFactory(user=outsider).community
    for n in range(7):
        ActivityFactory(community=mine, title=f"Row {n}")
    client.force_login(outsider)

    body = client.get(reverse("home")).content.decode()

    assert "New in your communities" in body
    assert "Row 6" in body and "Row 2" in body and "Row 1" not in body
    assert HOME_FEED in body


def test_the_community_home_shows_the_latest_five_to_readers_only(client, outsider):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    for n in range(6):
        ActivityFactory(community=private, title=f"{SECRET} {n}")
    member = MembershipFactory(community=private).user
    home = reverse("communities:home", args=[private.slug])

    client.force_login(member)
    as_member = client.get(home).content.decode()
    client.force_login(outsider)
    as_outsider = client.get(home).content.decode()

    assert as_member.count(SECRET) == 5
    assert _feed(private) in as_member
    assert SECRET not in as_outsider


def test_empty_feeds_say_what_they_will_hold(client, community, outsider):
    client.force_login(outsider)

    assert "Nothing new yet" in client.get(_feed(community)).content.decode()
    assert "Nothing new yet" in client.get(HOME_FEED).content.decode()


# --- query budgets ---------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_community_feed_query_count_is_fixed(client, community, django_assert_num_queries, rows):
    reader = MembershipFactory(community=community).user
    group = WorkingGroup.objects.create(community=community, name="G", slug="g")
    for n in range(rows):
        ActivityFactory(community=community, actor=UserFactory(), group=group if n % 2 else None)
    client.force_login(reader)

    # session, user, community, the page of rows, nav counts
    with django_assert_num_queries(5):
        assert client.get(_feed(community)).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_home_feed_query_count_is_fixed(client, outsider, django_assert_num_queries, rows):
    communities = [MembershipFactory(user=outsider).community for _ in range(3)]
    for n in range(rows):
        ActivityFactory(community=communities[n % 3], actor=UserFactory())
    client.force_login(outsider)

    # session, user, the page of rows, nav counts
    with django_assert_num_queries(4):
        assert client.get(HOME_FEED).status_code == 200
