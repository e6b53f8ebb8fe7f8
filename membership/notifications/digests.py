"""Daily and weekly digests: planning who is due and building what each says."""

from __future__ import annotations

from datetime import datetime

DAILY = "digest_daily"
WEEKLY = "digest_weekly"


def plan_digests(now: datetime | None = None) -> int:
    """Plan the digests that are due now; returns how many members were recorded."""
    return 0
