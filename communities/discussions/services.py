"""Writes for discussions: threads, replies, edits with history, answers,
moderation, reports, mentions and announcements.

Every function checks the permission authority itself (views check first, to answer
403/404, but a service never trusts its caller), keeps the counters in step
(Thread.reply_count, Thread.last_activity_at, Community.last_activity_at) and the
activity feed honest: hidden, deleted or moved content is withdrawn from it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.activity.models import Activity
from communities.activity.services import activity_record, activity_withdraw
from communities.models import Community
from facilitation.alignment.services import brokerage_record_links
from membership import permissions
from membership.models import User
from membership.notifications.instant import Event as EmailEvent
from membership.notifications.instant import instant_email_on_commit
from membership.notifications.models import Notification
from membership.notifications.services import notify

from .mentions import mentioned_ids, mentions_resolve
from .models import (
    Mention,
    ModerationEntry,
    Post,
    Report,
    Revision,
    Thread,
    ThreadReadState,
    WorkingGroup,
)

Kind = Thread.Kind
Verb = Activity.Verb
ModAction = ModerationEntry.Action

REPLIES_PER_PAGE = 30

VERB_FOR_KIND = {
    Kind.DISCUSSION: Verb.THREAD_STARTED,
    Kind.QUESTION: Verb.QUESTION_ASKED,
    Kind.ANNOUNCEMENT: Verb.ANNOUNCED,
}


# --- addresses ---------------------------------------------------------------------


def thread_url(thread: Thread) -> str:
    return reverse("discussions:thread", args=[thread.community.slug, thread.pk])


def post_url(post: Post) -> str:
    """The page of the thread that shows this reply, anchored on it."""
    earlier = Post.objects.filter(
        thread_id=post.thread_id, deleted_at=None, is_hidden=False, created_at__lt=post.created_at
    ).count()
    page = earlier // REPLIES_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{thread_url(post.thread)}{query}#reply-{post.pk}"


# --- helpers -------------------------------------------------------------------------


def _touch(community: Community, when) -> None:
    Community.objects.filter(pk=community.pk).update(last_activity_at=when)


def _recount(thread: Thread) -> None:
    """reply_count counts the replies everyone sees (not removed, not hidden)."""
    count = thread.posts.filter(deleted_at=None, is_hidden=False).count()
    Thread.objects.filter(pk=thread.pk).update(reply_count=count)
    thread.reply_count = count


def _moderation_log(*, community, actor, action, thread=None, post=None, detail="") -> None:
    ModerationEntry.objects.create(
        community=community, actor=actor, action=action, thread=thread, post=post, detail=detail
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ValidationError(message)


def _clean_text(value: str, *, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Write %(what)s.") % {"what": what})
    return value


def _mention_candidates(thread_or_community, group=None) -> list[tuple[int, str]]:
    community = getattr(thread_or_community, "community", thread_or_community)
    return list(
        permissions.users_mentionable_in(community, group=group).values_list("pk", "display_name")
    )


def _resolve_mentions(body: str, community: Community, group) -> str:
    if "@" not in body:
        return body
    return mentions_resolve(body, _mention_candidates(community, group))


def _notify_mentions(*, thread: Thread, post: Post | None, actor, body: str) -> list[User]:
    """Notify people newly mentioned in this post who may read the thread: once each."""
    ids = mentioned_ids(body) - {actor.pk}
    if not ids:
        return []
    already = set(
        Mention.objects.filter(thread=thread, post=post, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    reachable = permissions.users_mentionable_in(thread.community, group=thread.group).filter(
        pk__in=ids - already
    )
    recipients = [person for person in reachable if permissions.may_read_thread(person, thread)]
    if not recipients:
        return []
    Mention.objects.bulk_create(
        [Mention(thread=thread, post=post, user=person) for person in recipients],
        ignore_conflicts=True,
    )
    notify(
        recipients,
        kind=Notification.Kind.MENTION,
        actor=actor,
        title=thread.title,
        url=post_url(post) if post is not None else thread_url(thread),
        community=thread.community,
    )
    return recipients


# --- threads and replies ------------------------------------------------------------


@transaction.atomic
def thread_create(
    *,
    community: Community,
    author: User,
    kind: str,
    title: str,
    body: str,
    group: WorkingGroup | None = None,
) -> Thread:
    """Start a thread. Members who chose an email for each new item are emailed once
    it commits; an announcement is notified to every member and emailed to those who
    have not turned a community's announcements off."""
    if kind not in Kind.values:
        raise ValidationError(_("Choose what kind of post this is."))
    if group is not None and group.community_id != community.pk:
        raise ValidationError(_("That working group is not part of this community."))
    _require(
        permissions.may_start_thread(author, community, kind=kind, group=group),
        _("You cannot start this kind of thread here."),
    )
    title = _clean_text(title, what=_("a title"))
    body = _resolve_mentions(_clean_text(body, what=_("a message")), community, group)
    now = timezone.now()
    thread = Thread.objects.create(
        community=community,
        group=group,
        kind=kind,
        title=title,
        body=body,
        author=author,
        last_activity_at=now,
    )
    _touch(community, now)
    activity_record(
        community=community,
        actor=author,
        verb=VERB_FOR_KIND[kind],
        target=thread,
        title=thread.title,
        url=thread_url(thread),
        group=group,
    )
    ThreadReadState.objects.create(user=author, thread=thread, last_read_at=now)
    _notify_mentions(thread=thread, post=None, actor=author, body=body)
    # Links to other communities' threads and items count as knowledge brokerage.
    brokerage_record_links(actor=author, community=community, text=body, thread=thread)
    if kind == Kind.ANNOUNCEMENT:
        notify(
            permissions.users_who_may(permissions.Perm.READ, community),
            kind=Notification.Kind.ANNOUNCEMENT,
            actor=author,
            title=thread.title,
            url=thread_url(thread),
            community=community,
        )
        instant_email_on_commit(event=EmailEvent.ANNOUNCEMENT, object_id=thread.pk)
    else:
        instant_email_on_commit(event=EmailEvent.THREAD, object_id=thread.pk)
    return thread


