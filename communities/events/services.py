"""Writes for meetings and events: scheduling, changes, replies, agendas, attendance,
minutes, actions, reminders and calendar feeds.

Every function takes keyword arguments, validates before it saves and runs in one
transaction. Permission questions are asked by the views (membership.permissions);
the services enforce what must hold whoever calls them.
"""

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.activity.services import activity_record
from communities.models import Activity
from membership import permissions
from membership.models import Membership, User
from membership.notifications.models import Notification
from membership.notifications.services import notify

from .models import (
    Action,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Event,
    EventOccurrence,
    ReminderSent,
    Rsvp,
    new_feed_token,
)

Recurrence = Event.Recurrence
Response = Rsvp.Response

# Generation is bounded: a series never holds more than this, nor reaches further.
MAX_OCCURRENCES = 60
MAX_SPAN_DAYS = 366
REMINDER_LEAD = timedelta(hours=24)
# Who hears about a change: everyone who said they would (or might) come.
INTERESTED = (Response.GOING, Response.WAITING, Response.MAYBE)

_STEP = {
    Recurrence.WEEKLY: (rrule.WEEKLY, 1),
    Recurrence.FORTNIGHTLY: (rrule.WEEKLY, 2),
}


# --- time zones and recurrence ---------------------------------------------------


def valid_time_zone(name: str) -> bool:
    if not name or name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_to_utc(local: datetime, time_zone: str) -> datetime:
    """A wall-clock time in `time_zone` (naive) as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def occurrence_times(
    *,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    recurrence: str,
    repeat_until: date | None,
    repeat_count: int | None,
) -> list[tuple[datetime, datetime]]:
    """Start and end (UTC) of every meeting of a series, at most MAX_OCCURRENCES and
    within MAX_SPAN_DAYS of the first.

    Repeats are computed in the organiser's wall-clock time, so a 19:00 meeting stays
    at 19:00 locally when daylight-saving time starts or ends.
    """
    duration = ends_at - starts_at
    if recurrence == Recurrence.NONE:
        return [(starts_at, ends_at)]
    zone = ZoneInfo(time_zone)
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    horizon = local_start + timedelta(days=MAX_SPAN_DAYS)
    until = horizon
    if repeat_until is not None:
        until = min(horizon, datetime.combine(repeat_until, time.max))
    if recurrence == Recurrence.MONTHLY_WEEKDAY:
        nth = (local_start.day - 1) // 7 + 1
        # A fifth weekday is the last one of its month; not every month has a fifth.
        weekday = rrule.weekday(local_start.weekday(), -1 if nth == 5 else nth)
        rule = rrule.rrule(rrule.MONTHLY, byweekday=weekday, dtstart=local_start, until=until)
    else:
        frequency, interval = _STEP[recurrence]
        rule = rrule.rrule(frequency, interval=interval, dtstart=local_start, until=until)
    limit = min(repeat_count or MAX_OCCURRENCES, MAX_OCCURRENCES)
    times = []
    for local in islice(rule, limit):
        start = local_to_utc(local, time_zone)
        times.append((start, start + duration))
    return times or [(starts_at, ends_at)]


def _validate_schedule(
    *,
    starts_at,
    ends_at,
    time_zone,
    recurrence,
    repeat_until,
    repeat_count,
    capacity=None,
    online_url="",
) -> None:
    errors: dict[str, str] = {}
    if not valid_time_zone(time_zone):
        errors["time_zone"] = _("Choose a time zone from the list.")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    if recurrence not in Recurrence.values:
        errors["recurrence"] = _("Choose how often the event repeats.")
    elif recurrence != Recurrence.NONE:
        if repeat_until is None and not repeat_count:
            errors["repeat_until"] = _(
                "Say when the meetings stop: an end date or a number of meetings."
            )
        if repeat_until is not None and starts_at and repeat_until < starts_at.date():
            errors["repeat_until"] = _("The last date must not be before the first meeting.")
        if repeat_count is not None and not 1 <= repeat_count <= MAX_OCCURRENCES:
            errors["repeat_count"] = _("Choose between 1 and %(max)s meetings.") % {
                "max": MAX_OCCURRENCES
            }
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Leave empty for no limit, or give at least one place.")
    if online_url:
        try:
            URLValidator(schemes=["http", "https"])(online_url)
        except ValidationError:
            errors["online_url"] = _("Enter a full web address starting with https://.")
    if errors:
        raise ValidationError(errors)


# --- scheduling and changing events ------------------------------------------------


@transaction.atomic
def event_create(
    *,
    community,
    organiser: User,
    title: str,
    agenda: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
    recurrence: str = Recurrence.NONE,
    repeat_until: date | None = None,
    repeat_count: int | None = None,
) -> Event:
    """Schedule an event and generate its meetings. Raises ValidationError by field."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Give the event a title.")})
    _validate_schedule(
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        recurrence=recurrence,
        repeat_until=repeat_until,
        repeat_count=repeat_count,
        capacity=capacity,
        online_url=online_url,
    )
    if recurrence == Recurrence.NONE:
        repeat_until, repeat_count = None, None
    event = Event.objects.create(
        community=community,
        organiser=organiser,
        title=title,
        agenda=agenda.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        place=place.strip(),
        online_url=online_url.strip(),
        capacity=capacity,
        recurrence=recurrence,
        repeat_until=repeat_until,
        repeat_count=repeat_count,
    )
    times = occurrence_times(
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        recurrence=recurrence,
        repeat_until=repeat_until,
        repeat_count=repeat_count,
    )
    EventOccurrence.objects.bulk_create(
        EventOccurrence(event=event, position=n, starts_at=start, ends_at=end)
        for n, (start, end) in enumerate(times)
    )
    activity_record(
        community=community,
        actor=organiser,
        verb=Activity.Verb.EVENT_SCHEDULED,
        target=event,
        title=event.title,
        url=event.get_absolute_url(),
    )
    return event


