from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FilteredRelation,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from taggit.models import TaggedItem

from membership import permissions
from membership.models import Membership

from .models import Charter, Community


def community_list_for_home(*, user) -> QuerySet[Community]:
    """The user's own communities, with the user's level, in one query."""
    my_level = Membership.objects.filter(community=OuterRef("pk"), user=user).values("level")[:1]
    return (
        permissions.communities_involving(user)
        .filter(status=Community.Status.ACTIVE)
        .annotate(my_level=Subquery(my_level))
        .order_by("name")
    )


def community_list_public_showcase(*, user, limit: int = 12) -> QuerySet[Community]:
    """Communities anyone can browse, most recently active first, for the landing page."""
    return (
        permissions.communities_listable_by(user)
        .filter(visibility=Community.Visibility.PUBLIC)
        .order_by(F("last_activity_at").desc(nulls_last=True), "name")[:limit]
    )


def community_directory(*, user) -> QuerySet[Community]:
    """Everything the directory may list to this user, with topics prefetched and
    whether the user belongs, newest activity first."""
    qs = permissions.communities_listable_by(user).prefetch_related("topics")
    if user.is_authenticated:
        qs = qs.annotate(
            is_member=Exists(Membership.objects.filter(community=OuterRef("pk"), user=user))
        )
    return qs.order_by("-last_activity_at", "name")


def community_search(qs: QuerySet[Community], text: str) -> QuerySet[Community]:
    return qs.filter(
        Q(name__icontains=text) | Q(purpose__icontains=text) | Q(topics__name__iexact=text)
    ).distinct()


def community_members_by_level(
    *, community: Community, per_level: int = 12
) -> dict[str, tuple[int, list[Membership]]]:
    """Members grouped core → active → peripheral: each level's count and its first
    `per_level` people by name, in one query whatever the community's size (a
    community of thousands would otherwise load every membership on its home page)."""
    groups: dict[str, tuple[int, list[Membership]]] = {
        level: (0, []) for level in Membership.Level.values
    }
    by_name = [F("user__display_name").asc(), F("user__email").asc(), F("pk").asc()]
    rows = (
        Membership.objects.filter(community=community)
        .select_related("user")
        .annotate(
            place=Window(RowNumber(), partition_by=F("level"), order_by=by_name),
            level_count=Window(Count("pk"), partition_by=F("level")),
        )
        .filter(place__lte=per_level)
        .order_by("user__display_name", "user__email", "pk")
    )
    for membership in rows:
        members = groups[membership.level][1]
        members.append(membership)
        groups[membership.level] = (membership.level_count, members)
    return groups


def membership_of(*, user, community: Community) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, community=community).first()


class _JSONArrayAgg(Aggregate):
    """Values as one JSON array, on PostgreSQL (jsonb_agg) and SQLite alike."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def home_membership_and_charter(
    *, user, community: Community
) -> tuple[Membership | None, Charter | None, list[str]]:
    """The viewer's membership, the community's charter and its topics' names, in one
    query (the community's home page is on a budget of queries)."""
    topic_names = (
        TaggedItem.objects.filter(
            content_type__app_label="communities",
            content_type__model="community",
            object_id=OuterRef("pk"),
        )
        .order_by()
        .values("object_id")
        .annotate(names=_JSONArrayAgg("tag__name"))
        .values("names")
    )
    rows = (
        Community.objects.filter(pk=community.pk)
        .select_related("charter")
        .annotate(topic_names=Subquery(topic_names))
    )
    if user.is_authenticated:
        rows = rows.annotate(
            viewer_membership=FilteredRelation("memberships", condition=Q(memberships__user=user))
        ).select_related("viewer_membership")
    row = rows.first()
    if row is None:
        return None, None, []
    return (
        getattr(row, "viewer_membership", None),
        getattr(row, "charter", None),
        sorted(row.topic_names or [], key=str.lower),
    )


def charter_of(*, community: Community) -> Charter | None:
    """Every community gets a charter when it starts (community_create)."""
    return Charter.objects.filter(community=community).select_related("updated_by").first()


def charter_revisions(*, charter: Charter):
    return charter.history.select_related("history_user").order_by("-history_date", "-history_id")
