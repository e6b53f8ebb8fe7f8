"""Reads for alignment: priorities with the communities serving them, a community's
alignment, value stories. Every list asks membership.permissions which rows the
viewer may see, and costs a fixed number of queries however many rows there are."""

from django.db.models import Prefetch, Q, QuerySet, Value

from communities.models import Community
from facilitation.models import LearningStage, StrategicPriority, ValueStory
from knowledge.models import KnowledgeItem
from membership import permissions


def priorities_for_page(*, user, include_retired: bool) -> list[StrategicPriority]:
    """Priorities in order, each with `.serving`: the communities serving it that the
    user may list (hidden ones only to those who may know them). Two queries."""
    priorities = StrategicPriority.objects.all()
    if not include_retired:
        priorities = priorities.filter(is_active=True)
    listable = permissions.communities_listable_by(user).order_by("name")
    return list(
        priorities.prefetch_related(
            Prefetch("communities", queryset=listable.only("pk", "name", "slug"), to_attr="serving")
        )
    )


def active_priorities() -> QuerySet[StrategicPriority]:
    return StrategicPriority.objects.filter(is_active=True)


def community_alignment(*, community: Community) -> dict:
    """The current priorities a community serves and its learning-cycle stages, in the
    cycle's order. One query (a UNION: the community's home page is on a budget)."""
    priorities = (
        community.priorities.filter(is_active=True).order_by().values_list("pk", "name", "position")
    )
    stages = (
        community.learning_stages.order_by()
        .annotate(none=Value(0), nil=Value(0))
        .values_list("none", "stage", "nil")
    )
    rows = list(priorities.union(stages, all=True))
    declared = {text for pk, text, _position in rows if not pk}
    return {
        "priorities": [
            StrategicPriority(pk=pk, name=name, position=position)
            for pk, name, position in sorted(
                (row for row in rows if row[0]), key=lambda row: (row[2], row[1])
            )
        ],
        "stages": [(value, label) for value, label in LearningStage.choices if value in declared],
    }


# --- value stories ---------------------------------------------------------------------


def stories_of(*, user, community: Community) -> QuerySet[ValueStory]:
    """The community's stories the user may read, for a keyset-paginated list."""
    return (
        permissions.value_stories_readable_by(user)
        .filter(community=community)
        .select_related("author")
        .prefetch_related("priorities")
    )


def story_for_page(*, user, community: Community, story_id: int) -> ValueStory | None:
    """The story, if the user may read it (None means a 404)."""
    return (
        permissions.value_stories_readable_by(user)
        .filter(community=community, pk=story_id)
        .select_related("author", "decided_by", "community")
        .first()
    )


def story_links(*, user, story: ValueStory) -> dict:
    """The story's priorities, and the linked items the viewer may read (an item can
    stop being readable after the story was written)."""
    readable = permissions.items_readable_by(user).filter(status=KnowledgeItem.Status.PUBLISHED)
    return {
        "priorities": list(story.priorities.all()),
        "items": list(readable.filter(pk__in=story.items.values("pk")).select_related("community")),
    }


def story_item_choices(*, user, community: Community) -> QuerySet[KnowledgeItem]:
    """Published items a story may link: readable by the user, from this community or
    shared into it."""
    return (
        permissions.items_readable_by(user)
        .filter(status=KnowledgeItem.Status.PUBLISHED)
        .filter(Q(community=community) | Q(shares__community=community))
        .distinct()
        .order_by("title")
    )
