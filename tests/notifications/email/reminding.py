"""Helpers for reminder tests: the clock in the site's zone, planning and sending as
beat would, opting out, and counting a builder's queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from membership.models import DeliveryRecord, DeliveryRun
from membership.notifications import delivery

# Shared with the other reminder tests, re-exported for these ones.
from .reminder_helpers import opt_out_of_reminders, text_of  # noqa: F401

# settings.TIME_ZONE, every test user's default zone; DIGEST_HOUR is 7.
LOCAL = ZoneInfo("America/Toronto")


def at(day: str, hour: int, minute: int = 0, zone=LOCAL) -> datetime:
    """A moment in local time: at("2026-12-07", 7, 15) is Monday 7:15 in Toronto."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=zone)


def run(planner, when: datetime, capture) -> int:
    """Beat at `when`: plan, then (on commit, eager Celery) dispatch and send."""
    with time_machine.travel(when, tick=False), capture(execute=True):
        return planner(when)


def plan_only(planner, when: datetime) -> int:
    """Plan without sending: the records stay pending (as before a worker takes them)."""
    with time_machine.travel(when, tick=False):
        return planner(when)


def send_pending(kind: str, when: datetime):
    with time_machine.travel(when, tick=False):
        ids = DeliveryRecord.objects.filter(kind=kind).values_list("pk", flat=True)
        return delivery.send_batch(list(ids))


def recipients(smtp_server) -> list[str]:
    return sorted(str(message["To"]) for message in smtp_server.messages)


def builder_queries(kind: str, when: datetime, first: int = 3) -> tuple[int, int]:
    """Queries the kind's builder spends on its first `first` pending records and on
    all of them, as send_batch loads them; checks every one of them got an email and
    that rendering them costs no query."""
    builder = delivery.builder_for(kind)
    with time_machine.travel(when, tick=False):
        records = list(
            DeliveryRecord.objects.filter(kind=kind)
            .select_related("user", "user__notification_settings")
            .order_by("pk")
        )
        with CaptureQueriesContext(connection) as few:
            builder(records[:first])
        with CaptureQueriesContext(connection) as many:
            emails = builder(records)
        assert all(emails[r.pk] is not None for r in records), "every record has an email"
        with CaptureQueriesContext(connection) as rendering:
            for r in records:
                delivery._message(r, emails[r.pk])
        assert len(rendering) == 0, [q["sql"] for q in rendering.captured_queries]
    return len(few), len(many)


def planner_queries(planner, when: datetime) -> tuple[int, int]:
    """(how many were planned, queries spent) for one beat, then forgets the records
    so the next measurement plans them afresh."""
    with time_machine.travel(when, tick=False), CaptureQueriesContext(connection) as spent:
        planned = planner(when)
    DeliveryRecord.objects.all().delete()
    DeliveryRun.objects.all().delete()
    return planned, len(spent)
