"""Forms for profiles, member directories and expertise search.

The filter forms only parse: a value that is not one of the choices is an error
shown beside its field, and the search runs without it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership, User
from .people_services import MAX_TAG_LENGTH, expertise_parse


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=150,
        help_text=_("The name other members see."),
        error_messages={"required": _("Enter the name other members will see.")},
    )
    stakeholder_type = forms.ChoiceField(
        label=_("Which best describes you?"),
        choices=User.StakeholderType.choices,
        help_text=_("Communities use this to see whether every kind of voice is heard."),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    expertise = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Skills and knowledge you bring, separated by commas. For example: "
            "sepsis, patient safety, lived experience of diabetes."
        ),
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # Events are shown in this zone. Optional in the form: left out, it stays as it was.
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Meeting times are shown in this time zone."),
    )
    share_organisation = forms.BooleanField(label=_("My organisation"), required=False)
    share_stakeholder_type = forms.BooleanField(label=_("Which best describes me"), required=False)
    share_bio = forms.BooleanField(label=_("What I wrote about me"), required=False)
    share_expertise = forms.BooleanField(label=_("My expertise"), required=False)

    IDENTITY_FIELDS = (
        "display_name",
        "stakeholder_type",
        "organisation",
        "expertise",
        "bio",
        "time_zone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from communities.events.forms import time_zone_choices

        self.fields["time_zone"].choices = time_zone_choices

    def clean_time_zone(self) -> str | None:
        return self.cleaned_data["time_zone"] or None

    SHARING_FIELDS = (
        "share_organisation",
        "share_stakeholder_type",
        "share_bio",
        "share_expertise",
    )

    def clean_expertise(self) -> list[str]:
        return expertise_parse(self.cleaned_data["expertise"])

    def identity_fields(self):
        return [self[name] for name in self.IDENTITY_FIELDS]

    def sharing_fields(self):
        return [self[name] for name in self.SHARING_FIELDS]


def _any(label):
    return [("", label)]


class MemberFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Participation level"),
        required=False,
        choices=_any(_("Any level")) + Membership.Level.choices,
    )
    role = forms.ChoiceField(
        label=_("Formal role"),
        required=False,
        choices=_any(_("Any role"))
        + [(value, label) for value, label in Membership.Role.choices if value],
    )
    stakeholder_type = forms.ChoiceField(
        label=_("Stakeholder type"),
        required=False,
        choices=_any(_("Any stakeholder type")) + User.StakeholderType.choices,
    )
    expertise = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=MAX_TAG_LENGTH,
        help_text=_("One area of expertise, for example: sepsis."),
    )

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one is left out (its error is shown)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class ExpertiseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Who knows about…"),
        required=False,
        max_length=MAX_TAG_LENGTH,
        help_text=_("An area of expertise, a name or an organisation."),
    )
    level = forms.ChoiceField(
        label=_("Participation level"),
        required=False,
        choices=_any(_("Any level")) + Membership.Level.choices,
        help_text=_("Their level in at least one community you can read."),
    )
    stakeholder_type = forms.ChoiceField(
        label=_("Stakeholder type"),
        required=False,
        choices=_any(_("Any stakeholder type")) + User.StakeholderType.choices,
    )

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one is left out (its error is shown)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}
