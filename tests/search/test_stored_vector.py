"""The stored search vectors: whatever writes the text (a service, a queryset
.update(), bulk_create or the scale loader's COPY), the next search finds the new
words and no longer the old ones. The database generates the column, so this holds
without any code of ours; on SQLite, search reads the text itself."""

import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import F
from django.utils import timezone

from communities.discussions import services as discussions
from communities.models import Post, Thread
from facilitation.bulkload import Writer
from knowledge import glossary, search
from knowledge import services as knowledge
from knowledge.models import GlossaryTerm, KnowledgeItem

from ..factories import MembershipFactory
from ..knowledge.factories import make_item
from .factories import GlossaryTermFactory, PostFactory, ThreadFactory

URL = "/search/"


def _titles(client, q) -> list[str]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [hit.title for hit in response.context["hits"]]


@pytest.fixture
def author(community):
    return MembershipFactory(community=community, level="active").user


def test_a_thread_and_a_reply_edited_through_the_services_are_found_by_their_new_words(
    client, community, author
):
    thread = discussions.thread_create(
        community=community,
        author=author,
        kind=Thread.Kind.DISCUSSION,
        title="Heron survey",
        body="Counting herons.",
    )
    reply = discussions.reply_create(thread=thread, author=author, body="A lapwing too.")

    discussions.thread_edit(
        thread=thread, editor=author, title="Bittern survey", body="Counting bitterns."
    )
    discussions.reply_edit(post=reply, editor=author, body="A godwit too.")

    assert _titles(client, "bittern") == ["Bittern survey"]
    assert _titles(client, "godwit") == ["Bittern survey"]
    assert _titles(client, "heron") == []
    assert _titles(client, "lapwing") == []


def test_an_item_and_a_glossary_term_edited_through_the_services_are_found(
    client, community, author
):
    item = make_item(community, author=author, title="Ward rounds", summary="Morning rounds.")
    term = glossary.glossary_term_create(
        community=None, term="Triage", definition="Sorting by urgency.", actor=author
    )

    knowledge.item_update(item=item, actor=author, title="Board rounds", summary="Huddles.")
    glossary.glossary_term_update(
        glossary_term=term, term="Escalation", definition="Calling for senior help."
    )

    assert _titles(client, "huddles") == ["Board rounds"]
    assert _titles(client, "ward") == []
    assert _titles(client, "senior") == ["Escalation"]
    assert _titles(client, "triage") == []


def test_rows_changed_by_a_queryset_update_are_found_by_their_new_words(client, community):
    thread = ThreadFactory(community=community, title="Curlew notes", body="Mudflats.")
    PostFactory(thread=thread, body="A whimbrel reply.")
    item = make_item(community, title="Sandpiper guide", summary="Shorebirds.")
    GlossaryTermFactory(term="Stint", definition="A small wader.")

    Thread.objects.filter(pk=thread.pk).update(title="Dunlin notes")
    Post.objects.filter(thread=thread).update(body="A knot reply.")
    KnowledgeItem.objects.filter(pk=item.pk).update(solution=F("summary"), summary="Turnstones.")
    GlossaryTerm.objects.filter(term="Stint").update(definition="A tiny sanderling.")

    assert _titles(client, "dunlin") == ["Dunlin notes"]
    assert _titles(client, "knot") == ["Dunlin notes"]
    assert _titles(client, "whimbrel") == []
    assert _titles(client, "turnstones") == ["Sandpiper guide"]
    assert _titles(client, "sanderling") == ["Stint"]


def test_bulk_created_and_bulk_loaded_rows_are_searchable(client, community):
    threads = Thread.objects.bulk_create(
        Thread(community=community, title=f"Avocet {n}", body="Bulk.") for n in range(3)
    )
    Post.objects.bulk_create(Post(thread=thread, body="A plover reply.") for thread in threads)
    # The scale loader: COPY on PostgreSQL, generated columns left to the database.
    writer = Writer(timezone.now())
    loaded_threads = writer.table(Thread, ["id", "community_id", "title", "body"])
    loaded_posts = writer.table(Post, ["id", "thread_id", "body"])
    thread_id = loaded_threads.new_id()
    loaded_threads.add(thread_id, community.pk, "Oystercatcher", "Loaded in bulk.")
    loaded_posts.add(loaded_posts.new_id(), thread_id, "A redshank reply.")
    writer.finish()

    assert sorted(_titles(client, "avocet")) == ["Avocet 0", "Avocet 1", "Avocet 2"]
    assert len(_titles(client, "plover")) == 3
    assert _titles(client, "oystercatcher") == ["Oystercatcher"]
    assert _titles(client, "redshank") == ["Oystercatcher"]


def test_the_stored_vector_is_the_weighted_vector_search_built_before(community):
    # Title A, text B, as the expression indexes of migration 0002 were: the same
    # matches and the same ranks as before the column. SQLite has no tsvector: the
    # column stays NULL there and search matches with icontains instead.
    ThreadFactory(community=community, title="Weighted title", body="Some **body** text.")
    PostFactory(body="A reply's words.")
    make_item(community, title="An item", summary="Its summary.", solution="A solution.")
    GlossaryTermFactory(term="A term", definition="Its definition.")
    if connection.vendor != "postgresql":
        for model in (Thread, Post, KnowledgeItem, GlossaryTerm):
            stored = model.objects.values_list(search.VECTOR_FIELD, flat=True)
            assert list(stored) and set(stored) == {None}, model
        return
    config = search.POSTGRES_CONFIG
    expected = {
        Thread: SearchVector("title", weight="A", config=config)
        + SearchVector("body", weight="B", config=config),
        Post: SearchVector("body", config=config),
        KnowledgeItem: SearchVector("title", weight="A", config=config)
        + SearchVector(
            "summary", "body", "problem", "context", "solution", weight="B", config=config
        ),
        GlossaryTerm: SearchVector("term", weight="A", config=config)
        + SearchVector("definition", weight="B", config=config),
    }

    for model, vector in expected.items():
        rows = model.objects.annotate(built=vector).values_list(search.VECTOR_FIELD, "built")
        assert rows, model
        for stored, built in rows:
            assert stored == built, model
