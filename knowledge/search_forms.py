from django import forms
from django.utils.translation import gettext_lazy as _

from membership import permissions

from . import search


class LongSelect(forms.Select):
    """A plain select whose options render inline (no template include per option)."""

    template_name = "knowledge/search/_long_select.html"


class SearchForm(forms.Form):
    """The search box and its filters. Only communities the viewer may read are
    offered; any other address fails as an unknown choice, like one that does not
    exist, so the answer never tells them apart."""

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("Search for fewer words: at most %(limit_value)d characters.")
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("All communities you can read"),
        widget=LongSelect,
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=100)
    stage = forms.ChoiceField(label=_("Learning-cycle stage"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Hundreds of options on a large platform: only what an option shows.
        self.fields["community"].queryset = (
            permissions.communities_readable_by(user).only("pk", "slug", "name").order_by("name")
        )
        self.fields["kind"].choices = [("", _("Everything")), *search.kind_choices()]
        honoured = search.honoured_filters()
        if "topic" not in honoured:
            del self.fields["topic"]
        if "stage" in honoured:
            self.fields["stage"].choices = [("", _("Any stage")), *search.stage_choices()]
        else:
            del self.fields["stage"]

    def filters(self) -> search.SearchFilters:
        data = self.cleaned_data
        return search.SearchFilters(
            community=data.get("community"),
            kind=data.get("kind") or "",
            topic=(data.get("topic") or "").strip(),
            stage=data.get("stage") or "",
        )
