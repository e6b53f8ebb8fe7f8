"""Forms for knowledge items: they parse and check shapes (lengths, choices, the
upload's content); knowledge/services.py holds the rules and may still refuse."""

from django import forms
from django.core.validators import URLValidator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from communities.forms import TopicsField, topics_text

from .files import ALLOWED_EXTENSIONS, allowed_types_text, validate_upload
from .models import KnowledgeItem

Kind = KnowledgeItem.Kind


class UploadField(forms.FileField):
    """A file checked by its content (see knowledge/files.py)."""

    default_error_messages = {
        "empty": _("The file is empty. Choose the file again."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "size"):
            validate_upload(upload)
        return upload


def _model_field(name):
    return KnowledgeItem._meta.get_field(name)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_model_field("summary").help_text,
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Markdown: **bold**, lists, [links](https://…). For stories, checklists, tools."
        ),
    )
    problem = forms.CharField(
        label=_("Problem"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For an answer to a recurring problem: what keeps happening. Markdown."),
    )
    context = forms.CharField(
        label=_("Context"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where and for whom it happens. Markdown."),
    )
    solution = forms.CharField(
        label=_("Solution"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What worked. Markdown."),
    )
    url = forms.URLField(
        label=_("Web address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("For a link: the page it points to."),
    )
    file = UploadField(
        label=_("File"),
        required=False,
        help_text=_("For a document. Accepted: %(types)s.") % {"types": allowed_types_text()},
    )
    stage = forms.ChoiceField(
        label=_("Learning-cycle stage"),
        required=False,
        choices=[("", _("Not set")), *KnowledgeItem.Stage.choices],
    )
    topics = TopicsField()
    co_authors = forms.ModelMultipleChoiceField(
        label=_("Co-authors"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the community who wrote it with you; co-authors may edit it."),
    )
    change_note = forms.CharField(label=_("What changed and why"), required=False, max_length=300)

    def __init__(self, *args, co_author_choices, item: KnowledgeItem | None = None, **kwargs):
        if item is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                **{name: getattr(item, name) for name in KnowledgeItem.TEXT_FIELDS},
                "kind": item.kind,
                "stage": item.stage,
                "topics": topics_text(item.topics.names()),
            }
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["co_authors"].queryset = co_author_choices
        if item is None:
            del self.fields["change_note"]
        else:
            # Help text is trusted HTML (templates/django/forms/field.html marks it
            # safe, as Django does): the member's file name must be escaped here.
            self.fields["file"].help_text = _(
                "Choose a file only to replace the current one (%(name)s); every earlier "
                "file stays in the history. Accepted: %(types)s."
            ) % {"name": escape(item.file_name or _("none")), "types": allowed_types_text()}
        if not self.fields["co_authors"].queryset.exists():
            del self.fields["co_authors"]
        if self.is_bound and self.files.get("file") is not None:
            self.fields["file"].help_text += " " + str(
                _("If the form shows a problem, choose the file again.")
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        has_file = bool(cleaned.get("file")) or bool(self.item and self.item.file)
        if kind == Kind.DOCUMENT and not has_file and "file" not in self.errors:
            self.add_error("file", _("A document needs a file: choose one to upload."))
        if kind == Kind.LINK and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", _("A link needs its web address."))
        if kind == Kind.ANSWER:
            if not (cleaned.get("problem") or "").strip():
                self.add_error("problem", _("Describe the problem this answers."))
            if not (cleaned.get("solution") or "").strip():
                self.add_error("solution", _("Describe the solution."))
        return cleaned

    def item_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "problem": data["problem"],
            "context": data["context"],
            "solution": data["solution"],
            "url": data["url"],
        }


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, topics: list[str], may_curate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["kind"].choices = any_choice + list(Kind.choices)
        self.fields["topic"].choices = any_choice + [(name, name) for name in topics]
        self.fields["stage"].choices = any_choice + list(KnowledgeItem.Stage.choices)
        if may_curate:
            self.fields["status"].choices = any_choice + list(KnowledgeItem.Status.choices)
        else:
            del self.fields["status"]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class ShareForm(forms.Form):
    community = forms.ChoiceField(label=_("Share into"))
    note = forms.CharField(
        label=_("Note for the other community"),
        required=False,
        max_length=300,
        help_text=_("Why it may help them. Optional."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {str(c.pk): c for c in targets}
        self.fields["community"].choices = [(str(c.pk), c.name) for c in targets]

    def target(self):
        return self.targets[self.cleaned_data["community"]]
