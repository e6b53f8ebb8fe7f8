"""Meetings and events: a series (Event) of dated meetings (EventOccurrence).

Times are stored in UTC; the organiser's time zone is kept so a repeating meeting
stays at the same wall-clock time across daylight-saving changes. Each meeting has
its own RSVPs, co-produced agenda, attendance, minutes and actions, so a single
meeting can be moved or cancelled without touching the rest of the series.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copplatform.db import TimeStampedModel

MARKDOWN_HELP = _("Markdown: **bold**, lists, [links](https://…).")


class Event(TimeStampedModel):
    class Recurrence(models.TextChoices):
        NONE = "none", _("Does not repeat")
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY_WEEKDAY = "monthly_weekday", _("Every month on the same weekday (e.g. 2nd Tuesday)")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True, max_length=10000, help_text=MARKDOWN_HELP)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The first meeting; later ones are generated as EventOccurrence rows.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    recurrence = models.CharField(
        _("repeats"), max_length=20, choices=Recurrence, default=Recurrence.NONE
    )
    repeat_until = models.DateField(_("repeat until"), null=True, blank=True)
    repeat_count = models.PositiveSmallIntegerField(_("number of meetings"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    recurrence__in=["none", "weekly", "fortnightly", "monthly_weekday"]
                ),
                name="event_recurrence_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity=None) | models.Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["community", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.community.slug, self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def repeats(self) -> bool:
        return self.recurrence != self.Recurrence.NONE


class EventOccurrence(TimeStampedModel):
    """One meeting of a series; a non-repeating event has exactly one."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    # Place in the series (0 for the first), so a changed series keeps its RSVPs.
    position = models.PositiveSmallIntegerField(default=0)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    title_override = models.CharField(
        _("title for this meeting"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the event's title."),
    )
    place_override = models.CharField(
        _("place for this meeting"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the event's place."),
    )
    minutes = models.TextField(_("minutes"), blank=True, max_length=20000, help_text=MARKDOWN_HELP)
    minutes_updated_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "position"], name="occurrence_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="occurrence_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "is_cancelled"])]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse(
            "events:occurrence", args=[self.event.community.slug, self.event_id, self.pk]
        )

    @property
    def title(self) -> str:
        return self.title_override or self.event.title

    @property
    def is_off(self) -> bool:
        """Not happening: this meeting or its whole series was cancelled."""
        return self.is_cancelled or self.event.is_cancelled

    @property
    def place(self) -> str:
        return self.place_override or self.event.place


class Rsvp(TimeStampedModel):
    class Response(models.TextChoices):
        GOING = "going", _("Going")
        WAITING = "waiting", _("On the waiting list")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")

    occurrence = models.ForeignKey(EventOccurrence, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    response = models.CharField(max_length=12, choices=Response)
    # When the member joined the waiting list: promotion goes in this order.
    waiting_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply to an invitation")
        verbose_name_plural = _("replies to invitations")
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="rsvp_unique"),
            models.CheckConstraint(
                condition=models.Q(response__in=["going", "waiting", "maybe", "not_going"]),
                name="rsvp_response_valid",
            ),
        ]
        indexes = [models.Index(fields=["occurrence", "response", "waiting_since"])]


class AgendaItem(TimeStampedModel):
    """An item any member proposes for a meeting; the organiser accepts and orders it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("On the agenda")
        DECLINED = "declined", _("Not this time")

    occurrence = models.ForeignKey(
        EventOccurrence, on_delete=models.CASCADE, related_name="agenda_items"
    )
    title = models.CharField(_("item"), max_length=200)
    details = models.TextField(_("details"), blank=True, max_length=4000, help_text=MARKDOWN_HELP)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["proposed", "accepted", "declined"]),
                name="agenda_item_status_valid",
            )
        ]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """Who came, recorded afterwards by the organiser or a moderator."""

    occurrence = models.ForeignKey(
        EventOccurrence, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="attendance_unique")
        ]

    def __str__(self):
        return f"{self.user_id} at {self.occurrence_id}"


class Action(TimeStampedModel):
    """Something a meeting decided someone would do."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="actions"
    )
    occurrence = models.ForeignKey(
        EventOccurrence, on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=200)
    # Kept, as a former member's, when its owner deletes their account: the meeting
    # decided it and the community still needs to see it (docs/privacy.md).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="event_actions"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    charter_aim = models.CharField(
        _("charter aim it serves"),
        max_length=200,
        blank=True,
        help_text=_("Optional: the aim or charter section this action moves forward."),
    )
    knowledge_url = models.URLField(
        _("related knowledge"),
        max_length=500,
        blank=True,
        help_text=_("Optional: a link to a knowledge item or document."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "done", "dropped"]),
                name="action_status_valid",
            )
        ]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self):
        return self.title


class ReminderSent(models.Model):
    """Claimed before a reminder goes out: one reminder per person per meeting."""

    occurrence = models.ForeignKey(EventOccurrence, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="reminder_once_per_person")
        ]

    def __str__(self):
        return f"Reminder to {self.user_id} for {self.occurrence_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(TimeStampedModel):
    """A member's private calendar address. The token is a long random value; making a
    new one (or revoking it) stops the old address at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
