"""What the event, action and "did you apply it?" reminders share: the beat slot a run
belongs to, who still wants reminders, quiet hours, and leaving out who is already
recorded.

Planners select candidates in one query each, with the member's email choices
joined in (`PREFERENCE_FIELDS`), and hand them to `due_from`. The builders ask again
at send time (`wants_reminders`), since a member may opt out in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Cast, Concat

from ..delivery import Due
from ..models import DeliveryRecord, NewsKind, NotificationSettings
from ..preferences import news_kinds_of, quiet_until

# Beat runs the planners this often (CELERY_BEAT_SCHEDULE "plan-reminders").
BEAT_INTERVAL = timedelta(minutes=15)


def run_period(now: datetime) -> str:
    """The beat slot `now` falls in: two beats in one slot find the same run."""
    slot = now.replace(
        minute=now.minute - now.minute % int(BEAT_INTERVAL.total_seconds() // 60),
        second=0,
        microsecond=0,
    )
    return slot.strftime("%Y-%m-%dT%H:%M")


def outer_period(prefix: str, id_field: str, suffix: str = ""):
    """Inside a planner's subquery, the period f"{prefix}{id}{suffix}" of the outer
    row whose id is in `id_field`."""
    parts = [Value(prefix), Cast(OuterRef(id_field), output_field=CharField())]
    if suffix:
        parts.append(Value(suffix))
    return Concat(*parts, output_field=CharField())


def not_yet_recorded(kind: str, *, user_field: str, period):
    """A filter: no delivery of `kind` recorded yet for this member and period (so a
    planner does not hand the same people to the engine on every beat)."""
    return ~Exists(
        DeliveryRecord.objects.filter(user=OuterRef(user_field), kind=kind, period=period)
    )


def preference_fields(user_field: str) -> dict:
    """Annotations reading the member's email choices alongside each candidate."""
    prefix = f"{user_field}__notification_settings__"
    return {
        "_time_zone": F(f"{user_field}__time_zone"),
        "_news_kinds": F(f"{prefix}news_kinds"),
        "_has_settings": F(f"{prefix}user_id"),
        "_quiet_start": F(f"{prefix}quiet_start"),
        "_quiet_end": F(f"{prefix}quiet_end"),
    }


PREFERENCE_FIELDS = ("_time_zone", "_news_kinds", "_has_settings", "_quiet_start", "_quiet_end")


def _settings_of(row: dict) -> NotificationSettings | None:
    if row["_has_settings"] is None:
        return None  # never chose: the defaults (every kind, no quiet hours)
    return NotificationSettings(
        news_kinds=row["_news_kinds"] or [],
        quiet_start=row["_quiet_start"],
        quiet_end=row["_quiet_end"],
    )


def due_from(
    rows: Iterable[dict], *, period, now: datetime, respect_quiet_hours: bool = True
) -> list[Due]:
    """Due rows for the candidates who still want reminders; those inside their quiet
    hours wait until the hours end. `period(row)` names each one's period; each row
    has `user_id`, `community_id` and the PREFERENCE_FIELDS."""
    due = []
    for row in rows:
        settings_row = _settings_of(row)
        if NewsKind.REMINDERS not in news_kinds_of(settings_row):
            continue
        not_before = None
        if respect_quiet_hours:
            not_before = quiet_until(settings_row, row["_time_zone"], now)
        due.append(
            Due(
                user_id=row["user_id"],
                period=period(row),
                community_id=row["community_id"],
                not_before=not_before,
            )
        )
    return due


def wants_reminders(person) -> bool:
    """Asked at send time: the member has not turned reminders off since."""
    return NewsKind.REMINDERS in news_kinds_of(getattr(person, "notification_settings", None))


def ids_in(records, prefix: str) -> dict[int, int]:
    """{record id: object id} for records whose period is f"{prefix}{id}[:...]"."""
    found = {}
    for record in records:
        if not record.period.startswith(prefix):
            continue
        value = record.period.removeprefix(prefix).split(":", 1)[0]
        if value.isdigit():
            found[record.pk] = int(value)
    return found
