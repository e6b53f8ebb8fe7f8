"""The leader report in a real browser: filter by a priority, download a CSV, print."""

import csv
import re

import pytest
from playwright.sync_api import expect

from facilitation.models import StrategicPriority
from membership.models import User

from ..facilitation.reports.helpers import add_members, add_story, add_thread
from ..factories import CommunityFactory, UserFactory
from .conftest import check_page, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    falls = StrategicPriority.objects.create(name="Fewer falls at home")
    wards = CommunityFactory(name="Falls Prevention Network", slug="falls-prevention")
    wards.topics.add("falls")
    falls.communities.add(wards)
    add_members(wards, 9, level="peripheral")
    add_members(wards, 3, level="core", stakeholder="patient")
    add_thread(wards, replies=2)
    add_story(wards, title="Home checks cut repeat falls")
    other = CommunityFactory(name="Sepsis Early Warning", slug="sepsis", visibility="private")
    add_members(other, 7, level="active")
    add_thread(other, title="Private sepsis case review")
    CommunityFactory(name="Board Secrets Group", visibility="hidden")
    leader = UserFactory(platform_role=User.PlatformRole.LEADER, display_name="Lee Leader")
    return {"site": live_server.url, "leader": leader}


def test_the_leader_filters_the_report_and_downloads_a_csv(page, world):
    site = world["site"]
    sign_in_as(page, site, world["leader"])
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("h1")).to_have_text("Report across communities")
    catalogue = page.get_by_role("table", name="Communities", exact=True)
    expect(catalogue).to_contain_text("Sepsis Early Warning")
    expect(catalogue).to_contain_text("1 hidden community")
    expect(page.locator("main")).not_to_contain_text("Board Secrets Group")
    expect(page.locator("main")).not_to_contain_text("Private sepsis case review")
    check_page(page, "reports-report")

    page.get_by_label("Strategic priority").select_option(label="Fewer falls at home")
    page.get_by_role("button", name="Show the report").click()
    expect(page).to_have_url(f"{site}/reports/?date_from=" + page.url.split("date_from=")[1])
    assert "priority=" in page.url
    expect(catalogue).to_contain_text("Falls Prevention Network")
    expect(catalogue).not_to_contain_text("Sepsis Early Warning")
    expect(page.get_by_role("table", name="Members by stakeholder type")).to_contain_text(
        "fewer than 5"
    )

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download CSV.*participation level")).click()
    download = download_info.value
    assert download.suggested_filename.startswith("report-levels-")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Community", "Core", "Active", "Peripheral", "Members"]
    assert rows[1] == ["Falls Prevention Network", "fewer than 5", "0", "not shown", "12"]
    assert len(rows) == 3  # the community and the total: the other one is filtered out

    page.get_by_role("link", name="Printable version (for a board paper)").click()
    expect(page.locator("h1")).to_have_text("Report across communities")
    expect(page.locator(".filter-summary")).to_contain_text("Fewer falls at home")
    expect(page.locator(".site-header")).to_have_count(0)
    check_page(page, "reports-print")
