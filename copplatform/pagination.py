"""Keyset ("seek") pagination: feeds newest first by (timestamp, id), and any list in
a fixed ordering (`keyset_page_by`).

OFFSET gets slower the deeper a reader goes and skips or repeats rows when new ones
arrive; a cursor that says "older than this (timestamp, id)" does neither. The cursor
is opaque to readers (`?before=<iso timestamp>_<id>`); a malformed one is a 400.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import BadRequest, ValidationError
from django.db.models import F, Q, QuerySet

# Django's row-value comparisons (composite keys, 5.2), with a fallback where a
# database lacks them.
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan
from django.utils.dateparse import parse_date, parse_datetime

from .db import MAX_ID

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
    if moment is None or not (pk_text.isascii() and pk_text.isdigit()):
        raise BadRequest("That page link is not valid.")
    # A number past the largest id is "past every row": never int() thousands of digits.
    too_long = len(pk_text) > len(str(MAX_ID))
    return moment, MAX_ID if too_long else min(int(pk_text), MAX_ID)


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


# --- any ordering -----------------------------------------------------------------------
#
# Lists ordered by more than a timestamp (pinned first, then latest activity; by name)
# page the same way: the cursor carries the last row's value of every ordering key, and
# the next page is the rows after it in that order. Each page costs one query of
# per_page + 1 rows, however deep, and nothing counts the whole list.


def keyset_page_by(
    queryset: QuerySet,
    cursor: str | None,
    *,
    order: Sequence[str],
    per_page: int = 20,
    within: Sequence[QuerySet | list[int]] = (),
) -> KeysetPage:
    """One page of `queryset` in `order` (model fields or annotations, "-" for
    descending, "__" to follow a relation; the last one unique, e.g. "-pk"), after
    `cursor`. A malformed cursor is a 400 (BadRequest).

    `within`: when `queryset` ORs conditions that no single index answers in `order`
    (so the database reads and sorts every matching row for each page), the parts
    whose union holds every row of `queryset`: querysets of the same model, each
    answered by an index in `order` (one query each reads its next per_page + 1
    ids), or lists of ids. The page is then chosen among those ids only."""
    keys = [(name.lstrip("-"), name.startswith("-")) for name in order]
    if keys[-1][0] not in ("pk", "id"):
        raise ValueError("the last ordering key must be unique (pk)")
    if cursor:
        values = _decode_values(cursor, queryset, keys)
        after = _after(keys, values)
        queryset = queryset.filter(after)
    if within:
        ids = set()
        for part in within:
            if isinstance(part, QuerySet):
                if cursor:
                    part = part.filter(after)
                part = part.order_by(*order).values_list("pk", flat=True)[: per_page + 1]
            ids.update(part)
        queryset = queryset.filter(pk__in=sorted(ids))
    rows = list(queryset.order_by(*order)[: per_page + 1])
    items, more = rows[:per_page], len(rows) > per_page
    next_cursor = _encode_values([_value_of(items[-1], name) for name, _ in keys]) if more else None
    return KeysetPage(items=items, next_cursor=next_cursor)


def _after(keys: list[tuple[str, bool]], values: list) -> Q:
    """Rows after `values` in the ordering: (a, b, c) after (x, y, z) is a past x, or
    a = x and b past y, or a = x, b = y and c past z ("past" is < when descending).
    When every key runs the same way that is one row comparison, (a, b, c) < (x, y, z),
    which an index on (a, b, c) answers as a range: the next page starts where the
    last one ended instead of skipping the rows before it."""
    directions = {descending for _, descending in keys}
    if len(directions) == 1:
        lookup = TupleLessThan if directions.pop() else TupleGreaterThan
        return Q(lookup(tuple(F(name) for name, _ in keys), tuple(values)))
    after = Q()
    for position, (name, descending) in enumerate(keys):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[position]})
        for earlier, (earlier_name, _) in enumerate(keys[:position]):
            step &= Q(**{earlier_name: values[earlier]})
        after |= step
    return after


def _value_of(row, path: str):
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _field_of(queryset: QuerySet, path: str):
    """The model field (or annotation's output field) a key reads, to parse a cursor."""
    if path in queryset.query.annotations:
        return queryset.query.annotations[path].output_field
    model = queryset.model
    *relations, last = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.pk if last == "pk" else model._meta.get_field(last)
    # A generated column parses as what it holds (GeneratedField takes any value).
    return field.output_field if getattr(field, "generated", False) else field


def _encode_values(values: list) -> str:
    plain = [value.isoformat() if isinstance(value, date | datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode_values(cursor: str, queryset: QuerySet, keys: list[tuple[str, bool]]) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        plain = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(plain, list) or len(plain) != len(keys):
            raise ValueError(cursor)
        values = [
            _field_of(queryset, name).to_python(value)
            for (name, _), value in zip(keys, plain, strict=True)
        ]
    except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeDecodeError) as error:
        raise BadRequest("That page link is not valid.") from error
    if any(value is None for value in values):
        raise BadRequest("That page link is not valid.")
    return values
