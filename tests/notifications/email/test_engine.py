"""The delivery engine with a test kind of email: plan, claim, send, skip, fail,
retry and sweep, against a real local SMTP server."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from membership.models import DeliveryRecord, DeliveryRun, NotificationSettings
from membership.notifications import delivery
from membership.notifications.delivery import Due, Email

from ...factories import UserFactory

Status = DeliveryRecord.Status
TEST_KIND = "engine_test"
SAY_NOTHING = set()


@delivery.register(TEST_KIND)
def _build(records):
    return {
        record.pk: None
        if record.user_id in SAY_NOTHING
        else Email("emails/engine_test", {"line": f"hello {record.user_id}"})
        for record in records
    }


@pytest.fixture(autouse=True)
def _reset():
    SAY_NOTHING.clear()


def _plan(users, period="p1", **extra):
    return delivery.plan(
        kind=TEST_KIND,
        run_period="run-1",
        due=[Due(user_id=user.pk, period=period, **extra) for user in users],
    )


def test_a_planned_run_is_sent_once_with_unsubscribe_headers(
    db, smtp_server, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        run = _plan(people)

    assert run.planned == 3
    assert len(smtp_server.messages) == 3
    assert set(DeliveryRecord.objects.values_list("status", flat=True)) == {Status.SENT}
    message = smtp_server.messages[0]
    assert str(message["List-Unsubscribe"]).strip().startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "hello" in message.get_body(("plain",)).get_content()

    # A second beat, a retried batch and a sweep send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = _plan(people)
    delivery.send_batch(DeliveryRecord.objects.values_list("pk", flat=True))
    delivery.sweep()
    assert again.pk == run.pk and again.planned == 3
    assert DeliveryRun.objects.count() == 1
    assert len(smtp_server.messages) == 3


def test_nothing_to_say_is_skipped_not_sent(db, smtp_server):
    quiet, chatty = UserFactory.create_batch(2)
    SAY_NOTHING.add(quiet.pk)
    _plan([quiet, chatty])

    result = delivery.send_batch(DeliveryRecord.objects.values_list("pk", flat=True))

    assert (result.sent, result.skipped) == (1, 1)
    assert DeliveryRecord.objects.get(user=quiet).status == Status.SKIPPED
    assert [m["To"] for m in smtp_server.messages] == [chatty.email]


def test_a_refused_address_fails_for_good_and_gets_no_more_mail(db, smtp_server):
    person = UserFactory(email="bounce@example.org")
    smtp_server.refuse.add("bounce@example.org")
    _plan([person])

    result = delivery.send_batch(DeliveryRecord.objects.values_list("pk", flat=True))

    assert result.failed == 1
    assert NotificationSettings.objects.get(user=person).email_failing_since is not None
    _plan([person], period="p2")
    later = delivery.send_batch(
        DeliveryRecord.objects.filter(period="p2").values_list("pk", flat=True)
    )
    assert later.skipped == 1 and not smtp_server.messages


def test_a_server_that_is_down_releases_the_claim_for_a_retry(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    person = UserFactory()
    _plan([person])

    with pytest.raises(delivery.TransientSendError):
        delivery.send_batch(DeliveryRecord.objects.values_list("pk", flat=True))

    record = DeliveryRecord.objects.get()
    assert record.status == Status.PENDING and record.detail


def test_the_sweep_resends_pending_and_reports_a_stale_claim(db, smtp_server):
    waiting, in_flight = UserFactory.create_batch(2)
    _plan([waiting, in_flight])
    long_ago = timezone.now() - timedelta(hours=1)
    DeliveryRecord.objects.filter(user=in_flight).update(status=Status.CLAIMED, claimed_at=long_ago)

    report = delivery.sweep()

    assert report.enqueued == 1
    assert report.in_doubt == [DeliveryRecord.objects.get(user=in_flight).pk]
    assert [m["To"] for m in smtp_server.messages] == [waiting.email]


def test_records_held_for_quiet_hours_wait_for_the_sweep(db, smtp_server):
    person = UserFactory()
    later = timezone.now() + timedelta(hours=2)
    _plan([person], not_before=later)
    delivery.sweep()
    assert not smtp_server.messages

    with time_machine.travel(later + timedelta(minutes=1)):
        delivery.sweep()
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("size", [3, 30])
def test_a_batch_costs_one_read_and_one_write_per_email(
    db, smtp_server, size, django_assert_num_queries
):
    people = UserFactory.create_batch(size)
    _plan(people)
    ids = list(DeliveryRecord.objects.values_list("pk", flat=True))

    # The records (with their people), then one statement per email that marks the
    # previous one sent and claims the next, then the last one marked sent.
    with django_assert_num_queries(1 + size + 1):
        result = delivery.send_batch(ids)

    assert result.sent == size == len(smtp_server.messages)


class _Killed(BaseException):
    """Stands for the process dying mid-send (not an Exception: nothing catches it)."""


def test_a_process_dying_mid_send_leaves_only_that_one_record_claimed(db, smtp_server, monkeypatch):
    people = UserFactory.create_batch(5)
    _plan(people)
    from django.core.mail.backends.smtp import EmailBackend

    real_send, calls = EmailBackend.send_messages, []

    def dying_send(self, messages):
        calls.append(1)
        if len(calls) == 3:
            raise _Killed
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dying_send)
    with pytest.raises(_Killed):
        delivery.send_batch(DeliveryRecord.objects.values_list("pk", flat=True))

    statuses = list(DeliveryRecord.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Status.SENT, Status.SENT, Status.CLAIMED, Status.PENDING, Status.PENDING]
