from django import forms
from django.utils.translation import gettext_lazy as _

from copplatform.db import parse_id
from facilitation.models import WorkLogEntry
from membership.models import Membership

from . import bulk_invite


class CommunitiesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Announcement"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Markdown: **bold**, *italic*, lists and links. Members are emailed it."),
    )
    communities = CommunitiesField(
        label=_("Send to"),
        queryset=None,
        help_text=_("Only communities where you may post announcements are listed."),
        error_messages={"required": _("Choose at least one community.")},
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are exactly the checked targets: any other id is refused.
        self.fields["communities"].queryset = targets


class ShareForm(forms.Form):
    communities = CommunitiesField(
        label=_("Share into"),
        queryset=None,
        error_messages={"required": _("Choose at least one community.")},
    )
    note = forms.CharField(
        label=_("Note for the other communities (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm its content may be read in these communities"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = targets


class RequestIdsField(forms.TypedMultipleChoiceField):
    """Any request id: the view decides which ones the user may answer, and says which
    it ignored, rather than failing the whole form on one stale checkbox."""

    def valid_value(self, value):
        return parse_id(value) is not None


class JoinRequestsForm(forms.Form):
    DECISIONS = [("approve", _("Approve")), ("decline", _("Decline"))]

    requests = RequestIdsField(
        label=_("Requests"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one request.")},
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reason = forms.CharField(
        label=_("Reason for declining (the people asking are told it)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Give a reason when declining: the people asking are told it.")
            )
        return data


class BulkInviteForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=None, empty_label=_("Choose a community")
    )
    default_level = forms.ChoiceField(
        label=_("Level, unless the list says otherwise"),
        choices=Membership.Level.choices,
        initial=Membership.Level.PERIPHERAL,
    )
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "A column “email”, and optionally “level” and “message”; or one address per "
            "line. UTF-8, at most %(rows)s rows and 1 MB."
        )
        % {"rows": bulk_invite.MAX_ROWS},
    )
    emails = forms.CharField(
        label=_("Or paste addresses, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=bulk_invite.MAX_BYTES,
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda c: c.name

    def clean(self):
        data = super().clean()
        given = data.get("file") or (data.get("emails") or "").strip()
        if not given and not self.has_error("file") and not self.has_error("emails"):
            self.add_error("file", _("Upload a file or paste some addresses."))
        return data

    def raw(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload:
            if upload.size > bulk_invite.MAX_BYTES:
                # Read no further than needed to say it is too big.
                return upload.read(bulk_invite.MAX_BYTES + 1)
            return upload.read()
        return self.cleaned_data["emails"].encode()


class BulkInviteConfirmForm(forms.Form):
    signed = forms.CharField(widget=forms.HiddenInput)


class WorkLogEntryForm(forms.ModelForm):
    class Meta:
        model = WorkLogEntry
        fields = ["occurred_on", "community", "kind", "description", "minutes"]
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"minutes": _("Automatic entries start at 0: add the time you spent.")}

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda c: c.name
        self.fields["community"].empty_label = _("Across communities / none")


class WorkLogFilterForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=None, required=False, empty_label=_("All")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda c: c.name

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
