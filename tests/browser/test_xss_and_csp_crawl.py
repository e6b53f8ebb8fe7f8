"""Chromium crawls the demo, every text field filled with the XSS corpus, as a member,
a facilitator and an admin: no dialog opens, no payload script runs (they would set
window.__xss or call alert), nothing is fetched from elsewhere, and the Content
Security Policy reports no violation, neither as a securitypolicyviolation event nor
on the console. One page per named URL (the Python crawl in tests/security/ reads
more of each); downloads, CSV and calendars are left to that crawl.
"""

from io import StringIO
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from membership.management.commands.seed_demo import DEMO_PASSWORD

from ..security.crawl import SKIP
from ..security.poison import poison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
ACTORS = ["active@example.org", "facilitator@example.org", "admin@example.org"]
MAX_PAGES = 250


@pytest.fixture
def poisoned_site(live_server):
    call_command("seed_demo", force=True, stdout=StringIO())
    poison()
    return live_server.url


def _view(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _crawl(tab, site: str, events: list[str]) -> int:
    seen_views, seen, queue = set(), set(), ["/", "/communities/"]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        view = _view(urlparse(path).path)
        if path in seen or view is None or view in seen_views or "download" in view:
            continue
        seen.add(path)
        seen_views.add(view)
        tab.goto(site + path, wait_until="load")
        for violation in tab.evaluate("window.__cspViolations || []"):
            events.append(f"{path}: CSP {violation}")
        if tab.evaluate("window.__xss !== undefined"):
            events.append(f"{path}: a payload set window.__xss")
        for href in tab.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            local = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if not href.startswith(site) or local.startswith(SKIP):
                continue
            if parsed.path.endswith((".csv", ".ics")) or local in seen:
                continue
            queue.append(local)
    return len(seen)


@pytest.mark.parametrize("email", ACTORS)
def test_nothing_members_wrote_runs_and_the_policy_is_never_broken(browser, poisoned_site, email):
    site = poisoned_site
    context = browser.new_context(locale="en")
    events: list[str] = []
    try:
        context.add_init_script(WATCH)
        tab = context.new_page()
        tab.on(
            "dialog", lambda dialog: (events.append(f"dialog {dialog.message}"), dialog.dismiss())
        )
        tab.on(
            "console",
            lambda message: (
                events.append(f"console {message.text}")
                if "Content Security Policy" in message.text or "__xss" in message.text
                else None
            ),
        )
        tab.on(
            "request",
            lambda request: (
                events.append(f"request {request.url}")
                if not request.url.startswith(site) or "xss-htmx" in request.url
                else None
            ),
        )
        tab.goto(f"{site}/accounts/login/")
        tab.locator("input[name='login']").fill(email)
        tab.locator("input[name='password']").fill(DEMO_PASSWORD)
        tab.locator("main form button[type='submit']").first.click()
        tab.wait_for_url(lambda url: "/accounts/login/" not in url)

        pages = _crawl(tab, site, events)
        found = list(events)
        # The watch can see a violation: a handler slipped into the page is refused
        # by the policy and reported.
        tab.evaluate(
            "document.body.insertAdjacentHTML('beforeend', "
            "'<img src=/static/favicon.svg onload=\"window.__xss=1\">')"
        )
        tab.wait_for_function("window.__cspViolations.length > 0")
        assert tab.evaluate("window.__xss") is None
    finally:
        context.close()

    assert found == []
    assert pages > 30
