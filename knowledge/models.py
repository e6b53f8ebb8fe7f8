"""Knowledge items: the community's shared repertoire (documents, stories, tools,
checklists, guidelines, answers to recurring problems and links).

Every save keeps a version (django-simple-history), including the stored file's
name: a new file never replaces an old one on storage, so any version's file can be
downloaded later. Counters are updated with F() expressions outside the history.
The glossary's models live in glossary_models.py.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from copplatform.db import TimeStampedModel, WithoutSearchVector, search_vector_field

from .files import knowledge_upload_to


class KnowledgeItem(TimeStampedModel):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        STORY = "story", _("Story or case")
        TOOL = "tool", _("Tool or template")
        CHECKLIST = "checklist", _("Checklist")
        GUIDELINE = "guideline", _("Guideline or protocol")
        ANSWER = "answer", _("Answer to a recurring problem")
        LINK = "link", _("Link")

    class Stage(models.TextChoices):
        # The learning cycle of a learning health system.
        IDENTIFYING = "identifying", _("Identifying priorities")
        GENERATING = "generating", _("Generating knowledge or data")
        IMPLEMENTING = "implementing", _("Implementing change")
        EVALUATING = "evaluating", _("Evaluating change")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="knowledge_items",
        verbose_name=_("home community"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DOCUMENT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"),
        max_length=1000,
        help_text=_("One or two sentences: what it is and who it helps. Markdown."),
    )
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown: **bold**, lists, [links](https://…).")
    )
    # For answers to recurring problems.
    problem = models.TextField(_("problem"), blank=True)
    context = models.TextField(_("context"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=knowledge_upload_to, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="knowledge_items", verbose_name=_("authors")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_note = models.CharField(_("what changed and why"), max_length=300, blank=True)
    topics = TaggableManager(_("topics"), blank=True)
    stage = models.CharField(
        _("learning-cycle stage"), max_length=20, choices=Stage, blank=True, default=""
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    is_featured = models.BooleanField(_("featured"), default=False)
    in_library = models.BooleanField(_("in the platform library"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    source_thread = models.ForeignKey(
        "communities.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_items",
        verbose_name=_("from the discussion"),
    )
    # For knowledge/search.py; GIN-indexed on PostgreSQL (migration 0006).
    search_vector = search_vector_field(
        "title", ("summary", "body", "problem", "context", "solution")
    )

    objects = WithoutSearchVector()
    history = HistoricalRecords(
        # The search vector is the database's, computed from the text kept here.
        excluded_fields=[
            "created_at",
            "updated_at",
            "view_count",
            "download_count",
            "search_vector",
        ]
    )

    TEXT_FIELDS = ("title", "summary", "body", "problem", "context", "solution", "url")

    class Meta:
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        indexes = [
            models.Index(fields=["community", "status", "-is_featured", "-updated_at"]),
            models.Index(fields=["status", "in_library"]),
            models.Index(fields=["review_due_at"]),
            # A repertoire page: the community's next items in the list's order, a
            # range whatever the items' status (knowledge.selectors.repertoire_parts).
            models.Index(
                fields=["community", "-is_featured", "-updated_at", "-id"],
                name="knowledge_repertoire_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "in_review", "published"]),
                name="knowledge_item_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:item", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ItemShare(models.Model):
    """An item shared into another community: one item, shown with its provenance."""

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="shares")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="shared_knowledge"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("shared item")
        verbose_name_plural = _("shared items")
        constraints = [
            models.UniqueConstraint(fields=["item", "community"], name="item_share_unique")
        ]

    def __str__(self):
        return f"{self.item_id} shared into {self.community_id}"


class ItemDownload(models.Model):
    """A signed-in member's first download of an item (any version): what the "did
    you apply it?" prompts 30 and 90 days later start from. Later downloads change
    nothing, so a member is asked about an item once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_downloads"
    )
    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="downloads")
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("download by a member")
        verbose_name_plural = _("downloads by members")
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="item_download_once_per_member")
        ]
        indexes = [models.Index(fields=["downloaded_at"])]

    def __str__(self):
        return f"{self.item_id} downloaded by {self.user_id}"


# The glossary's models, registered with this app.
from .glossary_models import GlossaryTerm  # noqa: E402, F401
