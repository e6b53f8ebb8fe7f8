"""Notes to members: the onboarding nudge to newcomers who have not started, and the
gentle note to members gone quiet. Driven by the clock, delivered over real SMTP."""

import pytest
import time_machine

from communities.models import Community
from facilitation.models import RiskThresholds
from membership import services as membership_services
from membership.models import DeliveryRecord, Membership, OnboardingStep
from membership.notifications.reminders import newcomers

from ...discussions.factories import PostFactory, ThreadFactory
from ...factories import CommunityFactory, MembershipFactory, UserFactory
from ...knowledge.factories import make_item
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

Level = Membership.Level
Status = DeliveryRecord.Status


def _community_with_steps(when, **fields):
    with time_machine.travel(when, tick=False):
        community = CommunityFactory(**fields)
        membership_services.onboarding_steps_create_defaults(community=community)
    return community


def _join(community, when, **user_fields):
    with time_machine.travel(when, tick=False):
        return membership_services.membership_join(
            user=UserFactory(**user_fields), community=community
        )


def _start(membership, when):
    with time_machine.travel(when, tick=False):
        step = OnboardingStep.objects.filter(community=membership.community).first()
        membership_services.onboarding_step_set(membership=membership, step=step, done=True)


# --- onboarding nudge -------------------------------------------------------------------


def test_a_newcomer_who_has_not_started_is_nudged_once_after_three_days(
    db, smtp_server, django_capture_on_commit_callbacks
):
    community = _community_with_steps(at("2026-10-01", 9), name="Falls Prevention")
    newcomer = _join(community, at("2026-12-07", 10)).user
    started = _join(community, at("2026-12-07", 10))
    _start(started, at("2026-12-08", 10))
    _join(community, at("2026-10-20", 10))  # no longer a newcomer (over 30 days)
    plan = newcomers.plan_onboarding
    capture = django_capture_on_commit_callbacks

    assert run(plan, at("2026-12-10", 9, 45), capture) == 0
    assert run(plan, at("2026-12-10", 10, 15), capture) == 1
    assert recipients(smtp_server) == [newcomer.email]
    body = text_of(smtp_server.messages[0])
    assert "Introduce yourself to the community" in body
    assert f"/c/{community.slug}/welcome/" in body and f"/c/{community.slug}/charter/" in body
    assert "Falls Prevention" in str(smtp_server.messages[0]["Subject"])

    for day in ("2026-12-11", "2026-12-20", "2027-01-02"):
        assert run(plan, at(day, 12), capture) == 0
    assert len(smtp_server.messages) == 1


def test_onboarding_nudges_skip_who_started_left_or_opted_out(db, smtp_server):
    community = _community_with_steps(at("2026-10-01", 9))
    starter = _join(community, at("2026-12-01", 10))
    leaver = _join(community, at("2026-12-01", 10))
    opted_out = _join(community, at("2026-12-01", 10))
    opt_out_of_reminders(opted_out.user)
    # A community with no checklist has nothing to start.
    _join(CommunityFactory(), at("2026-12-01", 10))
    assert plan_only(newcomers.plan_onboarding, at("2026-12-07", 9)) == 2

    _start(starter, at("2026-12-07", 9, 5))
    with time_machine.travel(at("2026-12-07", 9, 5), tick=False):
        membership_services.membership_leave(user=leaver.user, community=community)
    result = send_pending(newcomers.ONBOARDING, at("2026-12-07", 9, 10))

    assert (result.sent, result.skipped) == (0, 2)
    assert not smtp_server.messages


def test_onboarding_builder_spends_the_same_queries_for_3_and_30(db):
    for _ in range(30):
        _join(_community_with_steps(at("2026-10-01", 9)), at("2026-12-01", 10))
    assert plan_only(newcomers.plan_onboarding, at("2026-12-07", 9)) == 30

    few, many = builder_queries(newcomers.ONBOARDING, at("2026-12-07", 9))

    assert few == many == 2


# --- quiet member note ----------------------------------------------------------------


@pytest.fixture
def quiet_world(db):
    """A community where one member last wrote 70 days ago (quiet), one wrote 10 days
    ago, one never wrote (not "gone quiet": never started), and there is news."""
    with time_machine.travel(at("2026-06-01", 9), tick=False):
        community = CommunityFactory(name="Safer Prescribing")
        quiet = MembershipFactory(community=community, level=Level.ACTIVE).user
        busy = MembershipFactory(community=community, level=Level.ACTIVE).user
        MembershipFactory(community=community, level=Level.PERIPHERAL)
    with time_machine.travel(at("2026-09-28", 9), tick=False):
        ThreadFactory(community=community, author=quiet, title="My old thread")
    with time_machine.travel(at("2026-11-27", 9), tick=False):
        ThreadFactory(community=community, author=busy, title="Winter pressures plan")
    return community, quiet, busy


