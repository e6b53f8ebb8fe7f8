"""Reads for discussions, with what their pages need already joined in."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from communities.models import Community
from membership import permissions
from membership.models import User

from .models import (
    ModerationEntry,
    Post,
    Report,
    Revision,
    Thread,
    ThreadReadState,
    WorkingGroup,
)

# Pinned first, then latest activity (the keyset pages of the thread list follow it;
# index communities_thread (community, -is_pinned, -last_activity_at, -id)).
THREAD_LIST_ORDER = ("-is_pinned", "-last_activity_at", "-pk")


def thread_list(*, user, community: Community, kind: str | None = None) -> QuerySet[Thread]:
    """The community's threads the user may read: pinned first, then latest activity.

    Moderators also see hidden threads (marked as such), so they can unhide them.
    Each thread carries `last_read_at` for the user (None if never read).
    """
    readable = permissions.threads_readable_by(user).filter(community=community)
    if permissions.may_see_hidden_content(user, community):
        readable = Thread.objects.filter(community=community, deleted_at=None)
    if kind:
        readable = readable.filter(kind=kind)
    readable = readable.select_related("author", "group")
    if user.is_authenticated:
        readable = readable.annotate(
            last_read_at=Subquery(
                ThreadReadState.objects.filter(thread=OuterRef("pk"), user=user).values(
                    "last_read_at"
                )[:1]
            )
        )
    return readable.order_by(*THREAD_LIST_ORDER)


def thread_for_page(*, community: Community, thread_id: int) -> Thread | None:
    return (
        Thread.objects.filter(community=community, pk=thread_id)
        .select_related("community", "author", "group", "accepted_post__author")
        .first()
    )


def thread_replies(*, thread: Thread, include_hidden: bool) -> QuerySet[Post]:
    """Replies in order; removed ones stay (shown as "removed"), hidden ones only for
    moderators."""
    replies = thread.posts.select_related("author").order_by("created_at", "pk")
    if not include_hidden:
        replies = replies.filter(is_hidden=False)
    return replies


def reply_in_thread(*, thread: Thread, post_id: int) -> Post | None:
    return thread.posts.select_related("author").filter(pk=post_id).first()


def revisions_of(*, thread: Thread, post: Post | None) -> QuerySet[Revision]:
    return (
        Revision.objects.filter(thread=thread, post=post)
        .select_related("written_by")
        .order_by("-written_at", "-pk")
    )


def working_group_of(*, community: Community, slug: str) -> WorkingGroup | None:
    if not slug:
        return None
    return WorkingGroup.objects.filter(community=community, slug=slug).first()


def open_reports(*, community: Community) -> QuerySet[Report]:
    return (
        Report.objects.filter(community=community, status=Report.Status.OPEN)
        .select_related("thread", "post__author", "thread__author", "reporter")
        .order_by("created_at", "pk")
    )


def decided_reports(*, community: Community, limit: int = 20) -> QuerySet[Report]:
    return (
        Report.objects.filter(community=community)
        .exclude(status=Report.Status.OPEN)
        .select_related("thread", "reporter", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def hidden_threads(*, community: Community) -> QuerySet[Thread]:
    return Thread.objects.filter(community=community, is_hidden=True, deleted_at=None).order_by(
        "-updated_at"
    )


def announcements_for_home(*, user, community: Community, limit: int = 3) -> list[Thread]:
    """The latest announcements the user may read (not hidden, not removed)."""
    if not permissions.may_read_community(user, community):
        return []
    return list(
        permissions.threads_readable_by(user)
        .filter(community=community, kind=Thread.Kind.ANNOUNCEMENT)
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )


def move_destinations(*, user) -> list[tuple[Community, list[WorkingGroup]]]:
    """Communities the moderator may move a thread to, each with its working groups."""
    communities = list(permissions.communities_moderated_by(user).order_by("name"))
    groups: dict[int, list[WorkingGroup]] = {c.pk: [] for c in communities}
    for group in WorkingGroup.objects.filter(community__in=communities).order_by("name"):
        groups[group.community_id].append(group)
    return [(c, groups[c.pk]) for c in communities]


def mention_suggestions(
    *, community: Community, group: WorkingGroup | None, text: str, limit: int = 8
) -> list[User]:
    """People the author may mention whose name starts a word with the text typed."""
    text = " ".join(text.split())[:60]
    if not text:
        return []
    people = permissions.users_mentionable_in(community, group=group).filter(
        Q(display_name__istartswith=text) | Q(display_name__icontains=" " + text)
    )
    return list(people.order_by("display_name", "pk")[:limit])


def moderation_log(*, community: Community, limit: int = 20):
    """The latest moderation actions in the community: who did what, and when."""
    return (
        ModerationEntry.objects.filter(community=community)
        .select_related("actor", "thread")
        .order_by("-created_at", "-pk")[:limit]
    )
