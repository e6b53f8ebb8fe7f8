"""The email delivery engine: every scheduled or fanned-out email goes through here.

A *kind* of email (a daily digest, an event reminder, an instant reply) registers a
builder. Planners, run by beat, record who is due as DeliveryRecord rows (unique per
member, kind and period), and this module sends them in batches:

    plan: pending rows, one INSERT per thousand
    dispatch: batches of BATCH_SIZE record ids, enqueued once the plan commits
    send_batch: every record's content built in a constant number of queries, then
        for each record: claim (pending to claimed, committed), SMTP, sent (in the
        same statement as the next claim: one write per email)

A retried, duplicated or resumed batch only ever takes rows still pending, so no one
gets an email twice. A killed worker leaves at most the one row it was sending
claimed; nobody can know whether the server took that one, so the sweep reports it
rather than guessing. Everything else the sweep sends again.
"""

from __future__ import annotations

import importlib
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation

from copplatform.emails import absolute_url, render_email

from .models import DeliveryRecord, DeliveryRun, NotificationSettings

logger = logging.getLogger(__name__)

Status = DeliveryRecord.Status

# Modules whose @register calls define the kinds of email. Imported on first use, so
# the engine does not depend on every app at import time.
BUILDER_MODULES = [
    "membership.notifications.digests",
    "membership.notifications.instant",
    "membership.notifications.reminders",
]


def _import_builders() -> None:
    from .reminders import modules as reminder_modules

    for module in [*BUILDER_MODULES, *settings.NOTIFICATIONS_EXTRA_BUILDER_MODULES]:
        importlib.import_module(module)
    reminder_modules()


@dataclass
class Email:
    """What a builder says one record's email is: templates and their context.

    `unsubscribe_scope` is what the one-click link in this email turns off (see
    preferences.unsubscribe_apply): "all", "community:<id>", "announcements:<id>"
    or "reminders".
    """

    template_prefix: str
    context: dict = field(default_factory=dict)
    unsubscribe_scope: str = "all"


# A builder gets records of its kind (user loaded) and answers, for each record id,
# the Email to send or None when there is nothing to say (nothing new, no longer
# allowed to see it): those are recorded as skipped. It must use a constant number
# of queries however many records it gets.
Builder = Callable[[list[DeliveryRecord]], dict[int, Email | None]]

_BUILDERS: dict[str, Builder] = {}
_loaded = False


def register(kind: str) -> Callable[[Builder], Builder]:
    def decorator(builder: Builder) -> Builder:
        _BUILDERS[kind] = builder
        return builder

    return decorator


def builder_for(kind: str) -> Builder | None:
    global _loaded
    if not _loaded:
        _import_builders()
        _loaded = True
    return _BUILDERS.get(kind)


# --- planning ---------------------------------------------------------------------


@dataclass
class Due:
    """One member due one email, as a planner finds them."""

    user_id: int
    period: str
    community_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    not_before: datetime | None = None


