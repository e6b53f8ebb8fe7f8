"""The email settings form: overall choices, quiet hours, time zone, and one row per
membership. It only parses; the rules (quiet hours both or neither, and so on) are
checked again by preferences.email_settings_save, whose errors land on the same
fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from membership.models import Membership

from .models import Frequency, NewsKind, NotificationSettings
from .preferences import CommunityEmailChoice, quiet_hours_problem


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class EmailSettingsForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often may we email you?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Each community below follows this unless you choose otherwise for it."),
        error_messages={"required": _("Choose how often we may email you.")},
    )
    news_kinds = forms.MultipleChoiceField(
        label=_("What to include"),
        choices=NewsKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours start"),
        required=False,
        widget=TimeInput(),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"invalid": _("Enter a time like 22:00.")},
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"),
        required=False,
        widget=TimeInput(),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"invalid": _("Enter a time like 07:00.")},
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Quiet hours, digests and meeting times follow this time zone."),
        error_messages={"invalid_choice": _("Choose a time zone from the list.")},
    )

    OVERALL_FIELDS = ("frequency", "news_kinds")
    QUIET_FIELDS = ("quiet_start", "quiet_end", "time_zone")

    def __init__(self, *args, memberships: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        from communities.events.forms import time_zone_choices

        self.fields["time_zone"].choices = time_zone_choices
        self.memberships = memberships
        for membership in memberships:
            name = membership.community.name
            self.fields[self._frequency_name(membership)] = forms.ChoiceField(
                label=_("How often to email me from %(name)s") % {"name": name},
                choices=Membership.EmailFrequency.choices,
                required=False,
                initial=membership.email_frequency,
            )
            self.fields[self._announcements_name(membership)] = forms.BooleanField(
                label=_("Email me announcements from %(name)s") % {"name": name},
                required=False,
                initial=membership.announcement_email,
            )

    def clean(self):
        data = super().clean()
        start_ok = "quiet_start" not in self.errors
        end_ok = "quiet_end" not in self.errors
        if start_ok and end_ok:
            problem = quiet_hours_problem(data.get("quiet_start"), data.get("quiet_end"))
            if problem:
                self.add_error(problem[0], problem[1])
        return data

    @staticmethod
    def initial_for(row: NotificationSettings, user) -> dict:
        return {
            "frequency": row.frequency,
            "news_kinds": list(row.news_kinds or []),
            "quiet_start": row.quiet_start,
            "quiet_end": row.quiet_end,
            "time_zone": user.time_zone,
        }

    @staticmethod
    def _frequency_name(membership) -> str:
        return f"community_{membership.pk}_frequency"

    @staticmethod
    def _announcements_name(membership) -> str:
        return f"community_{membership.pk}_announcements"

    def overall_fields(self):
        return [self[name] for name in self.OVERALL_FIELDS]

    def quiet_fields(self):
        return [self[name] for name in self.QUIET_FIELDS]

    def community_rows(self):
        """(membership, frequency field, announcements field) for the table."""
        return [
            (
                membership,
                self[self._frequency_name(membership)],
                self[self._announcements_name(membership)],
            )
            for membership in self.memberships
        ]

    def community_choices(self) -> list[CommunityEmailChoice]:
        """The rows that came with the form. A membership that began after the page
        was shown has no row in it, and is left as it is (an absent tick box would
        otherwise read as "no announcements")."""
        return [
            CommunityEmailChoice(
                membership_id=membership.pk,
                frequency=self.cleaned_data[self._frequency_name(membership)],
                announcement_email=self.cleaned_data[self._announcements_name(membership)],
            )
            for membership in self.memberships
            if self.add_prefix(self._frequency_name(membership)) in self.data
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "frequency": data["frequency"],
            "news_kinds": data["news_kinds"],
            "quiet_start": data["quiet_start"],
            "quiet_end": data["quiet_end"],
            "time_zone": data["time_zone"],
            "communities": self.community_choices(),
        }
