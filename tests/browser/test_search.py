"""Search and the glossary in a real browser: find a thread by a word in its body,
see the word highlighted, open the glossary; no serious axe violations."""

import re

import pytest
from playwright.sync_api import expect

from knowledge.glossary import glossary_term_create

from ..factories import PASSWORD, CommunityFactory, MembershipFactory
from ..search.factories import ThreadFactory
from .conftest import assert_no_serious_axe_violations, take_screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def world(live_server):
    community = CommunityFactory(name="Safer Discharge", slug="safer-discharge")
    member = MembershipFactory(community=community, level="active").user
    ThreadFactory(
        community=community,
        title="Medicines at discharge",
        body="Our pharmacist now leads **deprescribing** reviews before people go home.",
    )
    ThreadFactory(community=community, title="Rota swaps", body="Who can cover Friday?")
    glossary_term_create(
        community=None,
        term="Deprescribing",
        definition="Stopping a medicine that no longer helps, planned with the person.",
        actor=None,
    )
    glossary_term_create(
        community=community,
        term="Discharge summary",
        definition="The letter that goes to your family doctor when you leave hospital.",
        actor=None,
    )
    return {"site": live_server.url, "community": community, "member": member}


def _fits_a_phone(tab, name):
    tab.set_viewport_size(PHONE)
    try:
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} is {overflow}px wider than a 360px phone"
    finally:
        tab.set_viewport_size({"width": 1280, "height": 800})


def test_a_member_finds_a_thread_by_its_body_and_opens_the_glossary(page, world):
    site, member = world["site"], world["member"]
    page.goto(f"{site}/accounts/login/")
    page.locator("input[name='login']").fill(member.email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(f"{site}/c/safer-discharge/")
    page.get_by_role("searchbox", name="Search this community").fill("deprescribing")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile(r"^1 result for"))).to_be_visible()
    hit = page.locator(".search-hit")
    expect(hit.get_by_role("link", name="Medicines at discharge")).to_be_visible()
    expect(hit.locator("mark")).to_have_text("deprescribing")
    assert page.locator("h1").count() == 1
    assert_no_serious_axe_violations(page)
    take_screenshots(page, "search-results")
    _fits_a_phone(page, "search results")

    page.goto(f"{site}/search/?q=deprescribing")
    expect(page.get_by_role("heading", name=re.compile(r"^2 results for"))).to_be_visible()

    page.goto(f"{site}/c/safer-discharge/")
    page.get_by_role("link", name=re.compile("The glossary")).click()
    expect(page.locator("h1")).to_have_text("Glossary of Safer Discharge")
    expect(page.get_by_text("The letter that goes to your family doctor")).to_be_visible()
    expect(page.get_by_text("Platform-wide")).to_be_visible()
    assert_no_serious_axe_violations(page)
    take_screenshots(page, "glossary-community")
    _fits_a_phone(page, "the glossary")


def test_the_platform_glossary_signed_out(page, world):
    page.goto(f"{world['site']}/glossary/")

    expect(page.locator("h1")).to_have_text("Glossary")
    expect(
        page.get_by_role("navigation", name="Letters").get_by_role("link", name="D")
    ).to_be_visible()
    expect(page.get_by_text("Discharge summary")).to_have_count(0)
    assert_no_serious_axe_violations(page)
    take_screenshots(page, "glossary-platform")
