"""The record of delivery runs for the facilitation team: what each scheduled run
planned and how far it got, in one aggregate query."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .kinds import kind_label
from .models import DeliveryRecord, DeliveryRun

RUNS_SHOWN = 30

Status = DeliveryRecord.Status


def delivery_runs_recent(*, now: datetime | None = None, limit: int = RUNS_SHOWN) -> list:
    """The last `limit` runs, newest first, each with counts of its records: sent,
    skipped, failed, waiting (pending, or claimed within the lease) and in doubt
    (claimed longer ago than NOTIFICATIONS_CLAIM_LEASE_SECONDS: the worker stopped
    between claiming and marking, so nobody knows whether it went). One query."""
    now = now or timezone.now()
    lease_start = now - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    claimed = Q(records__status=Status.CLAIMED)
    runs = list(
        DeliveryRun.objects.annotate(
            sent=Count("records", filter=Q(records__status=Status.SENT)),
            skipped=Count("records", filter=Q(records__status=Status.SKIPPED)),
            failed=Count("records", filter=Q(records__status=Status.FAILED)),
            waiting=Count(
                "records",
                filter=Q(records__status=Status.PENDING)
                | (claimed & Q(records__claimed_at__gte=lease_start)),
            ),
            in_doubt=Count(
                "records",
                filter=claimed
                & (Q(records__claimed_at__lt=lease_start) | Q(records__claimed_at=None)),
            ),
        ).order_by("-started_at", "-pk")[:limit]
    )
    for run in runs:
        run.kind_label = kind_label(run.kind)
    return runs
