"""The weekly at-risk summary: each facilitator hears, on Monday morning in their own
time zone, which of their communities the dashboard flags and why.

The flags are the dashboard's own (facilitation.dashboard: signals_for and the flag
checks, over its default period), computed once per batch for the union of the
batch's facilitators' communities: a constant number of queries however many
facilitators and communities. A week with nothing at risk sends nothing (the
dashboard is there to look at; an "all clear" every Monday would teach people to
skip these emails).
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from copplatform.emails import absolute_url
from facilitation.dashboard.selectors import dashboard_rows
from facilitation.dashboard.signals import DEFAULT_PERIOD, Period
from facilitation.models import RiskThresholds
from membership.models import FacilitatorAssignment
from membership.permissions import communities_facilitated_by_each

from ..delivery import Due, Email, register
from ._planning import wants_reminders
from .audience import readers, record, run_week

AT_RISK = "at_risk_summary"
SCOPE = "reminders"
TEMPLATE = "membership/email/reminders/" + AT_RISK
MONDAY = 0


def plan(now: datetime) -> int:
    """Facilitators assigned to an active community, once per ISO week, on Monday
    after DIGEST_HOUR in their time zone."""
    assigned = set(
        FacilitatorAssignment.objects.filter(
            community__status=Community.Status.ACTIVE, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    team = {uid for uid, ids in communities_facilitated_by_each(assigned).items() if ids}
    people = readers(team, now, weekday=MONDAY)
    due = [
        Due(user_id=uid, period=f"week:{reader.week}", not_before=reader.not_before)
        for uid, reader in sorted(people.items())
    ]
    return record(kind=AT_RISK, run_period=run_week(now), due=due, now=now)


@register(AT_RISK)
def build_at_risk(records) -> dict:
    """Who facilitates what now (two or three queries), the thresholds, and the
    dashboard's signals for the union of those communities (six queries)."""
    now = timezone.now()
    wanted = [r for r in records if wants_reminders(r.user)]
    facilitated = communities_facilitated_by_each({r.user_id for r in wanted})
    every = set().union(*facilitated.values()) if facilitated else set()
    period = Period.last_days(DEFAULT_PERIOD, now=now)
    rows = []
    if every:
        thresholds = RiskThresholds.current()
        rows = dashboard_rows(
            Community.objects.filter(pk__in=every), period=period, thresholds=thresholds
        )
    at_risk = [row for row in rows if row.flags]
    for row in at_risk:
        row.url = absolute_url(reverse("dashboard:community", args=[row.community.slug]))
    emails = {}
    for r in records:
        mine = facilitated.get(r.user_id, set())
        flagged = [row for row in at_risk if row.community.pk in mine]
        if not flagged or not wants_reminders(r.user):
            emails[r.pk] = None
            continue
        emails[r.pk] = Email(
            TEMPLATE,
            {
                "rows": flagged,
                "count": len(flagged),
                "total": len(mine),
                "period_days": period.days,
                "dashboard_url": absolute_url(reverse("dashboard:index")),
            },
            SCOPE,
        )
    return emails
