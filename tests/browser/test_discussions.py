"""Discussions in a real browser: an active member starts a thread mentioning someone
(picked from the suggestions), another member replies; pages pass axe, fit a phone,
and are photographed."""

import re

import pytest
from playwright.sync_api import expect

from communities.models import Thread
from membership.notifications.models import Notification

from ..factories import CommunityFactory, MembershipFactory
from .conftest import check_page as _check
from .conftest import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    community = CommunityFactory(
        name="Safer Discharge", slug="safer-discharge", purpose="Getting people home safely."
    )
    asker = MembershipFactory(
        community=community, level="active", user__display_name="Ade Active"
    ).user
    replier = MembershipFactory(
        community=community, level="peripheral", user__display_name="Pia Peripheral"
    ).user
    return {"site": live_server.url, "community": community, "asker": asker, "replier": replier}


def _sign_out(tab):
    tab.get_by_role("button", name="Sign out").click()


def test_start_a_thread_with_a_mention_and_reply(page, world):
    site, slug = world["site"], world["community"].slug
    _sign_in(page, site, world["asker"])

    page.goto(f"{site}/c/{slug}/discussions/")
    expect(page.get_by_text("No discussions yet")).to_be_visible()
    _check(page, "discussions-empty")
    page.get_by_role("button", name="Ask the community").click()
    page.get_by_label("Title").fill("How do you plan discharge on day one?")
    body = page.get_by_label("Message")
    body.fill("We start on admission. What about you, ")
    body.press_sequentially("@Pia")
    suggestion = page.get_by_role("option", name="Pia Peripheral")
    expect(suggestion).to_be_visible()
    body.press("Enter")
    expect(body).to_have_value(re.compile(r"@\[Pia Peripheral\]\(member:\d+\) $"))
    _check(page, "discussions-start")
    page.get_by_role("button", name="Post", exact=True).click()

    expect(page.locator("h1")).to_have_text("How do you plan discharge on day one?")
    expect(page.get_by_role("link", name="@Pia Peripheral")).to_be_visible()
    thread = Thread.objects.get()
    assert Notification.objects.get(kind="mention").recipient == world["replier"]

    _sign_out(page)
    _sign_in(page, site, world["replier"])
    # The person mentioned sees it in the notification centre and follows it.
    page.get_by_role("navigation").get_by_role("link", name=re.compile("Notifications")).click()
    mention = page.get_by_role("link", name=re.compile("mentioned you"))
    expect(mention).to_be_visible()
    _check(page, "notifications-mention")
    mention.click()
    expect(page.locator("h1")).to_have_text(thread.title)
    # A reaction on the opening message, through htmx.
    helpful = page.locator(f"#react-thread-{thread.pk}-helpful")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    helpful.click()
    expect(page.locator(f"#react-thread-{thread.pk}-helpful")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.goto(f"{site}/c/{slug}/discussions/")
    page.get_by_role("link", name=thread.title).click()
    page.get_by_role("button", name="Post your reply").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Your reply").fill("We use a **checklist** at the bedside.")
    page.get_by_role("button", name="Post your reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(page.locator(".reply-list strong").first).to_have_text("checklist")
    _check(page, "discussions-thread")

    _sign_out(page)
    _sign_in(page, site, world["asker"])
    page.goto(f"{site}/c/{slug}/discussions/{thread.pk}/")
    page.get_by_role("button", name="Mark as the accepted answer").click()
    expect(page.get_by_role("heading", name="Accepted answer")).to_be_visible()
    _check(page, "discussions-question-answered")


def test_report_a_reply_and_a_moderator_hides_it(page, world):
    from communities.discussions import services

    site, community = world["site"], world["community"]
    core = MembershipFactory(community=community, level="core", user__display_name="Cy Core").user
    thread = services.thread_create(
        community=community,
        author=world["asker"],
        kind="discussion",
        title="Weekend discharges",
        body="Who discharges at weekends?",
    )
    services.reply_create(thread=thread, author=world["replier"], body="Buy cheap pills here")

    _sign_in(page, site, world["asker"])
    page.goto(f"{site}/c/{community.slug}/discussions/{thread.pk}/")
    page.get_by_role("article", name="Reply by Pia Peripheral").get_by_role(
        "link", name="Report"
    ).click()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    _check(page, "discussions-report-error")
    page.get_by_label("What is wrong?").fill("Spam")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("The moderators will look at your report.")).to_be_visible()

    _sign_out(page)
    _sign_in(page, site, core)
    page.goto(f"{site}/c/{community.slug}/discussions/")
    page.get_by_role("link", name="Moderation queue").click()
    expect(page.get_by_role("heading", name="1 open report")).to_be_visible()
    _check(page, "discussions-moderation-queue")
    page.get_by_label("Resolve").check()
    page.get_by_label("Hide the reported content").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", name="0 open reports")).to_be_visible()

    page.goto(f"{site}/c/{community.slug}/discussions/{thread.pk}/")
    expect(page.get_by_text("Hidden by a moderator")).to_be_visible()
    page.get_by_text("Moderate this thread").click()
    page.get_by_role("button", name="Pin").click()
    expect(page.get_by_text("The thread is pinned.")).to_be_visible()
    _check(page, "discussions-thread-moderator")
