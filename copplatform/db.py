from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Func, GeneratedField


class TimeStampedModel(models.Model):
    """Every row says when it was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# --- ids from addresses and forms ---------------------------------------------

# The largest id any table here can hold (a 64-bit integer, as SQLite's INTEGER and
# PostgreSQL's bigint): a longer number names no row.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id a piece of an address or a form names, or None if it cannot be one.

    ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses,
    which would fail the request with a 500 instead of a 404 or a form error.
    """
    text = str(value)
    # Length first: int() refuses strings of more than 4,300 digits with a ValueError.
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


@models.IntegerField.register_lookup
class IntegerFieldIn(models.lookups.In):
    """`in` on an integer column, treating a number outside the column's range as
    Django's own exact, lt and gt lookups do: it matches no row. Django's `in` sends
    it to the database, which fails the query (SQLite raises OverflowError,
    PostgreSQL an out-of-range error), so a form's "99999999999999999999" as a choice
    (ModelMultipleChoiceField, the admin's too) was a 500 rather than a form error."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


# --- full-text search vectors ---------------------------------------------------

SEARCH_CONFIG = "english"


class OnPostgresOnly(Func):
    """Its expression on PostgreSQL; NULL on SQLite, which has no tsvector (search
    there matches with icontains and never reads the column)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def search_vector_field(title_field: str | None, text_fields: tuple[str, ...]) -> GeneratedField:
    """A row's stored, weighted search vector (title A, text B; no title: unweighted),
    computed by the database on every INSERT and UPDATE: bulk loads (COPY) and
    queryset .update() keep it right without any code of ours, and searching reads
    it instead of rebuilding it from the text for every match."""
    if title_field is None:
        vector = SearchVector(*text_fields, config=SEARCH_CONFIG)
    else:
        vector = SearchVector(title_field, weight="A", config=SEARCH_CONFIG) + SearchVector(
            *text_fields, weight="B", config=SEARCH_CONFIG
        )
    return GeneratedField(
        expression=OnPostgresOnly(vector, output_field=SearchVectorField()),
        output_field=SearchVectorField(null=True),
        db_persist=True,
        null=True,
    )


class WithoutSearchVector(models.Manager):
    """Rows without their stored search vector: only search reads it (through
    expressions, which deferring does not affect), and every other page would fetch
    a few hundred bytes per row, often TOASTed, for nothing. Related managers follow
    the default manager; select_related does not, so defer it there if it matters."""

    def get_queryset(self):
        return super().get_queryset().defer("search_vector")
