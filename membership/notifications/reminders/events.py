"""Event reminders by email: a day and an hour before a meeting to those going, and
an RSVP nudge to members who have not replied to a meeting in the next three days.

Due times come from the meetings' start times in the database; beat runs `plan`
every 15 minutes, so a reminder goes at the first beat inside its window:

- "event_reminder_day": 1 hour < start - now <= 24 hours (period
  "occurrence:<id>:day"). Held back by quiet hours; not sent once the hour reminder
  is due, so a late reply does not get both at once.
- "event_reminder_hour": 0 < start - now <= 1 hour + one beat (period
  "occurrence:<id>:hour"). Not held back by quiet hours: later would be too late.
- "rsvp_nudge": 0 < start - now <= 3 days, to members who may take part, have not
  replied and do not organise it (period "occurrence:<id>:rsvp").

Builders ask again at send time: a cancelled meeting, a reply changed from going, a
meeting already started, or a member who may no longer read (or take part in) the
community gets nothing. The in-app reminder a day before is written by
communities/events (services.reminders_send).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from communities.events.models import EventOccurrence, Rsvp
from copplatform.emails import absolute_url
from membership import permissions

from .. import delivery
from ..delivery import Email
from ._planning import (
    BEAT_INTERVAL,
    PREFERENCE_FIELDS,
    due_from,
    ids_in,
    not_yet_recorded,
    outer_period,
    preference_fields,
    run_period,
    wants_reminders,
)

DAY = "event_reminder_day"
HOUR = "event_reminder_hour"
RSVP_NUDGE = "rsvp_nudge"

DAY_LEAD = timedelta(hours=24)
HOUR_LEAD = timedelta(hours=1)
NUDGE_LEAD = timedelta(days=3)
SUFFIX = {DAY: ":day", HOUR: ":hour", RSVP_NUDGE: ":rsvp"}
TEMPLATES = "membership/email/reminders/"


def plan(now: datetime) -> int:
    """Record everyone due an event reminder or RSVP nudge now; returns how many."""
    return (
        _plan_going(DAY, now, after=now + HOUR_LEAD, until=now + DAY_LEAD, quiet_hours=True)
        + _plan_going(HOUR, now, after=now, until=now + HOUR_LEAD + BEAT_INTERVAL)
        + _plan_nudges(now)
    )


def _record(kind: str, due, now: datetime) -> int:
    if due:
        delivery.plan(kind=kind, run_period=run_period(now), due=due, now=now)
    return len(due)


def _plan_going(
    kind: str, now: datetime, *, after: datetime, until: datetime, quiet_hours: bool = False
) -> int:
    suffix = SUFFIX[kind]
    rows = (
        Rsvp.objects.filter(
            response=Rsvp.Response.GOING,
            occurrence__starts_at__gt=after,
            occurrence__starts_at__lte=until,
            occurrence__is_cancelled=False,
            occurrence__event__cancelled_at=None,
            user__is_active=True,
        )
        .filter(
            not_yet_recorded(
                kind, user_field="user", period=outer_period("occurrence:", "occurrence", suffix)
            )
        )
        .annotate(community_id=F("occurrence__event__community_id"), **preference_fields("user"))
        .values("user_id", "occurrence_id", "community_id", *PREFERENCE_FIELDS)
    )
    due = due_from(
        rows,
        period=lambda row: f"occurrence:{row['occurrence_id']}{suffix}",
        now=now,
        respect_quiet_hours=quiet_hours,
    )
    return _record(kind, due, now)


def _plan_nudges(now: datetime) -> int:
    suffix = SUFFIX[RSVP_NUDGE]
    upcoming = EventOccurrence.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + NUDGE_LEAD,
        is_cancelled=False,
        event__cancelled_at=None,
    )
    rows = (
        permissions.memberships_that_may_participate()
        # One row per member and upcoming meeting of their community.
        .annotate(
            occurrence_id=F("community__events__occurrences__id"),
            organiser_id=F("community__events__organiser_id"),
        )
        .filter(occurrence_id__in=upcoming.values("pk"))
        .filter(Q(organiser_id=None) | ~Q(user_id=F("organiser_id")))
        .filter(
            ~Exists(
                Rsvp.objects.filter(occurrence=OuterRef("occurrence_id"), user=OuterRef("user"))
            )
        )
        .filter(
            not_yet_recorded(
                RSVP_NUDGE,
                user_field="user",
                period=outer_period("occurrence:", "occurrence_id", suffix),
            )
        )
        .annotate(**preference_fields("user"))
        .values("user_id", "occurrence_id", "community_id", *PREFERENCE_FIELDS)
    )
    due = due_from(rows, period=lambda row: f"occurrence:{row['occurrence_id']}{suffix}", now=now)
    return _record(RSVP_NUDGE, due, now)


# --- building the emails (at send time) ----------------------------------------------


def _occurrences_of(records) -> tuple[dict[int, int], dict[int, EventOccurrence]]:
    """{record id: occurrence id} and the occurrences, with event and community, in
    one query; every recipient's permissions on those communities in one more."""
    occurrence_of = ids_in(records, "occurrence:")
    occurrences = EventOccurrence.objects.select_related("event__community").in_bulk(
        set(occurrence_of.values())
    )
    permissions.prefetch_for_each(
        [record.user for record in records],
        {occurrence.event.community for occurrence in occurrences.values()},
    )
    return occurrence_of, occurrences


