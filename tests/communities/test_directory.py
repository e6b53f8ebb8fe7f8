from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from communities.models import Community

from ..factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory

Visibility = Community.Visibility
URL = reverse("communities:directory")


def _names(response):
    return [community.name for community in response.context["communities"]]


def _days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_anyone_sees_public_and_private_communities_most_recently_active_first(client, db):
    CommunityFactory(name="Quiet", last_activity_at=_days_ago(30))
    CommunityFactory(name="Busy", visibility=Visibility.PRIVATE, last_activity_at=_days_ago(1))
    CommunityFactory(name="Middling", last_activity_at=_days_ago(7))

    response = client.get(URL)

    assert response.status_code == 200
    assert _names(response) == ["Busy", "Middling", "Quiet"]
    assert "3 communities" in response.content.decode()


def test_a_private_community_is_listed_without_its_content(client, db):
    CommunityFactory(
        name="Closed Circle",
        visibility=Visibility.PRIVATE,
        purpose="Peer support for ward managers.",
        welcome_message="The door code is 4321.",
        charter__aims="Confidential aims",
    )

    body = client.get(URL).content.decode()

    assert "Closed Circle" in body
    assert "Peer support for ward managers." in body
    assert "Private" in body
    assert "4321" not in body
    assert "Confidential aims" not in body


def test_hidden_communities_never_appear_to_outsiders_or_signed_out_visitors(client, outsider):
    CommunityFactory(name="Listed")
    CommunityFactory(name="Secret Squirrel", visibility=Visibility.HIDDEN)
    hidden_with_topic = CommunityFactory(name="Other Secret", visibility=Visibility.HIDDEN)
    hidden_with_topic.topics.set(["covert topic"])

    for signed_in in (False, True):
        if signed_in:
            client.force_login(outsider)
        response = client.get(URL, {"q": "Secret"})
        assert _names(response) == []
        body = client.get(URL).content.decode()
        assert "Secret Squirrel" not in body
        assert "covert topic" not in body
        assert "1 community" in body


def test_hidden_communities_are_listed_to_their_members_and_facilitators(client, db):
    hidden = CommunityFactory(name="Secret Squirrel", visibility=Visibility.HIDDEN)
    member = MembershipFactory(community=hidden).user
    facilitator = FacilitatorAssignmentFactory(community=hidden).user

    for person in (member, facilitator):
        client.force_login(person)
        response = client.get(URL)
        assert _names(response) == ["Secret Squirrel"]
        assert "Hidden" in response.content.decode()


def test_proposed_and_declined_communities_are_not_listed(client, db):
    CommunityFactory(name="Waiting", status=Community.Status.PROPOSED)
    CommunityFactory(name="Refused", status=Community.Status.DECLINED)

    assert _names(client.get(URL)) == []


def test_search_matches_name_purpose_or_topic(client, db):
    CommunityFactory(name="Sepsis Network")
    CommunityFactory(name="Discharge", purpose="Getting people home safely after sepsis.")
    tagged = CommunityFactory(name="Deterioration")
    tagged.topics.set(["sepsis"])
    CommunityFactory(name="Unrelated")

    response = client.get(URL, {"q": "sepsis"})

    assert sorted(_names(response)) == ["Deterioration", "Discharge", "Sepsis Network"]
    assert "3 communities" in response.content.decode()


def test_filters_by_topic_visibility_and_stage(client, db):
    matching = CommunityFactory(
        name="Match", visibility=Visibility.PRIVATE, stage=Community.Stage.MATURING
    )
    matching.topics.set(["diabetes"])
    wrong_stage = CommunityFactory(visibility=Visibility.PRIVATE, stage=Community.Stage.POTENTIAL)
    wrong_stage.topics.set(["diabetes"])
    wrong_visibility = CommunityFactory(stage=Community.Stage.MATURING)
    wrong_visibility.topics.set(["diabetes"])
    CommunityFactory(visibility=Visibility.PRIVATE, stage=Community.Stage.MATURING)

    response = client.get(URL, {"topic": "diabetes", "visibility": "private", "stage": "maturing"})

    assert _names(response) == ["Match"]


def test_the_topic_menu_offers_only_topics_of_listable_communities(client, db):
    CommunityFactory().topics.set(["asthma"])
    CommunityFactory(visibility=Visibility.HIDDEN).topics.set(["hidden matter"])

    form = client.get(URL).context["form"]

    assert [value for value, _label in form.fields["topic"].choices] == ["", "asthma"]


def test_hidden_is_not_offered_as_a_visibility_filter(client, db):
    form = client.get(URL).context["form"]

    assert [value for value, _label in form.fields["visibility"].choices] == [
        "",
        "public",
        "private",
    ]


