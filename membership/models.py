from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

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

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or self.email

    @property
    def name(self):
        return self.display_name or self.get_full_name() or self.email.split("@")[0]


class Membership(TimeStampedModel):
    """A person's participation in one community (Wenger's levels)."""

    class Level(models.TextChoices):
        CORE = "core", _("Core")
        ACTIVE = "active", _("Active")
        PERIPHERAL = "peripheral", _("Peripheral")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="memberships"
    )
    level = models.CharField(
        _("participation level"), max_length=12, choices=Level.choices, default=Level.PERIPHERAL
    )

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
        indexes = [models.Index(fields=["community", "level"])]

    def __str__(self):
        return f"{self.user} in {self.community} ({self.level})"


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
