"""Forms for starting a community, its settings, its charter and facilitator decisions.

The forms only parse and check shapes (lengths, choices, image type and size); the
services in communities/services.py hold the rules and may still refuse.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .models import Charter, Community

MAX_TOPICS = 10
MAX_TOPIC_LENGTH = Tag._meta.get_field("name").max_length
MAX_IMAGE_BYTES = 2 * 1024 * 1024
# Formats every browser shows; Pillow names them so.
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def topics_parse(text: str) -> list[str]:
    """Comma-separated text as topics: trimmed, no blanks, no repeats (ignoring case)."""
    topics: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        topic = " ".join(part.split())
        if topic and topic.casefold() not in seen:
            seen.add(topic.casefold())
            topics.append(topic)
    return topics


def topics_text(names) -> str:
    return ", ".join(sorted(names, key=str.casefold))


class TopicsField(forms.CharField):
    """Comma-separated topics in, a clean list of names out."""

    default_help_text = _(
        "Separate topics with commas. For example: sepsis, patient safety, discharge."
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Topics"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("help_text", self.default_help_text)
        super().__init__(**kwargs)

    def clean(self, value):
        topics = topics_parse(super().clean(value) or "")
        if len(topics) > MAX_TOPICS:
            raise ValidationError(
                _("List at most %(count)d topics."), params={"count": MAX_TOPICS}, code="many"
            )
        if any(len(topic) > MAX_TOPIC_LENGTH for topic in topics):
            raise ValidationError(
                _("Keep each topic to %(length)d characters or fewer."),
                params={"length": MAX_TOPIC_LENGTH},
                code="long",
            )
        return topics


def _text(model_field, **kwargs):
    """A form field matching a model text field's label and length."""
    field = Community._meta.get_field(model_field)
    kwargs.setdefault("label", capfirst(field.verbose_name))
    kwargs.setdefault("max_length", field.max_length)
    return forms.CharField(**kwargs)


def _choices(model_field, **kwargs):
    field = Community._meta.get_field(model_field)
    kwargs.setdefault("label", capfirst(field.verbose_name))
    kwargs.setdefault("widget", forms.RadioSelect)
    return forms.ChoiceField(choices=field.choices, **kwargs)


class CommunityCreateForm(forms.Form):
    name = _text(
        "name",
        help_text=_("A short name people will recognise, such as “Safer discharge”."),
        error_messages={"required": _("Enter a name for the community.")},
    )
    purpose = _text(
        "purpose",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Community._meta.get_field("purpose").help_text,
        error_messages={"required": _("Say in a sentence or two why the community exists.")},
    )
    visibility = _choices("visibility", initial=Community.Visibility.PUBLIC)
    join_policy = _choices("join_policy", initial=Community.JoinPolicy.OPEN)
    topics = TopicsField()


class ImageUploadField(forms.ImageField):
    """A picture of at most 2 MB in a format every browser shows."""

    default_error_messages = {
        "invalid_image": _(
            "The file is not a picture we can use. Choose a JPEG, PNG, GIF or WebP image."
        ),
    }

    def to_python(self, data):
        if data and data.size > MAX_IMAGE_BYTES:
            # Checked before Pillow opens it: no need to decode a large file to refuse it.
            raise ValidationError(
                _("The image must be %(limit)s or smaller; this one is %(size)s."),
                params={
                    "limit": filesizeformat(MAX_IMAGE_BYTES),
                    "size": filesizeformat(data.size),
                },
                code="too_large",
            )
        image = super().to_python(data)
        if image is not None and image.image.format not in IMAGE_FORMATS:
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image")
        return image


class CommunitySettingsForm(forms.Form):
    """Settings, initialised from the community; `changes()` gives only what changed."""

    name = _text("name", error_messages={"required": _("Enter a name for the community.")})
    purpose = _text(
        "purpose",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Community._meta.get_field("purpose").help_text,
        error_messages={"required": _("Say in a sentence or two why the community exists.")},
    )
    description = _text(
        "description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What members will find here: topics, events, the kind of help on offer."),
    )
    image = ImageUploadField(
        label=_("Image"),
        required=False,
        help_text=_(
            "A JPEG, PNG, GIF or WebP picture of at most 2 MB. If the form shows an error, "
            "choose the picture again."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
    visibility = _choices("visibility")
    join_policy = _choices("join_policy")
    stage = _choices(
        "stage",
        widget=forms.Select,
        help_text=_("Where the community is in its life: from an idea to a mature practice."),
    )
    topics = TopicsField()
    welcome_message = _text(
        "welcome_message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to members on the community's page."),
    )

    SETTINGS_FIELDS = (
        "name",
        "purpose",
        "description",
        "image",
        "visibility",
        "join_policy",
        "stage",
        "welcome_message",
    )

    def __init__(self, *args, community: Community, **kwargs):
        initial = {name: getattr(community, name) for name in self.SETTINGS_FIELDS}
        initial["topics"] = topics_text(community.topics.names())
        super().__init__(*args, initial=initial, **kwargs)

    def changes(self) -> dict:
        """The settings whose submitted value differs from the community's."""
        changed = {}
        for name in self.changed_data:
            if name not in self.SETTINGS_FIELDS:
                continue
            value = self.cleaned_data[name]
            if name == "image":
                # ClearableFileInput gives False for "clear"; None means "keep".
                if value is None:
                    continue
                value = value or ""
            changed[name] = value
        return changed


class CharterForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the community exists."),
    )
    aims = forms.CharField(
        label=_("Aims"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What it hopes to achieve."),
    )
    audience = forms.CharField(
        label=_("Who it is for"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    participation = forms.CharField(
        label=_("How members take part"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    ground_rules = forms.CharField(
        label=_("Ground rules"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    change_note = forms.CharField(
        label=_("What changed and why"),
        required=False,
        max_length=Charter._meta.get_field("change_note").max_length,
        help_text=_("Kept in the charter's history, so members can follow how it grew."),
    )
    reviewed = forms.BooleanField(
        label=_("Mark the charter as reviewed"),
        required=False,
        help_text=_("Tick this when the core members have read it through and it still holds."),
    )

    def __init__(self, *args, charter: Charter, **kwargs):
        initial = {name: getattr(charter, name) for name in Charter.SECTIONS}
        super().__init__(*args, initial=initial, **kwargs)

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in Charter.SECTIONS}

    def section_fields(self):
        return [self[name] for name in Charter.SECTIONS]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for not approving"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The founder reads it in the community's audit log, so be kind and specific."),
        error_messages={"required": _("Give a reason. The founder is told it by email.")},
    )