@transaction.atomic
def reply_create(*, thread: Thread, author: User, body: str) -> Post:
    if thread.is_locked and not permissions.may_moderate(author, thread.community):
        raise ValidationError(_("This thread is locked: it takes no new replies."))
    _require(permissions.may_reply(author, thread), _("You cannot reply to this thread."))
    body = _resolve_mentions(_clean_text(body, what=_("a reply")), thread.community, thread.group)
    post = Post.objects.create(thread=thread, author=author, body=body)
    now = post.created_at
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=F("reply_count") + 1, last_activity_at=now
    )
    thread.refresh_from_db(fields=["reply_count", "last_activity_at"])
    _touch(thread.community, now)
    url = post_url(post)
    activity_record(
        community=thread.community,
        actor=author,
        verb=Verb.REPLIED,
        target=post,
        title=thread.title,
        url=url,
        group=thread.group,
    )
    ThreadReadState.objects.update_or_create(
        user=author, thread=thread, defaults={"last_read_at": now}
    )
    thread_author = thread.author
    if (
        thread_author is not None
        and thread_author.pk != author.pk
        and permissions.may_read_thread(thread_author, thread)
    ):
        notify(
            [thread_author],
            kind=Notification.Kind.REPLY,
            actor=author,
            title=thread.title,
            url=url,
            community=thread.community,
        )
    _notify_mentions(thread=thread, post=post, actor=author, body=body)
    brokerage_record_links(actor=author, community=thread.community, text=body, thread=thread)
    instant_email_on_commit(event=EmailEvent.REPLY, object_id=post.pk)
    return post


