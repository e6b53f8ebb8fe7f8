from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from copplatform.db import TimeStampedModel


class Community(TimeStampedModel):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can read and join")
        PRIVATE = "private", _("Private: listed, content for members only")
        HIDDEN = "hidden", _("Hidden: known only to its members")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in joins in one click")
        REQUEST = "request", _("By request: core members approve")
        INVITATION = "invitation", _("By invitation only")

    class Stage(models.TextChoices):
        # Wenger, McDermott & Snyder's stages of development.
        POTENTIAL = "potential", _("Potential")
        COALESCING = "coalescing", _("Coalescing")
        MATURING = "maturing", _("Maturing")
        STEWARDSHIP = "stewardship", _("Stewardship")
        TRANSFORMATION = "transformation", _("Transformation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for a facilitator")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Not approved")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    purpose = models.TextField(
        _("purpose"),
        max_length=600,
        help_text=_("One or two sentences: why this community exists."),
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    image = models.ImageField(_("image"), upload_to="communities/", blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("how people join"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    stage = models.CharField(
        _("lifecycle stage"), max_length=16, choices=Stage.choices, default=Stage.POTENTIAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    welcome_message = models.TextField(_("welcome message"), blank=True, max_length=2000)
    topics = TaggableManager(_("topics"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    # Kept in step by the membership services so lists never count rows.
    member_count = models.PositiveIntegerField(_("members"), default=0)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        # Object permissions stored by django-guardian and read by the one
        # authority in membership/permissions.py.
        permissions = [
            ("read_community", "Read the community's content"),
            ("participate_community", "Reply, react and attend"),
            ("contribute_community", "Start discussions and contribute knowledge"),
            ("moderate_community", "Moderate and curate"),
            ("manage_members", "Approve, invite, remove members and set levels and roles"),
            ("edit_charter", "Edit the charter"),
            ("post_announcement", "Post announcements"),
            ("manage_settings", "Change the community's settings"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["public", "private", "hidden"]),
                name="community_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(join_policy__in=["open", "request", "invitation"]),
                name="community_join_policy_valid",
            ),
        ]
        indexes = [models.Index(fields=["visibility", "status", "-last_activity_at"])]

    def __str__(self):
        return self.name

    @property
    def visibility_short_label(self):
        return VISIBILITY_SHORT_LABELS[self.visibility]


VISIBILITY_SHORT_LABELS = {
    Community.Visibility.PUBLIC: _("Public"),
    Community.Visibility.PRIVATE: _("Private"),
    Community.Visibility.HIDDEN: _("Hidden"),
}


class Charter(TimeStampedModel):
    """What the community is for and how it works; every revision is kept."""

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="charter")
    purpose = models.TextField(_("purpose"), blank=True, max_length=4000)
    aims = models.TextField(_("aims"), blank=True, max_length=4000)
    audience = models.TextField(_("who it is for"), blank=True, max_length=4000)
    participation = models.TextField(_("how members take part"), blank=True, max_length=4000)
    ground_rules = models.TextField(_("ground rules"), blank=True, max_length=4000)
    change_note = models.CharField(_("what changed and why"), max_length=300, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    SECTIONS = ("purpose", "aims", "audience", "participation", "ground_rules")

    class Meta:
        verbose_name = _("charter")
        verbose_name_plural = _("charters")

    def __str__(self):
        return f"Charter of {self.community}"


# Models of the community's sub-packages, registered with this app.
from .activity.models import Activity  # noqa: E402, F401
from .discussions.interaction_models import (  # noqa: E402, F401
    Poll,
    PollOption,
    PollVote,
    Reaction,
    WorkingGroupJoinRequest,
)
from .discussions.models import (  # noqa: E402, F401
    Mention,
    ModerationEntry,
    Post,
    Report,
    Revision,
    Thread,
    ThreadReadState,
    WorkingGroup,
    WorkingGroupMember,
)
from .events.models import Action, Event, EventOccurrence, Rsvp  # noqa: E402, F401
