"""Digest demo data, called by `seed_demo` (idempotent).

Two members read some communities as a daily digest (one overall, one for a single
community), and the last few days' daily runs and last week's weekly run are on
record, so the delivery runs page has history and the next digest covers only what
is new since the last one. Runs and records are found again by their unique keys.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from membership.models import Membership

from .digests import DAILY, WEEKLY
from .models import DeliveryRecord, DeliveryRun, Frequency, NotificationSettings

ZONE = "America/Toronto"
# Overall daily digest.
DAILY_READERS = ["peripheral@example.org"]
# (email, community slug): this one community as a daily digest.
DAILY_COMMUNITIES = [("core@example.org", "safer-opioid-prescribing")]
# Weekly readers (the default) who had last week's digest.
WEEKLY_READERS = ["active@example.org", "patient@example.org"]
# (days ago, email): that day's daily digest had nothing new, so it was skipped.
SKIPPED = {(2, "core@example.org")}

Status = DeliveryRecord.Status


def _digest_moment(day) -> datetime:
    local = datetime.combine(day, time(settings.DIGEST_HOUR, 0), tzinfo=ZoneInfo(ZONE))
    return local.astimezone(ZoneInfo("UTC"))


def _record(run, user, kind, period, since, until, status) -> None:
    DeliveryRecord.objects.get_or_create(
        user=user,
        kind=kind,
        period=period,
        defaults={
            "run": run,
            "since": since,
            "until": until,
            "status": status,
            "not_before": until,
            "enqueued_at": until,
            "attempts": 1 if status == Status.SENT else 0,
            "claimed_at": until if status == Status.SENT else None,
            "sent_at": until + timedelta(seconds=40),
            "created_at": until,
        },
    )


def _run(kind, until, planned) -> DeliveryRun:
    run, _created = DeliveryRun.objects.get_or_create(
        kind=kind,
        period=f"{kind}@{until:%Y-%m-%dT%H:%MZ}",
        defaults={
            "started_at": until,
            "finished_at": until + timedelta(minutes=1),
            "planned": planned,
        },
    )
    return run


def seed(users, communities) -> None:
    for email in DAILY_READERS:
        row, _created = NotificationSettings.objects.get_or_create(user=users[email])
        if row.frequency != Frequency.DAILY:
            row.frequency = Frequency.DAILY
            row.save(update_fields=["frequency", "updated_at"])
    for email, slug in DAILY_COMMUNITIES:
        Membership.objects.filter(user=users[email], community=communities[slug]).update(
            email_frequency=Frequency.DAILY
        )

    daily_people = [users[email] for email in DAILY_READERS] + [
        users[email] for email, _slug in DAILY_COMMUNITIES
    ]
    today = timezone.now().astimezone(ZoneInfo(ZONE)).date()
    for days_ago in (3, 2, 1):
        day = today - timedelta(days=days_ago)
        until = _digest_moment(day)
        run = _run(DAILY, until, planned=len(daily_people))
        for person in daily_people:
            status = Status.SKIPPED if (days_ago, person.email) in SKIPPED else Status.SENT
            _record(run, person, DAILY, day.isoformat(), until - timedelta(days=1), until, status)

    # Last week's Monday: the weekly digest for those on the default.
    last_monday = today - timedelta(days=today.weekday() + 7)
    until = _digest_moment(last_monday)
    year, week, _weekday = last_monday.isocalendar()
    weekly_people = [users[email] for email in WEEKLY_READERS]
    run = _run(WEEKLY, until, planned=len(weekly_people))
    for person in weekly_people:
        _record(
            run,
            person,
            WEEKLY,
            f"{year}-W{week:02d}",
            until - timedelta(days=7),
            until,
            Status.SENT,
        )
