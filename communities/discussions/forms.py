"""Forms for discussions: they parse and check shapes; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Thread

MENTION_HELP = _(
    "Markdown: **bold**, lists, [links](https://…). Mention someone with @ and their "
    "name as it appears in the community, for example @Ada Lovelace."
)


def _body_widget(mention_url: str | None, rows: int = 8):
    attrs = {"rows": rows}
    if mention_url:
        # static/js/mentions.js offers names as you type; without it, typing works.
        attrs["data-mention-url"] = mention_url
    return forms.Textarea(attrs=attrs)


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=20000, help_text=MENTION_HELP)

    def __init__(self, *args, kinds, mention_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Thread.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["body"].widget = _body_widget(mention_url)


class ThreadEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=20000, help_text=MENTION_HELP)

    def __init__(self, *args, mention_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget = _body_widget(mention_url)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=20000, help_text=MENTION_HELP)

    def __init__(self, *args, mention_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget = _body_widget(mention_url, rows=5)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the community's moderators see your report and your name."),
    )


class ReportDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("resolve", _("Resolve")), ("dismiss", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    hide_content = forms.BooleanField(label=_("Hide the reported content"), required=False)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class MoveForm(forms.Form):
    destination = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args, destinations, **kwargs):
        """destinations: [(community, [working groups])] the moderator may move to."""
        super().__init__(*args, **kwargs)
        choices = []
        for community, groups in destinations:
            options = [
                (f"c:{community.pk}", _("%(name)s (whole community)") % {"name": community.name})
            ]
            options += [(f"g:{group.pk}", f"{community.name} / {group.name}") for group in groups]
            choices.append((community.name, options))
        self.fields["destination"].choices = choices
        self.lookup = {
            **{f"c:{c.pk}": (c, None) for c, _groups in destinations},
            **{f"g:{g.pk}": (c, g) for c, groups in destinations for g in groups},
        }

    def target(self):
        return self.lookup[self.cleaned_data["destination"]]