@transaction.atomic
def thread_edit(*, thread: Thread, editor: User, title: str, body: str) -> Thread:
    """The author edits; the version before is kept in the thread's history."""
    _require(permissions.may_edit_post(editor, thread), _("Only the author can edit this."))
    title = _clean_text(title, what=_("a title"))
    body = _resolve_mentions(_clean_text(body, what=_("a message")), thread.community, thread.group)
    if title == thread.title and body == thread.body:
        return thread
    Revision.objects.create(
        thread=thread,
        title=thread.title,
        body=thread.body,
        written_by_id=thread.author_id,
        written_at=thread.edited_at or thread.created_at,
    )
    thread.title, thread.body, thread.edited_at = title, body, timezone.now()
    thread.save(update_fields=["title", "body", "edited_at", "updated_at"])
    _notify_mentions(thread=thread, post=None, actor=editor, body=body)
    return thread


@transaction.atomic
def reply_edit(*, post: Post, editor: User, body: str) -> Post:
    _require(permissions.may_edit_post(editor, post), _("Only the author can edit this."))
    thread = post.thread
    body = _resolve_mentions(_clean_text(body, what=_("a reply")), thread.community, thread.group)
    if body == post.body:
        return post
    Revision.objects.create(
        thread=thread,
        post=post,
        body=post.body,
        written_by_id=post.author_id,
        written_at=post.edited_at or post.created_at,
    )
    post.body, post.edited_at = body, timezone.now()
    post.save(update_fields=["body", "edited_at", "updated_at"])
    _notify_mentions(thread=thread, post=post, actor=editor, body=body)
    return post


@transaction.atomic
def thread_delete(*, thread: Thread, actor: User) -> Thread:
    """The author removes their thread: it leaves lists and feeds and shows "removed"."""
    _require(permissions.may_edit_post(actor, thread), _("Only the author can delete this."))
    thread.deleted_at = timezone.now()
    thread.save(update_fields=["deleted_at", "updated_at"])
    _activity_withdraw_thread(thread)
    return thread


@transaction.atomic
def reply_delete(*, post: Post, actor: User) -> Post:
    _require(permissions.may_edit_post(actor, post), _("Only the author can delete this."))
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at", "updated_at"])
    thread = post.thread
    if thread.accepted_post_id == post.pk:
        thread.accepted_post = None
        thread.save(update_fields=["accepted_post", "updated_at"])
    _recount(thread)
    activity_withdraw(target=post)
    return post


def thread_mark_read(*, user: User, thread: Thread) -> None:
    """Remember that the member has seen the thread as it is now. Every thread page
    view writes it, so a return visit costs one UPDATE (update_or_create would read,
    update and wrap both in a transaction); the first visit inserts, as an upsert so
    two first visits at once cannot collide."""
    if not user.is_authenticated:
        return
    now = timezone.now()
    if ThreadReadState.objects.filter(user=user, thread=thread).update(last_read_at=now):
        return
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(user=user, thread=thread, last_read_at=now)],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["last_read_at"],
    )


# --- the feed, kept honest -------------------------------------------------------------


def _activity_withdraw_thread(thread: Thread) -> None:
    activity_withdraw(target=thread)
    for post in thread.posts.only("pk"):
        activity_withdraw(target=post)


def _record_at(when, **kwargs) -> None:
    row = activity_record(**kwargs)
    Activity.objects.filter(pk=row.pk).update(created_at=when)


def _activity_restore_post(post: Post, thread: Thread) -> None:
    if post.is_hidden or post.is_removed or thread.is_hidden or thread.is_removed:
        return
    common = {"community": thread.community, "group": thread.group, "title": thread.title}
    _record_at(
        post.created_at,
        actor=post.author,
        verb=Verb.REPLIED,
        target=post,
        url=post_url(post),
        **common,
    )
    if thread.accepted_post_id == post.pk:
        _record_at(
            timezone.now(),
            actor=thread.author,
            verb=Verb.ANSWER_ACCEPTED,
            target=post,
            url=post_url(post),
            **common,
        )


def _activity_restore_thread(thread: Thread) -> None:
    """Put a thread back in the feed (unhidden or moved), at the times things happened."""
    if thread.is_hidden or thread.is_removed:
        return
    _record_at(
        thread.created_at,
        community=thread.community,
        group=thread.group,
        actor=thread.author,
        verb=VERB_FOR_KIND[thread.kind],
        target=thread,
        title=thread.title,
        url=thread_url(thread),
    )
    for post in thread.posts.filter(deleted_at=None, is_hidden=False).select_related("author"):
        _activity_restore_post(post, thread)


