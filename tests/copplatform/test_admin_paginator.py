"""The admin's lists of big tables count without COUNT(*) over the whole table."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from copplatform.admin_paginator import EstimatedCountPaginator
from membership.models import Membership, User

from ..factories import MembershipFactory


class _AlwaysEstimate(EstimatedCountPaginator):
    estimate_above = -1


def test_a_filtered_list_is_counted_exactly(db):
    MembershipFactory.create_batch(3)
    filtered = Membership.objects.filter(level=Membership.Level.PERIPHERAL).order_by("pk")

    assert _AlwaysEstimate(filtered, 20).count == filtered.count()


def test_an_unfiltered_list_takes_the_estimate_where_the_database_keeps_one(db):
    MembershipFactory.create_batch(3)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE membership_membership")
    rows = Membership.objects.order_by("pk")

    with CaptureQueriesContext(connection) as queries:
        count = _AlwaysEstimate(rows, 20).count

    # PostgreSQL's estimate after ANALYZE is the row count, read from pg_class;
    # elsewhere (SQLite) it is counted.
    assert count == 3
    assert ("COUNT(" in queries.captured_queries[-1]["sql"]) is (connection.vendor != "postgresql")


def test_below_the_threshold_the_count_is_exact(db):
    MembershipFactory.create_batch(2)

    assert EstimatedCountPaginator(Membership.objects.order_by("pk"), 20).count == 2


def test_the_admin_lists_of_people_and_memberships_still_page(client, admin_user):
    MembershipFactory.create_batch(3)
    client.force_login(admin_user)

    for name in ("admin:membership_user_changelist", "admin:membership_membership_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.context["cl"].paginator.__class__ is EstimatedCountPaginator
    assert User.objects.count() >= 4
