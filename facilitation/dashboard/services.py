"""Writes for the dashboard: the platform's risk thresholds."""

from django.db import transaction

from facilitation.models import RiskThresholds
from membership.models import User


@transaction.atomic
def thresholds_update(*, thresholds: RiskThresholds, actor: User, values: dict) -> RiskThresholds:
    """Save validated values (from ThresholdsForm.cleaned_data)."""
    for name, value in values.items():
        setattr(thresholds, name, value)
    thresholds.updated_by = actor
    thresholds.full_clean()
    thresholds.save()
    return thresholds
