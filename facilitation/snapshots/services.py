"""Writes for the snapshots: computing them from the live figures.

The live computations stay the source of truth: the dashboard's signals_for and
the report's monthly_activity; a snapshot is their result, stored with the moment
and the thresholds it was computed with.
"""

import hashlib
import json
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from communities.models import Community
from facilitation.dashboard.signals import PERIOD_CHOICES, Period, signals_for
from facilitation.models import CommunitySnapshot, PlatformSnapshot, RiskThresholds
from facilitation.reports.forms import default_range
from facilitation.reports.selectors import (
    PeriodTotals,
    ReportFilters,
    monthly_activity,
    months_between,
    period_counts,
    period_totals,
    platform_people,
    report_scope,
    unfiltered_scope_ids,
)

from .codec import signals_to_json

# Communities computed per task (and per query of the signals): a batch of the
# largest communities at M takes a few seconds.
SNAPSHOT_BATCH = 25
_NOT_THRESHOLDS = {"id", "updated_at", "updated_by"}


def thresholds_key(thresholds: RiskThresholds) -> str:
    """A fingerprint of the threshold values (not of who saved them, or when)."""
    values = {
        f.attname: str(getattr(thresholds, f.attname))
        for f in RiskThresholds._meta.concrete_fields
        if f.name not in _NOT_THRESHOLDS
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def snapshots_refresh(
    *, community_ids, now: datetime | None = None, thresholds: RiskThresholds | None = None
) -> dict[int, CommunitySnapshot]:
    """Compute the snapshots of these communities now and save them (insert or
    replace: running it twice leaves the same rows). Ids of communities that no
    longer exist are ignored. Returns {community id: snapshot}."""
    now = now or timezone.now()
    thresholds = thresholds or RiskThresholds.current()
    ids = sorted(set(community_ids))
    if not ids:
        return {}
    communities = Community.objects.filter(pk__in=ids)
    by_days = {
        days: signals_for(
            communities, period=Period.last_days(days, now=now), thresholds=thresholds
        )
        for days in PERIOD_CHOICES
    }
    found = by_days[PERIOD_CHOICES[0]]
    monthly = monthly_activity(list(found), now=now)
    key = thresholds_key(thresholds)
    snapshots = [
        CommunitySnapshot(
            community_id=pk,
            computed_at=now,
            thresholds_key=key,
            signals={str(days): signals_to_json(by_days[days][pk]) for days in PERIOD_CHOICES},
            monthly=monthly.get(pk, {}),
        )
        for pk in found
    ]
    with transaction.atomic():
        CommunitySnapshot.objects.bulk_create(
            snapshots,
            update_conflicts=True,
            unique_fields=["community"],
            update_fields=["computed_at", "thresholds_key", "signals", "monthly"],
        )
    return {snapshot.community_id: snapshot for snapshot in snapshots}


def snapshots_for(
    communities: QuerySet, *, thresholds: RiskThresholds
) -> list[tuple[Community, CommunitySnapshot]]:
    """These communities with their current snapshots, in one query; those without
    one (or with one computed with other thresholds) are computed now, in batches."""
    key = thresholds_key(thresholds)
    found = list(communities.select_related("snapshot").order_by("name", "pk"))
    snapshots = {}
    for community in found:
        snapshot = getattr(community, "snapshot", None)
        if snapshot is not None and snapshot.thresholds_key == key:
            snapshots[community.pk] = snapshot
    missing = [community.pk for community in found if community.pk not in snapshots]
    for start in range(0, len(missing), SNAPSHOT_BATCH):
        snapshots.update(
            snapshots_refresh(
                community_ids=missing[start : start + SNAPSHOT_BATCH], thresholds=thresholds
            )
        )
    return [
        (community, snapshots[community.pk]) for community in found if community.pk in snapshots
    ]


def report_snapshots(community_ids) -> dict[int, CommunitySnapshot]:
    """{community id: snapshot} with what the leader report reads, in one query; the
    communities without one are computed now (the thresholds do not matter here)."""
    ids = set(community_ids)
    snapshots = {
        snapshot.community_id: snapshot
        for snapshot in CommunitySnapshot.objects.filter(community_id__in=ids).only(
            "community_id", "computed_at", "monthly"
        )
    }
    missing = sorted(ids - set(snapshots))
    for start in range(0, len(missing), SNAPSHOT_BATCH):
        snapshots.update(snapshots_refresh(community_ids=missing[start : start + SNAPSHOT_BATCH]))
    return snapshots


def _keep(key: str, data: dict, now: datetime) -> PlatformSnapshot:
    """Insert or replace the platform snapshot row of `key`."""
    snapshot = PlatformSnapshot(key=key, computed_at=now, data=data)
    PlatformSnapshot.objects.bulk_create(
        [snapshot],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["computed_at", "data"],
    )
    return snapshot


def platform_people_refresh(*, now: datetime | None = None) -> PlatformSnapshot:
    """Compute the platform's people by stakeholder type now and save them (insert
    or replace)."""
    now = now or timezone.now()
    return _keep(PlatformSnapshot.PEOPLE, platform_people(now=now), now)


def report_period_keep(totals: PeriodTotals) -> None:
    """Keep the unfiltered report's activity totals (summed from the community
    snapshots) for the next views: one row read instead of a snapshot per community."""
    _keep(PlatformSnapshot.PERIOD, totals.to_json(), timezone.now())


def report_period_refresh() -> PeriodTotals:
    """Sum the community snapshots over the unfiltered report's default months (the
    last twelve), count its brokerage, value stories and work, and keep the result."""
    first, last = default_range()
    ids = unfiltered_scope_ids()
    totals = period_totals(report_snapshots(ids), months_between(first, last), ids)
    filters = ReportFilters(date_from=first, date_to=last)
    totals.counts = period_counts(report_scope(filters), filters)
    report_period_keep(totals)
    return totals


def report_platform() -> tuple[PlatformSnapshot, PeriodTotals | None]:
    """For the unfiltered leader report: the people by stakeholder type (computed now
    when there is none yet) and the kept activity totals, in two queries. The totals
    are None when there are none, or when a community snapshot was computed after
    them (the report then sums the snapshots again, and keeps that)."""
    rows = {
        row.key: row
        for row in PlatformSnapshot.objects.filter(
            key__in=[PlatformSnapshot.PEOPLE, PlatformSnapshot.PERIOD]
        )
    }
    people = rows.get(PlatformSnapshot.PEOPLE) or platform_people_refresh()
    period = rows.get(PlatformSnapshot.PERIOD)
    if period is None:
        return people, None
    try:
        totals = PeriodTotals.from_json(period.data)
    except (KeyError, TypeError, ValueError, AttributeError):
        # A row another version of PeriodTotals wrote: summed again and replaced.
        return people, None
    newer = CommunitySnapshot.objects.all()
    if totals.latest is not None:
        newer = newer.filter(computed_at__gt=totals.latest)
    return people, (None if newer.exists() else totals)
