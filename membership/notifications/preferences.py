"""A member's email choices: reading them (with defaults), quiet hours, and the
signed one-click unsubscribe every email carries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import signing
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from membership.models import Membership

from .models import Frequency, NewsKind, NotificationSettings

UNSUBSCRIBE_SALT = "membership.email.unsubscribe"


def settings_for(user) -> NotificationSettings:
    """The member's settings row, unsaved with the defaults if they never chose."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def memberships_with_frequency(memberships: QuerySet[Membership] | None = None) -> QuerySet:
    """Memberships annotated with `frequency`: the community's own choice, else the
    member's overall choice, else the weekly default."""
    memberships = memberships if memberships is not None else Membership.objects.all()
    return memberships.annotate(
        frequency=Coalesce(
            NullIf(F("email_frequency"), Value("")),
            F("user__notification_settings__frequency"),
            Value(Frequency.WEEKLY.value),
        )
    )


def news_kinds_of(settings_row: NotificationSettings | None) -> set[str]:
    if settings_row is None:
        return {kind.value for kind in NewsKind}
    return set(settings_row.news_kinds or [])


def quiet_until(settings_row: NotificationSettings | None, time_zone: str, now: datetime):
    """When the member's quiet hours end, if `now` falls inside them; else None."""
    if settings_row is None or settings_row.quiet_start is None or settings_row.quiet_end is None:
        return None
    start, end = settings_row.quiet_start, settings_row.quiet_end
    if start == end:
        return None
    try:
        zone = ZoneInfo(time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    crosses_midnight = start > end
    inside = (start <= clock or clock < end) if crosses_midnight else (start <= clock < end)
    if not inside:
        return None
    end_day = local.date()
    if crosses_midnight and clock >= start:
        end_day += timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(now.tzinfo)


# --- one-click unsubscribe ----------------------------------------------------------


def unsubscribe_token(user_id: int, scope: str) -> str:
    """A signed, non-expiring token naming a member and what to turn off."""
    return signing.dumps({"u": user_id, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def describe_scope(scope: str) -> tuple[str, int | None]:
    """("all" | "community" | "announcements" | "reminders", community id or None)."""
    name, _sep, value = scope.partition(":")
    if name in {"community", "announcements"} and value.isdigit():
        return name, int(value)
    if name == "reminders":
        return name, None
    return "all", None


def unsubscribe_apply(*, user, scope: str) -> None:
    """Turn off what an email's unsubscribe link names. Idempotent."""
    name, community_id = describe_scope(scope)
    if name == "community":
        Membership.objects.filter(user=user, community_id=community_id).update(
            email_frequency=Membership.EmailFrequency.NONE
        )
    elif name == "announcements":
        Membership.objects.filter(user=user, community_id=community_id).update(
            announcement_email=False
        )
    else:
        row, _created = NotificationSettings.objects.get_or_create(user=user)
        if name == "reminders":
            row.news_kinds = [k for k in row.news_kinds if k != NewsKind.REMINDERS]
        else:
            row.frequency = Frequency.NONE
            row.news_kinds = [k for k in row.news_kinds if k != NewsKind.REMINDERS]
            Membership.objects.filter(user=user).exclude(email_frequency="").update(
                email_frequency=""
            )
            Membership.objects.filter(user=user).update(announcement_email=False)
        row.save()
