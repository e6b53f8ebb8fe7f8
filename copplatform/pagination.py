"""Keyset ("seek") pagination for feeds: newest first, by (timestamp, id).

OFFSET gets slower the deeper a reader goes and skips or repeats rows when new ones
arrive; a cursor that says "older than this (timestamp, id)" does neither. The cursor
is opaque to readers (`?before=<iso timestamp>_<id>`); a malformed one is a 400.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import BadRequest
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

CURSOR_PARAM = "before"


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _encode(moment: datetime | date, pk: int) -> str:
    return f"{moment.isoformat()}_{pk}"


def _decode(cursor: str) -> tuple[datetime | date, int]:
    # A "+" in the offset may arrive as a space when a link was not URL-encoded.
    moment_text, _, pk_text = cursor.replace(" ", "+").rpartition("_")
    try:
        # A date field (the work log's occurred_on) keys its pages on a bare date.
        moment = (parse_datetime(moment_text) or parse_date(moment_text)) if moment_text else None
    except ValueError:
        moment = None
    if moment is None or not pk_text.isdigit():
        raise BadRequest("That page link is not valid.")
    return moment, int(pk_text)


def keyset_page(
    queryset: QuerySet, cursor: str | None, *, per_page: int = 20, field: str = "created_at"
) -> KeysetPage:
    """One page of `queryset`, newest first by (`field`, pk), older than `cursor`."""
    if cursor:
        moment, pk = _decode(cursor)
        older = Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})
        queryset = queryset.filter(older)
    rows = list(queryset.order_by(f"-{field}", "-pk")[: per_page + 1])
    items, more = rows[:per_page], len(rows) > per_page
    next_cursor = _encode(getattr(items[-1], field), items[-1].pk) if more else None
    return KeysetPage(items=items, next_cursor=next_cursor)
