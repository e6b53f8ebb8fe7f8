"""Reads for the dashboard pages: signals with their flags, ordered for a facilitator."""

from django.db.models import QuerySet

from facilitation.models import RiskThresholds

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
