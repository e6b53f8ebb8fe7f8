"""A digest batch is built in a constant number of queries: the same for 3 members
as for 30, with every section in play (closed groups, featured knowledge, events,
join requests, reports)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.discussions import services as discussions
from communities.models import Community, WorkingGroup, WorkingGroupMember
from knowledge import services as knowledge
from membership.models import DeliveryRecord, Membership
from membership.notifications.delivery import Due, plan
from membership.notifications.digests import DAILY, build_daily
from membership.services import join_request_create

from ...events.factories import make_event
from ...factories import CommunityFactory, MembershipFactory, UserFactory
from ...knowledge.factories import make_item
from .digest_world import MONDAY_AFTERNOON, MONDAY_DIGEST, TUESDAY_DIGEST, at, on_daily

Level = Membership.Level
BUDGET = 10


@pytest.fixture
def busy_world(db):
    """Two communities (one private, taking requests) full of news."""
    public = CommunityFactory(name="Safer Prescribing", slug="safer-prescribing")
    ward = CommunityFactory(
        name="Quiet Ward",
        slug="quiet-ward",
        visibility=Community.Visibility.PRIVATE,
        join_policy=Community.JoinPolicy.REQUEST,
    )
    writer = MembershipFactory(community=public, level=Level.CORE).user
    MembershipFactory(user=writer, community=ward, level=Level.CORE)
    group = WorkingGroup.objects.create(
        community=ward, name="Leaflet", slug="leaflet", is_closed=True
    )
    WorkingGroupMember.objects.create(group=group, user=writer)
    with at(MONDAY_DIGEST - timedelta(days=5)):
        older = make_item(public, title="An older guide", publisher=writer)
        asked = discussions.thread_create(
            community=public, author=writer, kind="question", title="Which dose?", body="?"
        )
    with at(MONDAY_AFTERNOON):
        for community in (public, ward):
            for number in range(12):
                thread = discussions.thread_create(
                    community=community,
                    author=writer,
                    kind="discussion",
                    title=f"Topic {number}",
                    body="x",
                )
            discussions.reply_create(thread=thread, author=writer, body="More")
            make_item(community, title="Fresh guide", publisher=writer)
            make_event(community, writer, title="Huddle", days_ahead=2)
        discussions.thread_create(
            community=ward, author=writer, kind="discussion", title="Closed", body="x", group=group
        )
        discussions.thread_create(
            community=public, author=writer, kind="announcement", title="News", body="x"
        )
        knowledge.item_set_featured(item=older, actor=writer, featured=True)
        join_request_create(user=UserFactory(), community=ward, message="Hello")
        discussions.report_create(reporter=writer, thread=thread, reason="Off topic")
    return public, ward, asked, writer


def _records(world, count):
    public, ward, asked, _writer = world
    people = []
    for index in range(count):
        level = Level.CORE if index % 3 == 0 else Level.PERIPHERAL
        person = on_daily(MembershipFactory(community=public, level=level).user)
        MembershipFactory(user=person, community=ward, level=level)
        people.append(person)
    with at(MONDAY_AFTERNOON):
        discussions.reply_create(thread=asked, author=people[0], body="Try this")
    plan(
        kind=DAILY,
        run_period=f"test-{count}",
        due=[
            Due(
                user_id=person.pk,
                period=f"p-{count}",
                since=TUESDAY_DIGEST - timedelta(days=1),
                until=TUESDAY_DIGEST,
            )
            for person in people
        ],
    )
    # Loaded as send_batch loads them.
    return list(
        DeliveryRecord.objects.filter(period=f"p-{count}").select_related(
            "user", "user__notification_settings"
        )
    )


def _build(records):
    with at(TUESDAY_DIGEST), CaptureQueriesContext(connection) as queries:
        built = build_daily(records)
    return built, len(queries)


def test_a_batch_costs_the_same_queries_for_3_members_as_for_30(busy_world):
    few, few_queries = _build(_records(busy_world, 3))
    many, many_queries = _build(_records(busy_world, 30))

    assert few_queries == many_queries <= BUDGET
    assert all(email is not None for email in few.values())
    assert len(many) == 30 and all(email is not None for email in many.values())
    sample = next(iter(many.values())).context["digest"]
    names = [section.name for section in sample.communities]
    assert names == ["Quiet Ward", "Safer Prescribing"]
