"""Forms for reactions, polls and working groups. They check shapes only; the
services in reactions.py, polls.py and working_groups.py hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .interaction_models import Reaction
from .models import WorkingGroup
from .polls import MAX_OPTIONS


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)
    post_id = forms.IntegerField(required=False, min_value=1)


class PollCreateForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Answers to choose from"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_OPTIONS * 121,
        help_text=_("One answer per line, between 2 and 10."),
    )
    allows_multiple = forms.BooleanField(
        label=_("People may choose more than one answer"), required=False
    )
    closes_at = forms.DateTimeField(
        label=_("Closes (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to keep the poll open. Results show to everyone once it closes."),
    )

    def clean_options(self):
        return [line for line in self.cleaned_data["options"].splitlines() if line.strip()]


class PollVoteForm(forms.Form):
    """Built per poll: radio buttons for one answer, checkboxes for several."""

    def __init__(self, *args, poll_view, **kwargs):
        super().__init__(*args, **kwargs)
        poll = poll_view.poll
        choices = [(str(result.option.pk), result.option.label) for result in poll_view.options]
        if poll.allows_multiple:
            self.fields["options"] = forms.MultipleChoiceField(
                label=poll.question, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        else:
            self.fields["options"] = forms.ChoiceField(
                label=poll.question, choices=choices, widget=forms.RadioSelect
            )
        if not self.is_bound and poll_view.my_option_ids:
            mine = [str(pk) for pk in poll_view.my_option_ids]
            self.initial["options"] = mine if poll.allows_multiple else mine[0]

    def option_ids(self) -> list[int]:
        value = self.cleaned_data["options"]
        values = value if isinstance(value, list) else [value]
        return [int(v) for v in values]


class WorkingGroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["name", "purpose", "is_closed"]
        labels = {"is_closed": _("Closed group: only its members read its discussions")}
        help_texts = {
            "is_closed": _(
                "A closed group is still listed with its purpose, but takes no requests to "
                "join: its leads add members."
            ),
        }
        widgets = {"purpose": forms.Textarea(attrs={"rows": 6})}

    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the group will do and for how long. Markdown: **bold**, lists, links."),
    )


class GroupJoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Why you would like to join (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GroupMemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Member of the community"), queryset=None)
    is_lead = forms.BooleanField(label=_("Make them a lead too"), required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda person: person.name


class GroupMemberLeadForm(forms.Form):
    is_lead = forms.BooleanField(required=False)
