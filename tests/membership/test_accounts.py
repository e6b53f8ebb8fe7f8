"""Sign-up, verification, sign-in and sign-out, with mail through a real SMTP server."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from membership.models import User

from ..factories import PASSWORD, UserFactory

CONFIRM_LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/")


def _sign_up(client, email, password="a-long-enough-passphrase"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "New Person",
            "password1": password,
            "password2": password,
        },
    )


def _mail_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_sign_up_sends_a_verification_email_and_signs_in_only_after_confirming(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, "new.person@example.org")

    # Mandatory verification: no session yet, a page telling them to check mail.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "new.person@example.org"
    link = CONFIRM_LINK.search(_mail_text(message)).group(0)

    confirm_path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/" + confirm_path)

    assert EmailAddress.objects.get(email="new.person@example.org").verified
    assert User.objects.get(email="new.person@example.org").name == "New Person"
    home = client.get(reverse("home"))
    assert home.context["user"].email == "new.person@example.org"


def test_signing_in_before_verifying_sends_another_verification_email(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    UserFactory(email="unverified@example.org", verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "unverified@example.org", "password": PASSWORD}
        )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert [m["To"] for m in smtp_server.messages] == ["unverified@example.org"]


def test_verified_member_signs_in_with_email_in_any_case_and_signs_out(client, db):
    user = UserFactory(email="chidi@example.org")

    response = client.post(
        reverse("account_login"), {"login": "Chidi@Example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_with_a_message_and_keeps_the_email(client, db):
    UserFactory(email="chidi@example.org")

    response = client.post(
        reverse("account_login"), {"login": "chidi@example.org", "password": "not-it"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "error-summary" in html
    assert 'value="chidi@example.org"' in html


@pytest.mark.parametrize(
    ("allowed", "email"),
    [
        (["health.example.ca"], "someone@gmail.example.com"),
        (["health.example.ca"], "someone@nothealth.example.ca"),
    ],
)
def test_sign_up_outside_the_allowed_domains_is_refused_with_a_clear_message(
    client, db, settings, smtp_server, allowed, email
):
    settings.ACCOUNT_ALLOWED_EMAIL_DOMAINS = allowed

    response = _sign_up(client, email)

    assert response.status_code == 200
    assert not User.objects.filter(email=email).exists()
    assert "Accounts on this platform are for addresses at health.example.ca" in (
        response.content.decode()
    )
    # What was typed stays in the form.
    assert f'value="{email}"' in response.content.decode()
    assert smtp_server.messages == []


@pytest.mark.parametrize("email", ["nurse@health.example.ca", "md@north.health.example.ca"])
def test_sign_up_inside_an_allowed_domain_or_its_subdomain_is_accepted(client, db, settings, email):
    settings.ACCOUNT_ALLOWED_EMAIL_DOMAINS = ["health.example.ca"]

    response = _sign_up(client, email)

    assert response.status_code == 302
    assert User.objects.filter(email=email).exists()


def test_signing_up_with_a_taken_address_does_not_reveal_the_account(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, "taken@example.org")

    # Same answer as a fresh sign-up; the owner is told by email instead.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert [m["To"] for m in smtp_server.messages] == ["taken@example.org"]


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    recipients = sorted(m["To"] for m in smtp_server.messages)
    # The unknown address is told there is no account, without the page saying so.
    assert recipients == ["known@example.org", "nobody@example.org"]
    known_text = _mail_text(next(m for m in smtp_server.messages if m["To"] == "known@example.org"))
    assert "/accounts/password/reset/key/" in known_text


def test_password_change_requires_the_current_password(client, db):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "wrong",
            "password1": "a-new-passphrase-1",
            "password2": "a-new-passphrase-1",
        },
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_repeated_failed_sign_ins_are_rate_limited(client, db):
    UserFactory(email="target@example.org")

    for attempt in range(5):
        client.post(
            reverse("account_login"),
            {"login": "target@example.org", "password": f"guess-{attempt}"},
        )
    # Even the right password is refused until the window passes.
    response = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_changing_email_verifies_the_new_address_before_it_replaces_the_old(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    # Changing email asks for the password again (allauth counts only this step).
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "new@example.org"}
        )

    assert response.status_code == 302
    assert [m["To"] for m in smtp_server.messages] == ["new@example.org"]
    user.refresh_from_db()
    assert user.email == "old@example.org"
    assert not EmailAddress.objects.get(email="new@example.org").verified

    link = CONFIRM_LINK.search(_mail_text(smtp_server.messages[0])).group(0)
    client.post("/" + link.split("://", 1)[1].split("/", 1)[1])

    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "new@example.org"
    ]


def test_changing_email_to_another_domain_is_refused_when_sign_up_is_restricted(
    client, db, settings
):
    settings.ACCOUNT_ALLOWED_EMAIL_DOMAINS = ["health.example.ca"]
    UserFactory(email="nurse@health.example.ca")
    client.post(
        reverse("account_login"), {"login": "nurse@health.example.ca", "password": PASSWORD}
    )

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "nurse@personal.example.com"}
    )

    assert response.status_code == 200
    assert "Accounts on this platform are for addresses at" in response.content.decode()
    assert not EmailAddress.objects.filter(email="nurse@personal.example.com").exists()


def test_changing_email_without_a_recent_sign_in_asks_for_the_password_first(client, db):
    client.force_login(UserFactory(email="old@example.org"))

    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="new@example.org").exists()


def test_sign_up_asks_for_the_name_others_will_see(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "anon@example.org",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )

    assert response.status_code == 200
    assert "Your name as others will see it" in response.content.decode()
    assert not User.objects.filter(email="anon@example.org").exists()