def test_a_member_gone_quiet_gets_one_gentle_note_a_season(
    quiet_world, smtp_server, django_capture_on_commit_callbacks
):
    community, quiet, busy = quiet_world
    plan = newcomers.plan_quiet
    capture = django_capture_on_commit_callbacks

    assert run(plan, at("2026-11-26", 12), capture) == 0  # 59 days
    assert run(plan, at("2026-12-07", 6), capture) == 0  # before the local digest hour
    assert run(plan, at("2026-12-07", 9), capture) == 1
    assert recipients(smtp_server) == [quiet.email]
    body = text_of(smtp_server.messages[0])
    assert "Winter pressures plan" in body and "My old thread" not in body
    assert run(plan, at("2026-12-07", 9, 15), capture) == 0

    # A new quarter, but not 90 days on: nothing. Then a new note.
    with time_machine.travel(at("2027-02-20", 9), tick=False):
        ThreadFactory(community=community, author=busy, title="Spring audit")
    assert run(plan, at("2027-01-05", 9), capture) == 0
    assert run(plan, at("2027-03-06", 9), capture) == 0  # 89 days
    assert run(plan, at("2027-03-08", 9), capture) == 1
    assert "Spring audit" in text_of(smtp_server.messages[1])
    assert len(smtp_server.messages) == 2


def test_quiet_notes_skip_who_wrote_again_left_or_opted_out(quiet_world, smtp_server):
    community, quiet, busy = quiet_world
    with time_machine.travel(at("2026-06-01", 9), tick=False):
        other_quiet = MembershipFactory(community=community).user
        leaver = MembershipFactory(community=community).user
        opted_out = MembershipFactory(community=community).user
        muted = MembershipFactory(community=community).user
    with time_machine.travel(at("2026-09-28", 9), tick=False):
        thread = ThreadFactory(community=community, author=busy)
        for person in (other_quiet, leaver, opted_out, muted):
            PostFactory(thread=thread, author=person)
    opt_out_of_reminders(opted_out)
    Membership.objects.filter(user=muted).update(email_frequency=Membership.EmailFrequency.NONE)
    assert plan_only(newcomers.plan_quiet, at("2026-12-07", 9)) == 3  # quiet, other, leaver

    with time_machine.travel(at("2026-12-07", 9, 5), tick=False):
        PostFactory(thread=thread, author=quiet)  # back again
        membership_services.membership_leave(user=leaver, community=community)
    result = send_pending(newcomers.QUIET, at("2026-12-07", 9, 10))

    assert (result.sent, result.skipped) == (1, 2)
    assert recipients(smtp_server) == [other_quiet.email]


def test_a_quiet_note_with_nothing_new_to_say_is_skipped(db, smtp_server):
    with time_machine.travel(at("2026-06-01", 9), tick=False):
        community = CommunityFactory()
        quiet = MembershipFactory(community=community).user
        ThreadFactory(community=community, author=quiet)
    assert plan_only(newcomers.plan_quiet, at("2026-12-07", 9)) == 1

    result = send_pending(newcomers.QUIET, at("2026-12-07", 9, 5))

    assert result.skipped == 1 and not smtp_server.messages


def test_quiet_builder_spends_the_same_queries_for_3_and_30(db):
    for _ in range(30):
        with time_machine.travel(at("2026-06-01", 9), tick=False):
            community = CommunityFactory(visibility=Community.Visibility.PRIVATE)
            quiet = MembershipFactory(community=community).user
            ThreadFactory(community=community, author=quiet)
        with time_machine.travel(at("2026-12-01", 9), tick=False):
            ThreadFactory(community=community)
            make_item(community, title="A new guide")
    assert plan_only(newcomers.plan_quiet, at("2026-12-07", 9)) == 30

    few, many = builder_queries(newcomers.QUIET, at("2026-12-07", 9))

    assert few == many == 5


def _communities_with_a_newcomer_and_a_quiet_member(n):
    for _ in range(n):
        community = _community_with_steps(at("2026-06-01", 9))
        with time_machine.travel(at("2026-06-01", 9), tick=False):
            quiet = MembershipFactory(community=community).user
            ThreadFactory(community=community, author=quiet)
        _join(community, at("2026-12-01", 10))


def test_planning_spends_the_same_queries_for_3_and_30_communities(db):
    RiskThresholds.current()  # made once, on first use
    _communities_with_a_newcomer_and_a_quiet_member(3)
    few_planned, few = planner_queries(newcomers.plan, at("2026-12-07", 9))
    _communities_with_a_newcomer_and_a_quiet_member(27)
    many_planned, many = planner_queries(newcomers.plan, at("2026-12-07", 9))

    assert (few_planned, many_planned) == (6, 60)
    assert few == many
