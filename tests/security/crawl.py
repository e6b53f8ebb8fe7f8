"""Follow every link a signed-in person can reach and check what comes back.

Pages are HTML (checked whole with `inert_problems`), CSV exports (no cell a
spreadsheet would run as a formula) and calendars (.ics parsed: no property the
text could have added). At most `PER_VIEW` pages of one named URL are fetched (the
thirtieth thread page tells nothing the third did not), so a crawl covers every
reachable named URL in a few hundred requests.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlparse

from django.urls import Resolver404, resolve

from ..xss import inert_problems

HREF = re.compile(r'(?:href|hx-get)="([^"]+)"')
SKIP = ("/static/", "/media/", "/accounts/logout/", "/i18n/", "/healthz", "/bench/")
PER_VIEW = 2
MAX_PAGES = 600
NUMBER = re.compile(r"-?\d+(\.\d+)?")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ICS_PROPERTIES = {
    "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME",
    "X-WR-TIMEZONE", "X-PUBLISHED-TTL", "REFRESH-INTERVAL", "UID", "DTSTAMP",
    "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS",
    "SEQUENCE", "LAST-MODIFIED", "CREATED", "ORGANIZER", "CATEGORIES", "TZID",
    "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "RRULE", "RDATE", "EXDATE",
    "RECURRENCE-ID", "TRANSP", "CLASS",
}  # fmt: skip


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    views: Counter = field(default_factory=Counter)


def csv_problems(text: str) -> list[str]:
    """Cells a spreadsheet would read as a formula (a plain number is a number)."""
    return [
        f"formula cell {cell[:40]!r}"
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.lstrip(" ").startswith(FORMULA_START) and not NUMBER.fullmatch(cell)
    ]


def ics_problems(text: str) -> list[str]:
    """A calendar must parse, name only known properties and link only to the web."""
    import icalendar

    problems = []
    calendar = icalendar.Calendar.from_ical(text)
    for component in calendar.walk():
        for name, value in component.property_items(recursive=False):
            if name not in ICS_PROPERTIES and not name.startswith("X-"):
                problems.append(f"unexpected calendar property {name}")
            if name == "URL" and not str(value.to_ical(), "utf-8").startswith("http"):
                problems.append(f"calendar URL {value!r}")
    return problems


def response_problems(url: str, response) -> list[str]:
    content_type = response.get("Content-Type", "")
    text = response.content.decode()
    if "text/html" in content_type:
        return [f"{url}: {problem}" for problem in inert_problems(text, "page")]
    if "text/csv" in content_type:
        return [f"{url}: {problem}" for problem in csv_problems(text)]
    if "text/calendar" in content_type:
        return [f"{url}: {problem}" for problem in ics_problems(text)]
    return []


def _view_name(url: str) -> str | None:
    try:
        return resolve(urlparse(url).path).view_name
    except Resolver404:
        return None


def crawl(client, start=("/", "/communities/"), *, extra=()) -> Crawl:
    """Fetch every page reachable from `start` (and `extra`) with `client`."""
    result, seen, queue = Crawl(), set(), [*start, *extra]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        view = _view_name(url)
        if url in seen or view is None or result.views[view] >= PER_VIEW:
            continue
        seen.add(url)
        result.views[view] += 1
        response = client.get(url)
        if response.status_code >= 500:
            result.problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200 or response.streaming:
            continue
        result.pages.append(url)
        result.problems += response_problems(url, response)
        body = response.content.decode()
        result.bodies.append(body)
        for href in HREF.findall(body):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if urlparse(href).netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                queue.append(href)
    return result
