"""Who among some people gets a reminder now, and under which period: shared by the
stewardship, newcomers and at-risk reminders.

A reminder goes to active people who keep NewsKind.REMINDERS on, whose address is not
refused, once their local DIGEST_HOUR has come (nobody is nudged at 3 a.m.; beat
plans every 15 minutes, so it goes in the first quarter hour after). Quiet hours
only delay it (`not_before`). Periods are in the member's own calendar: their local
day, ISO week or quarter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from membership.models import DeliveryRecord, User

from .. import delivery
from ..models import NewsKind
from ..preferences import news_kinds_of, quiet_until


@dataclass(frozen=True)
class Reader:
    """A person who may get a reminder now, seen in their own time zone."""

    user_id: int
    local: datetime
    not_before: datetime

    @property
    def day(self) -> str:
        return self.local.date().isoformat()

    @property
    def week(self) -> str:
        year, week, _weekday = self.local.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def quarter(self) -> str:
        return f"{self.local.year}-Q{(self.local.month - 1) // 3 + 1}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def readers(user_ids: Iterable[int], now: datetime, *, weekday: int | None = None):
    """{user id: Reader} for those of these people a reminder may be planned for now:
    active, reminders on, address not refused, local DIGEST_HOUR passed (and, with
    `weekday`, on that local weekday: 0 is Monday). One query."""
    ids = set(user_ids)
    if not ids:
        return {}
    people = User.objects.filter(pk__in=ids, is_active=True).select_related("notification_settings")
    found = {}
    for person in people:
        row = getattr(person, "notification_settings", None)
        if NewsKind.REMINDERS not in news_kinds_of(row):
            continue
        if row is not None and row.email_failing_since is not None:
            continue
        local = now.astimezone(_zone(person.time_zone))
        if local.hour < settings.DIGEST_HOUR:
            continue
        if weekday is not None and local.weekday() != weekday:
            continue
        held = quiet_until(row, person.time_zone, now)
        found[person.pk] = Reader(person.pk, local, held or now)
    return found


def record(*, kind: str, run_period: str, due: list[delivery.Due], now: datetime) -> int:
    """Record the reminders not recorded yet (two queries when all are known, so a
    beat every 15 minutes costs little) and send them once this commits. Returns how
    many were new."""
    if not due:
        return 0
    known = set(
        DeliveryRecord.objects.filter(
            kind=kind,
            user_id__in={row.user_id for row in due},
            period__in={row.period for row in due},
        ).values_list("user_id", "period")
    )
    new = [row for row in due if (row.user_id, row.period) not in known]
    if new:
        delivery.plan(kind=kind, run_period=run_period, due=new, now=now)
    return len(new)


def run_day(now: datetime) -> str:
    return now.date().isoformat()


def run_week(now: datetime) -> str:
    year, week, _weekday = now.isocalendar()
    return f"{year}-W{week:02d}"


def period_tail(period: str) -> str:
    """The last part of a period such as "community:3:2026-12-07"."""
    return period.rsplit(":", 1)[-1]


def period_id(period: str, prefix: str) -> int | None:
    """The id in a period such as "item:12:2026-12-07" (prefix "item")."""
    parts = period.split(":")
    if len(parts) >= 2 and parts[0] == prefix and parts[1].isdigit():
        return int(parts[1])
    return None
