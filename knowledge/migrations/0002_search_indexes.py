"""GIN indexes for full-text search, on PostgreSQL only (SQLite has no GIN).

Each index is on exactly the expression knowledge/search.py matches with
(`postgres_vector`, the replies' vector and the titles' vector), so PostgreSQL answers `@@` from the
index instead of reading every row. Written by hand: keep it when migrations are
regenerated (it depends on the tables, not on model state).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"


def _indexes():
    weighted = lambda title, *text: SearchVector(  # noqa: E731
        title, weight="A", config=CONFIG
    ) + SearchVector(*text, weight="B", config=CONFIG)
    return [
        ("communities", "Thread", GinIndex(weighted("title", "body"), name="thread_search_gin")),
        ("communities", "Post", GinIndex(SearchVector("body", config=CONFIG), name="post_search_gin")),
        (
            "knowledge",
            "GlossaryTerm",
            GinIndex(weighted("term", "definition"), name="glossary_search_gin"),
        ),
        (
            "knowledge",
            "KnowledgeItem",
            GinIndex(
                weighted("title", "summary", "body", "problem", "context", "solution"),
                name="item_search_gin",
            ),
        ),
        (
            "knowledge",
            "KnowledgeItem",
            GinIndex(SearchVector("title", config=CONFIG), name="item_title_search_gin"),
        ),
        # Titles alone: ranking many matches without rebuilding every vector.
        (
            "communities",
            "Thread",
            GinIndex(SearchVector("title", config=CONFIG), name="thread_title_search_gin"),
        ),
        (
            "knowledge",
            "GlossaryTerm",
            GinIndex(SearchVector("term", config=CONFIG), name="glossary_title_search_gin"),
        ),
    ]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in _indexes():
        schema_editor.add_index(apps.get_model(app_label, model_name), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in _indexes():
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("communities", "0004_calendarfeed_event_eventoccurrence_attendance_and_more"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
