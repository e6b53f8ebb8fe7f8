"""The activity log behind the community feed and the personal home feed.

Services write one row when something worth seeing happens (a thread started, a
reply, an accepted answer, an announcement, an event scheduled, an item published or
shared). Rows carry the community and, for working-group content, the group, so the
feeds filter by the permission authority without joining every kind of content.
When content is hidden or deleted its rows are withdrawn.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    class Verb(models.TextChoices):
        THREAD_STARTED = "thread_started", _("started a discussion")
        QUESTION_ASKED = "question_asked", _("asked a question")
        REPLIED = "replied", _("replied to")
        ANSWER_ACCEPTED = "answer_accepted", _("accepted an answer to")
        ANNOUNCED = "announced", _("announced")
        EVENT_SCHEDULED = "event_scheduled", _("scheduled")
        ITEM_PUBLISHED = "item_published", _("published")
        ITEM_SHARED = "item_shared", _("shared")
        GROUP_STARTED = "group_started", _("started the working group")
        MEMBER_JOINED = "member_joined", _("joined")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="activities"
    )
    group = models.ForeignKey(
        "communities.WorkingGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=30, choices=Verb)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # What to show and where to go, fixed when it happened (a title may change later).
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["community", "-created_at", "-id"]),
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self):
        return f"{self.verb}: {self.title}"
