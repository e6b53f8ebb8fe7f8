"""Every signal and flag against hand-built communities with known answers."""

from decimal import Decimal

import pytest
import time_machine

from communities.models import Community
from facilitation.dashboard.flags import flags_for, level_mix
from facilitation.dashboard.signals import Period, Signal, signals_for
from facilitation.models import RiskThresholds

from .worlds import NOW, ago, build_a, build_b, build_c, build_d

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(frozen):
    a = build_a()
    b, c, d = build_b(), build_c(), build_d()
    thresholds = RiskThresholds.current()
    signals = signals_for(
        Community.objects.filter(pk__in=[a.community.pk, b.pk, c.pk, d.pk]),
        period=Period.last_days(30),
        thresholds=thresholds,
    )
    return a, b, c, d, signals, thresholds


def test_period_and_previous_period():
    period = Period.last_days(30, now=NOW)
    assert period.start == ago(30)
    assert period.previous.start == ago(60) and period.previous.end == ago(30)
    assert period.weeks == 5 and Period.last_days(7, now=NOW).weeks == 1


def test_trend():
    assert Signal(3, 1).trend == "up"
    assert Signal(1, 3).trend == "down"
    assert Signal(2, 2).trend == "same"
    assert Signal(None, 2).trend == ""


def test_members_levels_newcomers_and_quiet_members(world):
    a, _b, _c, _d, signals, _t = world
    s = signals[a.community.pk]
    assert (s.members.current, s.members.previous) == (8, 6)
    assert s.levels == {"core": 3, "active": 2, "peripheral": 3}
    assert s.level_shares == {"core": 37.5, "active": 25.0, "peripheral": 37.5}
    assert (s.new_members.current, s.new_members.previous) == (2, 1)
    assert (s.gone_quiet.current, s.gone_quiet.previous) == (1, 1)


def test_core_group(world):
    a, b, _c, d, signals, _t = world
    s = signals[a.community.pk]
    assert (s.core_active.current, s.core_active.previous) == (2, 2)
    assert s.core_weekly == [1, 0, 1, 0, 0, 2]
    assert signals[b.pk].core_weekly == [0] * 6
    assert signals[d.pk].core_weekly == [0] * 6


def test_one_to_one_interaction(world):
    a, _b, c, _d, signals, _t = world
    s = signals[a.community.pk]
    assert (s.active_members.current, s.active_members.previous) == (4, 2)
    # core1 replied to active1 and mentioned core3; core3 messaged p1. core2 only
    # replied to the facilitator (not a member) and messaged an outsider.
    assert (s.interacting_members.current, s.interacting_members.previous) == (2, 1)
    assert (s.interacting_share.current, s.interacting_share.previous) == (25.0, 16.7)
    assert (s.pairs.current, s.pairs.previous) == (3, 1)
    assert (s.pairs_per_active.current, s.pairs_per_active.previous) == (0.75, 0.5)
    assert signals[c.pk].pairs.current == 0
    assert signals[c.pk].pairs_per_active.current == 0


def test_activity(world):
    a, _b, _c, _d, signals, _t = world
    s = signals[a.community.pk]
    assert (s.threads.current, s.threads.previous) == (3, 1)
    assert (s.replies.current, s.replies.previous) == (3, 1)
    assert (s.knowledge_items.current, s.knowledge_items.previous) == (1, 0)
    assert (s.events_held.current, s.events_held.previous) == (1, 0)
    assert (s.attendance.current, s.attendance.previous) == (3, 0)


def test_responsiveness(world):
    a, _b, _c, _d, signals, _t = world
    s = signals[a.community.pk]
    assert (s.questions.current, s.questions.previous) == (2, 0)
    assert (s.unanswered.current, s.unanswered.previous) == (1, 0)
    assert s.unanswered_overdue == 1
    assert s.median_first_reply_hours.current == 2.0
    assert s.median_first_reply_hours.previous is None


def test_rhythm(world):
    a, b, _c, d, signals, _t = world
    s = signals[a.community.pk]
    assert (s.active_weeks.current, s.active_weeks.previous) == (2, 1)
    assert s.posts_weekly == [0, 0, 2, 0, 4]
    assert s.last_post_at == ago(1)
    assert s.days_since_last_post == 1
    assert s.last_event_at == ago(7)
    assert s.days_since_last_event == 7
    assert signals[b.pk].days_since_last_post == 40
    assert signals[d.pk].last_post_at is None and signals[d.pk].days_since_last_event is None


def test_stakeholder_diversity(world):
    a, _b, _c, _d, signals, _t = world
    s = signals[a.community.pk]
    assert s.stakeholders == {"patient": 1, "clinician": 1, "other": 6}
    assert (s.patient_share.current, s.patient_share.previous) == (12.5, 16.7)


