"""The glossary: plain-language definitions of the words a community uses.

Lay members (patients, carers, newcomers from another profession) meet jargon long
before they feel able to ask about it. Platform-wide terms (community is empty) are
kept by the facilitation team; each community adds its own, kept by its moderators.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from copplatform.db import TimeStampedModel, WithoutSearchVector, search_vector_field


class GlossaryTerm(TimeStampedModel):
    term = models.CharField(_("term"), max_length=120)
    definition = models.TextField(
        _("plain-language definition"),
        help_text=_(
            "Explain it as you would to a patient or a colleague from another field. "
            "Markdown: **bold**, lists, [links](https://…)."
        ),
    )
    # Empty: a platform-wide term, shown in every community's glossary.
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="glossary_terms",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # For knowledge/search.py; GIN-indexed on PostgreSQL (migration 0006).
    search_vector = search_vector_field("term", ("definition",))

    objects = WithoutSearchVector()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = [Lower("term"), "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                "community",
                name="glossary_term_unique_in_community",
                condition=models.Q(community__isnull=False),
            ),
            models.UniqueConstraint(
                Lower("term"),
                name="glossary_term_unique_on_platform",
                condition=models.Q(community__isnull=True),
            ),
        ]

    def __str__(self):
        return self.term

    @property
    def is_platform_wide(self) -> bool:
        return self.community_id is None

    @property
    def letter(self) -> str:
        """The A to Z heading it is listed under ("#" for digits and symbols)."""
        first = self.term[:1].upper()
        return first if first.isalpha() else "#"
