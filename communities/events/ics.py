"""iCalendar (.ics) export of meetings, for downloads and the private feed.

Times go out in UTC (calendar apps show them in the reader's zone). Cancelled meetings
are left out. Each meeting has a stable UID so a calendar app updates, not duplicates,
it when the feed changes.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from copplatform.emails import absolute_url
from copplatform.markdown import plain_excerpt

AGENDA_EXCERPT = 1000


def _uid(occurrence) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"event-{occurrence.event_id}-meeting-{occurrence.pk}@{host}"


def build_calendar(occurrences, *, name: str, include_links: bool) -> bytes:
    """A VCALENDAR holding the given meetings (their event and community loaded)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for occurrence in occurrences:
        if occurrence.is_off:
            continue
        event = occurrence.event
        entry = CalendarEvent()
        entry.add("uid", _uid(occurrence))
        entry.add("dtstamp", stamp)
        entry.add("dtstart", occurrence.starts_at)
        entry.add("dtend", occurrence.ends_at)
        entry.add("summary", occurrence.title)
        page = absolute_url(occurrence.get_absolute_url())
        entry.add("url", page)
        description = [plain_excerpt(event.agenda, AGENDA_EXCERPT)] if event.agenda else []
        if include_links and event.online_url:
            description.append(event.online_url)
        description.append(page)
        entry.add("description", "\n\n".join(part for part in description if part))
        location = occurrence.place or (event.online_url if include_links else "")
        if location:
            entry.add("location", location)
        calendar.add_component(entry)
    return calendar.to_ical()


def ics_response(content: bytes, *, filename: str, download: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
