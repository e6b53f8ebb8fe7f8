"""Private messages between members who share a community.

A conversation has two to a few participants. Each participant row keeps that
person's view of it: when they last read it, whether they muted it, whether they
left. Messages are private to the participants: no admin page lists them, and the
only text anyone else ever sees is a message a participant chose to report.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copplatform.db import TimeStampedModel


class Conversation(TimeStampedModel):
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    # Copied from the newest message so the inbox sorts and marks unread without a join.
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return f"Conversation {self.pk}"


class ConversationParticipant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)
    is_muted = models.BooleanField(default=False)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation participant")
        verbose_name_plural = _("conversation participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversation_participant_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(left_at=None), name="conversation_seat_present_idx"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} in conversation {self.conversation_id}"


def unread_filter(prefix: str = "") -> Q:
    """Participant rows whose conversation has a message newer than their last read."""
    return Q(**{f"{prefix}last_read_at": None}) | Q(
        **{f"{prefix}conversation__last_message_at__gt": F(f"{prefix}last_read_at")}
    )


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["conversation", "created_at", "id"])]

    def __str__(self):
        return f"Message {self.pk} in conversation {self.conversation_id}"


class Block(models.Model):
    """`blocker` receives no new conversations or replies from `blocked` (nor sends any)."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocked {self.blocked_id}"


class MessageReport(models.Model):
    """A participant shares one message with the platform's reviewers.

    The text is copied when reported: reviewers see that message and nothing else of
    the conversation, even if the message is later removed.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        RESOLVED = "resolved", _("Reviewed")

    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message_text = models.TextField()
    message_sent_at = models.DateTimeField()
    reason = models.TextField(_("why are you reporting this message?"), max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="message_report_once_per_reporter"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"Report {self.pk} ({self.status})"
