"""The digest demo: idempotent; members on daily digests, past runs on record, and
the next run sends the daily readers only what is new since their last digest."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from membership.models import DeliveryRecord, DeliveryRun, Membership
from membership.notifications.digests import DAILY, WEEKLY, plan_digests

DEMO_DAY = datetime(2026, 12, 9, 11, 0, tzinfo=ZoneInfo("UTC"))  # a Wednesday, 06:00 Toronto


def test_seeding_twice_gives_daily_readers_and_a_history_of_runs(db):
    with time_machine.travel(DEMO_DAY, tick=False):
        for _ in range(2):
            call_command("seed_demo", force=True, stdout=StringIO())

    assert DeliveryRun.objects.filter(kind=DAILY).count() == 3
    assert DeliveryRun.objects.filter(kind=WEEKLY).count() == 1
    daily = DeliveryRecord.objects.filter(kind=DAILY)
    assert daily.count() == 6
    assert set(daily.values_list("status", flat=True)) == {"sent", "skipped"}
    assert set(DeliveryRecord.objects.filter(kind=WEEKLY).values_list("period", flat=True)) == {
        "2026-W49"
    }
    assert Membership.objects.filter(
        user__email="core@example.org", email_frequency="daily"
    ).exists()

    # At 07:00 Toronto the daily readers are due, from yesterday's digest on.
    digest_time = DEMO_DAY + timedelta(hours=1)
    with time_machine.travel(digest_time, tick=False):
        plan_digests()
    today = DeliveryRecord.objects.filter(kind=DAILY, period="2026-12-09")
    assert set(today.values_list("user__email", flat=True)) == {
        "peripheral@example.org",
        "core@example.org",
    }
    assert {record.since for record in today} == {digest_time - timedelta(days=1)}
