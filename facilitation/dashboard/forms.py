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


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = RiskThresholds
        exclude = ["updated_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            default = RiskThresholds._meta.get_field(name).default
            note = _("Default: %(default)s.") % {"default": default}
            form_field.help_text = f"{form_field.help_text} {note}".strip()