def _sync_occurrences(event: Event, now: datetime) -> list[EventOccurrence]:
    """Bring upcoming meetings in line with the series; past ones keep their record.

    Matched by position, so replies and agenda items stay with the nth meeting. A
    surplus meeting is deleted if nothing hangs on it, otherwise cancelled. Returns
    the upcoming meetings whose time changed or that were cancelled.
    """
    times = occurrence_times(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        recurrence=event.recurrence,
        repeat_until=event.repeat_until,
        repeat_count=event.repeat_count,
    )
    existing = {found.position: found for found in event.occurrences.all()}
    changed, new = [], []
    for position, (start, end) in enumerate(times):
        found = existing.pop(position, None)
        if found is None:
            new.append(
                EventOccurrence(event=event, position=position, starts_at=start, ends_at=end)
            )
        elif found.starts_at > now and (found.starts_at, found.ends_at) != (start, end):
            found.starts_at, found.ends_at = start, end
            found.save(update_fields=["starts_at", "ends_at", "updated_at"])
            changed.append(found)
    EventOccurrence.objects.bulk_create(new)
    for surplus in existing.values():
        if surplus.starts_at <= now or surplus.is_cancelled:
            continue
        has_content = (
            surplus.rsvps.exists() or surplus.agenda_items.exists() or surplus.actions.exists()
        )
        if has_content:
            surplus.is_cancelled = True
            surplus.save(update_fields=["is_cancelled", "updated_at"])
            changed.append(surplus)
        else:
            surplus.delete()
    return changed


def _notify_interested(occurrences, *, actor, event: Event, title: str) -> None:
    """Tell those who replied going, waiting or maybe, if they may still read it."""
    ids = [found.pk for found in occurrences]
    if not ids:
        return
    people = User.objects.filter(
        rsvps__occurrence_id__in=ids, rsvps__response__in=INTERESTED
    ).distinct()
    recipients = permissions.readers_among(people, event.community)
    url = event.get_absolute_url() if len(ids) > 1 else occurrences[0].get_absolute_url()
    notify(
        list(recipients),
        kind=Notification.Kind.EVENT_CHANGED,
        actor=actor,
        title=title,
        url=url,
        community=event.community,
    )


def _upcoming(event: Event, now: datetime):
    return event.occurrences.filter(starts_at__gt=now, is_cancelled=False)


