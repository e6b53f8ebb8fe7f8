"""Clocks, members and helpers shared by the digest tests.

Times are UTC. 12:00 UTC in December is 07:00 in Toronto (the default time zone),
the digest hour; 2026-12-07 is a Monday (ISO week 50).
"""

from datetime import UTC, datetime, timedelta

import time_machine

from membership.models import DeliveryRecord, NotificationSettings
from membership.notifications.digests import plan_digests

MONDAY_DIGEST = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TUESDAY_DIGEST = MONDAY_DIGEST + timedelta(days=1)
WEDNESDAY_DIGEST = MONDAY_DIGEST + timedelta(days=2)
# Content written between Monday's and Tuesday's digests.
MONDAY_AFTERNOON = MONDAY_DIGEST + timedelta(hours=3)
TUESDAY_AFTERNOON = TUESDAY_DIGEST + timedelta(hours=3)


def email_settings(user, **fields) -> NotificationSettings:
    row, _created = NotificationSettings.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def on_daily(user, **fields):
    email_settings(user, frequency="daily", **fields)
    return user


def at(moment):
    """Freeze the clock at `moment` (rows made inside carry that time)."""
    return time_machine.travel(moment, tick=False)


def run_digests(moment, capture) -> int:
    """plan_digests at `moment`, then the dispatch and batches it enqueues on commit
    (eager Celery), all on the frozen clock. Returns how many were planned."""
    with at(moment), capture(execute=True):
        return plan_digests()


def messages_to(smtp_server, user, *, kind="daily"):
    label = f"Your {kind} digest"
    return [m for m in smtp_server.messages if m["To"] == user.email and label in m["Subject"]]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def record_of(user, kind="digest_daily") -> DeliveryRecord:
    return DeliveryRecord.objects.get(user=user, kind=kind)