def plan(*, kind: str, run_period: str, due: Iterable[Due], now: datetime | None = None):
    """Record who is due for one run and send it once this commits.

    The run is unique per (kind, run_period) and each record per (member, kind,
    period): planning the same thing twice (a second beat, a double trigger, a retry)
    adds nobody and sends nothing twice. Returns the run, or None if no one was due.
    """
    now = now or timezone.now()
    rows = list(due)
    if not rows:
        return None
    with transaction.atomic():
        run, _created = DeliveryRun.objects.get_or_create(
            kind=kind, period=run_period, defaults={"started_at": now}
        )
        DeliveryRecord.objects.bulk_create(
            [
                DeliveryRecord(
                    run=run,
                    user_id=row.user_id,
                    kind=kind,
                    period=row.period,
                    community_id=row.community_id,
                    since=row.since,
                    until=row.until,
                    not_before=row.not_before or now,
                    created_at=now,
                )
                for row in rows
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        run.planned = DeliveryRecord.objects.filter(run=run).count()
        run.finished_at = None
        run.save(update_fields=["planned", "finished_at"])
        # Robust: with the broker down the records stay pending, never enqueued, and
        # the sweep enqueues them when it is back.
        transaction.on_commit(lambda: _enqueue_dispatch(run.pk), robust=True)
    return run


def _enqueue_dispatch(run_id: int) -> None:
    from .tasks import dispatch_run

    dispatch_run.delay(run_id=run_id)


def dispatch(*, run_id: int | None = None, now: datetime | None = None) -> int:
    """Enqueue a send_batch task per BATCH_SIZE pending records that are due (of one
    run, or of all runs). Returns how many records were enqueued."""
    from .tasks import send_batch

    now = now or timezone.now()
    pending = DeliveryRecord.objects.filter(status=Status.PENDING, not_before__lte=now)
    if run_id is not None:
        pending = pending.filter(run_id=run_id)
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    size = settings.NOTIFICATIONS_BATCH_SIZE
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        DeliveryRecord.objects.filter(pk__in=chunk).update(enqueued_at=now)
        send_batch.delay(record_ids=chunk)
    return len(ids)


# --- sending ----------------------------------------------------------------------


class TransientSendError(Exception):
    """The mail server could not take a message now; the batch is retried later."""


@dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def unsubscribe_url(user_id: int, scope: str) -> str:
    from .preferences import unsubscribe_token

    return absolute_url(reverse("email:unsubscribe", args=[unsubscribe_token(user_id, scope)]))


def _message(record: DeliveryRecord, email: Email) -> EmailMultiAlternatives:
    person = record.user
    unsubscribe = unsubscribe_url(person.pk, email.unsubscribe_scope)
    context = {
        **email.context,
        "person": person,
        "unsubscribe_url": unsubscribe,
        "email_settings_url": absolute_url(reverse("email:settings")),
    }
    with translation.override(settings.LANGUAGE_CODE), timezone.override(person.time_zone):
        subject, text, html = render_email(email.template_prefix, context)
    message = EmailMultiAlternatives(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST to the link.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            # The same record always has the same Message-ID, so even a resend after
            # a lost acknowledgement is recognisable as one message.
            "Message-ID": f"<delivery.{record.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _is_permanent(error: Exception) -> bool:
    """A refusal of the address itself (5xx for the recipient), not a passing fault."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    return False


def _mark_failing(user_id: int, reason: str, now: datetime) -> None:
    NotificationSettings.objects.get_or_create(user_id=user_id)
    NotificationSettings.objects.filter(user_id=user_id).update(
        email_failing_since=now, email_failure=reason[:300]
    )


def _may_receive_mail(person) -> bool:
    """Active, with an address, and that address not refused for good."""
    person_settings = getattr(person, "notification_settings", None)
    failing = person_settings is not None and person_settings.email_failing_since is not None
    return person.is_active and bool(person.email) and not failing


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def _mark_sent_and_claim(*, sent: DeliveryRecord | None, claim: DeliveryRecord | None) -> bool:
    """Mark `sent` sent and claim `claim` (if still pending) in one committed
    statement; True if the claim was won."""
    now = timezone.now()
    if claim is None:
        if sent is not None:
            DeliveryRecord.objects.filter(pk=sent.pk, status=Status.CLAIMED).update(
                status=Status.SENT, sent_at=now, detail=""
            )
        return False
    if sent is None:
        return bool(
            DeliveryRecord.objects.filter(pk=claim.pk, status=Status.PENDING).update(
                status=Status.CLAIMED, claimed_at=now, attempts=F("attempts") + 1
            )
        )
    is_sent = Q(pk=sent.pk)
    changed = DeliveryRecord.objects.filter(
        Q(pk=sent.pk, status=Status.CLAIMED) | Q(pk=claim.pk, status=Status.PENDING)
    ).update(
        status=Case(When(is_sent, then=Value(Status.SENT)), default=Value(Status.CLAIMED)),
        sent_at=Case(When(is_sent, then=Value(now)), default=F("sent_at")),
        claimed_at=Case(When(is_sent, then=F("claimed_at")), default=Value(now)),
        attempts=Case(When(is_sent, then=F("attempts")), default=F("attempts") + 1),
        detail=Case(When(is_sent, then=Value("")), default=F("detail")),
    )
    return changed == 2


def send_batch(record_ids: Iterable[int], *, now: datetime | None = None) -> BatchResult:
    """Send the records among these that are still pending and due.

    Content for all of them is built first (a constant number of queries per kind);
    then each is claimed, sent and marked sent in turn on one SMTP connection. A
    passing mail-server fault releases that one claim and raises TransientSendError
    so the task retries the rest later; an address refused for good is marked failed
    and stops receiving mail.
    """
    now = now or timezone.now()
    result = BatchResult()
    records = list(
        DeliveryRecord.objects.filter(pk__in=list(record_ids), status=Status.PENDING)
        .filter(not_before__lte=now)
        .select_related("user", "user__notification_settings")
        .order_by("pk")
    )
    if not records:
        return result
    emails: dict[int, Email | None] = {}
    by_kind: dict[str, list[DeliveryRecord]] = {}
    for record in records:
        if not _may_receive_mail(record.user):
            emails[record.pk] = None
        else:
            by_kind.setdefault(record.kind, []).append(record)
    for kind, group in by_kind.items():
        builder = builder_for(kind)
        if builder is None:
            logger.error("no builder for email kind %s", kind)
            emails.update({record.pk: None for record in group})
            continue
        built = builder(group)
        emails.update({record.pk: built.get(record.pk) for record in group})

    nothing_to_say = [pk for pk, email in emails.items() if email is None]
    if nothing_to_say:
        result.skipped = DeliveryRecord.objects.filter(
            pk__in=nothing_to_say, status=Status.PENDING
        ).update(status=Status.SKIPPED, sent_at=now)

    to_send = [record for record in records if emails.get(record.pk) is not None]
    if not to_send:
        return result
    connection = mail.get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        DeliveryRecord.objects.filter(
            pk__in=[record.pk for record in to_send], status=Status.PENDING
        ).update(detail=str(error)[:300])
        raise TransientSendError(str(error)) from error
    # `sent` is the record whose email the server has taken but which is not yet
    # marked: marking it and claiming the next is one committed statement, so a
    # batch costs one write per email and a dead worker leaves one record claimed.
    sent: DeliveryRecord | None = None
    try:
        for record in to_send:
            message = _message(record, emails[record.pk])
            claimed = _mark_sent_and_claim(sent=sent, claim=record)
            result.sent += sent is not None
            sent = None
            if not claimed:
                continue  # another worker has it
            message.connection = connection
            try:
                connection.send_messages([message])
            except (smtplib.SMTPException, OSError) as error:
                if _is_permanent(error):
                    DeliveryRecord.objects.filter(pk=record.pk).update(
                        status=Status.FAILED, detail=str(error)[:300]
                    )
                    _mark_failing(record.user_id, str(error), timezone.now())
                    result.failed += 1
                    continue
                DeliveryRecord.objects.filter(pk=record.pk).update(
                    status=Status.PENDING,
                    claimed_at=None,
                    detail=str(error)[:300],
                    not_before=timezone.now() + backoff(record.attempts + 1),
                )
                raise TransientSendError(str(error)) from error
            sent = record
    finally:
        if sent is not None:
            _mark_sent_and_claim(sent=sent, claim=None)
            result.sent += 1
        try:
            connection.close()
        except Exception:  # a dead connection cannot be closed politely
            logger.warning("SMTP connection did not close cleanly", exc_info=True)
    return result


# --- the sweep ----------------------------------------------------------------------


@dataclass
class SweepReport:
    enqueued: int = 0
    in_doubt: list[int] = field(default_factory=list)
    finished_runs: int = 0


def sweep(*, now: datetime | None = None) -> SweepReport:
    """Resume whatever a dead worker, a lost message or quiet hours left behind.

    - Pending records that are due and were not enqueued in the last CLAIM_LEASE are
      enqueued again (sending is conditional on still being pending, so a record
      enqueued twice is still sent once).
    - Records claimed longer ago than the lease are reported, never resent: the
      worker died between the claim and the mark, so the email may have gone.
    - Runs with nothing left waiting are marked finished.
    """
    from .tasks import send_batch

    now = now or timezone.now()
    lease = timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    report = SweepReport()
    stale = Q(enqueued_at=None) | Q(enqueued_at__lt=now - lease)
    ids = list(
        DeliveryRecord.objects.filter(status=Status.PENDING, not_before__lte=now)
        .filter(stale)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = settings.NOTIFICATIONS_BATCH_SIZE
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        DeliveryRecord.objects.filter(pk__in=chunk).update(enqueued_at=now)
        send_batch.delay(record_ids=chunk)
    report.enqueued = len(ids)
    report.in_doubt = list(
        DeliveryRecord.objects.filter(status=Status.CLAIMED, claimed_at__lt=now - lease)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if report.in_doubt:
        logger.warning(
            "deliveries in doubt (claimed by a worker that stopped)",
            extra={"record_ids": report.in_doubt},
        )
    open_runs = DeliveryRun.objects.filter(finished_at=None).annotate(
        waiting=Count(
            "records",
            filter=Q(records__status=Status.PENDING)
            | Q(records__status=Status.CLAIMED, records__claimed_at__gte=now - lease),
        )
    )
    done = [run.pk for run in open_runs if run.waiting == 0]
    report.finished_runs = DeliveryRun.objects.filter(pk__in=done).update(finished_at=now)
    return report
