"""A member with a failing address finds their email settings, resumes email, makes
a mistake with quiet hours and fixes it; a facilitator reads the delivery runs."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from membership.models import DeliveryRecord, DeliveryRun, Membership, NotificationSettings

from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from .conftest import check_page, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


def test_a_member_resumes_email_and_chooses_what_each_community_sends(page, site):
    person = UserFactory(email="nurse@example.org", display_name="Nadia Nurse")
    wound = MembershipFactory(user=person, community=CommunityFactory(name="Wound care")).community
    falls = MembershipFactory(
        user=person, community=CommunityFactory(name="Falls prevention")
    ).community
    NotificationSettings.objects.create(
        user=person,
        email_failing_since=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        email_failure="550 5.1.1 No such mailbox",
    )
    sign_in_as(page, site, person)

    # From a community's home, the member goes to that community's row.
    page.goto(f"{site}/c/{wound.slug}/")
    page.get_by_role("link", name="Email from this community").click()
    expect(page).to_have_url(re.compile(rf"/email/settings/#community-{wound.pk}$"))
    expect(page.locator("h1")).to_have_text("Email settings")
    expect(page.locator(f"#community-{wound.pk}")).to_contain_text("Wound care")
    notice = page.locator(".email-failing")
    expect(notice).to_contain_text("We cannot deliver email to nurse@example.org")
    expect(notice).to_contain_text("550 5.1.1 No such mailbox")
    check_page(page, "email-settings-failing")

    notice.get_by_role("button", name="My address works again — resume email").click()
    expect(page.get_by_role("status")).to_contain_text("We will send email to nurse@example.org")
    expect(page.locator(".email-failing")).to_have_count(0)

    page.get_by_label("A daily digest").check()
    page.get_by_label("Quiet hours start").fill("22:00")
    page.get_by_role("button", name="Save my email settings").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Give both the start and the end of your quiet hours")
    expect(page.get_by_label("A daily digest")).to_be_checked()
    expect(page.get_by_label("Quiet hours start")).to_have_value("22:00")
    check_page(page, "email-settings-error")

    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Quiet hours end")).to_be_focused()
    page.get_by_label("Quiet hours end").fill("07:00")
    page.get_by_label("How often to email me from Wound care").select_option("instant")
    page.get_by_label("Email me its announcements (Falls prevention)").uncheck()
    page.get_by_role("button", name="Save my email settings").click()

    expect(page.get_by_role("status")).to_contain_text("Your email settings have been saved.")
    row = NotificationSettings.objects.get(user=person)
    assert (row.frequency, str(row.quiet_start), str(row.quiet_end)) == (
        "daily",
        "22:00:00",
        "07:00:00",
    )
    assert row.email_failing_since is None
    assert Membership.objects.get(user=person, community=wound).email_frequency == "instant"
    assert not Membership.objects.get(user=person, community=falls).announcement_email
    check_page(page, "email-settings")


def test_a_facilitator_reads_the_delivery_runs_from_the_dashboard(page, site):
    facilitator = FacilitatorAssignmentFactory().user
    now = timezone.now()
    run = DeliveryRun.objects.create(
        kind="digest_daily",
        period="2026-03-02",
        started_at=now - timedelta(hours=2),
        finished_at=now - timedelta(hours=2) + timedelta(minutes=4),
        planned=3,
    )
    for status in ("sent", "sent", "failed"):
        DeliveryRecord.objects.create(
            run=run, user=UserFactory(), kind=run.kind, period=run.period, status=status
        )
    DeliveryRun.objects.create(kind="event_reminder_hour", period="2026-03-02T10", planned=0)
    sign_in_as(page, site, facilitator)

    page.goto(f"{site}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Facilitation").click()
    page.get_by_role("link", name=re.compile("^Email delivery runs")).click()

    expect(page.locator("h1")).to_have_text("Email delivery runs")
    daily = page.locator("tr.delivery-run", has_text="Daily digest")
    expect(daily).to_contain_text("2026-03-02")
    expect(daily.locator("td[data-label='Sent']")).to_have_text("2")
    expect(daily.locator("td[data-label='Failed']")).to_have_text("1")
    expect(
        page.locator("tr.delivery-run", has_text="Event reminder, an hour before")
    ).to_contain_text("running")
    check_page(page, "email-delivery-runs")
