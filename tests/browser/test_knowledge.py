"""The knowledge journey in a real browser: upload a document, edit it into a second
version with a new file, compare the versions, share it into another community; every
page passes the axe scan and fits a 360 px phone."""

import pytest
from playwright.sync_api import expect

from knowledge.files import demo_pdf
from knowledge.models import ItemShare, KnowledgeItem

from ..factories import CommunityFactory, MembershipFactory
from .conftest import check_page as _check
from .conftest import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, tmp_path):
    home = CommunityFactory(name="Safer Discharge", slug="safer-discharge")
    neighbour = CommunityFactory(name="Frailty Network", slug="frailty-network")
    author = MembershipFactory(community=home, level="core", user__display_name="Cora Core").user
    MembershipFactory(community=neighbour, user=author, level="active")
    first = tmp_path / "discharge-checklist.pdf"
    first.write_bytes(demo_pdf(["Discharge checklist", "1. Medicines reconciled"]))
    second = tmp_path / "discharge-checklist-v2.pdf"
    second.write_bytes(
        demo_pdf(["Discharge checklist", "1. Medicines reconciled", "2. Follow-up booked"])
    )
    return {"site": live_server.url, "author": author, "files": (first, second)}


def test_upload_edit_compare_and_share_a_document(page, world):
    site = world["site"]
    first, second = world["files"]
    _sign_in(page, site, world["author"])

    page.goto(f"{site}/c/safer-discharge/")
    page.get_by_role("link", name="Browse the community's knowledge").click()
    expect(page.locator("h1")).to_have_text("Knowledge of Safer Discharge")
    _check(page, "knowledge-repertoire-empty")
    page.get_by_role("button", name="Add knowledge").click()

    page.get_by_label("Kind").select_option("document")
    page.get_by_label("Title").fill("Discharge checklist")
    page.get_by_label("Summary").fill("What to check before someone goes home.")
    page.get_by_label("Topics").fill("discharge, medicines")
    page.get_by_label("File").set_input_files(str(first))
    _check(page, "knowledge-item-form")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator("h1")).to_have_text("Discharge checklist")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: the community's readers can see it now.")).to_be_visible()

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Summary").fill("What to check before someone goes home, with follow-up.")
    page.get_by_label("File").set_input_files(str(second))
    page.get_by_label("What changed and why").fill("Added the follow-up step")
    page.get_by_role("button", name="Save this version").click()
    expect(page.get_by_text("The history keeps the earlier version.")).to_be_visible()
    _check(page, "knowledge-item")

    page.get_by_role("navigation", name="This item").get_by_role("link", name="History").click()
    expect(page.get_by_role("cell", name="Added the follow-up step")).to_be_visible()
    _check(page, "knowledge-history")
    page.get_by_role("link", name="Compare with the version before").first.click()
    expect(page.locator("ins").first).to_be_visible()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    _check(page, "knowledge-compare")

    # Search finds it by a word of its new summary.
    page.goto(f"{site}/c/safer-discharge/")
    page.get_by_label("Search this community").fill("follow-up")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="Discharge checklist")).to_be_visible()
    _check(page, "knowledge-search")
    page.get_by_role("link", name="Discharge checklist").click()

    page.get_by_role("link", name="Share into another community").click()
    page.get_by_label("Share into").select_option(label="Frailty Network")
    page.get_by_label("Note for the other community").fill("Useful for frail patients too.")
    _check(page, "knowledge-share")
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_text("Shared into Frailty Network.")).to_be_visible()

    item = KnowledgeItem.objects.get()
    assert item.history.count() >= 3
    assert ItemShare.objects.filter(item=item, community__slug="frailty-network").exists()
    page.goto(f"{site}/c/frailty-network/knowledge/")
    expect(page.get_by_role("link", name="Discharge checklist")).to_be_visible()
    expect(page.get_by_text("From Safer Discharge")).to_be_visible()
    _check(page, "knowledge-repertoire-shared")
