"""Writes for the dashboard: the platform's risk thresholds."""

from django.db import transaction

from facilitation.models import RiskThresholds
from facilitation.tasks import refresh_all_snapshots
from membership.models import User


@transaction.atomic
def thresholds_update(*, thresholds: RiskThresholds, actor: User, values: dict) -> RiskThresholds:
    """Save validated values (from ThresholdsForm.cleaned_data)."""
    for name, value in values.items():
        setattr(thresholds, name, value)
    thresholds.updated_by = actor
    thresholds.full_clean()
    thresholds.save()
    # Some signals depend on the thresholds: the snapshots computed with the old ones
    # are computed again (on first view meanwhile).
    transaction.on_commit(refresh_all_snapshots.delay)
    return thresholds
