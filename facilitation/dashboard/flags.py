"""At-risk flags: the known ways a community of practice fails, read off its signals.

Each flag says in plain words why it fired, with the numbers, so a facilitator can
judge it rather than trust it. Thresholds are the platform's RiskThresholds
(docs/facilitation.md lists them with their defaults).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from facilitation.models import RiskThresholds
from membership.models import Membership

from .signals import ACTIVE_SHARE_RANGE, CORE_SHARE_RANGE, CommunitySignals

# Stable keys (for tests, CSS and filters) and their short, translatable names.
FLAG_NAMES = {
    "core": gettext_lazy("No active core group"),
    "interaction": gettext_lazy("Little one-to-one interaction"),
    "unanswered": gettext_lazy("Unanswered questions"),
    "monologue": gettext_lazy("Facilitator monologue"),
    "newcomers": gettext_lazy("Newcomers stall"),
    "dormant": gettext_lazy("Dormant"),
    "charter": gettext_lazy("Charter not agreed or overdue"),
    "unfacilitated": gettext_lazy("Unfacilitated"),
}


@dataclass(frozen=True)
class Flag:
    key: str
    why: str

    @property
    def name(self) -> str:
        return str(FLAG_NAMES[self.key])


def _core(s: CommunitySignals, t: RiskThresholds) -> str | None:
    weak = sum(1 for n in s.core_weekly if n < t.min_core_members)
    if weak < t.core_weak_weeks:
        return None
    core = s.levels.get(Membership.Level.CORE, 0)
    if core < t.min_core_members:
        size = ngettext(
            "The community has %(core)d core member;",
            "The community has %(core)d core members;",
            core,
        ) % {"core": core}
    else:
        size = _("Of its %(core)d core members,") % {"core": core}
    return _(
        "%(size)s fewer than %(min)d took part in %(weak)d of the last %(weeks)d weeks "
        "(the flag is raised at %(limit)d)."
    ) % {
        "size": size,
        "min": t.min_core_members,
        "weak": weak,
        "weeks": t.core_window_weeks,
        "limit": t.core_weak_weeks,
    }


def _interaction(s: CommunitySignals, t: RiskThresholds) -> str | None:
    ratio = s.pairs_per_active.current
    if ratio is None or ratio >= t.min_pairs_per_active_member:
        return None
    return ngettext(
        "%(pairs)d pairs of members replied to, mentioned or messaged each other, for "
        "%(active)d active member: %(ratio)s per active member, below %(min)s.",
        "%(pairs)d pairs of members replied to, mentioned or messaged each other, for "
        "%(active)d active members: %(ratio)s per active member, below %(min)s.",
        s.active_members.current,
    ) % {
        "pairs": s.pairs.current,
        "active": s.active_members.current,
        "ratio": f"{ratio:.2f}",
        "min": f"{t.min_pairs_per_active_member:.2f}",
    }


def _unanswered(s: CommunitySignals, t: RiskThresholds) -> str | None:
    if not s.unanswered_overdue:
        return None
    return ngettext(
        "%(count)d question has had no reply from anyone but its author for over %(hours)d hours.",
        "%(count)d questions have had no reply from anyone but their authors for over "
        "%(hours)d hours.",
        s.unanswered_overdue,
    ) % {"count": s.unanswered_overdue, "hours": t.unanswered_hours}


def _monologue(s: CommunitySignals, t: RiskThresholds) -> str | None:
    share = s.facilitator_share.current
    if share is None or share <= t.monologue_percent:
        return None
    posts = s.threads.current + s.replies.current
    return _(
        "Facilitators wrote %(fac)d of the %(posts)d posts in the last %(days)d days "
        "(%(share)s%%, more than %(limit)d%%): the members are not yet talking to each other."
    ) % {
        "fac": s.facilitator_posts.current,
        "posts": posts,
        "days": s.period.days,
        "share": f"{share:g}",
        "limit": t.monologue_percent,
    }


def _newcomers(s: CommunitySignals, t: RiskThresholds) -> str | None:
    share = s.recent_joiners_posted_share
    if share is None or share >= t.newcomer_posted_percent:
        return None
    return ngettext(
        "%(posted)d of the %(joiners)d member who joined in the last %(days)d days has "
        "posted (%(share)s%%, under %(limit)d%%).",
        "%(posted)d of the %(joiners)d members who joined in the last %(days)d days have "
        "posted (%(share)s%%, under %(limit)d%%).",
        s.recent_joiners,
    ) % {
        "posted": s.recent_joiners_posted,
        "joiners": s.recent_joiners,
        "days": t.newcomer_days,
        "share": f"{share:g}",
        "limit": t.newcomer_posted_percent,
    }


def _dormant(s: CommunitySignals, t: RiskThresholds) -> str | None:
    days = s.days_since_last_post
    if days is None:
        return _("Nobody has ever posted.")
    if days < t.dormant_days:
        return None
    return ngettext(
        "No thread or reply for %(days)d day (the flag is raised at %(limit)d).",
        "No thread or reply for %(days)d days (the flag is raised at %(limit)d).",
        days,
    ) % {"days": days, "limit": t.dormant_days}


def _charter(s: CommunitySignals, t: RiskThresholds) -> str | None:
    if s.charter_reviewed_at is None:
        return _("The charter has never been agreed (never marked as reviewed).")
    if not s.charter_overdue:
        return None
    days = (s.period.end - s.charter_reviewed_at).days
    return _("The charter was last reviewed %(days)d days ago; it is due every %(limit)d days.") % {
        "days": days,
        "limit": t.charter_review_days,
    }


def _unfacilitated(s: CommunitySignals, t: RiskThresholds) -> str | None:
    if not s.facilitators:
        return _("No facilitator is assigned to this community.")
    last = s.last_facilitator_act_at
    if last is None:
        return _("Its facilitators have never posted, moderated or logged work here.")
    days = (s.period.end - last).days
    if days < t.unfacilitated_days:
        return None
    return _(
        "No facilitator has posted, moderated, managed members or logged work here for "
        "%(days)d days (the flag is raised at %(limit)d)."
    ) % {"days": days, "limit": t.unfacilitated_days}


CHECKS = [
    ("dormant", _dormant),
    ("core", _core),
    ("unanswered", _unanswered),
    ("interaction", _interaction),
    ("monologue", _monologue),
    ("newcomers", _newcomers),
    ("unfacilitated", _unfacilitated),
    ("charter", _charter),
]


def flags_for(signals: CommunitySignals, thresholds: RiskThresholds) -> list[Flag]:
    """The flags raised for one community, most serious first."""
    found = []
    for key, check in CHECKS:
        why = check(signals, thresholds)
        if why:
            found.append(Flag(key, why))
    return found


def attach_flags(all_signals: dict, thresholds: RiskThresholds) -> None:
    for signals in all_signals.values():
        signals.flags = flags_for(signals, thresholds)


@dataclass(frozen=True)
class LevelMix:
    level: str
    label: str
    share: float | None
    low: int
    high: int

    @property
    def verdict(self) -> str:
        """ "below", "within", "above" the rule of thumb, or "" with no members."""
        if self.share is None:
            return ""
        if self.share < self.low:
            return "below"
        if self.share > self.high:
            return "above"
        return "within"

    @property
    def text(self) -> str:
        if self.share is None:
            return _("No members yet.")
        words = {
            "below": _("below"),
            "within": _("within"),
            "above": _("above"),
        }
        return _(
            "%(label)s: %(share)s%% of members, %(verdict)s the rule of thumb of "
            "%(low)d-%(high)d%%."
        ) % {
            "label": self.label,
            "share": f"{self.share:g}",
            "verdict": words[self.verdict],
            "low": self.low,
            "high": self.high,
        }


def level_mix(signals: CommunitySignals) -> list[LevelMix]:
    """Core and active shares against Cultivating Communities of Practice's rule of
    thumb (core about 10-15%, active about 15-20%)."""
    return [
        LevelMix(
            Membership.Level.CORE,
            str(Membership.Level.CORE.label),
            signals.level_shares.get(Membership.Level.CORE),
            *CORE_SHARE_RANGE,
        ),
        LevelMix(
            Membership.Level.ACTIVE,
            str(Membership.Level.ACTIVE.label),
            signals.level_shares.get(Membership.Level.ACTIVE),
            *ACTIVE_SHARE_RANGE,
        ),
    ]
