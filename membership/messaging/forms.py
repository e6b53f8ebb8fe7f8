"""Forms for messages. They check shapes; services.py holds the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Message, MessageReport
from .services import MAX_PARTICIPANTS

BODY_MAX = Message._meta.get_field("body").max_length


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj.name)


class ConversationStartForm(forms.Form):
    recipients = PersonChoiceField(
        label=_("To"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People who share a community with you. Choose one, or up to %(count)d for a "
            "small group."
        )
        % {"count": MAX_PARTICIPANTS - 1},
    )
    subject = forms.CharField(
        label=_("Subject (optional)"),
        max_length=150,
        required=False,
        help_text=_(
            "Useful for a group. A message to one person without a subject "
            "continues your conversation with them."
        ),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("You can use Markdown: **bold**, *italic*, lists and links."),
    )

    def __init__(self, *args, reachable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = reachable

    def clean_recipients(self):
        chosen = self.cleaned_data["recipients"]
        if len(chosen) > MAX_PARTICIPANTS - 1:
            raise forms.ValidationError(
                _("Choose at most %(count)d people.") % {"count": MAX_PARTICIPANTS - 1}
            )
        return chosen


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You can use Markdown: **bold**, *italic*, lists and links."),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=MessageReport._meta.get_field("reason").verbose_name,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The facilitation team will see this message and your reason, and nothing else "
            "of the conversation."
        ),
    )
