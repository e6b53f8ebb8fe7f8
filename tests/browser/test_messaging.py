"""Messages and notifications in a real browser, on the demo data."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from membership.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", force=True, stdout=StringIO())
    return live_server.url


def sign_in(page, site, email):
    page.goto(f"{site}/accounts/login/")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_a_direct_message_shows_as_unread_and_notifications_clear_with_htmx(
    page, site, screenshot, assert_accessible
):
    sign_in(page, site, "peripheral@example.org")
    page.goto(f"{site}/messages/new/")
    page.get_by_label("Chidi Core").check()
    page.locator("textarea[name='body']").fill("Could we talk about the **leaflet** draft?")
    assert_accessible(page)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".message-body strong")).to_have_text("leaflet")
    sign_out(page)

    sign_in(page, site, "core@example.org")
    messages_link = page.get_by_role("link", name=re.compile(r"^Messages"))
    expect(messages_link.locator(".nav-count")).to_have_text(re.compile(r"^[1-9]\d*$"))
    messages_link.click()
    unread_row = page.locator(".conversation-row.is-unread", has_text="leaflet draft")
    expect(unread_row).to_contain_text("Could we talk about the leaflet draft?")
    screenshot(page, "messages-inbox")
    assert_accessible(page)
    unread_row.get_by_role("link").click()
    expect(page.locator(".message-body").last).to_contain_text("leaflet draft")
    screenshot(page, "messages-conversation")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    badge = page.locator("#nav-notifications-count .nav-count")
    expect(badge).to_be_visible()
    screenshot(page, "notifications")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Mark all \d+ unread notifications read")).click()
    # The status line only comes with the htmx fragment: the page was not reloaded.
    expect(page.get_by_role("status")).to_have_text("All notifications are marked read.")
    expect(badge).to_have_count(0)
    expect(page.locator(".notification.is-unread")).to_have_count(0)
    assert_accessible(page)
