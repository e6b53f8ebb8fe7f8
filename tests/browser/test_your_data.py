"""A member downloads their data, then deletes their account: allauth asks for the
password again, a wrong confirmation is explained, the right one signs them out for
good; their reply stays, by a "Former member"."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from communities.discussions import services as discussions
from communities.discussions.services import thread_url

from ..factories import PASSWORD, MembershipFactory
from .conftest import check_page, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


def test_a_member_downloads_their_data_then_deletes_their_account(page, site, tmp_path):
    community = MembershipFactory(level="core").community
    person = MembershipFactory(
        community=community,
        level="active",
        user__email="dana.data@example.org",
        user__display_name="Dana Data",
    ).user
    thread = discussions.thread_create(
        community=community, author=person, kind="question", title="Night rota", body="Who?"
    )
    sign_in_as(page, site, person)

    page.goto(f"{site}/me/profile/")
    page.get_by_role("navigation", name="Account settings").get_by_role(
        "link", name="Your data"
    ).click()
    expect(page.locator("h1")).to_have_text("Your data")
    check_page(page, "your-data")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data (ZIP)").click()
    saved = tmp_path / "data.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert b"Night rota" in archive.read("threads.json")

    page.get_by_role("link", name="Delete my account…").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.locator("h1")).to_have_text("Delete your account")
    check_page(page, "delete-account")

    field = page.get_by_label("Type your email address to confirm")
    field.fill("dana@elsewhere.org")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator(".error-summary")).to_contain_text("Type your email address exactly")
    page.get_by_label("Type your email address to confirm").fill("dana.data@example.org")
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("status")).to_contain_text("Your account and personal data")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(f"{site}{thread_url(thread)}")
    expect(page.locator("main")).to_contain_text("Former member")
    expect(page.locator("main")).not_to_contain_text("Dana Data")