@transaction.atomic
def event_update(
    *,
    event: Event,
    actor: User,
    title: str,
    agenda: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place: str = "",
    online_url: str = "",
    capacity: int | None = None,
    recurrence: str = Recurrence.NONE,
    repeat_until: date | None = None,
    repeat_count: int | None = None,
) -> Event:
    """Change an event. A new time or repetition re-plans the upcoming meetings; a new
    time or place is announced to those who replied."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Give the event a title.")})
    _validate_schedule(
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        recurrence=recurrence,
        repeat_until=repeat_until,
        repeat_count=repeat_count,
        capacity=capacity,
        online_url=online_url,
    )
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled and can no longer be changed."))
    if recurrence == Recurrence.NONE:
        repeat_until, repeat_count = None, None
    now = timezone.now()
    schedule = (starts_at, ends_at, time_zone, recurrence, repeat_until, repeat_count)
    old_schedule = (
        event.starts_at,
        event.ends_at,
        event.time_zone,
        event.recurrence,
        event.repeat_until,
        event.repeat_count,
    )
    place_changed = (place.strip(), online_url.strip()) != (event.place, event.online_url)
    capacity_grew = event.capacity is not None and (capacity is None or capacity > event.capacity)
    event.title, event.agenda = title, agenda.strip()
    event.starts_at, event.ends_at, event.time_zone = starts_at, ends_at, time_zone
    event.recurrence, event.repeat_until, event.repeat_count = (
        recurrence,
        repeat_until,
        repeat_count,
    )
    event.place, event.online_url, event.capacity = place.strip(), online_url.strip(), capacity
    event.save()
    affected = {}
    if schedule != old_schedule:
        affected.update((found.pk, found) for found in _sync_occurrences(event, now))
    if place_changed:
        affected.update((found.pk, found) for found in _upcoming(event, now))
    if capacity_grew:
        for found in _upcoming(event, now):
            _promote_waiting(found, actor=actor)
    if affected:
        _notify_interested(
            list(affected.values()),
            actor=actor,
            event=event,
            title=_("Changed: %(title)s") % {"title": title},
        )
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor: User) -> Event:
    if event.is_cancelled:
        return event
    now = timezone.now()
    upcoming = list(_upcoming(event, now))
    event.cancelled_at = now
    event.save(update_fields=["cancelled_at", "updated_at"])
    _notify_interested(
        upcoming, actor=actor, event=event, title=_("Cancelled: %(title)s") % {"title": event.title}
    )
    return event


@transaction.atomic
def occurrence_update(
    *,
    occurrence: EventOccurrence,
    actor: User,
    starts_at: datetime,
    ends_at: datetime,
    title_override: str = "",
    place_override: str = "",
) -> EventOccurrence:
    """Change one meeting of a series; those who replied hear of a new time or place."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    moved = (starts_at, ends_at) != (occurrence.starts_at, occurrence.ends_at)
    new_place = place_override.strip() != occurrence.place_override
    occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
    occurrence.title_override = " ".join(title_override.split())
    occurrence.place_override = place_override.strip()
    occurrence.save()
    if (moved or new_place) and not occurrence.is_off:
        _notify_interested(
            [occurrence],
            actor=actor,
            event=occurrence.event,
            title=_("Changed: %(title)s") % {"title": occurrence.title},
        )
    return occurrence


@transaction.atomic
def occurrence_set_cancelled(
    *, occurrence: EventOccurrence, actor: User, cancelled: bool
) -> EventOccurrence:
    if occurrence.is_cancelled == cancelled:
        return occurrence
    occurrence.is_cancelled = cancelled
    occurrence.save(update_fields=["is_cancelled", "updated_at"])
    template = _("Cancelled: %(title)s") if cancelled else _("On again: %(title)s")
    _notify_interested(
        [occurrence],
        actor=actor,
        event=occurrence.event,
        title=template % {"title": occurrence.title},
    )
    return occurrence


# --- replies and the waiting list ------------------------------------------------


def _going_count(occurrence: EventOccurrence) -> int:
    return occurrence.rsvps.filter(response=Response.GOING).count()


def _promote_waiting(occurrence: EventOccurrence, *, actor) -> list[Rsvp]:
    """Fill free places from the waiting list, in the order people joined it."""
    capacity = occurrence.event.capacity
    waiting = occurrence.rsvps.filter(response=Response.WAITING).select_related("user")
    waiting = waiting.order_by("waiting_since", "pk")
    if capacity is not None:
        free = capacity - _going_count(occurrence)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for rsvp in promoted:
        rsvp.response, rsvp.waiting_since = Response.GOING, None
        rsvp.save(update_fields=["response", "waiting_since", "updated_at"])
    if promoted:
        notify(
            list(
                permissions.readers_among(
                    User.objects.filter(pk__in=[rsvp.user_id for rsvp in promoted]),
                    occurrence.event.community,
                )
            ),
            kind=Notification.Kind.EVENT_CHANGED,
            actor=None,
            title=_("A place is yours: %(title)s") % {"title": occurrence.title},
            url=occurrence.get_absolute_url(),
            community=occurrence.event.community,
        )
    return promoted


