"""Sessions: a new key at sign-in, idle and absolute timeouts, ending sessions when an
account is deactivated or its password changes, the member's own list of sessions,
and the password asked again before the email address changes.

Members sign in through the sign-in form (not force_login), so allauth records each
session as it does in production. Clocks move with time_machine.
"""

import datetime as dt
from importlib import import_module

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from membership import sessions
from membership.models import User

from ..factories import PASSWORD, UserFactory

START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
IDLE_MESSAGE = "You were signed out after a while without activity"
ABSOLUTE_MESSAGE = "sessions last a limited time"


def _sign_in(client, user, **extra):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, **extra
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client.session.session_key


def _signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _visit(client):
    """A page only signed-in people see; returns whether it was served."""
    response = client.get(reverse("membership:profile_edit"))
    return response.status_code == 200


@pytest.fixture
def member(db):
    return UserFactory(email="member@example.org")


# --- a new key at sign-in ------------------------------------------------------------


def test_signing_in_gives_a_new_session_key_and_drops_a_planted_one(client, member):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["planted"] = True
    store.save()
    planted = store.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted

    key = _sign_in(client, member)

    assert key != planted
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == key
    assert not Session.objects.filter(session_key=planted).exists()
    assert _signed_in_as(client, member)


def test_a_remembered_session_cookie_lasts_as_long_as_the_idle_timeout(client, member):
    with time_machine.travel(START, tick=False):
        client.post(
            reverse("account_login"),
            {"login": member.email, "password": PASSWORD, "remember": "on"},
        )

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_IDLE_TIMEOUT_SECONDS
    assert cookie["httponly"]
    stored = Session.objects.get(session_key=cookie.value)
    assert stored.expire_date == START + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS)


def test_an_unremembered_session_ends_with_the_browser_and_the_idle_timeout(client, member):
    with time_machine.travel(START, tick=False):
        _sign_in(client, member)

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    stored = Session.objects.get(session_key=cookie.value)
    assert stored.expire_date == START + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS)


# --- timeouts ------------------------------------------------------------------------


