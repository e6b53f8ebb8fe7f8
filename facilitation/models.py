"""Facilitation: what the facilitation team and health-system leaders work with.

Risk thresholds, the health system's strategic priorities and the communities'
alignment to them, knowledge brokerage across communities, value stories and the
facilitators' work log. Signals and reports are computed from the other apps' rows
(see facilitation/dashboard and facilitation/reports); nothing here copies them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copplatform.db import TimeStampedModel


class RiskThresholds(models.Model):
    """The platform's at-risk thresholds: one row, edited by platform admins.

    The defaults are the documented ones (docs/facilitation.md); `current()` creates
    the row with them on first use.
    """

    min_core_members = models.PositiveSmallIntegerField(
        _("fewest active core members"),
        default=3,
        help_text=_("A week with fewer core members taking part counts against the core group."),
    )
    core_window_weeks = models.PositiveSmallIntegerField(
        _("weeks looked back for the core group"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    core_weak_weeks = models.PositiveSmallIntegerField(
        _("weak weeks that raise the flag"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    min_pairs_per_active_member = models.DecimalField(
        _("fewest interacting pairs per active member"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.50"),
    )
    unanswered_hours = models.PositiveSmallIntegerField(
        _("hours before a question counts as unanswered"), default=72
    )
    monologue_percent = models.PositiveSmallIntegerField(
        _("facilitators' share of posts that counts as a monologue (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
    )
    newcomer_days = models.PositiveSmallIntegerField(
        _("days a member counts as a newcomer"), default=30
    )
    newcomer_posted_percent = models.PositiveSmallIntegerField(
        _("least share of newcomers who have posted (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
    )
    dormant_days = models.PositiveSmallIntegerField(_("days without a post: dormant"), default=30)
    quiet_days = models.PositiveSmallIntegerField(
        _("days without a contribution: a member has gone quiet"), default=60
    )
    charter_review_days = models.PositiveSmallIntegerField(
        _("days between charter reviews"), default=365
    )
    unfacilitated_days = models.PositiveSmallIntegerField(
        _("days without a facilitator act: unfacilitated"), default=30
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("risk thresholds")
        verbose_name_plural = _("risk thresholds")

    def __str__(self):
        return str(_("Risk thresholds"))

    @classmethod
    def current(cls) -> "RiskThresholds":
        thresholds, _created = cls.objects.get_or_create(pk=1)
        return thresholds


class StrategicPriority(TimeStampedModel):
    """A priority of the health system that communities declare they serve."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("current"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    communities = models.ManyToManyField(
        "communities.Community", related_name="priorities", blank=True
    )

    class Meta:
        verbose_name = _("strategic priority")
        verbose_name_plural = _("strategic priorities")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class LearningStage(models.TextChoices):
    """The learning health system's cycle."""

    IDENTIFY = "identify", _("Identify priorities")
    GENERATE = "generate", _("Generate knowledge")
    IMPLEMENT = "implement", _("Implement change")
    EVALUATE = "evaluate", _("Evaluate change")
    SHARE = "share", _("Share and coordinate")