@transaction.atomic
def rsvp_set(*, occurrence: EventOccurrence, user: User, response: str) -> Rsvp:
    """Reply to one meeting. "Going" at capacity puts the member on the waiting list;
    a place given up goes to the first person waiting."""
    if response not in (Response.GOING, Response.MAYBE, Response.NOT_GOING):
        raise ValidationError({"response": _("Choose going, maybe or not going.")})
    # Lock the meeting so two last-place replies cannot both get it.
    occurrence = (
        EventOccurrence.objects.select_for_update()
        .select_related("event__community")
        .get(pk=occurrence.pk)
    )
    if occurrence.is_off:
        raise ValidationError(_("This meeting is cancelled."))
    if occurrence.ends_at <= timezone.now():
        raise ValidationError(_("This meeting is over."))
    rsvp = Rsvp.objects.filter(occurrence=occurrence, user=user).first()
    was_going = rsvp is not None and rsvp.response == Response.GOING
    if rsvp is None:
        rsvp = Rsvp(occurrence=occurrence, user=user)
    if response == Response.GOING:
        if rsvp.response in (Response.GOING, Response.WAITING):
            return rsvp
        capacity = occurrence.event.capacity
        if capacity is not None and _going_count(occurrence) >= capacity:
            rsvp.response, rsvp.waiting_since = Response.WAITING, timezone.now()
        else:
            rsvp.response, rsvp.waiting_since = Response.GOING, None
    else:
        rsvp.response, rsvp.waiting_since = response, None
    rsvp.save()
    if was_going and rsvp.response != Response.GOING:
        _promote_waiting(occurrence, actor=user)
    return rsvp


# --- the co-produced agenda -----------------------------------------------------------


@transaction.atomic
def agenda_item_propose(
    *, occurrence: EventOccurrence, user: User, title: str, details: str = ""
) -> AgendaItem:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Say what you would like to discuss.")})
    return AgendaItem.objects.create(
        occurrence=occurrence, title=title, details=details.strip(), proposed_by=user
    )


