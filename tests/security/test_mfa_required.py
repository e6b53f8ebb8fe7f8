"""Two-factor authentication required by role (MFA_REQUIRED_FOR_ROLES).

A facilitator, leader or admin whose role is listed and who has no authenticator app
is sent to set one up before any other page (the admin site included); once set up,
the site opens and the app cannot be removed. Roles not listed, and members, are
left alone. The TOTP helpers come from tests/membership/test_mfa.py.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from membership.models import User

from ..factories import PASSWORD, UserFactory
from ..membership.test_mfa import TotpClock, _enable_totp
from ..membership.test_mfa import totp_clock as totp_clock  # the fixture

ALL_ROLES = frozenset({"admin", "facilitator", "leader"})
ROLE_USERS = {
    "facilitator": {"platform_role": User.PlatformRole.FACILITATOR},
    "leader": {"platform_role": User.PlatformRole.LEADER},
    "admin": {"is_staff": True, "is_superuser": True},
}


def _sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _sent_to_setup(response) -> bool:
    return response.status_code == 302 and response.url == reverse("mfa_activate_totp")


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_ROLES = ALL_ROLES
    return settings


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_a_privileged_role_without_two_factor_is_sent_to_set_it_up_first(
    client, db, required, role
):
    user = UserFactory(**ROLE_USERS[role])
    _sign_in(client, user)

    for url in [reverse("home"), reverse("communities:directory"), reverse("admin:index")]:
        assert _sent_to_setup(client.get(url)), url
    assert _sent_to_setup(client.post(reverse("membership:profile_edit"), {}))
    page = client.get(reverse("home"), follow=True)
    assert "requires two-factor authentication" in page.content.decode()


def test_an_htmx_request_is_told_to_go_to_the_set_up_page(client, db, required):
    _sign_in(client, UserFactory(**ROLE_USERS["facilitator"]))

    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_the_set_up_pages_and_signing_out_stay_open(client, db, required):
    user = UserFactory(**ROLE_USERS["leader"])
    _sign_in(client, user)

    assert client.get(reverse("mfa_index")).status_code == 200
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.url.startswith(reverse("account_reauthenticate"))
    assert client.get(activate.url).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_members_and_roles_not_listed_are_not_asked(client, db, settings):
    settings.MFA_REQUIRED_FOR_ROLES = frozenset({"facilitator"})

    for user in [UserFactory(), UserFactory(**ROLE_USERS["leader"])]:
        _sign_in(client, user)
        assert client.get(reverse("home")).status_code == 200
        client.post(reverse("account_logout"))


def test_with_no_role_listed_nobody_is_asked(client, db, settings):
    settings.MFA_REQUIRED_FOR_ROLES = frozenset()
    _sign_in(client, UserFactory(**ROLE_USERS["admin"]))

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_once_set_up_the_site_opens_and_the_app_cannot_be_removed(
    client, db, required, totp_clock: TotpClock
):
    user = UserFactory(**ROLE_USERS["facilitator"])
    _enable_totp(client, user, totp_clock)

    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_a_member_without_a_required_role_may_remove_their_app(
    client, db, required, totp_clock: TotpClock
):
    user = UserFactory()
    _enable_totp(client, user, totp_clock)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
