from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from membership import permissions

from . import search


class LongSelect(forms.Select):
    """A plain select whose options render inline (no template include per option)."""

    template_name = "knowledge/search/_long_select.html"


class _OfferedCommunities(ModelChoiceIterator):
    """The options: the field's `offered` communities and the one chosen, by name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        offered = list(self.field.offered)
        chosen = self.field.chosen
        if chosen is not None and chosen.pk not in {community.pk for community in offered}:
            offered = sorted([*offered, chosen], key=lambda community: community.name)
        for community in offered:
            yield self.choice(community)

    def __len__(self):
        return len(list(iter(self)))


class CommunityChoiceField(forms.ModelChoiceField):
    """Accepts any community of `queryset` but offers only `offered` (and the one
    chosen): a select of every readable community grows with the platform."""

    iterator = _OfferedCommunities

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = self.queryset
        self.chosen = None

    def clean(self, value):
        self.chosen = super().clean(value)
        return self.chosen


class SearchForm(forms.Form):
    """The search box and its filters. Any community the viewer may read can be
    searched (a community's own search box names it); the viewer's own communities
    are offered. Any other address fails as an unknown choice, like one that does not
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
    community = CommunityChoiceField(
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
        readable = permissions.communities_readable_by(user).only("pk", "slug", "name")
        community = self.fields["community"]
        community.queryset = readable
        # Their own communities, not the hundreds they may read: only what an option shows.
        community.offered = (readable & permissions.communities_involving(user)).order_by("name")
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
