"""The weekly at-risk summary to facilitators: Monday after the digest hour in their
own time zone, once per ISO week, with the dashboard's own flags."""

from zoneinfo import ZoneInfo

import pytest
import time_machine

from communities.models import Charter
from facilitation.models import RiskThresholds, WorkLogEntry
from membership import services as membership_services
from membership.models import DeliveryRecord, Membership, User
from membership.notifications.reminders import at_risk
from membership.permissions import communities_facilitated_by, communities_facilitated_by_each

from ...discussions.factories import ThreadFactory
from ...factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from .reminding import (
    at,
    builder_queries,
    opt_out_of_reminders,
    plan_only,
    planner_queries,
    recipients,
    run,
    send_pending,
    text_of,
)

Status = DeliveryRecord.Status
LONDON = ZoneInfo("Europe/London")
SET_UP = at("2026-10-01", 9)
MONDAY = "2026-12-07"


def _facilitator(*communities, **fields):
    person = UserFactory(platform_role=User.PlatformRole.FACILITATOR, **fields)
    with time_machine.travel(SET_UP, tick=False):
        for community in communities:
            FacilitatorAssignmentFactory(user=person, community=community)
    return person


def _healthy_community(when):
    """No flag under lenient thresholds: a recent post, a facilitator act, a charter
    reviewed this year, no newcomers."""
    with time_machine.travel(SET_UP, tick=False):
        community = CommunityFactory(name="Healthy Hearts")
        author = MembershipFactory(community=community, level=Membership.Level.ACTIVE).user
    with time_machine.travel(when, tick=False):
        ThreadFactory(community=community, author=author)
    Charter.objects.filter(community=community).update(last_reviewed_at=when)
    return community


@pytest.fixture
def lenient_thresholds(db):
    thresholds = RiskThresholds.current()
    thresholds.min_core_members = 0
    thresholds.min_pairs_per_active_member = 0
    thresholds.save()
    return thresholds


@pytest.fixture
def communities(lenient_thresholds):
    with time_machine.travel(SET_UP, tick=False):
        at_risk_one = CommunityFactory(name="Quiet Corner")  # nobody has ever posted
    healthy = _healthy_community(at("2026-12-03", 9))
    return at_risk_one, healthy


def _log_work(facilitator, community, when):
    WorkLogEntry.objects.create(
        facilitator=facilitator,
        community=community,
        kind="meeting",
        description="Ran the monthly call",
        occurred_on=when.date(),
    )


def test_facilitators_get_the_summary_on_monday_morning_once_a_week(
    communities, smtp_server, django_capture_on_commit_callbacks
):
    risky, healthy = communities
    both = _facilitator(risky, healthy)
    only_healthy = _facilitator(healthy)
    for person in (both, only_healthy):
        _log_work(person, healthy, at("2026-12-04", 9))
    opted_out = _facilitator(risky)
    opt_out_of_reminders(opted_out)
    with time_machine.travel(SET_UP, tick=False):
        MembershipFactory(community=risky, level=Membership.Level.CORE)  # not a facilitator
    plan = at_risk.plan
    capture = django_capture_on_commit_callbacks

    assert run(plan, at("2026-12-06", 20), capture) == 0  # Sunday
    assert run(plan, at(MONDAY, 6, 45), capture) == 0  # before the digest hour
    assert run(plan, at(MONDAY, 7, 0), capture) == 2
    assert recipients(smtp_server) == [both.email]
    body = text_of(smtp_server.messages[0])
    assert "Quiet Corner" in body and "Nobody has ever posted." in body
    assert "Healthy Hearts" not in body
    assert "/facilitation/c/" in body
    # Nothing at risk for the other: skipped, not an "all clear".
    assert DeliveryRecord.objects.get(user=only_healthy).status == Status.SKIPPED

    for later in (at(MONDAY, 7, 15), at("2026-12-08", 9), at("2026-12-13", 23, 45)):
        assert run(plan, later, capture) == 0
    assert run(plan, at("2026-12-14", 7, 5), capture) == 2
    assert len(smtp_server.messages) == 2


def test_the_summary_follows_the_facilitators_own_time_zone(
    communities, smtp_server, django_capture_on_commit_callbacks
):
    risky, _healthy = communities
    london = _facilitator(risky, time_zone="Europe/London")
    toronto = _facilitator(risky)
    capture = django_capture_on_commit_callbacks

    # 7:05 in London is 2:05 in Toronto.
    assert run(at_risk.plan, at(MONDAY, 7, 5, zone=LONDON), capture) == 1
    assert recipients(smtp_server) == [london.email]
    assert run(at_risk.plan, at(MONDAY, 7, 5), capture) == 1
    assert recipients(smtp_server) == sorted([london.email, toronto.email])


def test_a_facilitator_unassigned_before_the_send_is_skipped(communities, smtp_server):
    risky, _healthy = communities
    person = _facilitator(risky)
    assert plan_only(at_risk.plan, at(MONDAY, 8)) == 1
    with time_machine.travel(at(MONDAY, 8, 5), tick=False):
        membership_services.facilitator_unassign(user=person, community=risky, actor=None)

    result = send_pending(at_risk.AT_RISK, at(MONDAY, 8, 10))

    assert result.skipped == 1 and not smtp_server.messages


def test_at_risk_builder_spends_the_same_queries_for_3_and_30(db):
    with time_machine.travel(SET_UP, tick=False):
        for n in range(30):
            _facilitator(CommunityFactory(name=f"Community {n}"), CommunityFactory())
    RiskThresholds.current()
    assert plan_only(at_risk.plan, at(MONDAY, 8)) == 30

    few, many = builder_queries(at_risk.AT_RISK, at(MONDAY, 8))

    # Who facilitates what (2), the thresholds (1), the dashboard's signals (6).
    assert few == many == 9


def test_planning_spends_the_same_queries_for_3_and_30_facilitators(db):
    for _ in range(3):
        _facilitator(CommunityFactory())
    few_planned, few = planner_queries(at_risk.plan, at(MONDAY, 8))
    for _ in range(27):
        _facilitator(CommunityFactory(), CommunityFactory())
    many_planned, many = planner_queries(at_risk.plan, at(MONDAY, 8))

    assert (few_planned, many_planned) == (3, 30)
    assert few == many


def test_the_batch_answer_matches_the_dashboard_for_each_person(db):
    assigned, elsewhere = CommunityFactory(), CommunityFactory()
    facilitator = _facilitator(assigned)
    admin = UserFactory(is_superuser=True)
    with time_machine.travel(SET_UP, tick=False):
        member = MembershipFactory(community=assigned, level=Membership.Level.CORE).user
    people = [facilitator, admin, member]

    answer = communities_facilitated_by_each([person.pk for person in people])

    for person in people:
        expected = set(communities_facilitated_by(person).values_list("pk", flat=True))
        assert answer.get(person.pk, set()) == expected
    assert answer[admin.pk] == {assigned.pk, elsewhere.pk}
    assert member.pk not in answer
