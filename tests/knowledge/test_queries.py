"""Query budgets: the repertoire, the library, an item and its history cost the same
number of queries with few rows as with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge import services
from knowledge.models import KnowledgeItem

from ..factories import CommunityFactory, MembershipFactory
from ..keyset import walk
from .factories import contributor, curator, make_item

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/140.0"}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **BROWSER)
    assert response.status_code == 200
    return len(queries)


def _items(community, n, *, author, core):
    for i in range(n):
        item = make_item(
            community,
            author=author,
            publisher=core,
            title=f"Item {i}",
            kind="document" if i % 2 else "story",
            topics=[f"topic {i}", "shared"],
        )
        item.authors.add(core)


@pytest.mark.parametrize("viewer", ["anonymous", "core"])
def test_repertoire_budget_does_not_grow_with_items(client, community, viewer):
    author, core = contributor(community), curator(community)
    if viewer == "core":
        client.force_login(core)
    url = reverse("knowledge:repertoire", args=[community.slug])
    _items(community, 3, author=author, core=core)
    few = _count(client, url)
    _items(community, 27, author=author, core=core)
    with_filters = url + "?kind=story&topic=shared"

    assert _count(client, url) == few
    assert _count(client, with_filters) <= few
    assert few <= 14


def test_library_budget_does_not_grow_with_items(client, community):
    author = contributor(community)
    client.force_login(author)
    url = reverse("knowledge:library")

    def add(n):
        for i in range(n):
            other = CommunityFactory()
            item = make_item(other, title=f"Lib {i}", topics=["x"])
            services.item_set_in_library(
                item=item,
                actor=MembershipFactory(community=other, level="core").user,
                in_library=True,
            )

    add(3)
    few = _count(client, url)
    add(12)

    assert _count(client, url) == few
    assert few <= 12


def test_item_page_budget_does_not_grow_with_authors_shares_or_topics(client, community):
    core = curator(community)
    facilitator = MembershipFactory(community=community, level="core").user
    client.force_login(core)

    def grow(item, n):
        for _ in range(n):
            other = CommunityFactory()
            MembershipFactory(community=other, user=facilitator, level="active")
            item.authors.add(contributor(community))
            item.topics.add(f"topic {item.topics.count()}")
            item.authors.add(facilitator)
            services.item_share(item=item, actor=facilitator, community=other, confirmed=True)

    item = make_item(community, author=facilitator, publisher=core, kind="document")
    grow(item, 3)
    url = reverse("knowledge:item", args=[item.pk])
    _count(client, url)  # the first view writes the view count; measure the next ones
    few = _count(client, url)
    grow(item, 12)

    assert _count(client, url) == few
    assert few <= 16


def test_history_budget_does_not_grow_with_versions(client, community):
    author, core = contributor(community), curator(community)
    item = make_item(community, author=author, publisher=core)
    client.force_login(author)
    url = reverse("knowledge:history", args=[item.pk])

    def edit(n):
        for i in range(n):
            services.item_update(
                item=KnowledgeItem.objects.get(pk=item.pk),
                actor=author if i % 2 else core,
                summary=f"Version {i} {item.history.count()}",
                change_note=f"Edit {i}",
            )

    edit(2)
    few = _count(client, url)
    edit(27)

    assert _count(client, url) == few
    assert few <= 10


@pytest.mark.parametrize("rows", [1, 50])
def test_repertoire_pages_cost_the_same_for_1_or_50_items_down_to_the_last(client, community, rows):
    author, core = contributor(community), curator(community)
    for n in range(rows):
        make_item(community, author=author, publisher=core, title=f"Item {n:02}")
    client.force_login(core)
    url = reverse("knowledge:repertoire", args=[community.slug])

    pages, counts = walk(
        client, url, lambda response: [item.title for item in response.context["items"]]
    )

    # Keyset pages: the third page costs what the first does, nothing counts the items.
    assert len(pages) == -(-rows // 20)
    assert sorted(title for page in pages for title in page) == [
        f"Item {n:02}" for n in range(rows)
    ]
    assert len(set(counts)) == 1, counts
