"""The facilitator finds the at-risk community on the demo data, opens its health over
time, and sends an announcement to it and a healthy community."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from membership.management.commands.seed_demo import DEMO_PASSWORD

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", force=True, stdout=StringIO())
    return live_server.url


def test_the_facilitator_finds_the_community_at_risk_and_announces(page, site):
    page.goto(f"{site}/accounts/login/")
    page.locator("input[name='login']").fill("facilitator@example.org")
    page.locator("input[name='password']").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Facilitation").click()
    expect(page.locator("h1")).to_have_text("Facilitator dashboard")
    first = page.locator(".health-card").first
    expect(first.locator("h2")).to_have_text("Mental Health Peer Support Workers")
    expect(first).to_contain_text("Facilitator monologue.")
    expect(first).to_contain_text("Facilitators wrote 3 of the 4 posts")
    healthy = page.locator(".health-card", has_text="Safer Opioid Prescribing")
    expect(healthy).to_contain_text("No at-risk flags.")
    check_page(page, "facilitation-dashboard")

    page.get_by_label("Period").select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"days=90"))

    page.get_by_role(
        "link", name="All signals and charts for Mental Health Peer Support Workers"
    ).click()
    expect(page.locator("h1")).to_have_text("Health of Mental Health Peer Support Workers")
    expect(page.get_by_role("heading", name="At-risk flags")).to_be_visible()
    expect(page.locator(".flag-list")).to_contain_text("has had no reply")
    expect(page.get_by_role("figure", name="Posts per week")).to_be_visible()
    check_page(page, "facilitation-community-health")

    # The facilitation sub-navigation leads on to a cross-community announcement,
    # sent to the community at risk and a healthy one.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Facilitation").click()
    page.get_by_role("link", name="Cross-community announcement").click()
    page.get_by_label("Title").fill("Peer support drop-in for every team")
    page.get_by_label("Announcement").fill("Bring one question you **want answered**.")
    page.get_by_label("Mental Health Peer Support Workers").check()
    page.get_by_label("Safer Opioid Prescribing").check()
    page.get_by_role("button", name="Send the announcement").click()
    expect(page.locator("h1")).to_have_text("Announcement sent")
    expect(
        page.get_by_role(
            "link", name="Mental Health Peer Support Workers: Peer support drop-in for every team"
        )
    ).to_be_visible()
