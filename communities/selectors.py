from django.db.models import (
    Aggregate,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
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
    """Members grouped core → active → peripheral: each level's count and its newest
    `per_level` members (shown by name), in one query that costs the same whatever
    the community's size: each level's newest are a range of the index on
    (community, level, -created_at, -id), and the counts are three index-only counts
    computed once. (Sorting every member by name to show the first twelve grew with
    the community: 240 ms for 13,700 members.)"""
    levels = Membership.Level.values
    in_community = Membership.objects.filter(community=community)
    # One IN over a UNION ALL of the three ranges (raw, because Django cannot put a
    # LIMIT in a UNION on SQLite; each range is wrapped so both databases accept it):
    # PostgreSQL then expects a few dozen rows and joins their people by key. Three
    # ORed `IN (… LIMIT 12)` looked like half the community to its planner, which then
    # read every person on the platform to join them.
    table = Membership._meta.db_table
    ranges = " UNION ALL ".join(
        f"SELECT id FROM (SELECT id FROM {table} WHERE community_id = %s AND level = %s "  # noqa: S608
        f"ORDER BY created_at DESC, id DESC LIMIT %s) newest_{index}"
        for index in range(len(levels))
    )
    params = [value for level in levels for value in (community.pk, level, per_level)]
    newest = Q(pk__in=RawSQL(ranges, params))  # noqa: S611 (no user input: ids, levels)
    counts = {
        # COUNT as a plain function, not an aggregate: no GROUP BY, so PostgreSQL
        # counts the level's range of the index above without reading the rows.
        f"count_{level}": Subquery(
            in_community.filter(level=level)
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n"),
            output_field=IntegerField(),
        )
        for level in levels
    }
    rows = list(
        Membership.objects.filter(newest)
        .select_related("user")
        .annotate(**counts)
        .order_by("user__display_name", "user__email", "pk")
    )
    groups: dict[str, tuple[int, list[Membership]]] = {level: (0, []) for level in levels}
    for membership in rows:
        members = groups[membership.level][1]
        members.append(membership)
        groups[membership.level] = (getattr(membership, f"count_{membership.level}"), members)
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
