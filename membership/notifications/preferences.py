"""A member's email choices: reading them (with defaults), quiet hours, and the
signed one-click unsubscribe every email carries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import gettext as _

from membership.models import Membership, User

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


# --- the email settings page --------------------------------------------------------


def email_settings_memberships(*, user) -> list[Membership]:
    """The member's memberships with their communities, by community name: the rows
    of the per-community table (one query however many there are)."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("community")
        .order_by(Lower("community__name"), "pk")
    )


@dataclass(frozen=True)
class CommunityEmailChoice:
    """What the member chose for one of their memberships."""

    membership_id: int
    frequency: str  # a Membership.EmailFrequency value; "" follows the overall choice
    announcement_email: bool


def quiet_hours_problem(start: time | None, end: time | None) -> tuple[str, str] | None:
    """(field, message) if quiet hours are half given or empty; None if they are fine."""
    if (start is None) != (end is None):
        field = "quiet_end" if end is None else "quiet_start"
        return field, _("Give both the start and the end of your quiet hours, or neither.")
    if start is not None and start == end:
        return "quiet_end", _("Quiet hours must end at a different time than they start.")
    return None


def _validate_settings(*, frequency, news_kinds, quiet_start, quiet_end, time_zone, communities):
    from communities.events.services import valid_time_zone

    errors = {}
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose how often we may email you.")
    if set(news_kinds) - set(NewsKind.values):
        errors["news_kinds"] = _("Choose what to include from the list.")
    problem = quiet_hours_problem(quiet_start, quiet_end)
    if problem:
        errors[problem[0]] = problem[1]
    if not valid_time_zone(time_zone):
        errors["time_zone"] = _("Choose a time zone from the list.")
    if any(choice.frequency not in Membership.EmailFrequency.values for choice in communities):
        errors.setdefault("__all__", _("Choose how often each community may email you."))
    if errors:
        raise ValidationError(errors)


def email_settings_save(
    *,
    user: User,
    frequency: str,
    news_kinds: Iterable[str],
    quiet_start: time | None,
    quiet_end: time | None,
    time_zone: str,
    communities: Iterable[CommunityEmailChoice] = (),
) -> NotificationSettings:
    """Save a member's email choices: overall, quiet hours and time zone, and for each
    of their own memberships named in `communities` (others' are left alone).

    Quiet hours are both given or both empty, and differ. A constant number of
    queries however many memberships. Does not touch a failing address (see
    email_failure_clear)."""
    news_kinds = set(news_kinds)
    communities = list(communities)
    _validate_settings(
        frequency=frequency,
        news_kinds=news_kinds,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        time_zone=time_zone,
        communities=communities,
    )
    ordered_kinds = [kind for kind in NewsKind.values if kind in news_kinds]
    with transaction.atomic():
        row, _created = NotificationSettings.objects.update_or_create(
            user=user,
            defaults={
                "frequency": frequency,
                "news_kinds": ordered_kinds,
                "quiet_start": quiet_start,
                "quiet_end": quiet_end,
            },
        )
        User.objects.filter(pk=user.pk).update(time_zone=time_zone)
        user.time_zone = time_zone
        if communities:
            # One UPDATE for every membership; the filter on the member means an id
            # that is not theirs changes nothing.
            Membership.objects.filter(
                user=user, pk__in=[choice.membership_id for choice in communities]
            ).update(
                email_frequency=Case(
                    *[When(pk=c.membership_id, then=Value(c.frequency)) for c in communities],
                    default=F("email_frequency"),
                ),
                announcement_email=Case(
                    *[
                        When(pk=c.membership_id, then=Value(c.announcement_email))
                        for c in communities
                    ],
                    default=F("announcement_email"),
                ),
            )
    return row


def email_failure_clear(*, user) -> bool:
    """The member says their address works again (or changed it): mail may go to it
    again. Returns whether it had been marked failing."""
    return bool(
        NotificationSettings.objects.filter(user_id=user.pk)
        .exclude(email_failing_since=None)
        .update(email_failing_since=None, email_failure="")
    )
