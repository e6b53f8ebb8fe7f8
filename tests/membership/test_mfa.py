"""Two-factor authentication with allauth.mfa: TOTP set-up, the 2FA sign-in step, recovery codes.

Everything goes through the site with the Django test client. The only thing the tests
control is the clock allauth's TOTP code reads, so a code computed here and the code
the server expects always fall in the same 30-second period (no flakiness at a period
boundary), and a test can move to the next period to get a fresh code.
"""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.contrib.auth import get_user
from django.urls import reverse

from ..factories import PASSWORD, UserFactory


class TotpClock:
    """Stands in for the `time` module inside allauth's TOTP code only."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    @property
    def counter(self) -> int:
        return int(self.now) // mfa_settings.TOTP_PERIOD

    def next_period(self) -> None:
        self.now += mfa_settings.TOTP_PERIOD

    def code(self, secret: str) -> str:
        return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, self.counter))

    def wrong_code(self, secret: str) -> str:
        right = totp_auth.hotp_value(secret, self.counter)
        return totp_auth.format_hotp_value((right + 1) % 10**mfa_settings.TOTP_DIGITS)


@pytest.fixture
def totp_clock(monkeypatch):
    # Start a little after the beginning of a period, like a phone app would show.
    period = mfa_settings.TOTP_PERIOD
    clock = TotpClock((int(time.time()) // period) * period + 5)
    monkeypatch.setattr(totp_auth, "time", clock)
    return clock


@pytest.fixture
def user(db):
    return UserFactory(email="mfa.member@example.org")


def _sign_in_with_password(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def _signed_in_user(client):
    return get_user(client)


def _enable_totp(client, user, clock):
    """Sign in, re-enter the password, scan the secret, confirm with a code.

    Returns (secret, recovery codes shown to the user) and leaves the user signed in.
    """
    response = _sign_in_with_password(client, user.email)
    assert response.status_code == 302
    assert _signed_in_user(client).pk == user.pk

    # Even right after signing in, allauth asks for the password again first.
    activate_url = reverse("mfa_activate_totp")
    response = client.get(activate_url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == activate_url

    response = client.get(activate_url)
    assert response.status_code == 200
    secret = response.context["form"].secret
    assert secret == client.session[totp_auth.SECRET_SESSION_KEY]
    assert response.context["totp_url"].startswith("otpauth://totp/")
    assert f"secret={secret}" in response.context["totp_url"]

    response = client.post(activate_url, {"code": clock.code(secret)}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    recovery_codes = list(response.context["unused_codes"])
    for code in recovery_codes:
        assert code in response.content.decode()
    return secret, recovery_codes


def _sign_out(client):
    client.post(reverse("account_logout"))
    assert not _signed_in_user(client).is_authenticated


def _start_sign_in_expecting_second_factor(client, user):
    response = _sign_in_with_password(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert not _signed_in_user(client).is_authenticated
    return response


def _submit_second_factor(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def _assert_refused(response):
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


# --- enabling TOTP -------------------------------------------------------------------------


def test_member_enables_totp_after_reentering_password_and_gets_recovery_codes(
    client, user, totp_clock
):
    secret, recovery_codes = _enable_totp(client, user, totp_clock)

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    # The stored secret is the one the member scanned, and it left the session.
    assert totp.wrap().validate_code(totp_clock.code(secret))
    assert totp_auth.SECRET_SESSION_KEY not in client.session
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert len(recovery_codes) == mfa_settings.RECOVERY_CODE_COUNT
    assert sorted(codes.wrap().get_unused_codes()) == sorted(recovery_codes)
    assert all(len(code) == mfa_settings.RECOVERY_CODE_DIGITS for code in recovery_codes)


def test_totp_is_not_enabled_when_the_confirmation_code_is_wrong(client, user, totp_clock):
    _sign_in_with_password(client, user.email)
    activate_url = reverse("mfa_activate_totp")
    reauth = client.get(activate_url)
    client.post(reauth.url, {"password": PASSWORD})
    secret = client.get(activate_url).context["form"].secret

    response = client.post(activate_url, {"code": totp_clock.wrong_code(secret)})

    _assert_refused(response)
    assert not Authenticator.objects.filter(user=user).exists()


def test_totp_activation_page_requires_a_signed_in_member(client, db):
    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Authenticator.objects.exists()


# --- signing in with TOTP ------------------------------------------------------------------


def test_password_alone_no_longer_signs_in_a_member_with_totp(client, user, totp_clock):
    _enable_totp(client, user, totp_clock)
    _sign_out(client)

    _start_sign_in_expecting_second_factor(client, user)

    # Pages that need a session still treat them as signed out.
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 302
    assert not _signed_in_user(client).is_authenticated
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert "code" in page.context["form"].fields


def test_wrong_totp_code_is_refused_and_a_correct_one_signs_in(client, user, totp_clock):
    secret, _ = _enable_totp(client, user, totp_clock)
    _sign_out(client)
    _start_sign_in_expecting_second_factor(client, user)

    wrong = _submit_second_factor(client, totp_clock.wrong_code(secret))

    _assert_refused(wrong)
    assert not _signed_in_user(client).is_authenticated

    totp_clock.next_period()
    right = _submit_second_factor(client, totp_clock.code(secret))

    assert right.status_code == 302
    assert right.url == reverse("home")
    assert _signed_in_user(client).pk == user.pk


def test_garbage_in_the_totp_field_is_a_form_error_not_a_crash(client, user, totp_clock):
    _enable_totp(client, user, totp_clock)
    _sign_out(client)
    _start_sign_in_expecting_second_factor(client, user)

    for junk in ("", "abc", "1" * 64, "12 34 56", "' OR 1=1 --"):
        response = _submit_second_factor(client, junk)
        _assert_refused(response)
    assert not _signed_in_user(client).is_authenticated


def test_a_totp_code_cannot_be_used_twice_in_the_same_period(client, user, totp_clock):
    secret, _ = _enable_totp(client, user, totp_clock)
    _sign_out(client)
    totp_clock.next_period()
    code = totp_clock.code(secret)
    _start_sign_in_expecting_second_factor(client, user)
    assert _submit_second_factor(client, code).status_code == 302
    _sign_out(client)

    _start_sign_in_expecting_second_factor(client, user)
    replay = _submit_second_factor(client, code)

    _assert_refused(replay)
    assert not _signed_in_user(client).is_authenticated

    totp_clock.next_period()
    fresh = _submit_second_factor(client, totp_clock.code(secret))
    assert fresh.status_code == 302
    assert _signed_in_user(client).pk == user.pk


def test_a_code_from_an_earlier_period_is_refused(client, user, totp_clock):
    secret, _ = _enable_totp(client, user, totp_clock)
    _sign_out(client)
    stale = totp_clock.code(secret)
    totp_clock.next_period()
    totp_clock.next_period()
    if stale == totp_clock.code(secret):  # one chance in a million: step once more
        totp_clock.next_period()
    _start_sign_in_expecting_second_factor(client, user)

    response = _submit_second_factor(client, stale)

    _assert_refused(response)
    assert not _signed_in_user(client).is_authenticated


# --- recovery codes ------------------------------------------------------------------------


def test_a_recovery_code_signs_in_exactly_once(client, user, totp_clock):
    _, recovery_codes = _enable_totp(client, user, totp_clock)
    _sign_out(client)
    first, second = recovery_codes[0], recovery_codes[1]

    _start_sign_in_expecting_second_factor(client, user)
    used = _submit_second_factor(client, first)

    assert used.status_code == 302
    assert used.url == reverse("home")
    assert _signed_in_user(client).pk == user.pk
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    unused = codes.wrap().get_unused_codes()
    assert first not in unused
    assert len(unused) == mfa_settings.RECOVERY_CODE_COUNT - 1

    _sign_out(client)
    _start_sign_in_expecting_second_factor(client, user)
    again = _submit_second_factor(client, first)

    _assert_refused(again)
    assert not _signed_in_user(client).is_authenticated

    other = _submit_second_factor(client, second)
    assert other.status_code == 302
    assert _signed_in_user(client).pk == user.pk
