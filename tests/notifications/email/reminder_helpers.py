"""Driving the reminder planners like beat does: at a given moment, then sending."""

import time_machine
from django.utils import timezone

from membership.models import DeliveryRecord, NotificationSettings
from membership.notifications import delivery
from membership.notifications.models import NewsKind, all_news_kinds

Status = DeliveryRecord.Status


def beat(module, at, capture) -> int:
    """One beat at `at`: plan, and send what was planned once it commits."""
    with time_machine.travel(at, tick=False), capture(execute=True):
        return module.plan(timezone.now())


def plan_only(module, at) -> int:
    """Plan at `at` without sending (the batch has not run yet)."""
    with time_machine.travel(at, tick=False):
        return module.plan(timezone.now())


def send_pending(at) -> delivery.BatchResult:
    """A batch task running at `at` over every pending record."""
    with time_machine.travel(at, tick=False):
        ids = DeliveryRecord.objects.filter(status=Status.PENDING).values_list("pk", flat=True)
        return delivery.send_batch(list(ids))


def records_of(kind):
    """A kind's records as the engine hands them to its builder."""
    return list(
        DeliveryRecord.objects.filter(kind=kind)
        .select_related("user", "user__notification_settings")
        .order_by("pk")
    )


def statuses(kind) -> dict[int, str]:
    return dict(DeliveryRecord.objects.filter(kind=kind).values_list("user_id", "status"))


def opt_out_of_reminders(user) -> None:
    NotificationSettings.objects.update_or_create(
        user=user,
        defaults={"news_kinds": [k for k in all_news_kinds() if k != NewsKind.REMINDERS]},
    )


def recipients(smtp_server) -> list[str]:
    return [str(message["To"]) for message in smtp_server.messages]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def unsubscribe_scope(message) -> tuple[int, str] | None:
    """(member id, scope) named by the message's one-click unsubscribe link."""
    from membership.notifications.preferences import read_unsubscribe_token

    link = str(message["List-Unsubscribe"]).strip().strip("<>").rstrip("/")
    return read_unsubscribe_token(link.rsplit("/", 1)[1])