# --- questions ----------------------------------------------------------------------------


def _withdraw_accepted_rows(thread: Thread) -> None:
    Activity.objects.filter(
        verb=Verb.ANSWER_ACCEPTED,
        target_type__model="post",
        target_id__in=thread.posts.values("pk"),
    ).delete()


@transaction.atomic
def answer_accept(*, thread: Thread, post: Post, actor: User) -> Thread:
    _require(
        permissions.may_accept_answer(actor, thread),
        _("Only the person who asked, or a moderator, can accept an answer."),
    )
    if post.thread_id != thread.pk or post.is_removed or post.is_hidden:
        raise ValidationError(_("That reply cannot be the accepted answer."))
    if thread.accepted_post_id == post.pk:
        return thread
    _withdraw_accepted_rows(thread)
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post", "updated_at"])
    url = post_url(post)
    activity_record(
        community=thread.community,
        actor=actor,
        verb=Verb.ANSWER_ACCEPTED,
        target=post,
        title=thread.title,
        url=url,
        group=thread.group,
    )
    if post.author is not None and permissions.may_read_thread(post.author, thread):
        notify(
            [post.author],
            kind=Notification.Kind.ACCEPTED_ANSWER,
            actor=actor,
            title=thread.title,
            url=url,
            community=thread.community,
        )
    return thread


@transaction.atomic
def answer_unaccept(*, thread: Thread, actor: User) -> Thread:
    _require(
        permissions.may_accept_answer(actor, thread),
        _("Only the person who asked, or a moderator, can change the accepted answer."),
    )
    if thread.accepted_post_id is None:
        raise ValidationError(_("No answer is accepted yet."))
    _withdraw_accepted_rows(thread)
    thread.accepted_post = None
    thread.save(update_fields=["accepted_post", "updated_at"])
    return thread


# --- moderation ------------------------------------------------------------------------------


def _require_moderator(actor: User, community: Community) -> None:
    _require(
        permissions.may_moderate(actor, community),
        _("Only the community's moderators can do this."),
    )


@transaction.atomic
def thread_set_pinned(*, thread: Thread, actor: User, pinned: bool) -> Thread:
    _require_moderator(actor, thread.community)
    if thread.is_pinned != pinned:
        thread.is_pinned = pinned
        thread.save(update_fields=["is_pinned", "updated_at"])
        _moderation_log(
            community=thread.community,
            actor=actor,
            action=ModAction.PINNED if pinned else ModAction.UNPINNED,
            thread=thread,
        )
    return thread


@transaction.atomic
def thread_set_locked(*, thread: Thread, actor: User, locked: bool) -> Thread:
    _require_moderator(actor, thread.community)
    if thread.is_locked != locked:
        thread.is_locked = locked
        thread.save(update_fields=["is_locked", "updated_at"])
        _moderation_log(
            community=thread.community,
            actor=actor,
            action=ModAction.LOCKED if locked else ModAction.UNLOCKED,
            thread=thread,
        )
    return thread


@transaction.atomic
def thread_set_hidden(*, thread: Thread, actor: User, hidden: bool, detail: str = "") -> Thread:
    """Hidden threads leave lists, feeds and search; unhiding brings them back."""
    _require_moderator(actor, thread.community)
    if thread.is_hidden == hidden:
        return thread
    thread.is_hidden = hidden
    thread.save(update_fields=["is_hidden", "updated_at"])
    if hidden:
        _activity_withdraw_thread(thread)
    else:
        _activity_restore_thread(thread)
    _moderation_log(
        community=thread.community,
        actor=actor,
        action=ModAction.HIDDEN if hidden else ModAction.UNHIDDEN,
        thread=thread,
        detail=detail,
    )
    return thread


