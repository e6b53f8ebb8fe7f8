"""A failing address: the member is told (address, reason, date) and can resume
email; changing or re-confirming the primary address through allauth resumes it too."""

import re
from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.urls import reverse

from membership.models import DeliveryRecord, NotificationSettings
from membership.notifications import delivery
from membership.notifications.delivery import Due, Email

from ...factories import PASSWORD, UserFactory
from ..factories import NotificationFactory

SETTINGS = reverse("email:settings")
RESUME = reverse("email:resume")
REASON = "550 5.1.1 No such mailbox"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/")
FAILING_TEST_KIND = "failing_address_test"


@delivery.register(FAILING_TEST_KIND)
def _build(records):
    return {record.pk: Email("emails/engine_test", {"line": "hello"}) for record in records}


def _failing(person):
    return NotificationSettings.objects.create(
        user=person,
        email_failing_since=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        email_failure=REASON,
    )


def _is_failing(person) -> bool:
    return (
        NotificationSettings.objects.filter(user=person).exclude(email_failing_since=None).exists()
    )


def test_the_settings_page_names_the_address_the_reason_and_the_date(client, db):
    person = UserFactory(email="gone@example.org")
    _failing(person)
    client.force_login(person)

    page = client.get(SETTINGS).content.decode()

    assert "We cannot deliver email to gone@example.org" in page
    assert REASON in page
    assert "On 2 March 2026 the mail server refused this address" in page
    assert "My address works again — resume email" in page


def test_a_working_address_shows_no_notice(client, db):
    person = UserFactory()
    NotificationSettings.objects.create(user=person)
    client.force_login(person)

    page = client.get(SETTINGS).content.decode()

    assert "We cannot deliver email" not in page
    assert "resume email" not in page


def test_resuming_clears_the_pause_and_mail_goes_again(client, db, smtp_server):
    person = UserFactory(email="back@example.org")
    row = _failing(person)
    row.frequency = "daily"
    row.save()
    client.force_login(person)

    response = client.post(RESUME)

    assert response.status_code == 302 and response["Location"] == SETTINGS
    row.refresh_from_db()
    assert (row.email_failing_since, row.email_failure, row.frequency) == (None, "", "daily")
    assert "We will send email to back@example.org again." in client.get(SETTINGS).content.decode()
    delivery.plan(kind=FAILING_TEST_KIND, run_period="r", due=[Due(user_id=person.pk, period="p")])
    result = delivery.send_batch(DeliveryRecord.objects.values_list("pk", flat=True))
    assert result.sent == 1 and [m["To"] for m in smtp_server.messages] == ["back@example.org"]


def test_resuming_is_a_post_and_needs_a_signed_in_member(client, db):
    person = UserFactory()
    _failing(person)

    assert client.post(RESUME)["Location"].startswith(reverse("account_login"))
    client.force_login(person)
    assert client.get(RESUME).status_code == 405
    assert _is_failing(person)


def test_changing_the_primary_address_through_allauth_resumes_email(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    person = UserFactory(email="old@example.org")
    _failing(person)
    client.force_login(person)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert _is_failing(person)  # added, not confirmed: mail still has nowhere to go

    [message] = [m for m in smtp_server.messages if m["To"] == "new@example.org"]
    link = CONFIRM_LINK.search(message.get_body(("plain",)).get_content()).group(0)
    client.post("/" + link.split("://", 1)[1].split("/", 1)[1])

    person.refresh_from_db()
    assert person.email == "new@example.org"
    assert not _is_failing(person)


def test_confirming_the_primary_address_resumes_email_but_another_address_does_not(db):
    person = UserFactory(email="main@example.org")
    _failing(person)
    other = EmailAddress.objects.create(user=person, email="spare@example.org", verified=True)

    email_confirmed.send(sender=EmailAddress, request=None, email_address=other)
    assert _is_failing(person)

    primary = EmailAddress.objects.get(user=person, email="main@example.org")
    email_confirmed.send(sender=EmailAddress, request=None, email_address=primary)
    assert not _is_failing(person)


@pytest.mark.parametrize("failing", [False, True])
def test_the_notification_centre_says_so_in_the_query_it_already_makes(
    client, db, django_assert_num_queries, failing
):
    person = UserFactory(email="centre@example.org")
    NotificationFactory.create_batch(2, recipient=person)
    if failing:
        _failing(person)
    client.force_login(person)

    # session, user, the page of rows, unread count with the failing date, nav counts
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:list"))

    page = response.content.decode()
    assert ("we cannot deliver email to centre@example.org" in page) is failing
    assert (f'href="{SETTINGS}">Check your email settings' in page) is failing
    assert "Mark all 2 unread notifications read" in page
