"""Forms for events. Date-times are typed as wall-clock time in a named time zone
(the organiser's for an event) and converted to UTC here; the services check again."""

from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Action, AgendaItem, Event, Rsvp
from .services import MAX_OCCURRENCES, local_to_utc, valid_time_zone

INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in available_timezones() if "/" in name or name == "UTC")
    return [(name, name.replace("_", " ")) for name in names]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=time_zone_choices, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not valid_time_zone(value):
            raise ValidationError(_("Choose a time zone from the list."), code="invalid")


class WallClockField(forms.Field):
    """A date and time as typed (naive); the form decides its time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": _("Enter a date and time, like 2026-03-10 18:30.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for pattern in INPUT_FORMATS:
            try:
                return datetime.strptime(str(value).strip(), pattern)
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def wall_clock(value: datetime, time_zone: str) -> str:
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%dT%H:%M")


class _ScheduleMixin:
    """Turns starts_at/ends_at (wall clock) into UTC using the time zone in use."""

    def _zone(self, cleaned) -> str | None:
        return cleaned.get("time_zone")

    def _to_utc(self, cleaned) -> None:
        zone = self._zone(cleaned)
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if zone and start and end:
            cleaned["starts_at"], cleaned["ends_at"] = (
                local_to_utc(start, zone),
                local_to_utc(end, zone),
            )
            if cleaned["ends_at"] <= cleaned["starts_at"]:
                self.add_error("ends_at", _("The end must be after the start."))


class EventForm(_ScheduleMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(
        label=_("About this event and its agenda"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Markdown: **bold**, lists, [links](https://…). Members can propose items too."
        ),
    )
    starts_at = WallClockField(label=_("Starts"))
    ends_at = WallClockField(label=_("Ends"))
    time_zone = TimeZoneField(help_text=_("The time zone the times above are in."))
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A room and address, or leave empty for online only."),
    )
    online_url = forms.URLField(
        label=_("Online meeting link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to signed-in people who can read this community."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty for no limit. Beyond it, people join a waiting list."),
    )
    recurrence = forms.ChoiceField(label=_("Repeats"), choices=Event.Recurrence.choices)
    repeat_until = forms.DateField(
        label=_("Last date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For a repeating event: the last date, or give a number of meetings."),
    )
    repeat_count = forms.IntegerField(
        label=_("Number of meetings"), min_value=1, max_value=MAX_OCCURRENCES, required=False
    )

    def __init__(self, *args, event: Event | None = None, time_zone: str | None = None, **kwargs):
        if event is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": event.title,
                    "agenda": event.agenda,
                    "starts_at": wall_clock(event.starts_at, event.time_zone),
                    "ends_at": wall_clock(event.ends_at, event.time_zone),
                    "time_zone": event.time_zone,
                    "place": event.place,
                    "online_url": event.online_url,
                    "capacity": event.capacity,
                    "recurrence": event.recurrence,
                    "repeat_until": event.repeat_until,
                    "repeat_count": event.repeat_count,
                },
            )
        else:
            kwargs.setdefault(
                "initial", {"time_zone": time_zone or settings.TIME_ZONE, "recurrence": "none"}
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self._to_utc(cleaned)
        repeats = cleaned.get("recurrence") not in (None, "", Event.Recurrence.NONE)
        if repeats and not cleaned.get("repeat_until") and not cleaned.get("repeat_count"):
            self.add_error(
                "repeat_until",
                _("Say when the meetings stop: a last date or a number of meetings."),
            )
        return cleaned


class OccurrenceForm(_ScheduleMixin, forms.Form):
    starts_at = WallClockField(label=_("Starts"))
    ends_at = WallClockField(label=_("Ends"))
    title_override = forms.CharField(
        label=_("Title for this meeting"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the event's title."),
    )
    place_override = forms.CharField(
        label=_("Place for this meeting"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the event's place."),
    )

    def __init__(self, *args, occurrence, **kwargs):
        self.time_zone = occurrence.event.time_zone
        kwargs.setdefault(
            "initial",
            {
                "starts_at": wall_clock(occurrence.starts_at, self.time_zone),
                "ends_at": wall_clock(occurrence.ends_at, self.time_zone),
                "title_override": occurrence.title_override,
                "place_override": occurrence.place_override,
            },
        )
        super().__init__(*args, **kwargs)
        help_text = _("In %(zone)s, the event's time zone.") % {"zone": self.time_zone}
        self.fields["starts_at"].help_text = help_text

    def _zone(self, cleaned):
        return self.time_zone

    def clean(self):
        cleaned = super().clean()
        self._to_utc(cleaned)
        return cleaned


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your reply"),
        choices=[
            (Rsvp.Response.GOING, _("Going")),
            (Rsvp.Response.MAYBE, _("Maybe")),
            (Rsvp.Response.NOT_GOING, _("Not going")),
        ],
    )


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "details"]
        labels = {"title": _("What would you like to discuss?"), "details": _("Details (optional)")}
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes and decisions"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown. Record what was decided; add actions below."),
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_on = forms.DateField(
        label=_("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    charter_aim = forms.CharField(
        label=Action._meta.get_field("charter_aim").verbose_name.capitalize(),
        max_length=200,
        required=False,
        help_text=Action._meta.get_field("charter_aim").help_text,
    )
    knowledge_url = forms.URLField(
        label=_("Related knowledge"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=Action._meta.get_field("knowledge_url").help_text,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        self.fields["owner"].label_from_instance = lambda person: person.name


class AttendanceForm(forms.Form):
    attendees = forms.MultipleChoiceField(
        label=_("Who came"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(str(person.pk), person.name) for person in members]

    def clean_attendees(self):
        return [int(value) for value in self.cleaned_data["attendees"]]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