def _context(person, occurrence: EventOccurrence) -> dict:
    event = occurrence.event
    online = event.online_url if permissions.may_see_event_link(person, event) else ""
    return {
        "occurrence": occurrence,
        "event": event,
        "community": event.community,
        "occurrence_url": absolute_url(occurrence.get_absolute_url()),
        "online_url": online,
    }


def _build_going(records, *, kind: str) -> dict[int, Email | None]:
    now = timezone.now()
    occurrence_of, occurrences = _occurrences_of(records)
    going = set(
        Rsvp.objects.filter(
            occurrence_id__in=occurrences.keys(),
            user_id__in={record.user_id for record in records},
            response=Rsvp.Response.GOING,
        ).values_list("occurrence_id", "user_id")
    )
    # Nothing once the meeting has begun; and no day reminder once the hour reminder
    # is due (a late reply, or a day reminder held back by quiet hours, would
    # otherwise arrive next to it).
    latest_start = now + HOUR_LEAD + BEAT_INTERVAL if kind == DAY else now
    emails: dict[int, Email | None] = {}
    for record in records:
        person = record.user
        occurrence = occurrences.get(occurrence_of.get(record.pk))
        relevant = (
            occurrence is not None
            and not occurrence.is_off
            and occurrence.starts_at > latest_start
            and (occurrence.pk, person.pk) in going
            and wants_reminders(person)
            and permissions.may_read_event(person, occurrence.event)
        )
        emails[record.pk] = (
            Email(
                TEMPLATES + ("event_day" if kind == DAY else "event_hour"),
                _context(person, occurrence),
                unsubscribe_scope="reminders",
            )
            if relevant
            else None
        )
    return emails


@delivery.register(DAY)
def build_day_reminders(records) -> dict[int, Email | None]:
    """Three queries for any number of records: the meetings, the recipients'
    permissions, their replies."""
    return _build_going(records, kind=DAY)


@delivery.register(HOUR)
def build_hour_reminders(records) -> dict[int, Email | None]:
    return _build_going(records, kind=HOUR)


@delivery.register(RSVP_NUDGE)
def build_rsvp_nudges(records) -> dict[int, Email | None]:
    """Three queries: the meetings, the recipients' permissions, their replies."""
    now = timezone.now()
    occurrence_of, occurrences = _occurrences_of(records)
    replied = set(
        Rsvp.objects.filter(
            occurrence_id__in=occurrences.keys(),
            user_id__in={record.user_id for record in records},
        ).values_list("occurrence_id", "user_id")
    )
    emails: dict[int, Email | None] = {}
    for record in records:
        person = record.user
        occurrence = occurrences.get(occurrence_of.get(record.pk))
        relevant = (
            occurrence is not None
            and not occurrence.is_off
            and occurrence.starts_at > now
            and (occurrence.pk, person.pk) not in replied
            and wants_reminders(person)
            and permissions.may_rsvp(person, occurrence.event)
        )
        emails[record.pk] = (
            Email(TEMPLATES + "rsvp_nudge", _context(person, occurrence), "reminders")
            if relevant
            else None
        )
    return emails
