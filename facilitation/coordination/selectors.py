"""Reads for cross-community actions and the work log: each a fixed number of queries,
whatever the number of communities or entries."""

from django.db.models import Count, Q, QuerySet, Sum

from communities.models import Community, Thread
from facilitation.models import WorkLogEntry
from knowledge.models import KnowledgeItem
from membership import permissions
from membership.models import JoinRequest

# The cross-community request list is bounded, oldest first: the ones waiting longest
# are answered first, and a facilitator never faces an unbounded page.
JOIN_REQUESTS_SHOWN = 200
SHAREABLE_ITEMS_SHOWN = 100


def announcement_targets(*, user) -> list[Community]:
    communities = list(permissions.communities_announceable_by(user).order_by("name"))
    permissions.prefetch_for(user, communities)
    return [c for c in communities if permissions.may_post_announcement(user, c)]


def managed_communities(*, user) -> list[Community]:
    communities = list(permissions.communities_managed_by(user).order_by("name"))
    permissions.prefetch_for(user, communities)
    return [c for c in communities if permissions.may_manage_members(user, c)]


def announcements_by(*, user, thread_ids) -> QuerySet[Thread]:
    """The user's own announcements among these ids (for the confirmation page)."""
    return (
        Thread.objects.filter(
            pk__in=thread_ids, author=user, kind=Thread.Kind.ANNOUNCEMENT, deleted_at=None
        )
        .select_related("community")
        .order_by("community__name")
    )


def shareable_items(*, user) -> list[KnowledgeItem]:
    """Recent published items of the communities the user facilitates: the usual
    things a facilitator brokers. Any other item is reached with ?item=<id>."""
    items = (
        KnowledgeItem.objects.filter(
            status=KnowledgeItem.Status.PUBLISHED,
            community__in=permissions.communities_facilitated_by(user),
        )
        .select_related("community")
        .order_by("-updated_at", "-pk")[:SHAREABLE_ITEMS_SHOWN]
    )
    return list(items)


def join_requests_pending_for(*, user) -> QuerySet[JoinRequest]:
    """Pending requests in every community the user manages the members of: one query."""
    return (
        JoinRequest.objects.filter(
            status=JoinRequest.Status.PENDING,
            community__in=permissions.communities_managed_by(user),
        )
        .select_related("user", "community")
        .order_by("created_at", "pk")
    )


# --- the work log ------------------------------------------------------------------------


def work_log_for(*, user, community_id=None, date_from=None, date_to=None):
    entries = WorkLogEntry.objects.filter(facilitator=user)
    if community_id:
        entries = entries.filter(community_id=community_id)
    if date_from:
        entries = entries.filter(occurred_on__gte=date_from)
    if date_to:
        entries = entries.filter(occurred_on__lte=date_to)
    return entries


def work_log_totals(entries: QuerySet[WorkLogEntry]) -> dict:
    """Minutes and entries by kind and by community, summed in the database."""
    by_kind = list(
        entries.order_by()
        .values("kind")
        .annotate(total=Sum("minutes"), count=Count("pk"), untimed=Count("pk", filter=Q(minutes=0)))
        .order_by("kind")
    )
    labels = dict(WorkLogEntry.Kind.choices)
    for row in by_kind:
        row["label"] = labels.get(row["kind"], row["kind"])
        row["hours"] = round(row["total"] / 60, 1)
    by_community = list(
        entries.order_by()
        .values("community_id", "community__name")
        .annotate(total=Sum("minutes"), count=Count("pk"))
        .order_by("community__name")
    )
    for row in by_community:
        row["hours"] = round(row["total"] / 60, 1)
    total = sum(row["total"] for row in by_kind)
    untimed = sum(row["untimed"] for row in by_kind)
    return {
        "by_kind": by_kind,
        "by_community": by_community,
        "minutes": total,
        "hours": round(total / 60, 1),
        "untimed": untimed,
    }
