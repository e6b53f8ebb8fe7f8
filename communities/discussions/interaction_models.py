"""Reactions, polls and working-group join requests: small ways to take part.

Reactions ("helpful", "thank you") sit on a thread's opening message or on a reply;
a member gives each kind at most once per message. A thread may carry one poll.
Open working groups take requests to join that a lead or moderator decides.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copplatform.db import TimeStampedModel


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful")
        THANKS = "thanks", _("Thank you")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    # Always the thread; `post` is set when the reaction is on a reply rather than on
    # the opening message, so a whole thread's reactions are one indexed filter.
    thread = models.ForeignKey(
        "communities.Thread", on_delete=models.CASCADE, related_name="reactions"
    )
    post = models.ForeignKey(
        "communities.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reactions",
    )
    kind = models.CharField(_("reaction"), max_length=20, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread", "kind"],
                condition=Q(post=None),
                name="reaction_once_per_thread",
            ),
            models.UniqueConstraint(
                fields=["user", "post", "kind"],
                condition=Q(post__isnull=False),
                name="reaction_once_per_post",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["helpful", "thanks"]), name="reaction_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["thread", "post", "kind"])]

    def __str__(self):
        return f"{self.kind} by {self.user_id} on {self.post_id or self.thread_id}"


class Poll(TimeStampedModel):
    thread = models.OneToOneField(
        "communities.Thread", on_delete=models.CASCADE, related_name="poll"
    )
    question = models.CharField(_("question"), max_length=200)
    allows_multiple = models.BooleanField(
        _("people may choose more than one answer"), default=False
    )
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self):
        return self.question

    def is_closed_at(self, moment) -> bool:
        return self.closes_at is not None and self.closes_at <= moment

    @property
    def is_closed(self) -> bool:
        return self.is_closed_at(timezone.now())


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("answer"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position_unique")
        ]

    def __str__(self):
        return self.label


class PollVote(models.Model):
    # `poll` repeats option.poll so "has this person voted" is one indexed lookup.
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="poll_vote_once_per_option")
        ]
        indexes = [models.Index(fields=["poll", "user"])]

    def __str__(self):
        return f"{self.user_id} chose {self.option_id}"


class WorkingGroupJoinRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey(
        "communities.WorkingGroup", on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_group_requests"
    )
    message = models.TextField(_("why you would like to join"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request to join a working group")
        verbose_name_plural = _("requests to join working groups")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="working_group_request_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined"]),
                name="working_group_request_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} asks to join {self.group_id}"
