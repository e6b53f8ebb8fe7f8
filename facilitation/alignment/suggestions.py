"""Similar from other communities: threads and items like the one being written.

While a member types the title of a new thread or knowledge item, the form asks
for content of OTHER communities that the member may read (the permission
authority's threads_readable_by / items_readable_by: nothing else is ever matched)
with any of the title's words. Unlike search, one matching word is enough, and more
words (title hits above text hits) rank higher: a title is a few words, and "similar"
should not need all of them.

The sources and the database paths are knowledge/search.py's: on PostgreSQL the same
stored, weighted vector (its GIN index serves) ranked by SearchRank; on SQLite word
matching with title hits scoring 2 and text hits 1. Three queries, whatever matches.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from communities.models import Community
from knowledge.models import KnowledgeItem
from knowledge.search import (
    ITEM_SOURCE,
    POSTGRES_CONFIG,
    THREAD_SOURCE,
    VECTOR_FIELD,
    ModelSource,
    parse_query,
    uses_postgres,
)
from membership import permissions

LIMIT = 6
MAX_WORDS = 8
MIN_WORD_LENGTH = 3
# Words too common to make two titles similar (PostgreSQL drops its own stop words).
COMMON_WORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "about",
        "how",
        "what",
        "when",
        "where",
        "who",
        "why",
        "our",
        "your",
        "their",
        "this",
        "that",
        "these",
        "those",
        "are",
        "was",
        "were",
        "can",
        "has",
        "have",
        "had",
        "not",
        "but",
        "all",
        "any",
        "new",
        "use",
        "using",
        "via",
        "per",
        "after",
        "before",
        "more",
        "less",
        "than",
        "then",
        "them",
        "they",
        "you",
        "its",
        "it's",
        "does",
        "did",
    ]
)


@dataclass(frozen=True)
class Suggestion:
    kind_label: str
    title: str
    url: str
    community_name: str  # blank when the viewer may not know the home community
    rank: float


def title_words(text: str) -> list[str]:
    """The title's words worth matching: letters and digits, at least three long."""
    words = []
    for term in parse_query(text[:200]).terms:
        for word in term.split("_"):
            if len(word) >= MIN_WORD_LENGTH and word not in COMMON_WORDS and word not in words:
                words.append(word)
    return words[:MAX_WORDS]


def _ranked(source: ModelSource, rows: QuerySet, words: list[str]) -> QuerySet:
    if uses_postgres():
        # Prefix matches ("emerg:*"), so a word still being typed already finds
        # something, as SQLite's icontains does. Words are letters and digits only
        # (title_words), so they are safe in a raw tsquery.
        query = reduce(
            or_,
            [SearchQuery(f"{word}:*", search_type="raw", config=POSTGRES_CONFIG) for word in words],
        )
        # The stored vector, GIN-indexed: neither matching nor ranking rebuilds it.
        matching = source.model.objects.filter(**{VECTOR_FIELD: query}).values("pk")
        return rows.filter(pk__in=matching).annotate(
            suggest_rank=SearchRank(F(VECTOR_FIELD), query)
        )
    any_word, score = Q(), Value(0.0)
    for word in words:
        in_title = Q(**{f"{source.title_field}__icontains": word})
        in_text = reduce(or_, [Q(**{f"{name}__icontains": word}) for name in source.text_fields])
        any_word |= in_title | in_text
        score += Case(When(in_title, then=Value(2.0)), default=Value(0.0))
        score += Case(When(in_text, then=Value(1.0)), default=Value(0.0))
    return rows.filter(any_word).annotate(
        suggest_rank=Coalesce(score, Value(0.0), output_field=FloatField())
    )


def _best(user, source: ModelSource, rows: QuerySet, words: list[str]) -> list[Suggestion]:
    known = permissions.communities_listable_by(user).filter(pk=OuterRef("community"))
    found = (
        _ranked(source, rows, words)
        .annotate(home_known=Exists(known), suggest_date=F(source.date_field))
        .select_related("community")
        .order_by("-suggest_rank", "-suggest_date", "-pk")[:LIMIT]
    )
    return [
        Suggestion(
            kind_label=source.hit_label(row) if source.hit_label else str(source.label),
            title=getattr(row, source.title_field),
            url=source.url(row),
            community_name=row.community.name if row.home_known else "",
            rank=float(row.suggest_rank),
        )
        for row in found
    ]


def similar_content(*, user, community: Community, text: str) -> list[Suggestion]:
    """Up to LIMIT threads and published items from communities other than
    `community`, readable by `user`, sharing words with `text`, best first."""
    words = title_words(text)
    if not words:
        return []
    threads = permissions.threads_readable_by(user).exclude(community=community)
    items = (
        permissions.items_readable_by(user)
        .filter(status=KnowledgeItem.Status.PUBLISHED)
        .exclude(community=community)
    )
    found = _best(user, THREAD_SOURCE, threads, words) + _best(user, ITEM_SOURCE, items, words)
    found.sort(key=lambda suggestion: suggestion.rank, reverse=True)
    return found[:LIMIT]
