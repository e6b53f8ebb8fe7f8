"""Every Markdown field of an item, fed each payload of the XSS corpus through the
real form, renders inert on the item page, its version page and the repertoire."""

import re

import pytest
from django.urls import reverse

from knowledge.models import KnowledgeItem

from ..xss import FORM_PAYLOADS, assert_inert, assert_links_safe
from .factories import contributor, curator

FIELDS = ["summary", "body", "problem", "solution", "context"]
ARTICLE = re.compile(r'<article aria-labelledby="item-title">(.*?)</article>', re.S)
CONTENT = re.compile(r'<div class="knowledge-content">(.*?)</div>', re.S)
MAIN = re.compile(r"<main[^>]*>(.*?)</main>", re.S)


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_payloads_render_inert(client, community, payload):
    """Each payload goes into every Markdown field at once (one form post)."""
    author = contributor(community)
    client.force_login(author)
    data = {
        "kind": "answer",
        "title": "Recurring problem",
        "summary": "Summary",
        "problem": "A problem",
        "solution": "A solution",
        "intent": "review",
    }
    for field in FIELDS:
        data[field] = f"{field}\n\n{payload}\n\nafter [a link](https://example.org)"
    response = client.post(reverse("knowledge:create", args=[community.slug]), data)
    assert response.status_code == 302
    item = KnowledgeItem.objects.get()
    client.force_login(curator(community))
    client.post(reverse("knowledge:status", args=[item.pk]), {"status": "published"})
    client.logout()

    page = client.get(item.get_absolute_url()).content.decode()
    article = ARTICLE.search(page).group(1)
    assert all(f"<p>{field}</p>" in article for field in FIELDS)
    assert_inert(article)
    assert_links_safe(CONTENT.search(article).group(1))
    version = item.history.order_by("history_id").first().history_id
    version_page = client.get(
        reverse("knowledge:version", args=[item.pk, version])
    ).content.decode()
    assert_inert(MAIN.search(version_page).group(1))
    listing = client.get(reverse("knowledge:repertoire", args=[community.slug])).content.decode()
    cards = re.findall(r"<article class=\"knowledge-card.*?</article>", listing, re.S)
    assert cards
    for card in cards:
        assert_inert(card)