@transaction.atomic
def reply_set_hidden(*, post: Post, actor: User, hidden: bool, detail: str = "") -> Post:
    thread = post.thread
    _require_moderator(actor, thread.community)
    if post.is_hidden == hidden:
        return post
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden", "updated_at"])
    _recount(thread)
    if hidden:
        activity_withdraw(target=post)
    else:
        _activity_restore_post(post, thread)
    _moderation_log(
        community=thread.community,
        actor=actor,
        action=ModAction.HIDDEN if hidden else ModAction.UNHIDDEN,
        thread=thread,
        post=post,
        detail=detail,
    )
    return post


@transaction.atomic
def thread_move(
    *, thread: Thread, actor: User, community: Community, group: WorkingGroup | None = None
) -> Thread:
    """Move a thread to another community the moderator moderates, or into or out of
    one of its working groups. Its feed rows follow it."""
    source = thread.community
    _require_moderator(actor, source)
    _require_moderator(actor, community)
    if group is not None and group.community_id != community.pk:
        raise ValidationError(_("That working group is not part of the chosen community."))
    if thread.kind == Kind.ANNOUNCEMENT and group is not None:
        raise ValidationError(_("Announcements are for the whole community, not a group."))
    if thread.community_id == community.pk and thread.group_id == (group.pk if group else None):
        raise ValidationError(_("The thread is already there."))
    _activity_withdraw_thread(thread)
    thread.community, thread.group = community, group
    thread.is_pinned = thread.is_pinned and source.pk == community.pk
    thread.save(update_fields=["community", "group", "is_pinned", "updated_at"])
    Report.objects.filter(thread=thread).update(community=community)
    _activity_restore_thread(thread)
    where = community.name + (f" / {group.name}" if group else "")
    _moderation_log(
        community=source, actor=actor, action=ModAction.MOVED, thread=thread, detail=where
    )
    if source.pk != community.pk:
        _moderation_log(
            community=community,
            actor=actor,
            action=ModAction.MOVED,
            thread=thread,
            detail=_("from %(name)s") % {"name": source.name},
        )
    return thread


# --- reports -----------------------------------------------------------------------------------


def report_create(*, reporter: User, thread: Thread, reason: str, post: Post | None = None):
    """A reader reports a thread or a reply: one open report per person per item."""
    _require(permissions.may_report(reporter, thread), _("You cannot report this."))
    if post is not None and post.thread_id != thread.pk:
        raise ValidationError(_("That reply is not in this thread."))
    reason = _clean_text(reason, what=_("what is wrong"))
    already = Report.objects.filter(
        reporter=reporter, thread=thread, post=post, status=Report.Status.OPEN
    )
    if already.exists():
        raise ValidationError(
            _("You have already reported this. The moderators will look at it soon.")
        )
    try:
        with transaction.atomic():
            return Report.objects.create(
                community=thread.community,
                thread=thread,
                post=post,
                reporter=reporter,
                reason=reason,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You have already reported this. The moderators will look at it soon.")
        ) from error


@transaction.atomic
def report_decide(
    *, report: Report, actor: User, resolve: bool, hide_content: bool = False, note: str = ""
) -> Report:
    """Resolve (optionally hiding the content) or dismiss an open report."""
    _require_moderator(actor, report.community)
    if report.status != Report.Status.OPEN:
        raise ValidationError(_("This report has already been dealt with."))
    hidden = bool(resolve and hide_content)
    if hidden:
        detail = _("after a report")
        if report.post_id is not None:
            reply_set_hidden(post=report.post, actor=actor, hidden=True, detail=detail)
        else:
            thread_set_hidden(thread=report.thread, actor=actor, hidden=True, detail=detail)
    report.status = Report.Status.RESOLVED if resolve else Report.Status.DISMISSED
    report.decided_by, report.decided_at = actor, timezone.now()
    report.decision_note, report.content_hidden = note.strip()[:300], hidden
    report.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "content_hidden"]
    )
    _moderation_log(
        community=report.community,
        actor=actor,
        action=ModAction.REPORT_RESOLVED if resolve else ModAction.REPORT_DISMISSED,
        thread=report.thread,
        post=report.post,
        detail=report.decision_note,
    )
    return report
