"""Forms for alignment: they parse and check shapes; the services hold the rules."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from facilitation.models import LearningStage, StrategicPriority, ValueStory

SUGGEST_FIELD_TEMPLATE = "facilitation/alignment/_title_with_suggestions.html"


class PriorityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the health system means by it, and how communities can serve it."),
    )
    is_active = forms.BooleanField(
        label=_("Current"),
        required=False,
        initial=True,
        help_text=_(
            "Untick to retire it: communities can no longer choose it, and what was "
            "declared and recorded under it stays for the reports."
        ),
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class AlignmentForm(forms.Form):
    priorities = forms.ModelMultipleChoiceField(
        label=_("Priorities of the health system this community serves"),
        queryset=StrategicPriority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages of the learning cycle the community's work covers"),
        choices=LearningStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A learning health system turns practice into knowledge and back: it "
            "identifies priorities, generates knowledge, implements change, evaluates "
            "it, and shares and coordinates what it learnt."
        ),
    )

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = priorities


# Rendered as HTML by the field template (help text is trusted, never user input).
VALUE_TYPE_HELP = _(
    "<ul class='value-types'>"
    "<li><strong>Immediate</strong>: taking part was itself useful (an answer, support, "
    "a good meeting).</li>"
    "<li><strong>Potential</strong>: you gained knowledge, a tool or a contact you may "
    "use.</li>"
    "<li><strong>Applied</strong>: you changed how you work because of it.</li>"
    "<li><strong>Realised</strong>: the change improved results (for patients, staff or "
    "the system).</li>"
    "<li><strong>Reframing</strong>: it changed how you or your organisation define "
    "success.</li></ul>"
)


class ValueStoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    applied = forms.CharField(
        label=_("What was applied, and where?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you took from the community (a discussion, a tool, an idea) and the "
            "service or team where you used it."
        ),
    )
    changed = forms.CharField(
        label=_("What changed?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For whom, and how you know: numbers if you have them, or what you saw."),
    )
    value_type = forms.ChoiceField(
        label=_("Kind of value"),
        choices=ValueStory.ValueType.choices,
        widget=forms.RadioSelect,
        help_text=VALUE_TYPE_HELP,
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Knowledge items it drew on (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priorities = forms.ModelMultipleChoiceField(
        label=_("Priorities it served (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, items, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["priorities"].queryset = priorities
        if not items.exists():
            del self.fields["items"]

    def story_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "applied": data["applied"],
            "changed": data["changed"],
            "value_type": data["value_type"],
            "items": list(data.get("items") or []),
            "priorities": list(data.get("priorities") or []),
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("confirm", _("Confirm: it happened as told, count it in reports")),
            ("decline", _("Do not confirm")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the author (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def attach_suggestions(form, community) -> None:
    """Ask for "similar from other communities" as the member types the form's title.

    htmx sends the title (as `title`) to the suggest view after a pause and puts the
    fragment in the region rendered under the field; without JavaScript nothing
    happens and the form works as before.
    """
    field = form.fields["title"]
    url = reverse("alignment:suggest") + f"?community={community.slug}"
    field.widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "input changed delay:600ms, search",
            "hx-target": "#similar-suggestions",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "autocomplete": "off",
        }
    )
    field.template_name = SUGGEST_FIELD_TEMPLATE
