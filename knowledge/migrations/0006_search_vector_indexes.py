"""GIN indexes on the stored search vectors, on PostgreSQL only (SQLite has no GIN).

knowledge/search.py now matches and ranks on the `search_vector` columns (generated
by the database, communities 0008 and knowledge 0005), so 0002's indexes on the
expressions it used to rebuild are dropped. Written by hand, like 0002.
"""

from importlib import import_module

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

# 0002's expression indexes, to drop (and to restore when migrating back).
_old_indexes = import_module("knowledge.migrations.0002_search_indexes")._indexes


def _new_indexes():
    return [
        ("communities", "Thread", GinIndex(fields=["search_vector"], name="thread_vector_gin")),
        ("communities", "Post", GinIndex(fields=["search_vector"], name="post_vector_gin")),
        (
            "knowledge",
            "GlossaryTerm",
            GinIndex(fields=["search_vector"], name="glossary_vector_gin"),
        ),
        ("knowledge", "KnowledgeItem", GinIndex(fields=["search_vector"], name="item_vector_gin")),
    ]


def _swap(apps, schema_editor, drop, add):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in drop():
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)
    for app_label, model_name, index in add():
        schema_editor.add_index(apps.get_model(app_label, model_name), index)


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, _old_indexes, _new_indexes)


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, _new_indexes, _old_indexes)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0005_stored_search_vector"),
        ("communities", "0008_stored_search_vector"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
