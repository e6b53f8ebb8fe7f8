"""Glossary services (writes) and selectors (reads).

Who may do what is asked of membership.permissions by the views; the services
check the invariants that hold whoever calls them (one term per name in a place).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from communities.models import Community

from .glossary_models import GlossaryTerm

# --- selectors ------------------------------------------------------------------


@dataclass
class LetterGroup:
    letter: str
    terms: list = field(default_factory=list)


def glossary_terms_for(*, community: Community | None) -> QuerySet[GlossaryTerm]:
    """A community's glossary: its own terms and the platform's; or, with no
    community, the platform's alone. The caller has checked the viewer may read it."""
    if community is None:
        return GlossaryTerm.objects.filter(community=None)
    return GlossaryTerm.objects.filter(Q(community=None) | Q(community=community))


def glossary_by_letter(terms) -> list[LetterGroup]:
    """Terms grouped under their A to Z letter, in alphabetical order ("#" first)."""
    groups: dict[str, LetterGroup] = {}
    for term in sorted(terms, key=lambda t: (t.letter != "#", t.term.casefold(), t.pk)):
        groups.setdefault(term.letter, LetterGroup(term.letter)).terms.append(term)
    return list(groups.values())


def glossary_term_in(*, community: Community | None, term_id: int) -> GlossaryTerm | None:
    """The term with this id kept in this place (None for the platform), or None."""
    return GlossaryTerm.objects.filter(pk=term_id, community=community).first()


# --- services -------------------------------------------------------------------


def _check_unique(*, term: str, community: Community | None, exclude_pk=None) -> None:
    clash = GlossaryTerm.objects.filter(term__iexact=term, community=community)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"term": _("“%(term)s” is already in this glossary.") % {"term": term}}
        )


@transaction.atomic
def glossary_term_create(
    *, community: Community | None, term: str, definition: str, actor
) -> GlossaryTerm:
    term = term.strip()
    _check_unique(term=term, community=community)
    return GlossaryTerm.objects.create(
        community=community, term=term, definition=definition, created_by=actor
    )


@transaction.atomic
def glossary_term_update(*, glossary_term: GlossaryTerm, term: str, definition: str) -> None:
    term = term.strip()
    _check_unique(term=term, community=glossary_term.community, exclude_pk=glossary_term.pk)
    glossary_term.term, glossary_term.definition = term, definition
    glossary_term.save(update_fields=["term", "definition", "updated_at"])


@transaction.atomic
def glossary_term_delete(*, glossary_term: GlossaryTerm) -> None:
    glossary_term.delete()


def glossary_term_ensure(
    *, community: Community | None, term: str, definition: str, actor
) -> GlossaryTerm:
    """For demo data: create the term unless one of that name is already there."""
    found = GlossaryTerm.objects.filter(term__iexact=term.strip(), community=community).first()
    if found is not None:
        return found
    return glossary_term_create(community=community, term=term, definition=definition, actor=actor)
