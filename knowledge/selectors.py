"""Reads about knowledge items. Every list starts from the permission authority's
`items_readable_by(user)`, so nothing here decides who may see what."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from communities.models import Community, Post, Thread
from copplatform.markdown import plain_excerpt
from membership import permissions
from membership.models import Membership, User

from .models import ItemShare, KnowledgeItem

Status = KnowledgeItem.Status


def _with_list_relations(items: QuerySet) -> QuerySet:
    return items.select_related("community").prefetch_related(
        "topics",
        Prefetch("authors", queryset=User.objects.order_by("display_name", "pk")),
    )


# Featured first, then latest changed (the repertoire's keyset pages follow it).
REPERTOIRE_ORDER = ("-is_featured", "-updated_at", "-pk")


def shared_item_ids(*, community: Community) -> list[int]:
    """The ids of the items shared into the community (a community has few)."""
    return list(ItemShare.objects.filter(community=community).values_list("item_id", flat=True))


def repertoire_base(
    *,
    community: Community,
    user,
    shared_ids: list[int] | None = None,
    readable: QuerySet | None = None,
) -> QuerySet:
    """The items the user may read among the community's own and those shared into
    it, unordered: the base of the repertoire list and of its topic filter.

    The shared items' ids are read first (`shared_ids`, or read here), so the filter
    is `community = C OR id IN (literal ids)`, which PostgreSQL answers from two
    indexes; `OR EXISTS (a share)` made it read every item of every community (65 ms
    at M). A page of the list reads the two parts apart (repertoire_parts).
    """
    if shared_ids is None:
        shared_ids = shared_item_ids(community=community)
    if readable is None:
        readable = permissions.items_readable_by(user)
    return readable.filter(Q(community=community) | Q(pk__in=shared_ids))


def repertoire_parts(
    *, community: Community, user, filters: dict, shared_ids: list[int], readable: QuerySet
) -> list:
    """repertoire's answer as the parts a keyset page reads apart
    (pagination.keyset_page_by's `within`): the community's own items, a range of the
    index on (community, -is_featured, -updated_at, -id), and the shared ones by id.
    With the OR of both, PostgreSQL read and sorted every item of the community for
    each page (2,949 of them at M: 25 ms, growing with the repertoire). `readable`:
    permissions.items_readable_by(user), as repertoire_base was given it."""
    own = readable.filter(community=community)
    return [repertoire(community=community, user=user, filters=filters, base=own), shared_ids]


def repertoire(
    *,
    community: Community,
    user,
    filters: dict | None = None,
    base: QuerySet | None = None,
) -> QuerySet:
    """The community's items and those shared into it: featured first, then newest.
    `base`: repertoire_base's answer, when the caller has it already."""
    filters = filters or {}
    items = repertoire_base(community=community, user=user) if base is None else base
    if filters.get("kind"):
        items = items.filter(kind=filters["kind"])
    if filters.get("stage"):
        items = items.filter(stage=filters["stage"])
    if filters.get("status"):
        items = items.filter(status=filters["status"])
    if filters.get("topic"):
        items = items.filter(topics__name__iexact=filters["topic"])
    shared_here = ItemShare.objects.filter(item=OuterRef("pk"), community=community)
    items = items.annotate(is_shared_here=Exists(shared_here))
    return _with_list_relations(items).order_by(*REPERTOIRE_ORDER)


def library(*, user) -> QuerySet:
    items = permissions.items_readable_by(user).filter(status=Status.PUBLISHED, in_library=True)
    return _with_list_relations(items).order_by("-is_featured", "-published_at", "-pk")


def repertoire_topics(*, community: Community, user, base: QuerySet | None = None) -> list[str]:
    """Topic names used by the items the user may see here (for the filter)."""
    from taggit.models import Tag

    items = repertoire_base(community=community, user=user) if base is None else base
    item_ids = items.values("pk")
    # The content type as a literal id (cached per process), not a join on its model
    # name: PostgreSQL then reads the items' tags from taggit's (content type, object)
    # index instead of every tag of every object on the platform (23 ms at M).
    return list(
        Tag.objects.filter(
            taggit_taggeditem_items__object_id__in=item_ids,
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(KnowledgeItem),
        )
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )


def item_detail(*, item_id: int) -> KnowledgeItem:
    return (
        KnowledgeItem.objects.select_related(
            "community", "source_thread", "source_thread__community", "updated_by"
        )
        .prefetch_related(
            "topics",
            Prefetch("authors", queryset=User.objects.order_by("display_name", "pk")),
            Prefetch(
                "shares",
                queryset=ItemShare.objects.select_related("community", "shared_by").order_by(
                    "shared_at"
                ),
            ),
        )
        .get(pk=item_id)
    )


def item_versions(*, item: KnowledgeItem) -> QuerySet:
    """Every saved version, newest first, with who saved it."""
    return item.history.select_related("history_user").order_by("-history_date", "-history_id")


def items_due_for_review(*, now: datetime | None = None, community: Community | None = None):
    """Published items whose review date has come (for digests and reminders)."""
    items = KnowledgeItem.objects.filter(
        status=Status.PUBLISHED, review_due_at__lte=now or timezone.now()
    ).select_related("community")
    if community is not None:
        items = items.filter(community=community)
    return items.order_by("review_due_at", "pk")


def published_items_by_author(community: Community, since: datetime) -> dict[int, int]:
    """Contributions for the engagement rule: items published here, per author."""
    rows = (
        KnowledgeItem.authors.through.objects.filter(
            knowledgeitem__community_id=community.pk,
            knowledgeitem__status=Status.PUBLISHED,
            knowledgeitem__published_at__gte=since,
        )
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    return {row["user_id"]: row["n"] for row in rows}


def co_author_choices(*, community: Community) -> QuerySet:
    """People who may be named co-authors: the home community's members."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(community=community).values("user_id"),
    ).order_by("display_name", "pk")


def share_targets(*, user, item: KnowledgeItem) -> list[Community]:
    """Communities the user may share this item into and where it is not yet."""
    already = ItemShare.objects.filter(item=item).values("community_id")
    candidates = list(
        permissions.communities_readable_by(user)
        .exclude(pk=item.community_id)
        .exclude(pk__in=already)
        .order_by("name")
    )
    permissions.prefetch_for(user, candidates)
    return [c for c in candidates if permissions.may_share_item_into(user, item, c)]


def thread_prefill(*, thread: Thread) -> dict:
    """A new item's first draft from a discussion: questions become answers to a
    recurring problem (with the accepted answer as the solution), others stories."""
    initial = {"title": thread.title, "summary": plain_excerpt(thread.body, 300)}
    if thread.kind == Thread.Kind.QUESTION:
        accepted = None
        if thread.accepted_post_id:
            accepted = (
                Post.objects.filter(pk=thread.accepted_post_id, deleted_at=None, is_hidden=False)
                .values_list("body", flat=True)
                .first()
            )
        initial.update(kind=KnowledgeItem.Kind.ANSWER, problem=thread.body, solution=accepted or "")
    else:
        initial.update(kind=KnowledgeItem.Kind.STORY, body=thread.body)
    return initial
