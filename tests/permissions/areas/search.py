"""Permission matrix entries for the glossary and search URLs (see __init__.py)."""

from communities.models import Thread
from knowledge.models import GlossaryTerm

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("glossary", "search")


def _platform_editors(actor, visibility):
    """Platform terms are kept by the facilitation team, whatever the community."""
    return E.facilitators_only(actor, visibility)


EXPECTED: dict = {
    "search:search": E.anyone,
    "glossary:platform": E.anyone,
    "glossary:platform_add": _platform_editors,
    "glossary:platform_edit": _platform_editors,
    "glossary:platform_delete": _platform_editors,
    "glossary:community": E.readers_only,
    "glossary:community_add": E.managers_only,
    "glossary:community_edit": E.managers_only,
    "glossary:community_delete": E.managers_only,
}
POSTS: dict = {
    "glossary:platform_add": {"term": "Matrix platform term", "definition": "Plain words."},
    "glossary:platform_edit": {"term": "Platform word", "definition": "Edited words."},
    "glossary:platform_delete": {},
    "glossary:community_add": {"term": "Matrix community term", "definition": "Plain words."},
    "glossary:community_edit": {"term": "Our word", "definition": "Edited words."},
    "glossary:community_delete": {},
}


def build(world) -> dict:
    community = world.community
    Thread.objects.create(
        community=community, title="Quokka budget", body=f"{world_secret()} quokka figures"
    )
    platform_term = GlossaryTerm.objects.create(term="Platform word", definition="Shared.")
    community_term = GlossaryTerm.objects.create(
        term="Our word", definition=f"{world_secret()} quokka", community=community
    )
    return {"glossary_term_id": community_term.pk, "platform_term_id": platform_term.pk}


def world_secret() -> str:
    from ..test_matrix import SECRET

    return SECRET


def query_for(world, url_name) -> str:
    # A word of the private thread and term, not the secret itself: the search box
    # repeats the query, and the secret must appear only in results.
    return "?q=quokka" if url_name == "search:search" else ""
