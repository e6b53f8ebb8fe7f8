"""Events in a real browser: a member replies to a meeting and downloads its .ics."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.events.factories import make_event

from ..factories import CommunityFactory, MembershipFactory
from .conftest import assert_no_serious_axe_violations, take_screenshots
from .conftest import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    community = CommunityFactory(name="Safer Discharge", slug="safer-discharge")
    organiser = MembershipFactory(
        community=community, level="core", user__display_name="Cora Core"
    ).user
    member = MembershipFactory(community=community, user__display_name="Pat Member").user
    event = make_event(
        community,
        organiser,
        title="Discharge huddle",
        agenda="- Wins and worries\n- **Delayed discharges** this month",
        place="Ward 7 seminar room",
        online_url="https://meet.example.org/huddle",
        capacity=10,
        recurrence="fortnightly",
        repeat_count=4,
    )
    return {"site": live_server.url, "event": event, "member": member}


def test_a_member_replies_going_and_downloads_the_calendar_file(page, world):
    site = world["site"]
    _sign_in(page, site, world["member"])
    page.goto(f"{site}/c/safer-discharge/events/")
    expect(page.locator("h1")).to_have_text("Meetings and events")
    assert_no_serious_axe_violations(page)
    take_screenshots(page, "events-list")

    page.get_by_role("link", name="Discharge huddle").first.click()
    expect(page.locator("h1")).to_have_text("Discharge huddle")
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.locator("#rsvp")).to_contain_text("Your reply: Going")
    expect(page.locator("#rsvp")).to_contain_text("1 going")
    assert_no_serious_axe_violations(page)
    take_screenshots(page, "events-meeting")

    page.get_by_role("link", name="All meetings of this event").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add all meetings to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "discharge-huddle.ics"
    with open(download.path(), "rb") as handle:
        calendar = Calendar.from_ical(handle.read())
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 4
    assert str(entries[0]["summary"]) == "Discharge huddle"
    assert "https://meet.example.org/huddle" in str(entries[0]["description"])
    assert_no_serious_axe_violations(page)
    take_screenshots(page, "events-event")
