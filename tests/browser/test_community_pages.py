"""The community pages in a real browser: no serious axe violations, nothing wider
than a 360 px phone, and screenshots of each at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

from communities.models import Community
from membership.models import User

from ..factories import CommunityFactory, MembershipFactory, UserFactory
from .conftest import check_page as _check
from .conftest import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    community = CommunityFactory(
        name="Safer Discharge",
        slug="safer-discharge",
        purpose="Getting people home safely and on time.",
        description="Monthly calls, a shared library and a buddy scheme.",
        welcome_message="Say hello in the introductions thread.",
        charter__aims="Halve delayed discharges.",
    )
    community.topics.set(["discharge", "patient flow"])
    core = MembershipFactory(
        community=community, level="core", role="chair", user__display_name="Cora Core"
    ).user
    MembershipFactory(community=community, level="active", user__display_name="Ade Active")
    for n in range(3):
        CommunityFactory(name=f"Neighbour {n}", visibility=Community.Visibility.PRIVATE)
    CommunityFactory(name="Waiting Room", status=Community.Status.PROPOSED, created_by=core)
    facilitator = UserFactory(platform_role=User.PlatformRole.FACILITATOR)
    return {"site": live_server.url, "community": community, "core": core, "fac": facilitator}


def test_directory_and_community_home_signed_out(page, world):
    site = world["site"]
    page.goto(f"{site}/")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Communities", exact=True
    ).click()
    expect(page.locator("h1")).to_have_text("Find a community")
    page.get_by_role("textbox", name="Search by name").fill("discharge")
    page.get_by_role("button", name="Show communities").click()
    expect(page.get_by_role("heading", name="1 community")).to_be_visible()
    _check(page, "community-directory")

    page.get_by_role("link", name="Safer Discharge").click()
    expect(page.get_by_text("Sign in to join this community")).to_be_visible()
    _check(page, "community-home-signed-out")


def test_core_member_edits_the_charter_and_compares_versions(page, world):
    site, slug = world["site"], world["community"].slug
    _sign_in(page, site, world["core"])

    page.goto(f"{site}/c/{slug}/")
    expect(page.get_by_text("Say hello in the introductions thread.")).to_be_visible()
    _check(page, "community-home-core")

    page.goto(f"{site}/c/{slug}/settings/")
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    _check(page, "community-settings-error")

    page.goto(f"{site}/c/{slug}/charter/edit/")
    page.get_by_label("Aims").fill("Halve delayed discharges <b>by March</b>.")
    page.get_by_label("What changed and why").fill("Added a date")
    page.get_by_role("button", name="Save the charter").click()
    expect(page.get_by_text("The charter is saved.")).to_be_visible()
    _check(page, "community-charter")

    page.get_by_role("link", name="History of changes").click()
    _check(page, "community-charter-history")
    page.get_by_role("link", name="Compare with the version before").first.click()
    expect(page.locator("ins").first).to_contain_text("<b>by March</b>.")
    _check(page, "community-charter-compare")

    page.goto(f"{site}/communities/new/")
    _check(page, "community-create")


def test_facilitator_approval_queue(page, world):
    _sign_in(page, world["site"], world["fac"])
    page.goto(f"{world['site']}/communities/proposed/")
    page.get_by_role("button", name="Do not approve Waiting Room").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    _check(page, "community-approval-queue")
    page.get_by_role("button", name="Approve Waiting Room", exact=True).click()
    expect(page.get_by_text("Waiting Room is approved and open.")).to_be_visible()