def test_a_session_idle_longer_than_the_idle_timeout_is_signed_out(client, member):
    idle = dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS)
    with time_machine.travel(START, tick=False):
        _sign_in(client, member)
    with time_machine.travel(START + idle - dt.timedelta(seconds=1), tick=False):
        assert _visit(client)

    # From that last request, the same idle time again and one second more.
    with time_machine.travel(START + 2 * idle, tick=False):
        response = client.get(reverse("membership:profile_edit"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not _signed_in_as(client, member)


def test_the_idle_timeout_is_enforced_by_the_site_not_only_by_the_cookie(client, member, settings):
    # The stored session would live two hours; the setting says ten minutes.
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 600
    with time_machine.travel(START, tick=False):
        _sign_in(client, member)
    with time_machine.travel(START + dt.timedelta(seconds=599), tick=False):
        assert _visit(client)
    with time_machine.travel(START + dt.timedelta(seconds=599 + 601), tick=False):
        response = client.get(reverse("membership:profile_edit"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert IDLE_MESSAGE in response.content.decode()
    assert not _signed_in_as(client, member)


def test_activity_keeps_a_session_alive_past_the_idle_timeout(client, member):
    idle = settings.SESSION_IDLE_TIMEOUT_SECONDS
    with time_machine.travel(START, tick=False):
        _sign_in(client, member)
    step = dt.timedelta(seconds=idle * 3 // 4)
    for n in range(1, 5):
        with time_machine.travel(START + n * step, tick=False):
            assert _visit(client), f"signed out at request {n}"

    assert _signed_in_as(client, member)


def test_a_session_ends_at_the_absolute_timeout_however_active(client, member):
    absolute = dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS)
    with time_machine.travel(START, tick=False):
        _sign_in(client, member)
    moment = START
    while moment + HOUR < START + absolute:
        moment += HOUR
        with time_machine.travel(moment, tick=False):
            assert _visit(client), f"signed out at {moment - START}"

    with time_machine.travel(START + absolute + dt.timedelta(seconds=1), tick=False):
        response = client.get(reverse("membership:profile_edit"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert ABSOLUTE_MESSAGE in response.content.decode()
    assert not _signed_in_as(client, member)
    # Signing in again starts a new session with a new allowance.
    with time_machine.travel(START + absolute + dt.timedelta(seconds=2), tick=False):
        _sign_in(client, member)
        assert _visit(client)


def test_requests_within_a_minute_do_not_write_the_session(client, member):
    with time_machine.travel(START, tick=False):
        _sign_in(client, member)
        expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        assert _visit(client)
    assert Session.objects.get(session_key=client.session.session_key).expire_date == expiry

    with time_machine.travel(START + dt.timedelta(seconds=90), tick=False):
        assert _visit(client)
    renewed = Session.objects.get(session_key=client.session.session_key).expire_date
    assert renewed == expiry + dt.timedelta(seconds=90)


# --- deactivation ----------------------------------------------------------------


def _two_sessions(member):
    laptop, phone = Client(), Client()
    _sign_in(laptop, member, HTTP_USER_AGENT="Laptop")
    _sign_in(phone, member, HTTP_USER_AGENT="Phone")
    keys = [laptop.session.session_key, phone.session.session_key]
    assert UserSession.objects.filter(user=member).count() == 2
    return laptop, phone, keys


def _user_change_form(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "first_name": "",
        "last_name": "",
        "stakeholder_type": user.stakeholder_type,
        "platform_role": user.platform_role,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_deactivating_an_account_ends_all_its_sessions(client, member, admin_user):
    laptop, phone, keys = _two_sessions(member)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:membership_user_change", args=[member.pk]),
        _user_change_form(member, is_active=None),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert not member.is_active
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=member).exists()
    assert not _visit(laptop)
    assert not _visit(phone)


def test_an_admin_edit_that_keeps_the_account_active_keeps_its_sessions(client, member, admin_user):
    laptop, _, keys = _two_sessions(member)
    client.force_login(admin_user)

    client.post(
        reverse("admin:membership_user_change", args=[member.pk]),
        _user_change_form(member, display_name="Renamed"),
    )

    assert Session.objects.filter(session_key__in=keys).count() == 2
    assert _visit(laptop)


def test_the_admin_action_deactivates_and_signs_out(client, member, admin_user):
    laptop, phone, keys = _two_sessions(member)
    bystander = UserFactory()
    bystander_client = Client()
    _sign_in(bystander_client, bystander)
    client.force_login(admin_user)

    client.post(
        reverse("admin:membership_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [member.pk]},
    )

    assert not User.objects.get(pk=member.pk).is_active
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not _visit(laptop)
    assert not _visit(phone)
    assert _visit(bystander_client)


def test_the_deactivation_service_ends_all_sessions(member):
    laptop, phone, keys = _two_sessions(member)

    sessions.user_deactivate(user=member)

    assert not User.objects.get(pk=member.pk).is_active
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not _visit(laptop)
    assert not _visit(phone)


def test_an_account_turned_off_by_any_other_road_is_refused_on_its_next_request(member):
    laptop, _, _ = _two_sessions(member)

    User.objects.filter(pk=member.pk).update(is_active=False)

    assert not _visit(laptop)


# --- password change and the list of sessions ------------------------------------


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(member):
    laptop, phone, (_, phone_key) = _two_sessions(member)

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-brand-new-passphrase",
            "password2": "a-brand-new-passphrase",
        },
    )

    assert response.status_code == 302
    assert _visit(laptop)
    assert not _visit(phone)
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert list(UserSession.objects.filter(user=member).values_list("session_key", flat=True)) == [
        laptop.session.session_key
    ]


def test_a_member_sees_their_sessions_and_signs_the_others_out(member):
    laptop, phone, _ = _two_sessions(member)
    other = UserFactory()
    _sign_in(Client(), other)

    page = laptop.get(reverse("usersessions_list"))

    assert page.status_code == 200
    assert list(page.context["sessions"]) == list(
        UserSession.objects.filter(user=member).order_by("created_at")
    )
    html = page.content.decode()
    assert "Laptop" in html
    assert "Phone" in html

    laptop.post(reverse("usersessions_list"))

    assert _visit(laptop)
    assert not _visit(phone)
    assert UserSession.objects.filter(user=other).count() == 1


def test_the_sessions_page_needs_signing_in(client, db):
    response = client.get(reverse("usersessions_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- the password again before the email address changes -----------------------------


def _add_address(client, email):
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def test_changing_the_email_address_asks_for_the_password_again_even_after_signing_in(
    client, member
):
    with time_machine.travel(START, tick=False):
        _sign_in(client, member)
        asked = _add_address(client, "new@example.org")
        assert asked.status_code == 302
        assert asked.url.startswith(reverse("account_reauthenticate"))
        assert not EmailAddress.objects.filter(email="new@example.org").exists()

        wrong = client.post(reverse("account_reauthenticate"), {"password": "not-it"})
        assert wrong.status_code == 200
        assert not EmailAddress.objects.filter(email="new@example.org").exists()

        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert _add_address(client, "new@example.org").url == reverse("account_email")

    added = EmailAddress.objects.get(email="new@example.org")
    assert added.user == member
    assert not added.verified

    # The password entered again holds for ACCOUNT_REAUTHENTICATION_TIMEOUT seconds.
    later = START + dt.timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
    with time_machine.travel(later, tick=False):
        again = _add_address(client, "other@example.org")
    assert again.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="other@example.org").exists()


def test_resetting_the_password_by_email_ends_every_session(client, member):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    laptop, phone, keys = _two_sessions(member)
    member.refresh_from_db()  # the token covers the last sign-in time
    link = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(member),
            "key": default_token_generator.make_token(member),
        },
    )
    form = client.get(link)
    assert form.status_code == 302

    response = client.post(
        form.url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )

    assert response.status_code == 302, response.context["form"].errors
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(session_key__in=keys).exists()
    assert not _visit(laptop)
    assert not _visit(phone)


def test_a_member_s_data_download_lists_their_sessions_but_never_a_session_key(member):
    import io
    import json
    import zipfile

    laptop, _, keys = _two_sessions(member)

    response = laptop.get(reverse("privacy:download"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    profile = json.loads(archive.read("profile.json"))[0]
    assert sorted(s["user_agent"] for s in profile["sessions"]) == ["Laptop", "Phone"]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for key in keys:
        assert key.encode() not in everything
