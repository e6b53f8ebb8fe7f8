"""No account enumeration: signing up, resetting a password and signing in answer
the same for an address that has an account and for one that has none.

Same status, same address, same page (once the per-request CSRF token is set aside),
and exactly one email, to the address typed: its owner learns whether an account
exists there, nobody else does.
"""

import re

from allauth.account.models import EmailAddress
from django.urls import reverse

from ..factories import PASSWORD, UserFactory

KNOWN = "known@example.org"
UNKNOWN = "nobody@example.org"
# Per-request CSRF tokens: in forms and in the htmx header on <body>.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def _page(response) -> str:
    return CSRF.sub(r"\1", response.content.decode())


def _answers_match(known, unknown):
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    # Pages may repeat the address typed; apart from that they are the same.
    assert _page(known).replace(KNOWN, "") == _page(unknown).replace(UNKNOWN, "")


def _sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "New Person",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
        follow=True,
    )


def test_sign_up_answers_the_same_for_a_taken_and_a_free_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email=KNOWN)

    with django_capture_on_commit_callbacks(execute=True):
        known = _sign_up(client, KNOWN)
    known_mail = list(mailoutbox)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _sign_up(client, UNKNOWN)

    _answers_match(known, unknown)
    assert known.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    assert [m.to for m in known_mail] == [[KNOWN]]
    assert [m.to for m in mailoutbox] == [[UNKNOWN]]
    # The owner of the taken address is told someone tried; no second account.
    assert "/accounts/confirm-email/" not in known_mail[0].body
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email=KNOWN)

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": KNOWN}, follow=True)
    known_mail = list(mailoutbox)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("account_reset_password"), {"email": UNKNOWN}, follow=True)

    _answers_match(known, unknown)
    assert known.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert [m.to for m in known_mail] == [[KNOWN]]
    assert [m.to for m in mailoutbox] == [[UNKNOWN]]
    assert "/accounts/password/reset/key/" in known_mail[0].body
    assert "/accounts/password/reset/key/" not in mailoutbox[0].body


def test_signing_in_answers_the_same_for_a_wrong_password_and_an_unknown_address(client, db):
    UserFactory(email=KNOWN)

    known = client.post(
        reverse("account_login"), {"login": KNOWN, "password": "not-" + PASSWORD}, follow=True
    )
    unknown = client.post(
        reverse("account_login"), {"login": UNKNOWN, "password": "not-" + PASSWORD}, follow=True
    )

    _answers_match(known, unknown)
    assert "are not correct" in _page(known)


def test_adding_an_address_answers_the_same_whether_another_account_has_it(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory(email="member@example.org")
    UserFactory(email=KNOWN)
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("account_email"))  # shows and clears the messages so far

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            reverse("account_email"), {"action_add": "", "email": KNOWN}, follow=True
        )
    known_mail = list(mailoutbox)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            reverse("account_email"), {"action_add": "", "email": UNKNOWN}, follow=True
        )

    _answers_match(known, unknown)
    assert [m.to for m in known_mail] == [[KNOWN]]
    assert [m.to for m in mailoutbox] == [[UNKNOWN]]

    # If the owner follows the link anyway, the address stays theirs alone.
    link = re.search(r"/accounts/confirm-email/[^\s]+/", known_mail[0].body).group(0)
    client.post(link)
    owners = EmailAddress.objects.filter(email=KNOWN, verified=True)
    assert [address.user.email for address in owners] == [KNOWN]
