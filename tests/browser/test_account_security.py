"""A member finds their sessions from the account settings; a leader who must use
two-factor is taken to set it up right after signing in. Real browser, axe checks."""

import re

import pytest
from playwright.sync_api import expect

from membership.models import User

from ..factories import PASSWORD, UserFactory
from .conftest import check_page, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_finds_their_sessions_in_the_account_settings(page, live_server):
    member = UserFactory(email="nurse@example.org")
    sign_in_as(page, live_server.url, member)

    page.goto(f"{live_server.url}/me/profile/")
    page.get_by_role("navigation", name="Account settings").get_by_role(
        "link", name="Sessions"
    ).click()

    expect(page).to_have_url(f"{live_server.url}/accounts/sessions/")
    expect(page.locator("h1")).to_have_text(re.compile("Sessions"))
    expect(page.get_by_text("Current")).to_be_visible()
    check_page(page, "account-sessions")


def test_a_leader_who_must_use_two_factor_is_taken_to_set_it_up(page, live_server, settings):
    settings.MFA_REQUIRED_FOR_ROLES = frozenset({"leader"})
    leader = UserFactory(email="leader@example.org", platform_role=User.PlatformRole.LEADER)
    sign_in_as(page, live_server.url, leader)

    # Home sent them on: first the password again, then the authenticator app.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("requires two-factor authentication")).to_be_visible()
    check_page(page, "mfa-required-reauthenticate")
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("confirm", re.I)).click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    check_page(page, "mfa-required-activate")
