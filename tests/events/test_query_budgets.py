"""Query budgets: the events list, an event page and a meeting page cost the same with
few rows as with many."""

import pytest
from django.urls import reverse

from communities.events import services
from tests.factories import MembershipFactory

from .factories import make_event, meeting_of


def _count_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _fill(community, organiser, n):
    """n events (one a weekly series), each meeting with n replies and agenda items."""
    members = [MembershipFactory(community=community).user for _ in range(n)]
    series = make_event(community, organiser, recurrence="weekly", repeat_count=n, capacity=2)
    for k in range(n - 1):
        make_event(community, organiser, days_ahead=k + 1, title=f"Event {k}")
    meeting = meeting_of(series)
    for person in members:
        services.rsvp_set(occurrence=meeting, user=person, response="going")
        item = services.agenda_item_propose(occurrence=meeting, user=person, title="Item")
        services.agenda_item_decide(item=item, actor=organiser, accept=True)
        services.action_create(occurrence=meeting, actor=organiser, title="Do", owner=person)
    services.attendance_record(
        occurrence=meeting, actor=organiser, user_ids=[person.pk for person in members]
    )
    return series, meeting


# Each includes the navigation's unread counts (1 query).
LIST_BUDGET = 7
EVENT_BUDGET = 7
MEETING_BUDGET = 11


@pytest.mark.parametrize(
    ("page", "budget"),
    [("list", LIST_BUDGET), ("event", EVENT_BUDGET), ("meeting", MEETING_BUDGET)],
)
def test_pages_cost_the_same_with_3_and_30_rows(
    client, community, active, django_assert_max_num_queries, page, budget
):
    from tests.factories import CommunityFactory

    counts = []
    for n in (3, 30):
        place = CommunityFactory()
        organiser = MembershipFactory(community=place, level="active").user
        series, meeting = _fill(place, organiser, n)
        client.force_login(organiser)
        url = {
            "list": reverse("events:list", args=[place.slug]),
            "event": series.get_absolute_url(),
            "meeting": meeting.get_absolute_url(),
        }[page]
        counts.append(_count_queries(client, url, django_assert_max_num_queries, budget))
    assert counts[0] == counts[1], counts


def test_home_pages_cost_the_same_with_3_and_30_actions_and_meetings(
    client, db, django_assert_max_num_queries
):
    from tests.factories import CommunityFactory

    counts = []
    for n in (3, 30):
        owner_home, community_home = [], []
        owner = MembershipFactory(community=CommunityFactory(), level="core").user
        for _ in range(n):
            place = CommunityFactory()
            MembershipFactory(community=place, user=owner, level="core")
            meeting = meeting_of(make_event(place, owner))
            services.rsvp_set(occurrence=meeting, user=owner, response="going")
            services.action_create(occurrence=meeting, actor=owner, title="Do", owner=owner)
        client.force_login(owner)
        owner_home.append(
            _count_queries(client, reverse("home"), django_assert_max_num_queries, 10)
        )
        community_home.append(
            _count_queries(
                client,
                reverse("communities:home", args=[place.slug]),
                django_assert_max_num_queries,
                14,  # + the community's priorities and learning-cycle stages
            )
        )
        counts.append((owner_home[0], community_home[0]))
    assert counts[0] == counts[1], counts