@transaction.atomic
def agenda_item_decide(*, item: AgendaItem, actor: User, accept: bool) -> AgendaItem:
    if accept:
        last = (
            AgendaItem.objects.filter(
                occurrence_id=item.occurrence_id, status=AgendaItem.Status.ACCEPTED
            )
            .exclude(pk=item.pk)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        item.status = AgendaItem.Status.ACCEPTED
        item.position = (last or 0) + 1
    else:
        item.status = AgendaItem.Status.DECLINED
    item.save(update_fields=["status", "position", "updated_at"])
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, actor: User, direction: str) -> AgendaItem:
    """Swap an accepted item with its neighbour above ("up") or below ("down")."""
    if item.status != AgendaItem.Status.ACCEPTED or direction not in ("up", "down"):
        raise ValidationError(_("Only items on the agenda can be moved up or down."))
    accepted = list(
        AgendaItem.objects.select_for_update()
        .filter(occurrence_id=item.occurrence_id, status=AgendaItem.Status.ACCEPTED)
        .order_by("position", "created_at", "pk")
    )
    index = next(i for i, found in enumerate(accepted) if found.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(accepted):
        return item
    accepted[index], accepted[other] = accepted[other], accepted[index]
    for position, found in enumerate(accepted, start=1):
        if found.position != position:
            found.position = position
            found.save(update_fields=["position", "updated_at"])
    item.refresh_from_db()
    return item


# --- after the meeting: attendance, minutes, actions -------------------------------


def _members_of(community):
    return User.objects.filter(memberships__community=community, is_active=True)


@transaction.atomic
def attendance_record(*, occurrence: EventOccurrence, actor: User, user_ids) -> int:
    """Record who came (replacing what was recorded). Only members can be recorded."""
    community = occurrence.event.community
    wanted = set(_members_of(community).filter(pk__in=user_ids).values_list("pk", flat=True))
    if len(wanted) != len(set(user_ids)):
        raise ValidationError({"attendees": _("Choose only members of this community.")})
    Attendance.objects.filter(occurrence=occurrence).exclude(user_id__in=wanted).delete()
    already = set(
        Attendance.objects.filter(occurrence=occurrence).values_list("user_id", flat=True)
    )
    Attendance.objects.bulk_create(
        Attendance(occurrence=occurrence, user_id=pk, recorded_by=actor)
        for pk in sorted(wanted - already)
    )
    occurrence.attendance_recorded_at = timezone.now()
    occurrence.save(update_fields=["attendance_recorded_at", "updated_at"])
    _work_log_meeting(occurrence, actor)
    return len(wanted)


def _work_log_meeting(occurrence: EventOccurrence, actor: User) -> None:
    """A facilitator who records attendance ran (or supported) the meeting: once per
    occurrence in their work log, however often the attendance is corrected."""
    from facilitation.coordination.services import work_log_record
    from facilitation.models import WorkLogEntry

    work_log_record(
        facilitator=actor,
        community=occurrence.event.community,
        kind=WorkLogEntry.Kind.MEETING,
        description=_("Ran a meeting: %(title)s") % {"title": occurrence.event.title},
        source=f"meeting:{occurrence.pk}",
        occurred_on=timezone.localdate(occurrence.starts_at),
    )


@transaction.atomic
def minutes_save(*, occurrence: EventOccurrence, actor: User, minutes: str) -> EventOccurrence:
    occurrence.minutes = minutes.strip()
    occurrence.minutes_updated_at = timezone.now()
    occurrence.save(update_fields=["minutes", "minutes_updated_at", "updated_at"])
    return occurrence


@transaction.atomic
def action_create(
    *,
    occurrence: EventOccurrence,
    actor: User,
    title: str,
    owner: User,
    due_on: date | None = None,
    charter_aim: str = "",
    knowledge_url: str = "",
) -> Action:
    """Record an action from a meeting; its owner (a member) is notified."""
    community = occurrence.event.community
    errors = {}
    title = " ".join(title.split())
    if not title:
        errors["title"] = _("Say what will be done.")
    if not Membership.objects.filter(community=community, user=owner).exists():
        errors["owner"] = _("The owner must be a member of this community.")
    if knowledge_url:
        try:
            URLValidator(schemes=["http", "https"])(knowledge_url)
        except ValidationError:
            errors["knowledge_url"] = _("Enter a full web address starting with https://.")
    if errors:
        raise ValidationError(errors)
    action = Action.objects.create(
        community=community,
        occurrence=occurrence,
        title=title,
        owner=owner,
        due_on=due_on,
        charter_aim=charter_aim.strip(),
        knowledge_url=knowledge_url.strip(),
        created_by=actor,
    )
    notify(
        [owner],
        kind=Notification.Kind.ACTION_ASSIGNED,
        actor=actor,
        title=action.title,
        url=occurrence.get_absolute_url(),
        community=community,
    )
    return action


@transaction.atomic
def action_set_status(*, action: Action, actor: User, status: str) -> Action:
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Choose open, done or dropped.")})
    action.status = status
    action.completed_at = timezone.now() if status == Action.Status.DONE else None
    action.save(update_fields=["status", "completed_at", "updated_at"])
    return action


# --- reminders ------------------------------------------------------------------------


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind everyone going to a meeting in the next 24 hours in the app, once per
    person. (The reminder emails, a day and an hour before, are planned by
    membership/notifications/reminders/events.py through the email engine.)

    The ReminderSent row is claimed (unique per person and meeting) with the
    notification, so running this again, or twice at once, adds nothing. Returns how
    many reminders were written.
    """
    now = now or timezone.now()
    due = (
        Rsvp.objects.filter(
            response=Response.GOING,
            occurrence__starts_at__gt=now,
            occurrence__starts_at__lte=now + REMINDER_LEAD,
            occurrence__is_cancelled=False,
            occurrence__event__cancelled_at=None,
            user__is_active=True,
        )
        .exclude(
            Exists(
                ReminderSent.objects.filter(
                    occurrence=OuterRef("occurrence"), user=OuterRef("user")
                )
            )
        )
        .select_related("occurrence__event__community", "user")
        .order_by("occurrence__starts_at", "pk")
    )
    sent = 0
    for rsvp in due:
        occurrence, community = rsvp.occurrence, rsvp.occurrence.event.community
        if not permissions.may_read_event(rsvp.user, occurrence.event):
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(occurrence=occurrence, user=rsvp.user)
                notify(
                    [rsvp.user],
                    kind=Notification.Kind.EVENT_REMINDER,
                    actor=None,
                    title=occurrence.title,
                    url=occurrence.get_absolute_url(),
                    community=community,
                )
        except IntegrityError:
            continue  # someone else's run claimed it first
        sent += 1
    return sent


# --- the private calendar feed -----------------------------------------------------------


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new private address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "updated_at"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
