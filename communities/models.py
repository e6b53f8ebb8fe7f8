from django.db import models
from django.utils.translation import gettext_lazy as _

from copplatform.db import TimeStampedModel


class Community(TimeStampedModel):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can read and join")
        PRIVATE = "private", _("Private: listed, content for members only")
        HIDDEN = "hidden", _("Hidden: known only to its members")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    purpose = models.TextField(
        _("purpose"),
        max_length=600,
        help_text=_("One or two sentences: why this community exists."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["public", "private", "hidden"]),
                name="community_visibility_valid",
            ),
        ]
        indexes = [models.Index(fields=["visibility", "-last_activity_at"])]

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
