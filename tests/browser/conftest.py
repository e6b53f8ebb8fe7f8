"""Browser fixtures: Debian's Chromium driven by Playwright, screenshots and axe checks.

Playwright's sync API keeps an asyncio loop running in the test thread, which makes
Django's ORM refuse to run there (SynchronousOnlyOperation); the tests and the live
server only ever touch the database synchronously, so the guard is switched off here.

Never `playwright install`: the tests use the system Chromium and nothing else, and a
missing browser is a failure, not a skip.
"""

import os
import re
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
# (suffix, viewport): a desktop and a small phone.
SCREEN_SIZES = [
    ("desktop", {"width": 1280, "height": 800}),
    ("phone", {"width": 360, "height": 740}),
]
BLOCKING_IMPACTS = {"serious", "critical"}
# Fail fast: a page on loopback that takes longer than this is a bug, not a slow network.
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Debian's Chromium is required at {CHROMIUM} for the browser tests "
            "(apt-get install chromium); never run `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (no cookies shared between tests)."""
    # Reduced motion turns Pico's 0.2 s colour transitions off, so the accessibility
    # scan measures the colours a reader settles on, never a button mid-fade.
    context = browser.new_context(
        viewport=dict(SCREEN_SIZES[0][1]), locale="en", reduced_motion="reduce"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def take_screenshots(page, name: str) -> list[Path]:
    """Save full-page screenshots of the current page at desktop and phone widths.

    Files go to artifacts/screenshots/<name>-desktop.png and <name>-phone.png; the
    viewport is put back as it was afterwards.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    paths = []
    try:
        for suffix, viewport in SCREEN_SIZES:
            page.set_viewport_size(viewport)
            path = SCREENSHOT_DIR / f"{name}-{suffix}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
    finally:
        if original:
            page.set_viewport_size(original)
    return paths


def assert_no_serious_axe_violations(page) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    if blocking:
        lines = [f"axe found {len(blocking)} serious/critical violation(s) on {page.url}:"]
        for violation in blocking:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    target: {', '.join(map(str, node['target']))}")
        message = "\n".join(lines)
        print(message)
        pytest.fail(message, pytrace=False)


@pytest.fixture
def screenshot():
    """take_screenshots(page, name) as a fixture."""
    return take_screenshots


@pytest.fixture
def assert_accessible():
    """assert_no_serious_axe_violations(page) as a fixture."""
    return assert_no_serious_axe_violations


def sign_in_as(tab, site: str, user) -> None:
    """Sign in through the real form as a factory-made user (password PASSWORD)."""
    from playwright.sync_api import expect

    from ..factories import PASSWORD

    tab.goto(f"{site}/accounts/login/")
    tab.locator("input[name='login']").fill(user.email)
    tab.locator("input[name='password']").fill(PASSWORD)
    tab.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(tab.get_by_role("button", name="Sign out")).to_be_visible()


def check_page(tab, name: str) -> None:
    """axe finds nothing serious, one h1, screenshots taken, and no sideways scrolling
    on a 360 px phone."""
    assert_no_serious_axe_violations(tab)
    assert tab.locator("h1").count() == 1
    take_screenshots(tab, name)
    original = tab.viewport_size
    tab.set_viewport_size(dict(SCREEN_SIZES[1][1]))
    try:
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} is {overflow}px wider than a 360px phone"
    finally:
        tab.set_viewport_size(original)
