"""The community directory's search, filters and sort order.

The FilterSet narrows a queryset it is given: the view passes
`selectors.community_directory(user=...)`, which already holds only what the viewer
may list, so nothing here decides access. A value that is not one of the choices is
an error beside its field, and the list is shown without that filter.
"""

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from . import selectors
from .models import Community

Visibility = Community.Visibility
LISTED_VISIBILITIES = [
    (Visibility.PUBLIC.value, _("Public")),
    (Visibility.PRIVATE.value, _("Private")),
]
SORT_BY_ACTIVITY = "activity"
SORT_BY_NAME = "name"


class CommunityDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search by name, purpose or topic"), method="search", max_length=100
    )
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), field_name="topics__name", empty_label=_("Any topic"), choices=[]
    )
    visibility = django_filters.ChoiceFilter(
        label=_("Who can read it"), choices=LISTED_VISIBILITIES, empty_label=_("Public or private")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Lifecycle stage"), choices=Community.Stage.choices, empty_label=_("Any stage")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="sort_by",
        empty_label=None,
        choices=[(SORT_BY_ACTIVITY, _("Recent activity")), (SORT_BY_NAME, _("Name, A to Z"))],
    )

    class Meta:
        model = Community
        fields = ["q", "topic", "visibility", "stage", "sort"]

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        # Only the topics of communities this viewer may list, so a hidden
        # community's topics never show in the menu. One query, made here once.
        self.filters["topic"].extra["choices"] = [
            (name, name)
            for name in Tag.objects.filter(community__in=queryset.values("pk"))
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        ]

    def search(self, queryset, name, value):
        return selectors.community_search(queryset, value.strip())

    def sort_by(self, queryset, name, value):
        # The order is applied in filter_queryset, so that it holds when no sort is asked for.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("sort") == SORT_BY_NAME:
            return queryset.order_by("name", "pk")
        # Never-active communities last on every database (PostgreSQL puts NULLs first).
        return queryset.order_by(F("last_activity_at").desc(nulls_last=True), "name", "pk")

    @property
    def is_filtered(self) -> bool:
        """Did the viewer narrow the list (sorting alone does not)?"""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(
            self.form.cleaned_data.get(name) for name in ("q", "topic", "visibility", "stage")
        )
