"""The building blocks of the archive's parts: one query per part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Case, F, Q, TextField, Value, When

from membership import permissions
from membership.models import User


@dataclass(frozen=True)
class Part:
    """One JSON file of the archive: `name`.json, the rows `rows(user)` returns."""

    name: str
    covers: tuple[str, ...]
    rows: Callable[[User], list[dict]]


def rows_of(label: str, where: Callable[[User], Q], *fields: str, **named) -> Callable:
    """Rows of `label` matching `where(user)`, as dicts of these fields (named ones
    are expressions, e.g. F("community__name")), oldest first: one query."""

    def rows(user: User) -> list[dict]:
        model = apps.get_model(label)
        queryset = model.objects.filter(where(user)).order_by("pk")
        expressions = {
            name: value(user) if callable(value) else value for name, value in named.items()
        }
        return list(queryset.values(*fields, **expressions))

    return rows


def by(field: str) -> Callable[[User], Q]:
    return lambda user: Q(**{field: user})


def either(*fields: str) -> Callable[[User], Q]:
    def where(user: User) -> Q:
        condition = Q()
        for field in fields:
            condition |= Q(**{field: user})
        return condition

    return where


COMMUNITY = {"community_name": F("community__name")}


def _known_community_name(user: User) -> Case:
    return only_if(Q(community__in=permissions.communities_named_to(user)), "community__name")


# For records of a community the member may no longer know (a request to one since
# turned hidden): the name only while they may.
KNOWN_COMMUNITY = {"community_name": _known_community_name}


def only_if(condition: Q, field: str) -> Case:
    """The field's text where the condition holds, else an empty string."""
    return Case(When(condition, then=F(field)), default=Value(""), output_field=TextField())