class CommunityLearningStage(models.Model):
    """A learning-cycle stage the community's work covers."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="learning_stages"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=LearningStage.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "stage"], name="learning_stage_once"),
        ]

    def __str__(self):
        return f"{self.community}: {self.get_stage_display()}"


class BrokerageEvent(models.Model):
    """Knowledge crossing from one community to another: counted in reports."""

    class Kind(models.TextChoices):
        SHARE = "share", _("Knowledge item shared")
        LINK = "link", _("Linked from another community")
        ANNOUNCEMENT = "announcement", _("Announcement to several communities")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source_community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="brokerage_out",
    )
    target_community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="brokerage_in"
    )
    item = models.ForeignKey(
        "knowledge.KnowledgeItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        "communities.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["target_community", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.source_community} → {self.target_community}"


class ValueStory(TimeStampedModel):
    """How something from a community was applied and what changed (Wenger-Trayner)."""

    class ValueType(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate value: the activity itself helped")
        POTENTIAL = "potential", _("Potential value: knowledge or a connection gained")
        APPLIED = "applied", _("Applied value: practice changed")
        REALISED = "realised", _("Realised value: results improved")
        REFRAMING = "reframing", _("Reframing value: how success is defined changed")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Waiting for a core member")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Not confirmed")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="value_stories"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    applied = models.TextField(_("what was applied, where"), max_length=4000)
    changed = models.TextField(_("what changed"), max_length=4000)
    value_type = models.CharField(_("kind of value"), max_length=10, choices=ValueType.choices)
    items = models.ManyToManyField(
        "knowledge.KnowledgeItem", related_name="value_stories", blank=True
    )
    priorities = models.ManyToManyField(StrategicPriority, related_name="value_stories", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECORDED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note to the author"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("value story")
        verbose_name_plural = _("value stories")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status", "-created_at"]),
            # The leader report's latest confirmed stories across every community: a
            # walk down this index that stops at the first readable ones.
            models.Index(fields=["status", "-created_at", "-id"], name="valuestory_latest"),
        ]

    def __str__(self):
        return self.title


class WorkLogEntry(TimeStampedModel):
    """Support a facilitator gave: typed in, or recorded from their actions."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Ran or supported a meeting")
        ONBOARDING = "onboarding", _("Onboarded members")
        BROKERAGE = "brokerage", _("Brokered knowledge between communities")
        MODERATION = "moderation", _("Moderated or handled requests")
        COACHING = "coaching", _("Coached core members")
        COMMUNICATION = "communication", _("Announcements and communication")
        OTHER = "other", _("Other support")

    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_log"
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_log",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind of support"), max_length=14, choices=Kind.choices)
    description = models.CharField(_("what you did"), max_length=300)
    minutes = models.PositiveIntegerField(
        _("time spent (minutes)"), default=0, validators=[MaxValueValidator(24 * 60)]
    )
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    # Set on entries recorded from an action ("announcement:<thread id>"), so a retried
    # action never logs twice; blank for entries the facilitator typed.
    source = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log entries")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facilitator", "source"],
                condition=~models.Q(source=""),
                name="work_log_source_once",
            ),
        ]
        indexes = [
            models.Index(fields=["facilitator", "-occurred_on"]),
            models.Index(fields=["community", "occurred_on"]),
        ]

    def __str__(self):
        return f"{self.facilitator}: {self.description}"

    @property
    def is_automatic(self) -> bool:
        return bool(self.source)


class CommunitySnapshot(models.Model):
    """A community's health signals and monthly activity, computed ahead of the pages
    that read them (the facilitator dashboard and the leader report), so that those
    pages cost the same however many members, threads and replies a community has.

    One row per community, refreshed by the `facilitation.refresh_snapshots` task
    (beat, CELERY_BEAT_SCHEDULE) and computed on first view when missing. The live
    computation (facilitation.dashboard.signals, facilitation.reports.selectors) stays
    the source of truth: facilitation.snapshots.services copies its results here.
    """

    community = models.OneToOneField(
        "communities.Community",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="snapshot",
    )
    computed_at = models.DateTimeField(_("computed at"))
    # The risk thresholds the signals were computed with (some signals depend on
    # them): a snapshot computed with other thresholds is computed again.
    thresholds_key = models.CharField(max_length=64)
    # {"7": signals, "30": ..., "90": ...}: CommunitySignals as JSON, per period.
    signals = models.JSONField(default=dict)
    # {"2026-01": {"threads": n, "replies": n, ...}}: the leader report's counts.
    monthly = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("community snapshot")
        verbose_name_plural = _("community snapshots")

    def __str__(self):
        return f"{self.community_id} @ {self.computed_at:%Y-%m-%d %H:%M}"


class PlatformSnapshot(models.Model):
    """A figure over the whole platform computed ahead of the leader report, refreshed
    with the community snapshots (`facilitation.refresh_all_snapshots`): what cannot
    be summed from per-community rows. One row per key:

    - PEOPLE: {stakeholder type: people}, each person once, in every active
      community (the unfiltered report's "Members by stakeholder type").
    - PERIOD: the unfiltered report's activity totals over its default months,
      summed from the community snapshots (facilitation.reports.selectors.PeriodTotals):
      one row to read instead of a snapshot per community.
    """

    PEOPLE = "people"
    PERIOD = "report-period"

    key = models.CharField(max_length=40, primary_key=True)
    computed_at = models.DateTimeField(_("computed at"))
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("platform snapshot")
        verbose_name_plural = _("platform snapshots")

    def __str__(self):
        return f"{self.key} @ {self.computed_at:%Y-%m-%d %H:%M}"
