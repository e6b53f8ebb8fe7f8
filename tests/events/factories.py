"""Events made through the services, so meetings, activity and counts follow."""

from datetime import timedelta

from django.utils import timezone

from communities.events import services

TORONTO = "America/Toronto"


def make_event(community, organiser, *, days_ahead=3, hours=1, **overrides):
    start = overrides.pop("starts_at", None) or (
        timezone.now().replace(microsecond=0) + timedelta(days=days_ahead)
    )
    values = {
        "community": community,
        "organiser": organiser,
        "title": "Monthly huddle",
        "agenda": "Share what worked.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=hours),
        "time_zone": TORONTO,
    }
    values.update(overrides)
    return services.event_create(**values)


def meeting_of(event, position=0):
    return event.occurrences.get(position=position)
