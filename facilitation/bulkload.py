"""Fast bulk writes and deletes for generated data (the scale data set).

Rows are plain tuples written straight to the table: COPY on PostgreSQL, one
executemany INSERT per batch elsewhere. No model instances, no save(), no signals,
so auto_now(_add) never overwrites the times the generator chose, and history,
counters and permissions are whatever the caller writes. Ids are given by the
caller (`Table.new_id()`), so related rows can point at rows still in the buffer;
Django's foreign keys are deferred to the commit, so the order of flushes does
not matter inside the caller's transaction. Run it on a quiet database: a row
inserted by someone else meanwhile could take an id handed out here.

`delete_cascade` deletes rows and everything that depends on them with a few
set-based statements per relation (walking Django's relations, generic ones
included), instead of loading millions of objects into Django's collector.
"""

import functools
import io
import time
from collections import Counter
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models

BATCH = 20_000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _last_id(model) -> int:
    """The highest id used so far, deleted rows included: ids are never reused."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({_quote(column)}) FROM {_quote(table)}")  # noqa: S608
        used = cursor.fetchone()[0] or 0
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                last, called = cursor.fetchone()
                used = max(used, last if called else last - 1)
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            used = max(used, row[0] if row else 0)
    return used


class Table:
    """A buffer of rows for one model; `columns` are attnames and must include the pk.

    Columns left out get the field's default (or `now` for auto_now fields), once.
    """

    def __init__(self, writer: "Writer", model: type[models.Model], columns: list[str]):
        self.writer = writer
        self.model = model
        # Generated columns (search vectors) are the database's to fill, on COPY too.
        fields = {
            field.attname: field for field in model._meta.concrete_fields if not field.generated
        }
        unknown = set(columns) - fields.keys()
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        rest = [field for name, field in fields.items() if name not in columns]
        for field in rest:
            if field.primary_key:
                raise ValueError(f"{model.__name__}: give the primary key")
        self.fields = [fields[name] for name in columns] + rest
        self.extra = tuple(
            writer.now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default()
            for field in rest
        )
        self.rows: list[tuple] = []
        self.count = 0
        self.seconds = 0.0
        self._next_id = _last_id(model) + 1

    def new_id(self) -> int:
        value = self._next_id
        self._next_id += 1
        return value

    def add(self, *values) -> None:
        self.rows.append(values)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        start = time.perf_counter()
        extra = self.extra
        table = _quote(self.model._meta.db_table)
        names = ", ".join(_quote(field.column) for field in self.fields)
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            write = buffer.write
            for row in self.rows:
                write("\t".join(map(_copy_text, row + extra)))
                write("\n")
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
        else:
            fields = self.fields
            prepared = [
                [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row + extra, strict=True)
                ]
                for row in self.rows
            ]
            marks = ", ".join(["%s"] * len(fields))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                    prepared,
                )
        self.count += len(self.rows)
        self.rows = []
        self.seconds += time.perf_counter() - start


class Writer:
    """The tables of one load; `finish()` flushes them and moves the id sequences on."""

    def __init__(self, now: datetime):
        self.now = now
        self.tables: dict[type[models.Model], Table] = {}

    def table(self, model: type[models.Model], columns: list[str]) -> Table:
        if model in self.tables:
            raise ValueError(f"{model.__name__} already has a table in this load")
        self.tables[model] = Table(self, model, columns)
        return self.tables[model]

    def finish(self) -> None:
        for table in self.tables.values():
            table.flush()
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- deleting ------------------------------------------------------------------


@functools.cache
def _relations_to(model) -> list[tuple[type[models.Model], models.Field, models.Field]]:
    """(model, its column, the target column) for every foreign key into `model`."""
    found = []
    for other in apps.get_models(include_auto_created=True):
        if other._meta.proxy or not other._meta.managed:
            continue
        for field in other._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                target = field.remote_field.model
                if target._meta.concrete_model is model._meta.concrete_model:
                    found.append((other, field, field.target_field))
    return found


@functools.cache
def _generic_relations_to(model) -> list[tuple[type[models.Model], models.Field, models.Field]]:
    """(model, content-type field, object-id field) for every generic foreign key."""
    found = []
    for other in apps.get_models():
        for field in other._meta.private_fields:
            if isinstance(field, GenericForeignKey):
                found.append(
                    (
                        other,
                        other._meta.get_field(field.ct_field),
                        other._meta.get_field(field.fk_field),
                    )
                )
    return found


def delete_cascade(model, where: str, params: list, counts: Counter | None = None, _path=()):
    """Delete the rows of `model` matching `where` (SQL on its own table) and all that
    depends on them: cascades (and DO_NOTHING/PROTECT, which would dangle or block)
    are deleted first, SET_NULL columns are cleared. Returns rows deleted per table."""
    counts = Counter() if counts is None else counts
    if model in _path:
        raise ValueError(f"cascade cycle through {model.__name__}")
    table = _quote(model._meta.db_table)
    with connection.cursor() as cursor:
        # Most branches are empty: one cheap look saves walking them.
        cursor.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", params)  # noqa: S608
        if cursor.fetchone() is None:
            return counts
        for other, field, target in _relations_to(model):
            selected = f"SELECT {_quote(target.column)} FROM {table} WHERE {where}"  # noqa: S608
            inner = f"{_quote(field.column)} IN ({selected})"
            on_delete = field.remote_field.on_delete
            if on_delete in (models.SET_NULL, models.SET_DEFAULT) or (
                other is model and on_delete is not models.CASCADE
            ):
                cursor.execute(
                    f"UPDATE {_quote(other._meta.db_table)} SET {_quote(field.column)} = NULL "  # noqa: S608
                    f"WHERE {inner}",
                    params,
                )
            elif other is model:
                raise ValueError(f"{model.__name__} cascades to itself")
            else:
                delete_cascade(other, inner, params, counts, (*_path, model))
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        for other, ct_field, id_field in _generic_relations_to(model):
            if other is model or other in _path:
                continue  # e.g. guardian's generic rows about guardian's rows
            pk = _quote(model._meta.pk.column)
            if id_field.get_internal_type() in ("CharField", "TextField"):
                pk = f"CAST({pk} AS TEXT)"
            inner = (
                f"{_quote(ct_field.column)} = %s AND {_quote(id_field.column)} IN "  # noqa: S608
                f"(SELECT {pk} FROM {table} WHERE {where})"
            )
            delete_cascade(other, inner, [content_type.pk, *params], counts, (*_path, model))
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
        counts[model._meta.label] += cursor.rowcount
    return counts


# --- PostgreSQL: indexes off during a big load ------------------------------------------


def drop_secondary_indexes(models_: list) -> list[str]:
    """Drop the indexes of these tables that back no constraint (search GIN indexes,
    foreign-key and listing B-trees) and return their definitions: building an index
    once over all rows is several times faster than updating it row by row. Only in
    a transaction on PostgreSQL; the tables stay locked until it ends."""
    if connection.vendor != "postgresql":
        return []
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND t.relkind = 'r'
              AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def create_indexes(definitions: list[str]) -> None:
    if not definitions:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in definitions:
            cursor.execute(definition)
