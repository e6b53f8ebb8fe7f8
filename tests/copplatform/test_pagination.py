"""Keyset pages in any ordering (copplatform.pagination.keyset_page_by)."""

from datetime import timedelta

import pytest
from django.core.exceptions import BadRequest
from django.db.models import Case, Value, When
from django.utils import timezone

from communities.models import Thread
from copplatform.pagination import keyset_page_by

from ..discussions.factories import ThreadFactory


@pytest.fixture
def threads(community):
    now = timezone.now()
    made = []
    for n in range(23):
        made.append(
            ThreadFactory(
                community=community,
                title=f"T{n:02}",
                is_pinned=n % 7 == 0,
                # Ties on the time: the pk decides between them.
                last_activity_at=now - timedelta(hours=n // 3),
            )
        )
    return made


def _all_pages(queryset, order, per_page=5):
    seen, cursor = [], None
    while True:
        page = keyset_page_by(queryset, cursor, order=order, per_page=per_page)
        seen.append([row.pk for row in page.items])
        if not page.has_next:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize(
    "order",
    [
        ("-is_pinned", "-last_activity_at", "-pk"),  # one direction: a row comparison
        ("is_pinned", "-last_activity_at", "pk"),  # mixed directions
        ("title", "pk"),
    ],
)
def test_pages_follow_the_ordering_with_no_row_missed_or_repeated(threads, order):
    rows = Thread.objects.all()

    pages = _all_pages(rows, order)

    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert [pk for page in pages for pk in page] == list(
        rows.order_by(*order).values_list("pk", flat=True)
    )


def test_an_annotation_can_be_a_key(threads):
    rows = Thread.objects.annotate(
        pinned_order=Case(When(is_pinned=True, then=Value(0)), default=Value(1))
    )
    order = ("pinned_order", "title", "pk")

    pages = _all_pages(rows, order, per_page=4)

    assert [pk for page in pages for pk in page] == list(
        rows.order_by(*order).values_list("pk", flat=True)
    )


def test_a_page_costs_one_query_however_deep(threads, django_assert_num_queries):
    order = ("-is_pinned", "-last_activity_at", "-pk")
    cursor = None
    for _ in range(4):
        cursor = keyset_page_by(Thread.objects.all(), cursor, order=order, per_page=5).next_cursor

    with django_assert_num_queries(1):
        page = keyset_page_by(Thread.objects.all(), cursor, order=order, per_page=5)

    assert len(page.items) == 3 and not page.has_next


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "W10", "WyJ4Il0", "WzEsIDIsIDNd", "WyJ5ZXMiLCAibm8iLCAzXQ", "%%%"]
)
def test_a_malformed_cursor_is_a_bad_request(threads, cursor):
    with pytest.raises(BadRequest):
        keyset_page_by(
            Thread.objects.all(), cursor, order=("-is_pinned", "-last_activity_at", "-pk")
        )


def test_the_last_key_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        keyset_page_by(Thread.objects.all(), None, order=("-last_activity_at",))


def test_pages_read_by_parts_are_the_pages_of_the_whole(threads, django_assert_num_queries):
    """`within`: an OR no index answers in order, read as its parts (a queryset per
    index, ids known already); the pages are the same, one query per queryset part."""
    order = ("-is_pinned", "-last_activity_at", "-pk")
    pinned_ids = [t.pk for t in threads if t.is_pinned]
    whole = Thread.objects.filter(community=threads[0].community)
    parts = [whole.filter(is_pinned=False), pinned_ids]
    expected = _all_pages(whole, order)
    seen, cursor = [], None
    while True:
        with django_assert_num_queries(2):
            page = keyset_page_by(whole, cursor, order=order, per_page=5, within=parts)
        seen.append([row.pk for row in page.items])
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == expected and len(seen) == 5
