"""Demo content for this feature, called by `seed_demo` (idempotent).

A monthly practice call in a public community (small room: a waiting list) with a
past meeting that has attendance, minutes and actions, and a fortnightly huddle in a
private community with a member's proposed agenda item. Written through the services;
an event already there (same community and title) is left as it is.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from . import services
from .models import Event

ZONE = "America/Toronto"


def _local_start(days_from_today: int, hour: int) -> datetime:
    today = timezone.now().astimezone(ZoneInfo(ZONE)).date()
    local = datetime.combine(today + timedelta(days=days_from_today), time(hour, 0))
    return services.local_to_utc(local, ZONE)


def _schedule(community, organiser, *, title, days_from_today, hour, **extra) -> Event | None:
    if Event.objects.filter(community=community, title=title).exists():
        return None
    start = _local_start(days_from_today, hour)
    return services.event_create(
        community=community,
        organiser=organiser,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone=ZONE,
        **extra,
    )


def seed(users: dict, communities: dict) -> None:
    """users: demo accounts by email; communities: demo communities by slug."""
    core, active = users["core@example.org"], users["active@example.org"]
    peripheral, patient = users["peripheral@example.org"], users["patient@example.org"]

    monthly = _schedule(
        communities["safer-opioid-prescribing"],
        core,
        title="Monthly practice call",
        days_from_today=-40,
        hour=12,
        agenda="Bring a **tapering case** you would like help with.\n\n"
        "- Round of wins and worries\n- Case discussion\n- Leaflet working group update",
        place="Northside Family Health Team, meeting room 2",
        online_url="https://meet.example.org/safer-opioids",
        capacity=3,
        recurrence=Event.Recurrence.MONTHLY_WEEKDAY,
        repeat_count=6,
    )
    if monthly is not None:
        past, upcoming = _split(monthly)
        last = past[-1]
        services.attendance_record(
            occurrence=last, actor=core, user_ids=[core.pk, active.pk, peripheral.pk]
        )
        services.minutes_save(
            occurrence=last,
            actor=core,
            minutes="## Decisions\n\n- Adopt the shared tapering plan template.\n"
            "- The leaflet goes to the patient partners for review.",
        )
        services.action_create(
            occurrence=last,
            actor=core,
            title="Circulate the draft tapering leaflet to member practices",
            owner=core,
            due_on=timezone.now().date() + timedelta(days=14),
            charter_aim="Agree a common patient information leaflet",
        )
        done = services.action_create(
            occurrence=last,
            actor=core,
            title="Summarise the audit of high-dose prescriptions",
            owner=active,
            charter_aim="Aims",
        )
        services.action_set_status(action=done, actor=active, status="done")
        next_call = upcoming[0]
        for person in (core, active, peripheral, patient):  # the fourth waits for a place
            services.rsvp_set(occurrence=next_call, user=person, response="going")
        for title in ("Wins and worries", "Leaflet working group update"):
            item = services.agenda_item_propose(occurrence=next_call, user=core, title=title)
            services.agenda_item_decide(item=item, actor=core, accept=True)
        services.agenda_item_propose(
            occurrence=next_call,
            user=peripheral,
            title="Teaching tapering in the nursing curriculum",
            details="Could we share our simulation scenario?",
        )

    huddle = _schedule(
        communities["ed-flow-leaders"],
        core,
        title="Flow huddle",
        days_from_today=-21,
        hour=8,
        agenda="Fifteen minutes: boarding numbers, one thing to try, one thing to stop.",
        online_url="https://meet.example.org/ed-flow",
        recurrence=Event.Recurrence.FORTNIGHTLY,
        repeat_count=10,
    )
    if huddle is not None:
        past, upcoming = _split(huddle)
        services.attendance_record(
            occurrence=past[-1], actor=core, user_ids=[core.pk, peripheral.pk]
        )
        next_huddle = upcoming[0]
        services.rsvp_set(occurrence=next_huddle, user=core, response="going")
        services.rsvp_set(occurrence=next_huddle, user=peripheral, response="maybe")
        services.agenda_item_propose(
            occurrence=next_huddle,
            user=peripheral,
            title="Night-shift handover checklist",
            details="What do other sites use at 07:00?",
        )


def _split(event: Event):
    now = timezone.now()
    meetings = list(event.occurrences.order_by("starts_at"))
    return [m for m in meetings if m.ends_at <= now], [m for m in meetings if m.ends_at > now]
