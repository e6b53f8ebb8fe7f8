"""In-app notifications: one row per recipient, read or not.

The sentence shown is chosen by `kind` in the template (so it is translated for the
reader); the row keeps the actor, the object's title and where to go.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply to my thread")
        ACCEPTED_ANSWER = "accepted_answer", _("Answer accepted")
        JOIN_DECISION = "join_decision", _("Join decision")
        EVENT_CHANGED = "event_changed", _("Event changed")
        EVENT_REMINDER = "event_reminder", _("Event reminder")
        ANNOUNCEMENT = "announcement", _("Announcement")
        ACTION_ASSIGNED = "action_assigned", _("Action assigned")
        ITEM_SHARED = "item_shared", _("Knowledge shared")
        REVIEW_DUE = "review_due", _("Review due")
        VALUE_STORY_WAITING = "value_story_waiting", _("Value story to confirm")
        VALUE_STORY_CONFIRMED = "value_story_confirmed", _("Value story confirmed")
        VALUE_STORY_DECLINED = "value_story_declined", _("Value story not confirmed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at=None),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id}: {self.title}"


# --- email: what each member wants, and what was sent ---------------------------


class Frequency(models.TextChoices):
    INSTANT = "instant", _("An email for each new item")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    NONE = "none", _("No email")


class NewsKind(models.TextChoices):
    """What a member may choose to hear about by email (digests and instant mail)."""

    DISCUSSIONS = "discussions", _("New threads and replies in my communities")
    REPLIES_TO_ME = "replies_to_me", _("Replies to my threads and answers to my questions")
    ANNOUNCEMENTS = "announcements", _("Announcements")
    KNOWLEDGE = "knowledge", _("New and featured knowledge")
    EVENTS = "events", _("Upcoming events")
    ACTIONS = "actions", _("Things waiting for me (join requests, reports to review)")
    REMINDERS = "reminders", _("Reminders and nudges")


def all_news_kinds() -> list[str]:
    return [kind.value for kind in NewsKind]


class NotificationSettings(models.Model):
    """A member's overall email choices. No row means the defaults: a weekly digest
    of everything, no quiet hours (selectors read a missing row that way)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    frequency = models.CharField(
        _("how often to email me"), max_length=10, choices=Frequency, default=Frequency.WEEKLY
    )
    news_kinds = models.JSONField(_("what to include"), default=all_news_kinds)
    # Quiet hours are wall-clock times in the member's own time zone (User.time_zone);
    # a window may cross midnight (22:00 to 07:00).
    quiet_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    # Set when the mail server refuses the address for good: no more mail goes to it
    # until the member changes or confirms their address.
    email_failing_since = models.DateTimeField(null=True, blank=True)
    email_failure = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return f"Email settings of {self.user_id}"


class DeliveryRun(models.Model):
    """One scheduled fan-out (a beat tick for one kind of email). A second beat or
    a double trigger finds the same run (unique kind and period) and adds nothing."""

    kind = models.CharField(max_length=40)
    period = models.CharField(max_length=60)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    planned = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("delivery run")
        verbose_name_plural = _("delivery runs")
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="delivery_run_once")]
        indexes = [models.Index(fields=["-started_at"])]

    def __str__(self):
        return f"{self.kind} {self.period}"


class DeliveryRecord(models.Model):
    """One email to one member, recorded before it is sent.

    pending → claimed (committed before the SMTP call) → sent, or skipped (nothing to
    say, no longer allowed to see it, opted out) or failed (the address is refused).
    The unique (user, kind, period) row is what makes every email go at most once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(
        DeliveryRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(max_length=40)
    # What makes this email unique for its member: a digest's local date or week,
    # "occurrence:12:day", "thread:5"...
    period = models.CharField(max_length=60)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The window a digest covers, fixed when planned so a resumed batch says the same.
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    not_before = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery record")
        verbose_name_plural = _("delivery records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period"], name="delivery_once_per_member"
            )
        ]
        indexes = [
            models.Index(
                fields=["not_before"],
                condition=models.Q(status="pending"),
                name="delivery_pending_idx",
            ),
            models.Index(fields=["run", "status"]),
            models.Index(fields=["user", "kind", "-sent_at"]),
        ]

    def __str__(self):
        return f"{self.kind} {self.period} to {self.user_id}: {self.status}"
