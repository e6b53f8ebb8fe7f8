"""Signing in and out in a real browser, on the demo data, with axe and screenshots."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from membership.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORE_EMAIL = "core@example.org"
CORE_COMMUNITIES = ["Safer Opioid Prescribing in Primary Care", "Emergency Department Flow Leaders"]
HIDDEN_COMMUNITY = "Regional Quality Team"


@pytest.fixture
def site(live_server):
    """The live server's base URL, with the demo accounts and communities loaded."""
    call_command("seed_demo", force=True, stdout=StringIO())
    return live_server.url


def sign_in(page, site, email, password):
    page.goto(f"{site}/accounts/login/")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(password)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_load_state()


def expect_signed_out_home(page, site):
    expect(page).to_have_url(f"{site}/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("region", name="Open communities")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_signed_out_home_has_one_heading_and_lists_open_communities_accessibly(
    page, site, screenshot, assert_accessible
):
    page.goto(f"{site}/")

    expect_signed_out_home(page, site)
    open_communities = page.get_by_role("region", name="Open communities")
    expect(open_communities).to_contain_text("Safer Opioid Prescribing in Primary Care")
    expect(page.get_by_text(HIDDEN_COMMUNITY)).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "home-signed-out")


def test_core_member_signs_in_and_sees_only_their_own_communities(
    page, site, screenshot, assert_accessible
):
    page.goto(f"{site}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    expect(page.locator("input[name='login']")).to_be_visible()
    screenshot(page, "sign-in")
    assert_accessible(page)

    sign_in(page, site, CORE_EMAIL, DEMO_PASSWORD)

    expect(page).to_have_url(f"{site}/")
    my_communities = page.get_by_role("region", name="My communities")
    expect(my_communities).to_be_visible()
    for name in CORE_COMMUNITIES:
        expect(my_communities.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_text(HIDDEN_COMMUNITY)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home-signed-in")


def test_wrong_password_shows_error_summary_and_keeps_the_typed_email(
    page, site, assert_accessible
):
    sign_in(page, site, CORE_EMAIL, "not-the-password")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(page.locator("input[name='login']")).to_have_value(CORE_EMAIL)
    expect(page.locator("input[name='password']")).to_have_value("")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)


def test_sign_out_button_in_header_returns_to_signed_out_home(page, site):
    sign_in(page, site, CORE_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_role("region", name="My communities")).to_be_visible()

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()

    expect_signed_out_home(page, site)
    expect(page.get_by_role("region", name="My communities")).to_have_count(0)
    page.goto(f"{site}/")
    expect_signed_out_home(page, site)
