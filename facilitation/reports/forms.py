"""The report's filters, read from the query string so a filtered report's address
can be shared. Choices come from selectors.filter_options (communities and topics the
viewer may name), so a hidden community can't be chosen or guessed."""

from datetime import date, timedelta
from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .selectors import FilterOptions, ReportFilters

# Longer ranges make a monthly chart unreadable and the report slow.
MAX_RANGE_DAYS = 5 * 366
DEFAULT_MONTHS = 12


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, whole months, ending today."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _month in range(DEFAULT_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class JoinedSelect(forms.Select):
    """A <select> written by joining strings. Django renders every option through a
    template: for the community filter (every community the viewer may name, 500 at
    the benchmark's M) that took a quarter of a second, more than the report's
    tables."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return SafeString(f"<select{flatatt(final)}>{options}</select>")


class Pairs(BaseChoiceIterator):
    """Choices given as (value, label) pairs already. Django normalises a list of
    choices pair by pair, for the field and again for its widget, on every form:
    for the community filter (hundreds of options) that was most of the form's time.
    A choice iterator is taken as it is."""

    def __init__(self, pairs: list[tuple]):
        self.pairs = pairs
        self.values = {str(value) for value, _label in pairs}

    def __iter__(self):
        return iter(self.pairs)


class ManyChoiceField(forms.ChoiceField):
    """A choice field over many Pairs: the value is looked up, not searched for."""

    def valid_value(self, value):
        if not isinstance(self.choices, Pairs):
            return super().valid_value(value)
        return str(value) in self.choices.values


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    priority = forms.TypedChoiceField(
        label=_("Strategic priority"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=JoinedSelect,
    )
    topic = ManyChoiceField(label=_("Topic"), required=False, widget=JoinedSelect)
    community = ManyChoiceField(label=_("Community"), required=False, widget=JoinedSelect)

    def __init__(self, data, *, options: FilterOptions, asked=None):
        """`data` with the default dates filled in; `asked` what the viewer typed."""
        super().__init__(data)
        self.asked = data if asked is None else asked
        self.fields["priority"].choices = [("", _("Any priority")), *options.priorities]
        self.fields["topic"].choices = Pairs(
            [("", _("Any topic"))] + [(t, t) for t in options.topics]
        )
        self.fields["community"].choices = Pairs(
            [("", _("All communities"))] + [(c.slug, c.name) for c in options.communities]
        )

    def clean(self):
        cleaned = super().clean()
        default_from, default_to = default_range()
        if self.errors:
            return cleaned
        date_from = cleaned.get("date_from") or default_from
        date_to = cleaned.get("date_to") or max(default_to, date_from)
        if date_to < date_from:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        elif (date_to - date_from).days > MAX_RANGE_DAYS:
            self.add_error("date_to", _("Choose a period of at most five years."))
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned

    def filters(self) -> ReportFilters:
        """Call after is_valid()."""
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            priority_id=data.get("priority"),
            topic=data.get("topic") or "",
            community_slug=data.get("community") or "",
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.asked.get(name) for name in self.fields)