def test_onboarding(world):
    a, b, _c, _d, signals, _t = world
    s = signals[a.community.pk]
    assert s.new_not_onboarded == 1
    assert (s.recent_joiners, s.recent_joiners_posted, s.recent_joiners_posted_share) == (
        2,
        1,
        50.0,
    )
    assert signals[b.pk].recent_joiners_posted_share == 0


def test_facilitation(world):
    a, b, c, d, signals, _t = world
    s = signals[a.community.pk]
    assert s.facilitators == 1
    # One thread, one moderation entry, one work-log entry.
    assert (s.facilitator_acts.current, s.facilitator_acts.previous) == (3, 0)
    assert (s.facilitator_posts.current, s.facilitator_posts.previous) == (1, 0)
    assert (s.facilitator_share.current, s.facilitator_share.previous) == (16.7, 0.0)
    assert s.last_facilitator_act_at == ago(2)
    assert signals[c.pk].facilitator_share.current == 75.0
    assert signals[b.pk].last_facilitator_act_at == ago(40)
    assert signals[d.pk].facilitators == 0


def test_meetings_actions_requests_reports_and_charter(world):
    a, b, c, _d, signals, _t = world
    s = signals[a.community.pk]
    assert s.meetings_without_agenda == 1
    assert s.overdue_actions == 1
    assert s.pending_requests == 1
    assert s.open_reports == 1
    assert s.charter_reviewed_at == ago(400) and s.charter_overdue
    assert signals[b.pk].charter_reviewed_at is None and signals[b.pk].charter_overdue
    assert not signals[c.pk].charter_overdue


def keys(signals, thresholds, community):
    return [flag.key for flag in flags_for(signals[community.pk], thresholds)]


def test_flags_on_known_communities(world):
    a, b, c, d, signals, t = world
    assert keys(signals, t, a.community) == ["core", "unanswered", "charter"]
    assert keys(signals, t, b) == ["dormant", "core", "newcomers", "unfacilitated", "charter"]
    assert keys(signals, t, c) == ["core", "interaction", "monologue"]
    assert keys(signals, t, d) == ["dormant", "core", "unfacilitated"]


def test_flags_explain_why_with_the_numbers(world):
    a, b, c, d, signals, t = world
    why = {f.key: f.why for f in flags_for(signals[a.community.pk], t)}
    assert why["core"] == (
        "Of its 3 core members, fewer than 3 took part in 6 of the last 6 weeks "
        "(the flag is raised at 4)."
    )
    assert why["unanswered"] == (
        "1 question has had no reply from anyone but its author for over 72 hours."
    )
    assert why["charter"] == (
        "The charter was last reviewed 400 days ago; it is due every 365 days."
    )
    why = {f.key: f.why for f in flags_for(signals[b.pk], t)}
    assert why["dormant"] == "No thread or reply for 40 days (the flag is raised at 30)."
    assert why["core"].startswith("The community has 1 core member;")
    assert why["newcomers"] == (
        "0 of the 1 member who joined in the last 30 days has posted (0%, under 20%)."
    )
    assert why["unfacilitated"].endswith("for 40 days (the flag is raised at 30).")
    assert why["charter"] == "The charter has never been agreed (never marked as reviewed)."
    why = {f.key: f.why for f in flags_for(signals[c.pk], t)}
    assert why["monologue"].startswith(
        "Facilitators wrote 3 of the 4 posts in the last 30 days (75%"
    )
    assert why["interaction"] == (
        "0 pairs of members replied to, mentioned or messaged each other, for 1 active "
        "member: 0.00 per active member, below 0.50."
    )
    why = {f.key: f.why for f in flags_for(signals[d.pk], t)}
    assert why["dormant"] == "Nobody has ever posted."
    assert why["unfacilitated"] == "No facilitator is assigned to this community."


def test_thresholds_move_the_flags(world):
    a, _b, c, _d, signals, t = world
    t.min_core_members = 1
    t.core_weak_weeks = 5
    t.unanswered_hours = 200
    t.charter_review_days = 500
    assert "core" not in keys(signals, t, a.community)
    t.min_pairs_per_active_member = Decimal("0.00")
    t.monologue_percent = 80
    assert keys(signals, t, c) == ["core"]


def test_unanswered_threshold_is_read_in_the_query(frozen):
    a = build_a()
    thresholds = RiskThresholds.current()
    thresholds.unanswered_hours = 200
    signals = signals_for(
        Community.objects.filter(pk=a.community.pk),
        period=Period.last_days(30),
        thresholds=thresholds,
    )
    assert signals[a.community.pk].unanswered_overdue == 0


def test_level_mix_against_the_rule_of_thumb(world):
    a, _b, _c, d, signals, _t = world
    core, active = level_mix(signals[a.community.pk])
    assert (core.verdict, active.verdict) == ("above", "above")
    assert core.text == "Core: 37.5% of members, above the rule of thumb of 10-15%."
    assert level_mix(signals[d.pk])[0].verdict == ""
