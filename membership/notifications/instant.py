"""Email for each new item, for members who chose it, and announcements.

When a thread or reply is posted, or a knowledge item is published or featured, the
service that did it calls `instant_email_on_commit`: no query in the request, and a
transaction that rolls back enqueues nothing. Once it commits, the task
`notifications.plan_instant` finds, in a constant number of queries, the community's
members whose effective frequency there is "instant" and whose news kinds include
this one (discussions, or knowledge; a reply also reaches the thread's author who
chose "replies to my threads"), and records one email each with the delivery engine,
never to the person who did it. Members in their quiet hours are recorded with
`not_before` at the end of them; the sweep sends them then.

Announcements go the same way to every member who may read the community and has
not turned its announcements off (Membership.announcement_email), whatever their
digest choice.

At send time each builder asks again, for the whole batch in a constant number of
queries, whether the member may still read it and still wants it, and whether it is
still there (not hidden, removed, unpublished or unfeatured); otherwise the record
is skipped.

Mentions are not emailed here: they are in-app notifications already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from copplatform.emails import absolute_url
from membership import permissions
from membership.models import Membership

from . import delivery
from .delivery import Due, Email
from .models import Frequency, NewsKind
from .preferences import memberships_with_frequency, news_kinds_of, quiet_until

# Kinds of email (DeliveryRecord.kind).
THREAD = "instant_thread"
REPLY = "instant_reply"
ITEM = "instant_item"
ANNOUNCEMENT = "announcement"

TEMPLATES = "membership/email/instant/"

logger = logging.getLogger(__name__)


class Event:
    """What happened, as services tell it (the task's `event` argument)."""

    THREAD = "thread"
    REPLY = "reply"
    ITEM_PUBLISHED = "item_published"
    ITEM_FEATURED = "item_featured"
    ANNOUNCEMENT = "announcement"


def instant_email_on_commit(*, event: str, object_id: int, actor_id: int | None = None) -> None:
    """Plan this event's emails once the current transaction commits (nothing if it
    rolls back). Costs no query: recipients are worked out in the task.

    Like `delay_on_commit`, but robust: if the broker cannot take the task, the post
    is already saved and its author must not see an error. The emails are then planned
    here, in the request (the database is up): their records wait, never enqueued,
    until the sweep enqueues them once the broker is back, so none is lost."""
    from . import tasks

    def enqueue_instant_email():  # named: Django logs a robust callback's __qualname__
        try:
            tasks.plan_instant.delay(event=event, object_id=object_id, actor_id=actor_id)
        except Exception:
            logger.warning(
                "broker unreachable: instant emails planned in the request",
                exc_info=True,
                extra={"event": event, "object_id": object_id},
            )
            plan_instant(event=event, object_id=object_id, actor_id=actor_id)

    transaction.on_commit(enqueue_instant_email, robust=True)


# --- planning -------------------------------------------------------------------


def _settings_of(user):
    return getattr(user, "notification_settings", None)


def _kinds_of(user) -> set[str]:
    return news_kinds_of(_settings_of(user))


def _members_to_email(
    community_id: int, *, exclude: Iterable[int | None], announcements: bool = False
) -> list[Membership]:
    """The community's members who may read it now and chose instant email (or, for
    announcements, have not turned them off), users and settings loaded: one query."""
    members = Membership.objects.filter(community_id=community_id).values("user_id")
    readable = (
        permissions.memberships_readable_by_each(members)
        .filter(community_id=community_id)
        .exclude(user_id__in=[pk for pk in exclude if pk is not None])
    )
    if announcements:
        rows = readable.filter(announcement_email=True)
    else:
        rows = memberships_with_frequency(readable).filter(frequency=Frequency.INSTANT)
    return list(rows.select_related("user", "user__notification_settings").order_by("user_id"))


def _due(
    members: list[Membership],
    *,
    period: str,
    community_id: int,
    now: datetime,
    wants: Callable[[Membership], bool],
) -> list[Due]:
    return [
        Due(
            user_id=member.user_id,
            period=period,
            community_id=community_id,
            not_before=quiet_until(_settings_of(member.user), member.user.time_zone, now),
        )
        for member in members
        if wants(member)
    ]


def _plan(kind: str, run_period: str, due: list[Due], now: datetime) -> int:
    delivery.plan(kind=kind, run_period=run_period, due=due, now=now)
    return len(due)


def _readable_thread(thread) -> Callable[[Membership], bool]:
    """Thread readability beyond the community's: a closed working group's threads
    are for its members and the community's moderators (asked in one batch, for the
    community's members as a subquery however many they are)."""
    if thread.group_id is None or not thread.group.is_closed:
        return lambda member: True
    members = Membership.objects.filter(community_id=thread.community_id).values("user_id")
    pairs = permissions.closed_group_readers_each(members, [thread.group])
    return lambda member: (member.user_id, thread.group_id) in pairs


def _plan_thread(object_id: int, actor_id: int | None, now: datetime) -> int:
    from communities.models import Thread

    thread = (
        Thread.objects.select_related("group")
        .filter(pk=object_id, deleted_at=None, is_hidden=False)
        .exclude(kind=Thread.Kind.ANNOUNCEMENT)
        .first()
    )
    if thread is None:
        return 0
    members = _members_to_email(thread.community_id, exclude=[thread.author_id, actor_id])
    readable = _readable_thread(thread)
    due = _due(
        members,
        period=f"thread:{thread.pk}",
        community_id=thread.community_id,
        now=now,
        wants=lambda m: readable(m) and NewsKind.DISCUSSIONS in _kinds_of(m.user),
    )
    return _plan(THREAD, f"{THREAD}:{thread.pk}", due, now)


def _wants_reply(user, thread) -> bool:
    """Every reply (discussions), or replies to the member's own thread."""
    kinds = _kinds_of(user)
    if NewsKind.DISCUSSIONS in kinds:
        return True
    return user.pk == thread.author_id and NewsKind.REPLIES_TO_ME in kinds


def _plan_reply(object_id: int, actor_id: int | None, now: datetime) -> int:
    from communities.models import Post

    post = (
        Post.objects.select_related("thread", "thread__group")
        .filter(
            pk=object_id,
            deleted_at=None,
            is_hidden=False,
            thread__deleted_at=None,
            thread__is_hidden=False,
        )
        .first()
    )
    if post is None:
        return 0
    thread = post.thread
    members = _members_to_email(thread.community_id, exclude=[post.author_id, actor_id])
    readable = _readable_thread(thread)
    due = _due(
        members,
        period=f"post:{post.pk}",
        community_id=thread.community_id,
        now=now,
        wants=lambda m: readable(m) and _wants_reply(m.user, thread),
    )
    return _plan(REPLY, f"{REPLY}:{post.pk}", due, now)


def _plan_item(object_id: int, actor_id: int | None, now: datetime, *, featured: bool) -> int:
    from knowledge.models import KnowledgeItem

    items = KnowledgeItem.objects.filter(pk=object_id, status=KnowledgeItem.Status.PUBLISHED)
    if featured:
        items = items.filter(is_featured=True)
    item = items.first()
    if item is None:
        return 0
    members = _members_to_email(item.community_id, exclude=[actor_id])
    period = f"featured:{item.pk}" if featured else f"item:{item.pk}"
    due = _due(
        members,
        period=period,
        community_id=item.community_id,
        now=now,
        wants=lambda m: NewsKind.KNOWLEDGE in _kinds_of(m.user),
    )
    run_period = f"{ITEM}:featured:{item.pk}" if featured else f"{ITEM}:{item.pk}"
    return _plan(ITEM, run_period, due, now)


def _plan_announcement(object_id: int, actor_id: int | None, now: datetime) -> int:
    from communities.models import Thread

    thread = Thread.objects.filter(
        pk=object_id, kind=Thread.Kind.ANNOUNCEMENT, deleted_at=None, is_hidden=False
    ).first()
    if thread is None:
        return 0
    members = _members_to_email(
        thread.community_id, exclude=[thread.author_id, actor_id], announcements=True
    )
    due = _due(
        members,
        period=f"thread:{thread.pk}",
        community_id=thread.community_id,
        now=now,
        wants=lambda m: True,
    )
    return _plan(ANNOUNCEMENT, f"{ANNOUNCEMENT}:{thread.pk}", due, now)


PLANNERS: dict[str, Callable[[int, int | None, datetime], int]] = {
    Event.THREAD: _plan_thread,
    Event.REPLY: _plan_reply,
    Event.ITEM_PUBLISHED: lambda pk, actor, now: _plan_item(pk, actor, now, featured=False),
    Event.ITEM_FEATURED: lambda pk, actor, now: _plan_item(pk, actor, now, featured=True),
    Event.ANNOUNCEMENT: _plan_announcement,
}


def plan_instant(
    *, event: str, object_id: int, actor_id: int | None = None, now: datetime | None = None
) -> int:
    """Record who is due an email about this event; returns how many. Idempotent: a
    second run finds the same run and records (unique per member, kind and period),
    so nobody is emailed twice. Something removed before the task ran plans nothing."""
    planner = PLANNERS.get(event)
    if planner is None:
        raise ValueError(f"unknown instant email event: {event}")
    return planner(object_id, actor_id, now or timezone.now())


# --- building (at send time) ----------------------------------------------------------


def _object_id(period: str) -> int:
    return int(period.rsplit(":", 1)[1])


def _memberships_now(user_ids: set[int], community_ids: set[int]) -> dict:
    """(user id, community id) → membership with its effective `frequency`, for those
    who may still read the community: one query."""
    if not user_ids or not community_ids:
        return {}
    rows = memberships_with_frequency(permissions.memberships_readable_by_each(user_ids)).filter(
        community_id__in=community_ids
    )
    return {(m.user_id, m.community_id): m for m in rows}


def _closed_group_readers(user_ids: set[int], threads: Iterable) -> set[tuple[int, int]]:
    groups = {thread.group_id: thread.group for thread in threads if thread.group_id is not None}
    return permissions.closed_group_readers_each(user_ids, groups.values())


def _may_read(record, thread, members: dict, closed_readers: set) -> Membership | None:
    member = members.get((record.user_id, thread.community_id))
    if member is None:
        return None
    in_closed_group = thread.group_id is not None and thread.group.is_closed
    if in_closed_group and (record.user_id, thread.group_id) not in closed_readers:
        return None
    return member


def _author_name(person) -> str:
    return person.name if person is not None else gettext("Former member")


@delivery.register(THREAD)
def build_thread_emails(records) -> dict[int, Email | None]:
    """New threads: four queries at most (threads, memberships, and for threads in
    closed working groups their members and the moderators)."""
    from communities.discussions.services import thread_url
    from communities.models import Thread

    threads = Thread.objects.select_related("community", "group", "author").filter(
        pk__in={_object_id(r.period) for r in records}, deleted_at=None, is_hidden=False
    )
    threads = {thread.pk: thread for thread in threads}
    user_ids = {r.user_id for r in records}
    members = _memberships_now(user_ids, {t.community_id for t in threads.values()})
    closed_readers = _closed_group_readers(user_ids, threads.values())
    emails: dict[int, Email | None] = {}
    for record in records:
        thread = threads.get(_object_id(record.period))
        member = thread and _may_read(record, thread, members, closed_readers)
        if (
            not member
            or member.frequency != Frequency.INSTANT
            or NewsKind.DISCUSSIONS not in _kinds_of(record.user)
        ):
            emails[record.pk] = None
            continue
        emails[record.pk] = Email(
            TEMPLATES + "thread",
            {
                "thread": thread,
                "community": thread.community,
                "author_name": _author_name(thread.author),
                "is_question": thread.kind == Thread.Kind.QUESTION,
                "thread_url": absolute_url(thread_url(thread)),
            },
            unsubscribe_scope=f"community:{thread.community_id}",
        )
    return emails


@delivery.register(REPLY)
def build_reply_emails(records) -> dict[int, Email | None]:
    """New replies: four queries at most (replies with their place in the thread,
    memberships, and for closed working groups their members and the moderators)."""
    from communities.discussions.services import REPLIES_PER_PAGE, thread_url
    from communities.models import Post

    earlier = (
        Post.objects.filter(
            thread_id=OuterRef("thread_id"),
            deleted_at=None,
            is_hidden=False,
            created_at__lt=OuterRef("created_at"),
        )
        .order_by()
        .values("thread_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    posts = (
        Post.objects.select_related("thread", "thread__community", "thread__group", "author")
        .filter(
            pk__in={_object_id(r.period) for r in records},
            deleted_at=None,
            is_hidden=False,
            thread__deleted_at=None,
            thread__is_hidden=False,
        )
        .annotate(earlier=Coalesce(Subquery(earlier), 0))
    )
    posts = {post.pk: post for post in posts}
    user_ids = {r.user_id for r in records}
    threads = [post.thread for post in posts.values()]
    members = _memberships_now(user_ids, {t.community_id for t in threads})
    closed_readers = _closed_group_readers(user_ids, threads)
    emails: dict[int, Email | None] = {}
    for record in records:
        post = posts.get(_object_id(record.period))
        thread = post.thread if post else None
        member = thread and _may_read(record, thread, members, closed_readers)
        if (
            not member
            or member.frequency != Frequency.INSTANT
            or not _wants_reply(record.user, thread)
        ):
            emails[record.pk] = None
            continue
        page = post.earlier // REPLIES_PER_PAGE + 1
        query = f"?page={page}" if page > 1 else ""
        emails[record.pk] = Email(
            TEMPLATES + "reply",
            {
                "post": post,
                "thread": thread,
                "community": thread.community,
                "author_name": _author_name(post.author),
                "to_thread_author": thread.author_id == record.user_id,
                "post_url": absolute_url(f"{thread_url(thread)}{query}#reply-{post.pk}"),
            },
            unsubscribe_scope=f"community:{thread.community_id}",
        )
    return emails


@delivery.register(ITEM)
def build_item_emails(records) -> dict[int, Email | None]:
    """Published and featured knowledge: two queries (items, memberships). A
    published item is read by whoever may read its home community."""
    from knowledge.models import KnowledgeItem

    items = KnowledgeItem.objects.select_related("community").filter(
        pk__in={_object_id(r.period) for r in records}, status=KnowledgeItem.Status.PUBLISHED
    )
    items = {item.pk: item for item in items}
    members = _memberships_now(
        {r.user_id for r in records}, {i.community_id for i in items.values()}
    )
    emails: dict[int, Email | None] = {}
    for record in records:
        item = items.get(_object_id(record.period))
        featured = record.period.startswith("featured:")
        member = item and members.get((record.user_id, item.community_id))
        if (
            not member
            or (featured and not item.is_featured)
            or member.frequency != Frequency.INSTANT
            or NewsKind.KNOWLEDGE not in _kinds_of(record.user)
        ):
            emails[record.pk] = None
            continue
        emails[record.pk] = Email(
            TEMPLATES + "item",
            {
                "item": item,
                "community": item.community,
                "featured": featured,
                "item_url": absolute_url(item.get_absolute_url()),
            },
            unsubscribe_scope=f"community:{item.community_id}",
        )
    return emails


@delivery.register(ANNOUNCEMENT)
def build_announcement_emails(records) -> dict[int, Email | None]:
    """Announcements: two queries (threads, memberships), whatever the member's digest
    choice; only those who may still read the community and still want them."""
    from communities.discussions.services import thread_url
    from communities.models import Thread

    threads = Thread.objects.select_related("community", "author").filter(
        pk__in={_object_id(r.period) for r in records},
        kind=Thread.Kind.ANNOUNCEMENT,
        deleted_at=None,
        is_hidden=False,
    )
    threads = {thread.pk: thread for thread in threads}
    members = _memberships_now(
        {r.user_id for r in records}, {t.community_id for t in threads.values()}
    )
    emails: dict[int, Email | None] = {}
    for record in records:
        thread = threads.get(_object_id(record.period))
        member = thread and members.get((record.user_id, thread.community_id))
        if not member or not member.announcement_email:
            emails[record.pk] = None
            continue
        emails[record.pk] = Email(
            TEMPLATES + "announcement",
            {
                "thread": thread,
                "community": thread.community,
                "author_name": _author_name(thread.author),
                "thread_url": absolute_url(thread_url(thread)),
            },
            unsubscribe_scope=f"announcements:{thread.community_id}",
        )
    return emails
