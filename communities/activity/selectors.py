"""Reads for the feeds. Every row comes through permissions.activities_visible_to, so
a feed never shows what its reader may not read; each page is one query."""

from django.db.models import QuerySet

from copplatform.pagination import KeysetPage, keyset_page
from membership import permissions

from .models import Activity

FEED_PER_PAGE = 20
PREVIEW_LENGTH = 5


def _visible(user) -> QuerySet[Activity]:
    return permissions.activities_visible_to(user).select_related("actor", "community", "group")


def community_feed_page(*, user, community, cursor: str | None) -> KeysetPage:
    """Precondition: the user may read the community."""
    return keyset_page(_visible(user).filter(community=community), cursor, per_page=FEED_PER_PAGE)


def community_feed_latest(*, user, community, limit: int = PREVIEW_LENGTH) -> list[Activity]:
    rows = _visible(user).filter(community=community).order_by("-created_at", "-pk")
    return list(rows[:limit])


def _in_my_communities(user) -> QuerySet[Activity]:
    return _visible(user).filter(community__in=permissions.communities_involving(user))


def home_feed_page(*, user, cursor: str | None) -> KeysetPage:
    """New in the communities the user belongs to or facilitates."""
    return keyset_page(_in_my_communities(user), cursor, per_page=FEED_PER_PAGE)


def home_feed_latest(*, user, limit: int = PREVIEW_LENGTH) -> list[Activity]:
    if not user.is_authenticated:
        return []
    return list(_in_my_communities(user).order_by("-created_at", "-pk")[:limit])
