"""A community's signals week by week, for the drill-down's charts (selectors).

Weeks are 7-day blocks counted back from now, like the core-group flag's. Four
queries whatever the number of weeks or rows: threads and replies grouped by week,
events grouped by week, and one count over the memberships joined to each member's
weekly contributions and interactions (signals.count_members).
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from communities.events.models import EventOccurrence
from communities.models import Community, Post, Thread
from membership.models import Membership

from .signals import (
    LIVE,
    Period,
    _by_facilitator,
    _in,
    contribution_flags,
    count_members,
    interaction_flags,
    week_index,
)

WEEKS = 12


def weekly_series(community: Community, *, weeks: int = WEEKS, now=None) -> dict:
    """{"labels": [...], series name: [value per week]}, oldest week first."""
    now = now or timezone.now()
    window = Period(now - timedelta(days=7 * weeks), now)
    series = {
        key: [0] * weeks
        for key in (
            "threads",
            "replies",
            "facilitator_posts",
            "active",
            "core",
            "interacting",
            "new_members",
            "events",
            "attendance",
        )
    }

    def put(key, index, value):
        # Index 0 is the most recent week; the charts read oldest first.
        series[key][weeks - 1 - index] += value

    for key, queryset, community_field in [
        ("threads", Thread.objects.filter(community=community), "community_id"),
        ("replies", Post.objects.filter(thread__community=community), "thread__community_id"),
    ]:
        rows = (
            queryset.filter(LIVE, _in("created_at", window.start, now))
            .order_by()
            .values(wk=week_index("created_at", window, weeks))
            .annotate(
                n=Count("pk"),
                fac=Count("pk", filter=Q(_by_facilitator("author_id", community_field))),
            )
        )
        for row in rows:
            put(key, row["wk"], row["n"])
            put("facilitator_posts", row["wk"], row["fac"])

    held = (
        EventOccurrence.objects.filter(
            _in("ends_at", window.start, now),
            event__community=community,
            is_cancelled=False,
            event__cancelled_at=None,
        )
        .order_by()
        .values(wk=week_index("ends_at", window, weeks))
        .annotate(n=Count("pk", distinct=True), came=Count("attendances"))
    )
    for row in held:
        put("events", row["wk"], row["n"])
        put("attendance", row["wk"], row["came"])

    weekly = {}
    for k in range(weeks):
        weekly[f"week_{k}"] = _in(
            "created_at", now - timedelta(days=7 * (k + 1)), now - timedelta(days=7 * k)
        )
    member = {"core": Q(level=Membership.Level.CORE), **weekly}
    counts = {}
    for k in range(weeks):
        counts[f"active_{k}"] = {f"c.week_{k}": 1}
        counts[f"core_{k}"] = {"m.core": 1, f"c.week_{k}": 1}
        counts[f"interacting_{k}"] = {f"i.week_{k}": 1}
        counts[f"new_members_{k}"] = {f"m.week_{k}": 1}
    ids = [community.pk]
    totals = count_members(
        Membership.objects.filter(community=community),
        member,
        counts,
        contributions=contribution_flags(ids, weekly, window.start, now),
        interactions=interaction_flags(ids, window.start, now, weekly),
    ).get(community.pk, {})
    for k in range(weeks):
        for key in ("active", "core", "interacting", "new_members"):
            put(key, k, totals.get(f"{key}_{k}", 0))

    series["labels"] = [
        date_format(timezone.localtime(now - timedelta(days=7 * (weeks - i))), "j M")
        for i in range(weeks)
    ]
    return series
