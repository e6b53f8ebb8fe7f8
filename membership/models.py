from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from taggit.managers import TaggableManager

from copplatform.db import TimeStampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Email is the login; the username column is gone."""

    class StakeholderType(models.TextChoices):
        PATIENT_CARER_PUBLIC = "patient", _("Patient, carer or member of the public")
        CLINICIAN = "clinician", _("Clinician")
        RESEARCHER = "researcher", _("Researcher")
        MANAGER = "manager", _("Manager or leader")
        COMMISSIONER = "commissioner", _("Commissioner")
        EDUCATOR = "educator", _("Educator")
        THIRD_SECTOR = "third_sector", _("Third (voluntary) sector")
        OTHER = "other", _("Other")

    class PlatformRole(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")
        LEADER = "leader", _("Health-system leader")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    stakeholder_type = models.CharField(
        _("stakeholder type"),
        max_length=20,
        choices=StakeholderType.choices,
        default=StakeholderType.OTHER,
    )
    platform_role = models.CharField(
        _("platform role"), max_length=20, choices=PlatformRole.choices, default=PlatformRole.MEMBER
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("about me"), max_length=1000, blank=True)
    expertise = TaggableManager(
        _("expertise"),
        blank=True,
        help_text=_("Skills and knowledge you bring, separated by commas."),
    )
    # Which profile fields other members may see (name and level are always shown).
    share_organisation = models.BooleanField(_("show my organisation"), default=True)
    share_stakeholder_type = models.BooleanField(_("show my stakeholder type"), default=True)
    share_bio = models.BooleanField(_("show what I wrote about me"), default=True)
    share_expertise = models.BooleanField(_("show my expertise"), default=True)
    # IANA name (e.g. "Europe/London"): event times are shown in this zone.
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [
            # The expertise search's order (people_selectors.PEOPLE_ORDER): a page is a
            # walk down it that stops at the first matches, not a scan and sort of
            # every person (35 → 4 ms at the benchmark's M).
            models.Index(fields=["display_name", "id"], name="user_people_order"),
        ]

    def __str__(self):
        return self.display_name or self.email

    @property
    def name(self):
        # Never derived from the email address: others would learn part of it.
        return self.display_name or self.get_full_name() or _("A member")


class Membership(TimeStampedModel):
    """A person's participation in one community (Wenger's levels)."""

    class Level(models.TextChoices):
        CORE = "core", _("Core")
        ACTIVE = "active", _("Active")
        PERIPHERAL = "peripheral", _("Peripheral")

    # Core first: the member directory's order of levels.
    LEVEL_RANKS = {Level.CORE: 0, Level.ACTIVE: 1, Level.PERIPHERAL: 2}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="memberships"
    )

    class Role(models.TextChoices):
        NONE = "", _("No formal role")
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        COORDINATOR = "coordinator", _("Coordinator")
        PATIENT_PARTNER = "patient_partner", _("Patient partner")
        CUSTOM = "custom", _("Other (title below)")

    level = models.CharField(
        _("participation level"), max_length=12, choices=Level.choices, default=Level.PERIPHERAL
    )
    # The member directory's order (core first, then by name) kept on the row, so a
    # page is a range of the index on (community, level_rank, sort_name, id) instead
    # of a sort of every member joined to their users. level_rank is computed by the
    # database, so no write path (bulk loads and updates included) can leave it stale.
    level_rank = models.GeneratedField(
        expression=models.Case(
            *(
                models.When(level=level, then=models.Value(rank))
                for level, rank in LEVEL_RANKS.items()
            )
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # A copy of the user's display_name, kept by the membership services
    # (`membership_sort_name_sync` when the name changes).
    sort_name = models.CharField(max_length=150, blank=True, editable=False)
    role = models.CharField(_("formal role"), max_length=20, choices=Role.choices, blank=True)
    role_title = models.CharField(_("role title"), max_length=80, blank=True)
    onboarding_started_at = models.DateTimeField(null=True, blank=True)

    class EmailFrequency(models.TextChoices):
        # Blank follows the member's overall choice (NotificationSettings.frequency).
        DEFAULT = "", _("Same as my overall choice")
        INSTANT = "instant", _("An email for each new item")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest")
        NONE = "none", _("No email")

    email_frequency = models.CharField(
        _("email from this community"), max_length=10, choices=EmailFrequency, blank=True
    )
    announcement_email = models.BooleanField(_("email me its announcements"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(level__in=["core", "active", "peripheral"]),
                name="membership_level_valid",
            ),
        ]
        indexes = [
            # The member directory's keyset pages (people_selectors.member_directory).
            models.Index(
                fields=["community", "level_rank", "sort_name", "id"],
                name="membership_directory",
            ),
            # The community home's preview: each level's newest members (a range).
            models.Index(
                fields=["community", "level", "-created_at", "-id"],
                name="membership_level_newest",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.community} ({self.level})"

    @property
    def role_label(self) -> str:
        if self.role == self.Role.CUSTOM:
            return self.role_title
        return self.Role(self.role).label if self.role else ""


class FacilitatorAssignment(TimeStampedModel):
    """A platform admin puts a facilitator in charge of supporting a community."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitator_assignments"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="facilitator_assignments"
    )

    class Meta:
        verbose_name = _("facilitator assignment")
        verbose_name_plural = _("facilitator assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="facilitator_unique"),
        ]

    def __str__(self):
        return f"{self.user} facilitates {self.community}"


class JoinRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message to the core members"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self):
        return f"{self.user} asks to join {self.community} ({self.status})"


class Invitation(TimeStampedModel):
    """An emailed, single-use, expiring invitation.

    The emailed token is `<id>.<HMAC of the nonce under SECRET_KEY>`: the database
    alone cannot forge one, and a task can rebuild the link from the id.
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    level = models.CharField(
        _("joins as"),
        max_length=12,
        choices=Membership.Level.choices,
        default=Membership.Level.PERIPHERAL,
    )
    message = models.TextField(_("personal message"), max_length=1000, blank=True)
    nonce = models.CharField(max_length=32, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "community",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]


class LevelSuggestion(TimeStampedModel):
    """A suggestion for core members; nothing changes a level automatically."""

    class Kind(models.TextChoices):
        PROMOTE_TO_ACTIVE = "to_active", _("Suggest moving to active")
        PROMOTE_TO_CORE = "to_core", _("Suggest moving to core")
        GONE_QUIET = "quiet", _("Has gone quiet")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "kind"],
                condition=models.Q(status="open"),
                name="suggestion_one_open_per_kind",
            ),
        ]


class OnboardingStep(TimeStampedModel):
    """One item of a community's getting-started checklist."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="onboarding_steps"
    )
    title = models.CharField(_("step"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]


class OnboardingProgress(TimeStampedModel):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="onboarding_progress"
    )
    step = models.ForeignKey(OnboardingStep, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "step"], name="onboarding_step_once"),
        ]


class AuditEntry(models.Model):
    """Who changed membership, levels, roles, visibility or facilitators: what, when, why."""

    class Action(models.TextChoices):
        JOINED = "joined", _("joined")
        LEFT = "left", _("left")
        REMOVED = "removed", _("was removed")
        REQUESTED = "requested", _("asked to join")
        REQUEST_APPROVED = "request_approved", _("join request approved")
        REQUEST_DECLINED = "request_declined", _("join request declined")
        INVITED = "invited", _("invited")
        INVITATION_REVOKED = "invitation_revoked", _("invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("accepted an invitation")
        LEVEL_CHANGED = "level_changed", _("level changed")
        ROLE_CHANGED = "role_changed", _("role changed")
        VISIBILITY_CHANGED = "visibility_changed", _("visibility changed")
        SETTINGS_CHANGED = "settings_changed", _("settings changed")
        FACILITATOR_ASSIGNED = "facilitator_assigned", _("facilitator assigned")
        FACILITATOR_UNASSIGNED = "facilitator_unassigned", _("facilitator removed")
        CHARTER_EDITED = "charter_edited", _("charter edited")
        CREATED = "created", _("community created")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)
    reason = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self):
        return f"{self.actor}: {self.get_action_display()} ({self.community})"


# django-guardian with direct foreign keys: the generic tables cast ids to text and
# miss indexes. These hold the per-community permissions that levels and
# facilitator assignments grant (kept in step by services.permissions_sync).
class CommunityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("communities.Community", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class CommunityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("communities.Community", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


# Models of the app's sub-packages, registered with this app.
from .messaging.models import Block, Conversation, ConversationParticipant, Message, MessageReport  # noqa: E402, F401
from .notifications.models import (  # noqa: E402, F401
    DeliveryRecord,
    DeliveryRun,
    Notification,
    NotificationSettings,
)
