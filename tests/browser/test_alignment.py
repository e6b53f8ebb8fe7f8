"""Alignment in a real browser: similar content appears as a member types a title;
a member tells a value story and a core member confirms it."""

import pytest
from playwright.sync_api import expect

from tests.discussions.factories import ThreadFactory
from tests.facilitation.alignment.factories import PriorityFactory

from ..factories import CommunityFactory, MembershipFactory
from .conftest import check_page
from .conftest import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    here = CommunityFactory(name="Emergency Flow", slug="ed-flow")
    elsewhere = CommunityFactory(name="Acute Medicine", slug="acute")
    private = CommunityFactory(name="Closed Ward Team", slug="closed", visibility="private")
    ThreadFactory(community=elsewhere, title="Cutting wait times at triage")
    ThreadFactory(community=private, title="Wait times on the closed ward")
    member = MembershipFactory(
        community=here, level="active", user__display_name="Aiko Active"
    ).user
    core = MembershipFactory(community=here, level="core", user__display_name="Chidi Core").user
    PriorityFactory(name="Reduce emergency department wait times").communities.add(here)
    return {"site": live_server.url, "member": member, "core": core}


def test_similar_threads_from_other_communities_appear_while_typing(page, world):
    site = world["site"]
    _sign_in(page, site, world["member"])
    page.goto(f"{site}/c/ed-flow/discussions/new/")

    page.get_by_label("Title").press_sequentially("Wait times", delay=30)

    suggestions = page.locator("#similar-suggestions")
    expect(suggestions).to_contain_text("Similar from other communities")
    expect(suggestions).to_contain_text("Cutting wait times at triage")
    expect(suggestions).to_contain_text("in Acute Medicine")
    expect(suggestions).not_to_contain_text("closed ward")
    check_page(page, "alignment-similar")


def test_a_member_tells_a_value_story_and_a_core_member_confirms_it(page, world):
    site = world["site"]
    _sign_in(page, site, world["member"])
    page.goto(f"{site}/c/ed-flow/")
    expect(page.locator("main")).to_contain_text("Reduce emergency department wait times")
    page.get_by_role("link", name="Value stories: what the community changed in practice").click()
    page.get_by_role("button", name="Tell the first story").click()
    check_page(page, "alignment-story-form")
    page.get_by_label("Title").fill("Triage nurse at the door")
    page.get_by_label("What was applied, and where?").fill("Acute Medicine's triage idea, ED.")
    page.get_by_label("What changed?").fill("Median time to triage fell from 25 to 9 minutes.")
    page.get_by_label("Realised value: results improved").check()
    page.get_by_label("Reduce emergency department wait times").check()
    page.get_by_role("button", name="Record the story").click()
    expect(page.locator("h1")).to_have_text("Triage nurse at the door")
    expect(page.locator("main")).to_contain_text("Waiting for a core member")

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, site, world["core"])
    page.goto(f"{site}/c/ed-flow/stories/")
    check_page(page, "alignment-stories")
    page.get_by_role("link", name="Triage nurse at the door").click()
    page.get_by_label("Confirm: it happened as told, count it in reports").check()
    page.get_by_role("button", name="Send the decision").click()
    expect(page.locator("main")).to_contain_text("Confirmed by Chidi Core")
    check_page(page, "alignment-story")
