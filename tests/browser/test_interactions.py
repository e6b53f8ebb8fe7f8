"""Reactions, a poll and working groups in a real browser, with htmx doing the
swaps: no serious axe violations, and screenshots at desktop and phone widths.

The thread page belongs to the discussions module, so reactions are driven on the
poll's own page, which shows the thread's opening message with the same include."""

import re

import pytest
from playwright.sync_api import expect

from communities.discussions.interaction_models import Reaction

from ..factories import CommunityFactory, MembershipFactory
from ..interactions.factories import PollFactory, ThreadFactory
from .conftest import check_page as _check
from .conftest import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    community = CommunityFactory(
        name="Safer Discharge", slug="safer-discharge", purpose="Getting people home safely."
    )
    active = MembershipFactory(
        community=community, level="active", user__display_name="Ade Active"
    ).user
    peripheral = MembershipFactory(
        community=community, level="peripheral", user__display_name="Pat Peripheral"
    ).user
    thread = ThreadFactory(
        community=community,
        author=active,
        title="Discharge checklists",
        body="Which checklist do you use on the ward? **Share yours.**",
    )
    PollFactory(
        thread=thread,
        question="Which checklist do you use?",
        labels=["Our own", "The regional one", "None yet"],
    )
    return {
        "site": live_server.url,
        "community": community,
        "active": active,
        "peripheral": peripheral,
        "thread": thread,
    }


def _sign_out(tab):
    tab.get_by_role("button", name="Sign out").click()
    expect(tab.get_by_role("link", name="Sign in").first).to_be_visible()


def test_a_member_reacts_and_votes_without_leaving_the_page(page, world):
    site, thread = world["site"], world["thread"]
    _sign_in(page, site, world["peripheral"])
    page.goto(f"{site}/c/{world['community'].slug}/discussions/{thread.pk}/poll/")
    expect(page.get_by_text("Results show once you have voted")).to_be_visible()
    _check(page, "poll-before-voting")

    helpful = page.locator(f"#react-thread-{thread.pk}-helpful")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_contain_text("1")
    expect(page.locator(f"#reactions-thread-{thread.pk}-status")).to_have_text(
        "You reacted: Helpful."
    )
    # htmx swapped the buttons in place: still the same page, and focus kept.
    assert page.url.endswith("/poll/")
    expect(helpful).to_be_focused()
    assert Reaction.objects.filter(user=world["peripheral"], kind="helpful").count() == 1

    page.get_by_label("The regional one").check()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text("1 person voted.")).to_be_visible()
    expect(page.locator(f"#poll-{thread.pk}-status")).to_have_text("Your vote is counted.")
    _check(page, "poll-after-voting")

    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "false")
    assert not Reaction.objects.exists()


def test_a_member_starts_a_working_group_and_another_joins_it(page, world):
    site, slug = world["site"], world["community"].slug
    _sign_in(page, site, world["active"])
    page.goto(f"{site}/c/{slug}/")
    page.get_by_role("link", name="Working groups").click()
    expect(page.get_by_text("No working groups yet")).to_be_visible()
    _check(page, "groups-empty")

    page.get_by_role("button", name="Start a working group").first.click()
    page.get_by_label("Name").fill("Discharge leaflet")
    page.get_by_role("button", name="Start the group").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    _check(page, "group-create-error")
    page.get_by_label("Purpose").fill("Write a **one-page** leaflet with patients.")
    page.get_by_role("button", name="Start the group").click()
    expect(page.get_by_text("Discharge leaflet is started. You are its lead.")).to_be_visible()
    expect(page.locator("main strong", has_text="one-page")).to_be_visible()
    _check(page, "group-page-lead")
    _sign_out(page)

    _sign_in(page, site, world["peripheral"])
    page.goto(f"{site}/c/{slug}/groups/")
    page.get_by_role("link", name="Discharge leaflet").click()
    page.get_by_label("Why you would like to join (optional)").fill("I run the ward rounds.")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_text("Your request is with the group's leads.")).to_be_visible()
    _check(page, "group-page-requested")
    _sign_out(page)

    _sign_in(page, site, world["active"])
    page.goto(f"{site}/c/{slug}/groups/discharge-leaflet/")
    page.get_by_role("link", name=re.compile("Manage members")).click()
    expect(page.get_by_text("I run the ward rounds.")).to_be_visible()
    _check(page, "group-members")
    page.get_by_role("button", name="Add Pat Peripheral").click()
    expect(page.get_by_text("Pat Peripheral joined the group.")).to_be_visible()
    expect(page.get_by_role("cell", name="Pat Peripheral", exact=True)).to_be_visible()
    _check(page, "group-members-added")