def test_filtering_by_hidden_is_refused_beside_the_field_and_lists_everything_else(client, db):
    CommunityFactory(name="Listed")

    response = client.get(URL, {"visibility": "hidden"})

    assert response.status_code == 200
    assert response.context["form"].errors["visibility"]
    assert _names(response) == ["Listed"]


def test_sorts_by_name_when_asked(client, db):
    CommunityFactory(name="Beta", last_activity_at=_days_ago(1))
    CommunityFactory(name="Alpha", last_activity_at=_days_ago(9))
    CommunityFactory(name="Gamma", last_activity_at=_days_ago(5))

    assert _names(client.get(URL, {"sort": "name"})) == ["Alpha", "Beta", "Gamma"]
    assert _names(client.get(URL, {"sort": "activity"})) == ["Beta", "Gamma", "Alpha"]


def test_shows_purpose_topics_member_count_activity_and_my_membership(client, outsider):
    community = CommunityFactory(name="Shown", purpose="Fewer falls on wards.")
    community.topics.set(["falls"])
    MembershipFactory(user=outsider, community=community)
    MembershipFactory.create_batch(2, community=community)
    Community.objects.filter(pk=community.pk).update(last_activity_at=_days_ago(2))
    CommunityFactory(name="Not mine")
    client.force_login(outsider)

    body = client.get(URL, {"q": "Shown"}).content.decode()

    assert "Fewer falls on wards." in body
    assert "falls" in body
    assert "3 members" in body
    assert "2\xa0days ago" in body
    assert "You are a member" in body
    body = client.get(URL, {"q": "Not mine"}).content.decode()
    assert "You are a member" not in body


def test_twenty_per_page_and_page_links_keep_the_filters(client, db):
    for n in range(25):
        CommunityFactory(name=f"Sepsis {n:02}")
    CommunityFactory(name="Other")

    first = client.get(URL, {"q": "Sepsis", "sort": "name"})
    second = client.get(URL, {"q": "Sepsis", "sort": "name", "page": 2})

    assert len(_names(first)) == 20
    assert "25 communities" in first.content.decode()
    assert 'href="?q=Sepsis&amp;sort=name&amp;page=2"' in first.content.decode()
    assert _names(second) == [f"Sepsis {n:02}" for n in range(20, 25)]


def test_an_empty_directory_says_what_it_will_hold_and_how_to_start(client, outsider):
    client.force_login(outsider)

    body = client.get(URL).content.decode()

    assert "No communities yet" in body
    assert reverse("communities:create") in body


def test_a_search_with_no_results_says_so_and_offers_to_clear_it(client, db):
    CommunityFactory(name="Something")

    body = client.get(URL, {"q": "nothing like it"}).content.decode()

    assert "No communities match" in body
    assert "Show every community" in body


def test_every_filter_field_has_a_label(client, db):
    body = client.get(URL).content.decode()

    for name in ("q", "topic", "visibility", "stage", "sort"):
        assert f'<label for="id_{name}"' in body


def test_the_header_links_to_the_directory_signed_in_and_out(client, outsider):
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(outsider)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def _populate(rows, *, member=None):
    for n in range(rows):
        community = CommunityFactory(
            visibility=Visibility.PRIVATE if n % 2 else Visibility.PUBLIC,
            last_activity_at=_days_ago(n),
        )
        community.topics.set([f"topic {n}", "shared"])
        MembershipFactory.create_batch(2, community=community)
        if member is not None and n % 3 == 0:
            MembershipFactory(user=member, community=community)
    CommunityFactory(visibility=Visibility.HIDDEN).topics.set(["hidden"])
    # The tag join resolves Community's content type once per process; warm it so
    # the count below does not depend on which test ran first.
    ContentType.objects.get_for_model(Community)


@pytest.mark.parametrize("rows", [1, 35])
def test_signed_out_directory_query_count_is_fixed(client, db, django_assert_num_queries, rows):
    _populate(rows)

    # topic menu, count, page of communities, their topics
    with django_assert_num_queries(4):
        response = client.get(URL)

    assert len(response.context["communities"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 35])
def test_signed_in_directory_query_count_is_fixed(
    client, outsider, django_assert_num_queries, rows
):
    _populate(rows, member=outsider)
    client.force_login(outsider)

    # session, user, topic menu, count, page of communities with membership, topics
    with django_assert_num_queries(7):  # + nav unread counts
        response = client.get(URL, {"q": "Community", "sort": "name"})

    assert len(response.context["communities"]) == min(rows, 20)


def test_communities_never_active_come_last_when_sorting_by_activity(client, db):
    CommunityFactory(name="Never", last_activity_at=None)
    CommunityFactory(name="Recent", last_activity_at=_days_ago(1))

    assert _names(client.get(URL)) == ["Recent", "Never"]
    assert _names(client.get(URL, {"sort": "name"})) == ["Never", "Recent"]
