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
