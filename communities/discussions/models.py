"""Discussions: threads and replies in a community, and working groups inside it.

The foundation fields live here; the discussions module builds its pages, services
and moderation on them. Counters (reply_count, last_activity_at) are kept in step by
the services so list pages never count rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copplatform.db import TimeStampedModel, WithoutSearchVector, search_vector_field


class WorkingGroup(TimeStampedModel):
    """A small group inside a community for focused work and co-production."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="working_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=80)
    purpose = models.TextField(_("purpose"), blank=True)
    # A closed group lists itself to the community but takes no requests to join,
    # and only its members (and the community's moderators) read its threads.
    is_closed = models.BooleanField(_("closed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="WorkingGroupMember", related_name="working_groups"
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="working_group_slug_unique")
        ]

    def __str__(self):
        return self.name


class WorkingGroupMember(TimeStampedModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_group_memberships"
    )
    is_lead = models.BooleanField(_("lead"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="working_group_member_unique")
        ]


class Thread(TimeStampedModel):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")
        ANNOUNCEMENT = "announcement", _("Announcement")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="threads"
    )
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="threads"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DISCUSSION)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("message"), help_text=_("Markdown: **bold**, lists, [links](https://…).")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="threads"
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    # Hidden by a moderator: out of lists, feeds and search; moderators still see it.
    is_hidden = models.BooleanField(_("hidden"), default=False)
    # Deleted by its author: the thread shows "removed" in place of its content.
    deleted_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    accepted_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # For knowledge/search.py; GIN-indexed on PostgreSQL (knowledge migration 0006).
    search_vector = search_vector_field("title", ("body",))

    objects = WithoutSearchVector()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            # The thread list's order with its tie-breaker: a keyset page starts where
            # the last one ended, as a range of this index (bench/README.md).
            models.Index(fields=["community", "-is_pinned", "-last_activity_at", "-id"]),
            models.Index(fields=["-created_at", "-id"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None


class Post(TimeStampedModel):
    """A reply in a thread (the thread's opening message is Thread.body)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    body = models.TextField(
        _("reply"), help_text=_("Markdown: **bold**, lists, [links](https://…).")
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # A reply that matches finds its thread (knowledge/search.py).
    search_vector = search_vector_field(None, ("body",))

    objects = WithoutSearchVector()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [models.Index(fields=["thread", "created_at", "id"])]

    def __str__(self):
        return f"Reply {self.pk} in {self.thread_id}"

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None


# --- added by the discussions feature ------------------------------------------------


class Revision(models.Model):
    """An earlier version of a thread's opening message or of a reply, kept on edit.

    The current text lives on the Thread or Post; each edit first saves what was
    there before, so the history page lists every version with who wrote it.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="revisions")
    # Empty for the thread's opening message.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # Who wrote this version and when it was current from.
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        indexes = [models.Index(fields=["thread", "post", "-written_at"])]

    def __str__(self):
        return f"Version of {self.written_at:%Y-%m-%d %H:%M} in thread {self.thread_id}"


class ThreadReadState(models.Model):
    """When a member last read a thread: newer activity marks it unread for them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_read_states"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="thread_read_state_unique")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} at {self.last_read_at}"


class Mention(models.Model):
    """Someone was notified of being mentioned in a post: once per person per post."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="mentions")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "user"],
                condition=models.Q(post=None),
                name="mention_once_per_thread",
            ),
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=models.Q(post__isnull=False),
                name="mention_once_per_post",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} mentioned in {self.thread_id}/{self.post_id}"


class Report(models.Model):
    """A reader's report of a thread or reply, for the community's moderators."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="reports"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reports")
    # Empty when the thread itself (its opening message) is reported.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("what is wrong"), max_length=1000)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    content_hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["community", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "thread"],
                condition=models.Q(status="open", post=None),
                name="report_open_once_per_thread",
            ),
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=models.Q(status="open", post__isnull=False),
                name="report_open_once_per_post",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "resolved", "dismissed"]),
                name="report_status_valid",
            ),
        ]

    def __str__(self):
        return f"Report {self.pk} ({self.status}) on {self.thread_id}/{self.post_id}"


class ModerationEntry(models.Model):
    """Who pinned, locked, hid, moved or decided what, and when (for moderators)."""

    class Action(models.TextChoices):
        PINNED = "pinned", _("pinned")
        UNPINNED = "unpinned", _("unpinned")
        LOCKED = "locked", _("locked")
        UNLOCKED = "unlocked", _("unlocked")
        HIDDEN = "hidden", _("hid")
        UNHIDDEN = "unhidden", _("unhid")
        MOVED = "moved", _("moved")
        REPORT_RESOLVED = "report_resolved", _("resolved a report on")
        REPORT_DISMISSED = "report_dismissed", _("dismissed a report on")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="moderation_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action)
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self):
        return f"{self.action} by {self.actor_id}"
