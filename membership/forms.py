from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Invitation, JoinRequest, Membership


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "message": _("Optional: say who you are and what you hope to learn or share."),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person is told this reason."),
    )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "level", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Participation level"), choices=Membership.Level.choices)
    reason = forms.CharField(label=_("Why (optional)"), max_length=1000, required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Formal role"), choices=Membership.Role.choices, required=False
    )
    role_title = forms.CharField(label=_("Role title"), max_length=80, required=False)


class SignupExtraForm(forms.Form):
    """What allauth's sign-up asks besides email and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Your name as others will see it"),
        max_length=150,
        help_text=_("For example: Dr Amara Singh, or Sam (patient partner)."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
