"""Every demo account follows every link it can reach on the demo data: no page
answers with a server error, and every page has exactly one h1."""

import re
from io import StringIO
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

from membership.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD

HREF = re.compile(r'href="([^"]+)"')
SKIP = ("/static/", "/media/", "/admin/", "/accounts/logout/", "/i18n/")
MAX_PAGES = 150


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, stdout=StringIO())


def _crawl(client):
    seen, queue, problems = set(), ["/", "/communities/"], []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if html.count("<h1") != 1:
            problems.append(f"{url}: {html.count('<h1')} h1 elements")
        for href in HREF.findall(html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                queue.append(href)
    return seen, problems


@pytest.mark.parametrize("email", [None] + [row[0] for row in DEMO_ACCOUNTS])
def test_every_reachable_page_answers_without_a_server_error(client, demo, email):
    if email:
        assert client.login(email=email, password=DEMO_PASSWORD)

    seen, problems = _crawl(client)

    assert problems == []
    assert len(seen) > 5
