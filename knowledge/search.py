"""Full-text search over everything the viewer may see.

The search is a list of SOURCES. Each one knows which rows of one model the viewer
may see (it asks membership.permissions, never decides itself), which fields hold
its text, and how to turn a row into a SearchHit. The engine asks every source
that applies for its matching rows, counts them up to a bound (COUNT_LIMIT + 1:
"more than N" past it), merges the best of each by rank and date, and builds hits
only for the page shown: a constant number of queries however many rows match
(count, candidates and page rows: three per source). Pages link to the next one
(one candidate more than a page shows) and the previous one, never to a last page.

Two ways to match, chosen by the database in use:
- PostgreSQL: every searchable row stores its weighted vector (title A, text B; a
  reply's text unweighted) in a `search_vector` column the database generates on
  every INSERT and UPDATE (copplatform.db.search_vector_field: bulk loads and
  queryset .update() keep it right), GIN-indexed (knowledge migration 0006). A
  websearch SearchQuery ("quoted phrases", or, -not) matches it from the index, and
  SearchRank ranks every visible match exactly from the stored vector (nothing is
  rebuilt from the text); a reply that matches on its own vector also finds its
  thread, ranked below title and text hits. SearchHeadline snippets, for the page's
  rows only, keep only the highlight markup we ask for.
- SQLite (the default for `make run`; the column is NULL there): every word must
  appear (icontains) in the title, the text or a reply; a title hit scores 2, a text
  hit 1, so title hits rank first; the snippet is plain text around the first hit
  with <mark>s.

Filters: community (one the viewer may read) and kind apply to every source; topic
and learning-cycle stage belong to knowledge items, so a source that does not
honour a filter that is set is left out (no threads or glossary terms when a topic
or stage is chosen), rather than showing rows the filter cannot describe.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Post, Thread
from copplatform.db import SEARCH_CONFIG
from copplatform.markdown import plain_excerpt
from membership import permissions

from .glossary_models import GlossaryTerm
from .models import KnowledgeItem

MAX_QUERY_LENGTH = 200
# Matches are counted up to this many a source (one more says "more than N"): an exact
# count would read every match, its cost growing with the platform.
COUNT_LIMIT = 100
SNIPPET_CHARS = 220
POSTGRES_CONFIG = SEARCH_CONFIG
# Every searchable row's stored vector (copplatform.db.search_vector_field).
VECTOR_FIELD = "search_vector"
# Highlight markers PostgreSQL puts around matches; control characters that members
# cannot usefully type, so nothing they write is ever mistaken for our markup.
_START, _STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)
_WEBSEARCH_WORDS = {"or"}


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- the query and the filters ------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """What the person typed, and the words in it (for SQLite and highlighting)."""

    text: str
    terms: tuple[str, ...]
    excluded: tuple[str, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not self.terms


def parse_query(text: str) -> ParsedQuery:
    """Words to find; "-word" excludes a word; quotes and "or" are websearch syntax
    that PostgreSQL understands and SQLite's word matching ignores."""
    text = " ".join(text.split())
    terms, excluded = [], []
    for token in text.split(" "):
        words = [w.lower() for w in _WORD.findall(token)]
        if token.startswith("-") and len(token) > 1:
            excluded.extend(words)
        else:
            terms.extend(w for w in words if w not in _WEBSEARCH_WORDS)
    unique = tuple(dict.fromkeys(terms))
    return ParsedQuery(text=text, terms=unique, excluded=tuple(dict.fromkeys(excluded)))


@dataclass(frozen=True)
class SearchFilters:
    community: Community | None = None
    kind: str = ""
    topic: str = ""
    stage: str = ""

    @property
    def narrowing(self) -> frozenset[str]:
        """The source-specific filters that are set."""
        return frozenset(name for name in ("topic", "stage") if getattr(self, name))


# --- hits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    kind: str
    kind_label: str
    title: str
    url: str
    snippet: SafeString
    community: Community | None
    rank: float
    date: datetime


