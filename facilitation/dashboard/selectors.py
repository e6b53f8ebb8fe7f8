"""Reads for the dashboard pages: signals with their flags, ordered for a facilitator."""

from django.db.models import QuerySet

from facilitation.models import RiskThresholds
from facilitation.snapshots.codec import signals_from_json

from .flags import attach_flags
from .signals import Period, signals_for


def dashboard_rows(communities: QuerySet, *, period: Period, thresholds: RiskThresholds) -> list:
    """CommunitySignals with flags, the communities at risk first (most flags first),
    then by name."""
    signals = signals_for(communities, period=period, thresholds=thresholds)
    attach_flags(signals, thresholds)
    return sorted(
        signals.values(), key=lambda s: (-len(s.flags), s.community.name.lower(), s.community.pk)
    )


def dashboard_rows_from_snapshots(pairs, *, days: int, thresholds: RiskThresholds) -> list:
    """As dashboard_rows, from snapshots: [(community, CommunitySnapshot)] as
    facilitation.snapshots.services.snapshots_for gives them, for the period of
    `days` (one of PERIOD_CHOICES) ending when each snapshot was computed."""
    signals = {
        community.pk: signals_from_json(snapshot.signals[str(days)], community)
        for community, snapshot in pairs
    }
    attach_flags(signals, thresholds)
    return sorted(
        signals.values(), key=lambda s: (-len(s.flags), s.community.name.lower(), s.community.pk)
    )
