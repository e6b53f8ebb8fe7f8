from django import forms
from django.utils.translation import gettext_lazy as _

from facilitation.models import RiskThresholds

from .signals import DEFAULT_PERIOD, PERIOD_CHOICES


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(d, _("Last %(days)d days") % {"days": d}) for d in PERIOD_CHOICES],
        coerce=int,
        initial=DEFAULT_PERIOD,
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("risk", _("At risk first")), ("name", _("By name"))],
        required=False,
    )


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = RiskThresholds
        fields = [
            "min_core_members",
            "core_window_weeks",
            "core_weak_weeks",
            "min_pairs_per_active_member",
            "unanswered_hours",
            "monologue_percent",
            "newcomer_days",
            "newcomer_posted_percent",
            "dormant_days",
            "quiet_days",
            "charter_review_days",
            "unfacilitated_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            default = RiskThresholds._meta.get_field(name).default
            note = _("Default: %(default)s.") % {"default": default}
            form_field.help_text = f"{form_field.help_text} {note}".strip()