def highlight_marked(text: str) -> SafeString:
    """PostgreSQL's headline, escaped, with only our own markers turned into <mark>."""
    pieces = re.split(f"{_START}(.*?){_STOP}", text, flags=re.S)
    out = []
    for index, piece in enumerate(pieces):
        clean = html.escape(piece.replace(_START, "").replace(_STOP, ""))
        out.append(f"<mark>{clean}</mark>" if index % 2 and clean else clean)
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def excerpt_around(text: str, terms: Sequence[str], length: int = SNIPPET_CHARS) -> SafeString:
    """Plain text around the first hit, escaped, every hit wrapped in <mark>."""
    text = " ".join(text.split())
    pattern = (
        re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
        if terms
        else None
    )
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    piece = text[start : start + length]
    if start + length < len(text):
        piece = piece[: piece.rfind(" ")] if " " in piece else piece
    out, position = [], 0
    for match in pattern.finditer(piece) if pattern else ():
        out.append(html.escape(piece[position : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        position = match.end()
    out.append(html.escape(piece[position:]))
    prefix = "… " if start else ""
    suffix = " …" if start + len(piece) < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece escaped


# --- sources ------------------------------------------------------------------------


class AnyOf(Func):
    """`value = ANY(ARRAY(subquery))`: the subquery's rows become an array computed once,
    which PostgreSQL looks up by index, where `IN (subquery)` may become a hash join
    over a scan of the whole table."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY(ARRAY"
    output_field = models.BooleanField()


@dataclass(frozen=True)
class RelatedText:
    """Text in child rows that also finds the parent (replies find their thread)."""

    model: type[models.Model]
    parent_field: str
    text_field: str
    visible: Q

    def rows(self) -> QuerySet:
        return self.model.objects.filter(self.visible)


@dataclass(frozen=True)
class ModelSource:
    """One kind of thing search finds. `readable(user)` is the permission authority's
    answer: the rows this viewer may see; nothing outside it is ever matched."""

    kind: str
    label: str
    model: type[models.Model]
    readable: Callable[..., QuerySet]
    title_field: str
    text_fields: tuple[str, ...]
    date_field: str
    url: Callable[[models.Model], str]
    hit_label: Callable[[models.Model], str] | None = None
    related: RelatedText | None = None
    community_field: str = "community"
    # Filters beyond community and kind that this source applies ("topic", "stage"),
    # and how: narrow(queryset, filters) -> queryset.
    honours: frozenset[str] = frozenset()
    narrow: Callable[[QuerySet, SearchFilters], QuerySet] | None = None
    stage_choices: tuple = ()
    select_related: tuple[str, ...] = ("community",)

    def applies(self, filters: SearchFilters) -> bool:
        if filters.kind and filters.kind != self.kind:
            return False
        return filters.narrowing <= self.honours

    # The function (user, query, filters) -> queryset of visible matching rows,
    # annotated with search_rank and search_date.
    def matches(
        self,
        user,
        query: ParsedQuery,
        filters: SearchFilters,
        *,
        readable: QuerySet | None = None,
        ranked: bool = True,
    ) -> QuerySet:
        """`readable`: the rows `self.readable(user)` gives, when the caller has them
        already (some resolve the user's communities with a query of their own).
        `ranked` False: the matching rows only, without search_rank (for counting)."""
        rows = self.readable(user) if readable is None else readable
        if filters.community is not None:
            rows = rows.filter(**{self.community_field: filters.community})
        if self.narrow is not None:
            rows = self.narrow(rows, filters)
        rows = rows.annotate(search_date=F(self.date_field))
        if uses_postgres():
            return self._postgres_matches(rows, query, ranked=ranked)
        return self._sqlite_matches(rows, query, ranked=ranked)

    def _related_text(self):
        related = self.related
        return Subquery(
            related.rows()
            .filter(**{related.parent_field: OuterRef("pk")})
            .order_by()
            .values(related.parent_field)
            .annotate(text=StringAgg(related.text_field, delimiter=" "))
            .values("text")[:1]
        )

    def _postgres_matches(self, rows: QuerySet, query: ParsedQuery, *, ranked=True) -> QuerySet:
        search_query = SearchQuery(query.text, search_type="websearch", config=POSTGRES_CONFIG)
        if self.related is None:
            # The row's own stored vector, answered from its GIN index.
            rows = rows.filter(**{VECTOR_FIELD: search_query})
        else:
            # A reply with the words finds its thread, ranked below title and text hits.
            # The ids of the matching rows, each branch answered from the GIN index on
            # its stored vector; the rows the viewer may see are then narrowed to them
            # (an OR with an EXISTS over the replies would read every row instead).
            # "pk = ANY(ARRAY(ids))": PostgreSQL fetches the matches by primary key;
            # with "pk IN (ids)" it hash-joined them to a scan of the whole table. A
            # filter on the thread's own vector OR-ed with the replies' ids reads fewer
            # pages, but at M the planner then ranks the matches in a parallel worker
            # whose start costs more than it saves (bench/README.md).
            related = self.related
            matching = (
                self.model.objects.filter(**{VECTOR_FIELD: search_query})
                .values("pk")
                .union(
                    related.rows()
                    .filter(**{VECTOR_FIELD: search_query})
                    .values(related.parent_field)
                )
            )
            rows = rows.filter(AnyOf(F("pk"), Subquery(matching)))
        if not ranked:
            return rows
        # The vector is stored, so ranking every match reads it rather than rebuilding
        # it from the text: cheap enough that every match is ranked exactly.
        return rows.annotate(search_rank=SearchRank(F(VECTOR_FIELD), search_query))

    def _contains(self, word: str) -> Q:
        found = Q(**{f"{self.title_field}__icontains": word})
        for name in self.text_fields:
            found |= Q(**{f"{name}__icontains": word})
        if self.related is not None:
            related = self.related
            found |= Q(
                Exists(
                    related.rows().filter(
                        **{
                            related.parent_field: OuterRef("pk"),
                            f"{related.text_field}__icontains": word,
                        }
                    )
                )
            )
        return found

    def _sqlite_matches(self, rows: QuerySet, query: ParsedQuery, *, ranked=True) -> QuerySet:
        for word in query.terms:
            rows = rows.filter(self._contains(word))
        for word in query.excluded:
            rows = rows.exclude(self._contains(word))
        if not ranked:
            return rows
        score = Value(0.0)
        for word in query.terms:
            score += Case(
                When(**{f"{self.title_field}__icontains": word}, then=Value(2.0)),
                default=Value(0.0),
            )
            text_hit = Q()
            for name in self.text_fields:
                text_hit |= Q(**{f"{name}__icontains": word})
            score += Case(When(text_hit, then=Value(1.0)), default=Value(0.0))
        return rows.annotate(search_rank=Coalesce(score, Value(0.0), output_field=FloatField()))

    # Hits for the rows on the page: one query (two on SQLite when replies count).
    def hits(self, pks: Sequence[int], query: ParsedQuery) -> dict[int, SearchHit]:
        found = self.model.objects.filter(pk__in=pks).select_related(*self.select_related)
        if uses_postgres():
            found = found.annotate(search_headline=self._headline(query))
            snippets = {row.pk: highlight_marked(row.search_headline or "") for row in found}
        else:
            found = list(found)
            snippets = self._plain_snippets(found, query)
        hits = {}
        for row in found:
            hits[row.pk] = SearchHit(
                kind=self.kind,
                kind_label=self.hit_label(row) if self.hit_label else str(self.label),
                title=getattr(row, self.title_field),
                url=self.url(row),
                snippet=snippets[row.pk],
                community=self._community_of(row),
                rank=0.0,
                date=getattr(row, self.date_field),
            )
        return hits

    def _community_of(self, row):
        return getattr(row, self.community_field, None)

    def _headline(self, query: ParsedQuery):
        text_type = models.TextField()
        parts: list = []
        for name in self.text_fields:
            parts += [
                Coalesce(F(name), Value(""), output_field=text_type),
                Value(" ", output_field=text_type),
            ]
        if self.related is not None:
            parts.append(Coalesce(self._related_text(), Value(""), output_field=text_type))
        # Markdown's emphasis and heading marks would only clutter a snippet.
        text = Func(
            Concat(*parts, output_field=text_type),
            Value(r"[*_`#>]+"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=text_type,
        )
        return SearchHeadline(
            text,
            SearchQuery(query.text, search_type="websearch", config=POSTGRES_CONFIG),
            config=POSTGRES_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )

    def _plain_snippets(self, rows, query: ParsedQuery) -> dict[int, SafeString]:
        texts = {
            row.pk: plain_excerpt(
                " ".join(getattr(row, name) or "" for name in self.text_fields), 10**6
            )
            for row in rows
        }
        pattern = _terms_pattern(query.terms)
        missing = [pk for pk, text in texts.items() if not (pattern and pattern.search(text))]
        if missing and self.related is not None and pattern is not None:
            # The hit was in a reply: show the first reply that has one.
            related = self.related
            any_word = Q()
            for word in query.terms:
                any_word |= Q(**{f"{related.text_field}__icontains": word})
            parent_id = f"{related.parent_field}_id"
            replies = (
                related.rows()
                .filter(any_word, **{f"{related.parent_field}__in": missing})
                .order_by("pk")
                .values_list(parent_id, related.text_field)
            )
            for parent, text in replies:
                if parent in missing:
                    texts[parent] = plain_excerpt(text, 10**6)
                    missing.remove(parent)
        return {pk: excerpt_around(text, query.terms) for pk, text in texts.items()}


def _terms_pattern(terms):
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.I)


# --- the sources themselves -----------------------------------------------------------


def thread_url(thread) -> str:
    return reverse(
        "discussions:thread", kwargs={"slug": thread.community.slug, "thread_id": thread.pk}
    )


def glossary_term_url(term) -> str:
    if term.community_id is None:
        return f"{reverse('glossary:platform')}#term-{term.pk}"
    return f"{reverse('glossary:community', args=[term.community.slug])}#term-{term.pk}"


THREAD_SOURCE = ModelSource(
    kind="thread",
    label=_("Discussions"),
    model=Thread,
    readable=permissions.threads_readable_by,
    title_field="title",
    text_fields=("body",),
    date_field="last_activity_at",
    url=thread_url,
    hit_label=lambda thread: thread.get_kind_display(),
    related=RelatedText(
        model=Post,
        parent_field="thread",
        text_field="body",
        visible=Q(is_hidden=False, deleted_at=None),
    ),
)

GLOSSARY_SOURCE = ModelSource(
    kind="glossary",
    label=_("Glossary"),
    model=GlossaryTerm,
    readable=permissions.glossary_terms_readable_by,
    title_field="term",
    text_fields=("definition",),
    date_field="updated_at",
    url=glossary_term_url,
    hit_label=lambda term: str(_("Glossary term")),
)


def _narrow_items(items: QuerySet, filters: SearchFilters) -> QuerySet:
    if filters.topic:
        items = items.filter(
            pk__in=KnowledgeItem.objects.filter(topics__name__iexact=filters.topic).values("pk")
        )
    if filters.stage:
        items = items.filter(stage=filters.stage)
    return items


# Items are found by their home community's filter; shares into a community show on
# that community's repertoire page.
ITEM_SOURCE = ModelSource(
    kind="item",
    label=_("Knowledge"),
    model=KnowledgeItem,
    readable=permissions.items_readable_by,
    title_field="title",
    text_fields=("summary", "body", "problem", "context", "solution"),
    date_field="updated_at",
    url=lambda item: item.get_absolute_url(),
    hit_label=lambda item: item.get_kind_display(),
    honours=frozenset({"topic", "stage"}),
    narrow=_narrow_items,
    stage_choices=tuple(KnowledgeItem.Stage.choices),
)
SOURCES: list[ModelSource] = [THREAD_SOURCE, ITEM_SOURCE, GLOSSARY_SOURCE]


# --- the engine -----------------------------------------------------------------------


# Bad or enormous page numbers become a page we can slice (SQL LIMIT is a bigint).
MAX_PAGE = 10**9


@dataclass(frozen=True)
class ResultTotal:
    """How many results: `number` exactly, or (`exact` False) more than `number`."""

    number: int
    exact: bool


@dataclass
class ResultsPage:
    """One page of hits. Pages link to their neighbours only: past the count's bound
    nobody knows how many pages there are, and nothing needs to."""

    object_list: list[SearchHit]
    number: int
    has_next: bool
    total: ResultTotal

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(value) -> int:
    """The page asked for: a whole number from 1, else the first page."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    # Never int() thousands of digits: a number past MAX_PAGE is past the end anyway.
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


@dataclass
class SearchResults:
    """The visible hits for a query, lazily: `page(number)` asks the bounded counts
    and the candidates for that page."""

    user: object
    query: ParsedQuery
    filters: SearchFilters
    sources: Sequence[ModelSource] = field(default_factory=lambda: SOURCES)

    @cached_property
    def _readable_rows(self) -> dict[str, QuerySet]:
        return {}

    def _readable(self, source: ModelSource) -> QuerySet:
        # Once per source: counting and fetching the hits share it (the knowledge
        # source resolves the user's communities with a query).
        if source.kind not in self._readable_rows:
            self._readable_rows[source.kind] = source.readable(self.user)
        return self._readable_rows[source.kind]

    @cached_property
    def _counts(self) -> dict[str, int]:
        # Counted over the visible rows only, so the total never hints at hidden ones,
        # and only up to COUNT_LIMIT + 1 a source: one more row than the limit is all
        # "more than N" needs to know.
        if self.query.is_blank:
            return {}
        return {
            source.kind: source.matches(
                self.user,
                self.query,
                self.filters,
                readable=self._readable(source),
                ranked=False,
            )
            .order_by()
            .values("pk")[: COUNT_LIMIT + 1]
            .count()
            for source in self.sources
            if source.applies(self.filters)
        }

    @property
    def total(self) -> ResultTotal:
        counts = self._counts.values()
        return ResultTotal(
            number=sum(min(count, COUNT_LIMIT) for count in counts),
            exact=all(count <= COUNT_LIMIT for count in counts),
        )

    def count(self) -> int:
        """The number of results, or the bound when there are more (see `total`)."""
        return self.total.number

    def _candidates(self, stop: int) -> list[tuple]:
        """The best `stop` matches of all sources, in order: (rank, date, source, pk)."""
        found = [source for source in self.sources if self._counts.get(source.kind)]
        candidates = []
        for source in found:
            rows = source.matches(
                self.user, self.query, self.filters, readable=self._readable(source)
            )
            best = rows.order_by("-search_rank", "-search_date", "-pk").values_list(
                "pk", "search_rank", "search_date"
            )[:stop]
            candidates += [(float(rank), date, source, pk) for pk, rank, date in best]
        candidates.sort(key=lambda row: (row[0], row[1], row[2].kind, row[3]), reverse=True)
        return candidates[:stop]

    def _hits(self, rows: list[tuple]) -> list[SearchHit]:
        by_source: dict[str, list[int]] = {}
        sources = {}
        for _rank, _date, source, pk in rows:
            by_source.setdefault(source.kind, []).append(pk)
            sources[source.kind] = source
        built = {kind: sources[kind].hits(pks, self.query) for kind, pks in by_source.items()}
        return [
            replace(built[source.kind][pk], rank=rank)
            for rank, _date, source, pk in rows
            if pk in built[source.kind]
        ]

    def __getitem__(self, bounds: slice) -> list[SearchHit]:
        start, stop = bounds.start or 0, bounds.stop
        if stop is None:
            raise ValueError("a slice of search results needs an end")
        return self._hits(self._candidates(stop)[start:stop])

    def page(self, number: int, per_page: int) -> ResultsPage:
        """Page `number` (from 1), with one candidate more than it shows to know
        whether a next page exists. Past the end, the last page: the candidates
        fetched for the page asked for are then every match there is."""
        number = min(max(number, 1), MAX_PAGE)
        start = (number - 1) * per_page
        candidates = self._candidates(start + per_page + 1)
        if number > 1 and len(candidates) <= start:
            number = max(1, -(-len(candidates) // per_page))
            start = (number - 1) * per_page
        rows = candidates[start : start + per_page]
        return ResultsPage(
            object_list=self._hits(rows),
            number=number,
            has_next=len(candidates) > start + per_page,
            total=self.total,
        )


def search(*, user, query: ParsedQuery, filters: SearchFilters) -> SearchResults:
    return SearchResults(user=user, query=query, filters=filters)


def kind_choices() -> list[tuple[str, str]]:
    return [(source.kind, source.label) for source in SOURCES]


def honoured_filters() -> frozenset[str]:
    """The source-specific filters some source applies (the form shows only these)."""
    found: set[str] = set()
    for source in SOURCES:
        found |= source.honours
    return frozenset(found)


def stage_choices() -> list[tuple[str, str]]:
    choices: dict[str, str] = {}
    for source in SOURCES:
        choices.update(dict(source.stage_choices))
    return list(choices.items())
