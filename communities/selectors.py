from django.db.models import Count, OuterRef, QuerySet, Subquery

from membership.models import Membership
from membership.permissions import communities_involving, communities_listable_by

from .models import Community


def _with_member_count(communities: QuerySet[Community]) -> QuerySet[Community]:
    counts = (
        Membership.objects.filter(community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return communities.annotate(member_count=Subquery(counts))


def community_list_for_home(*, user) -> QuerySet[Community]:
    """The user's own communities, with member count and the user's level, in one query."""
    my_level = Membership.objects.filter(community=OuterRef("pk"), user=user).values("level")[:1]
    return (
        _with_member_count(communities_involving(user))
        .annotate(my_level=Subquery(my_level))
        .order_by("name")
    )


def community_list_public_showcase(*, user, limit: int = 12) -> QuerySet[Community]:
    """Communities anyone can browse, most recently active first, for the landing page."""
    listable = communities_listable_by(user).filter(visibility=Community.Visibility.PUBLIC)
    return _with_member_count(listable).order_by("-last_activity_at", "name")[:limit]


def community_member_count(*, community: Community) -> int:
    return Membership.objects.filter(community=community).count()
