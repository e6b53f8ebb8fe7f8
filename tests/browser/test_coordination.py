"""Cross-community actions in a real browser: a facilitator announces to two of
their communities and finds it on both; a bulk-invitation preview shows row errors."""

import pytest
from playwright.sync_api import expect

from ..facilitation.coordination.factories import facilitator_of
from ..factories import CommunityFactory, MembershipFactory
from .conftest import check_page
from .conftest import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    wound = CommunityFactory(name="Wound Care Network", slug="wound-care")
    falls = CommunityFactory(name="Falls Prevention", slug="falls-prevention")
    quiet = CommunityFactory(name="Quiet Corner", slug="quiet-corner")
    facilitator = facilitator_of(wound, falls, quiet, display_name="Fay Facilitator")
    MembershipFactory(community=wound, user__email="already@example.org")
    return {"site": live_server.url, "facilitator": facilitator}


def test_a_facilitator_announces_to_two_communities(page, world):
    site = world["site"]
    _sign_in(page, site, world["facilitator"])
    page.goto(f"{site}/facilitation/actions/announcement/")
    expect(page.locator("h1")).to_have_text("Announce to several communities")
    check_page(page, "coordination-announce")

    page.get_by_label("Title").fill("Spring learning exchange")
    page.get_by_label("Announcement").fill("Join us on **12 March** to share what worked.")
    page.get_by_label("Wound Care Network").check()
    page.get_by_label("Falls Prevention").check()
    page.get_by_role("button", name="Send the announcement").click()

    expect(page.locator("h1")).to_have_text("Announcement sent")
    expect(
        page.get_by_role("link", name="Wound Care Network: Spring learning exchange")
    ).to_be_visible()
    check_page(page, "coordination-announce-sent")
    for slug in ("wound-care", "falls-prevention"):
        page.goto(f"{site}/c/{slug}/discussions/")
        expect(page.get_by_role("link", name="Spring learning exchange").first).to_be_visible()
    page.goto(f"{site}/c/quiet-corner/discussions/")
    expect(page.get_by_text("Spring learning exchange")).to_have_count(0)

    page.goto(f"{site}/facilitation/work-log/")
    rows = page.locator("table.work-log-table tbody tr")
    expect(rows.filter(has_text="Announcement: Spring learning exchange")).to_have_count(2)
    check_page(page, "coordination-work-log")


def test_the_bulk_invitation_preview_shows_each_rows_problem(page, world):
    site = world["site"]
    _sign_in(page, site, world["facilitator"])
    page.goto(f"{site}/facilitation/actions/bulk-invite/")
    check_page(page, "coordination-bulk-invite")
    page.get_by_label("Community").select_option(label="Wound Care Network")
    page.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": b"email,level\nnew.nurse@example.org,active\nnot-an-address,\n"
                b"already@example.org,\n",
            }
        ]
    )
    page.get_by_role("button", name="Preview the invitations").click()
    expect(page.locator("h1")).to_have_text("Check the invitations to Wound Care Network")
    table = page.locator("table.bulk-preview")
    expect(table).to_contain_text("Not a valid email address.")
    expect(table).to_contain_text("Already a member.")
    check_page(page, "coordination-bulk-invite-preview")
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.locator("h1")).to_have_text("Invitations sent")
