"""Membership journeys in a real browser, on the demo data."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from membership.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+?(/(?:invitations|accounts/confirm-email)/\S+/)")


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", force=True, stdout=StringIO())
    mail.outbox.clear()
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


def path_in_last_email(to):
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return LINK.search(message.body).group(1)


def test_request_to_join_a_private_community_approved_by_a_facilitator(
    page, site, screenshot, assert_accessible
):
    sign_in(page, site, "leader@example.org")
    page.goto(f"{site}/c/ed-flow-leaders/members/")
    expect(page.locator("h1")).to_contain_text("cannot")  # 403 page for non-members
    page.goto(f"{site}/c/ed-flow-leaders/request/")
    page.get_by_label("Message to the core members").fill("I sponsor the flow programme.")
    assert_accessible(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Your request was sent")).to_be_visible()
    sign_out(page)

    sign_in(page, site, "facilitator@example.org")
    page.goto(f"{site}/c/ed-flow-leaders/manage/")
    expect(page.get_by_text("I sponsor the flow programme.")).to_be_visible()
    screenshot(page, "manage-members")
    assert_accessible(page)
    page.get_by_role("button", name="Approve Lee Leader").click()
    expect(page.get_by_text("Lee Leader is now a member.")).to_be_visible()
    sign_out(page)

    sign_in(page, site, "leader@example.org")
    page.goto(f"{site}/c/ed-flow-leaders/members/")
    expect(page.locator("main")).to_contain_text("Chidi Core")
    expect(page.locator("main")).to_contain_text("Lee Leader")


def test_an_invited_newcomer_signs_up_and_lands_in_the_community(
    page, browser, site, screenshot, assert_accessible
):
    sign_in(page, site, "core@example.org")
    page.goto(f"{site}/c/safer-opioid-prescribing/manage/")
    page.get_by_label("Email address").fill("dr.new@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to dr.new@example.org")).to_be_visible()

    newcomer = browser.new_context(
        viewport={"width": 360, "height": 800}, locale="en", reduced_motion="reduce"
    )
    visitor = newcomer.new_page()
    try:
        visitor.goto(site + path_in_last_email("dr.new@example.org"))
        expect(visitor.locator("h1")).to_contain_text("Safer Opioid Prescribing")
        screenshot(visitor, "invitation")
        assert_accessible(visitor)
        visitor.locator("main").get_by_role("button", name="Create an account").click()
        visitor.get_by_label("Email").fill("dr.new@example.org")
        visitor.get_by_label("Your name as others will see it").fill("Dr Amara New")
        visitor.locator("input[name='password1']").fill("a-long-enough-passphrase")
        visitor.locator("input[name='password2']").fill("a-long-enough-passphrase")
        visitor.locator("main form").get_by_role("button", name=re.compile("sign up", re.I)).click()
        expect(visitor.locator("h1")).to_contain_text("Verify")

        visitor.goto(site + path_in_last_email("dr.new@example.org"))
        visitor.locator("main form button[type=submit]").click()
        # Signed in by confirming, and brought back to the invitation.
        visitor.get_by_role("button", name="Accept and join").click()
        expect(visitor.locator("h1")).to_contain_text("Welcome to Safer Opioid Prescribing")
        assert "/c/safer-opioid-prescribing/welcome/" in visitor.url
        screenshot(visitor, "welcome-pack")
        assert_accessible(visitor)
    finally:
        newcomer.close()
