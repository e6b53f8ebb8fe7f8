"""Pages for meetings and events: a community's events, an event and its meetings,
one meeting (replies, agenda, minutes, actions, attendance), calendar exports and the
private calendar feed.

Each view parses, asks membership.permissions through one access helper, calls a
service or selector, and renders or redirects. Someone who may not know the community
exists gets 404; someone who may read it but not do this gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copplatform.htmx import render_page_or_fragment, wants_fragment
from copplatform.markdown import render_markdown
from membership import permissions

from . import selectors, services
from .forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    AttendanceForm,
    EventForm,
    MinutesForm,
    OccurrenceForm,
    RsvpForm,
)
from .ics import build_calendar, ics_response
from .models import Action, AgendaItem, Event

# --- access helpers -----------------------------------------------------------


def _readable_community(request, slug):
    return permissions.access_community(request.user, slug, require=permissions.may_read_community)


def _event(request, slug, event_id, *, require=None) -> Event:
    """The event in a community the user may read (404 otherwise); 403 if `require`
    (a may_* question about the event) says no."""
    community = _readable_community(request, slug)
    event = selectors.event_for_page(community=community, event_id=event_id)
    if event is None:
        raise Http404
    if require is not None and not require(request.user, event):
        raise PermissionDenied
    return event


def _occurrence(request, slug, event_id, occurrence_id, *, require=None):
    event = _event(request, slug, event_id, require=require)
    occurrence = selectors.occurrence_for_page(event=event, occurrence_id=occurrence_id)
    if occurrence is None:
        raise Http404
    return event, occurrence


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _status(request, *forms) -> int:
    return 400 if request.method == "POST" and any(f.errors for f in forms if f) else 200


# --- lists and event pages ---------------------------------------------------------


def event_list(request, slug):
    community = _readable_community(request, slug)
    context = {
        "community": community,
        **selectors.community_meetings(community=community),
        "may_create": permissions.may_create_event(request.user, community),
    }
    return render(request, "communities/events/event_list.html", context)


@login_required
def event_create(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_create_event
    )
    form = EventForm(request.POST or None, time_zone=request.user.time_zone)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                community=community, organiser=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The event is scheduled."))
            return redirect(event.get_absolute_url())
    return render(
        request,
        "communities/events/event_form.html",
        {"community": community, "form": form, "event": None},
        status=_status(request, form),
    )


def event_detail(request, slug, event_id):
    event = _event(request, slug, event_id)
    user = request.user
    context = {
        "community": event.community,
        "event": event,
        "meetings": selectors.event_meetings(event=event),
        "agenda_html": render_markdown(event.agenda),
        "may_manage": permissions.may_manage_event(user, event),
        "may_see_link": permissions.may_see_event_link(user, event),
    }
    return render(request, "communities/events/event_detail.html", context)


@login_required
def event_edit(request, slug, event_id):
    event = _event(request, slug, event_id, require=permissions.may_manage_event)
    if event.is_cancelled:
        messages.info(request, _("This event is cancelled and can no longer be changed."))
        return redirect(event.get_absolute_url())
    form = EventForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("The event is saved. Those who replied are told of changes.")
            )
            return redirect(event.get_absolute_url())
    return render(
        request,
        "communities/events/event_form.html",
        {"community": event.community, "form": form, "event": event},
        status=_status(request, form),
    )


@login_required
@require_POST
def event_cancel(request, slug, event_id):
    event = _event(request, slug, event_id, require=permissions.may_manage_event)
    services.event_cancel(event=event, actor=request.user)
    messages.success(request, _("The event is cancelled. Those who replied have been told."))
    return redirect(event.get_absolute_url())


def _ics_filename(title: str) -> str:
    return f"{slugify(title)[:60] or 'event'}.ics"


def event_ics(request, slug, event_id):
    event = _event(request, slug, event_id)
    content = build_calendar(
        selectors.occurrences_for_event_export(event=event),
        name=event.title,
        include_links=permissions.may_see_event_link(request.user, event),
    )
    return ics_response(content, filename=_ics_filename(event.title))


# --- one meeting ------------------------------------------------------------------------


def _render_meeting(request, event, occurrence, *, agenda_form=None, status=200):
    user = request.user
    may_rsvp = permissions.may_rsvp(user, event)
    details = selectors.meeting_details(occurrence=occurrence, viewer=user)
    context = {
        "community": event.community,
        "event": event,
        "occurrence": occurrence,
        **details,
        "may_manage": permissions.may_manage_event(user, event),
        "may_rsvp": may_rsvp and not occurrence.is_off,
        "may_propose": permissions.may_propose_agenda_item(user, event) and not occurrence.is_off,
        "may_see_link": permissions.may_see_event_link(user, event),
        "may_see_people": permissions.may_see_members(user, event.community),
        "rsvp_form": RsvpForm(
            initial={"response": details["my_rsvp"].response if details["my_rsvp"] else None}
        ),
        "agenda_form": agenda_form or AgendaItemForm(),
        "capacity_left": _capacity_left(event, details),
    }
    return render(request, "communities/events/occurrence_detail.html", context, status=status)


def _capacity_left(event, details):
    if event.capacity is None:
        return None
    return max(event.capacity - len(details["rsvps"]["going"]), 0)


def occurrence_detail(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(request, slug, event_id, occurrence_id)
    return _render_meeting(request, event, occurrence)


@login_required
def occurrence_edit(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_manage_event
    )
    if event.is_cancelled:
        messages.info(request, _("This event is cancelled and can no longer be changed."))
        return redirect(occurrence.get_absolute_url())
    form = OccurrenceForm(request.POST or None, occurrence=occurrence)
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_update(
                occurrence=occurrence, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("This meeting is saved."))
            return redirect(occurrence.get_absolute_url())
    context = {"community": event.community, "event": event, "occurrence": occurrence, "form": form}
    return render(
        request, "communities/events/occurrence_form.html", context, status=_status(request, form)
    )


@login_required
@require_POST
def occurrence_cancel(request, slug, event_id, occurrence_id):
    _event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_manage_event
    )
    cancelled = request.POST.get("cancelled", "1") != "0"
    services.occurrence_set_cancelled(
        occurrence=occurrence, actor=request.user, cancelled=cancelled
    )
    if cancelled:
        messages.success(request, _("This meeting is cancelled. Those who replied have been told."))
    else:
        messages.success(request, _("This meeting is on again."))
    return redirect(occurrence.get_absolute_url())


@login_required
@require_POST
def rsvp(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_rsvp
    )
    form = RsvpForm(request.POST)
    problem = None
    if form.is_valid():
        try:
            services.rsvp_set(
                occurrence=occurrence, user=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
    else:
        problem = _("Choose going, maybe or not going.")
    if wants_fragment(request):
        details = selectors.meeting_details(occurrence=occurrence, viewer=request.user)
        context = {
            "event": event,
            "occurrence": occurrence,
            **details,
            "may_rsvp": True,
            "may_see_people": permissions.may_see_members(request.user, event.community),
            "rsvp_problem": problem,
            "rsvp_form": RsvpForm(
                initial={"response": details["my_rsvp"].response if details["my_rsvp"] else None}
            ),
            "capacity_left": _capacity_left(event, details),
        }
        return render_page_or_fragment(
            request,
            "communities/events/occurrence_detail.html",
            "communities/events/_rsvp_fragment.html",
            context,
            status=400 if problem else 200,
        )
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("Your reply is saved."))
    return redirect(occurrence.get_absolute_url())


def occurrence_ics(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(request, slug, event_id, occurrence_id)
    content = build_calendar(
        [occurrence],
        name=occurrence.title,
        include_links=permissions.may_see_event_link(request.user, event),
    )
    filename = _ics_filename(f"{occurrence.title}-{occurrence.starts_at:%Y-%m-%d}")
    return ics_response(content, filename=filename)


# --- the co-produced agenda ----------------------------------------------------------------


@login_required
@require_POST
def agenda_propose(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_propose_agenda_item
    )
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_propose(
                occurrence=occurrence, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Thank you. The organiser will look at your item."))
            return redirect(occurrence.get_absolute_url() + "#agenda-title")
    return _render_meeting(request, event, occurrence, agenda_form=form, status=400)


def _agenda_item(occurrence, item_id) -> AgendaItem:
    item = occurrence.agenda_items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_POST
def agenda_decide(request, slug, event_id, occurrence_id, agenda_item_id):
    _event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_manage_event
    )
    item = _agenda_item(occurrence, agenda_item_id)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or decline the item."))
    else:
        services.agenda_item_decide(item=item, actor=request.user, accept=decision == "accept")
    return redirect(occurrence.get_absolute_url() + "#agenda-title")


@login_required
@require_POST
def agenda_move(request, slug, event_id, occurrence_id, agenda_item_id):
    _event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_manage_event
    )
    item = _agenda_item(occurrence, agenda_item_id)
    try:
        services.agenda_item_move(
            item=item, actor=request.user, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(occurrence.get_absolute_url() + "#agenda-title")


# --- after the meeting ------------------------------------------------------------------------


@login_required
def attendance(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_manage_event
    )
    members = list(selectors.community_members(community=event.community))
    form = AttendanceForm(
        request.POST or None,
        members=members,
        initial={"attendees": [str(pk) for pk in selectors.attended_ids(occurrence=occurrence)]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(
                occurrence=occurrence, actor=request.user, user_ids=form.cleaned_data["attendees"]
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Attendance is recorded: %(count)s.") % {"count": count})
            return redirect(occurrence.get_absolute_url())
    context = {"community": event.community, "event": event, "occurrence": occurrence, "form": form}
    return render(
        request, "communities/events/attendance.html", context, status=_status(request, form)
    )


@login_required
def minutes(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_manage_event
    )
    form = MinutesForm(request.POST or None, initial={"minutes": occurrence.minutes})
    if request.method == "POST" and form.is_valid():
        services.minutes_save(
            occurrence=occurrence, actor=request.user, minutes=form.cleaned_data["minutes"]
        )
        messages.success(request, _("The minutes are saved."))
        return redirect(occurrence.get_absolute_url() + "#minutes-title")
    context = {"community": event.community, "event": event, "occurrence": occurrence, "form": form}
    return render(
        request, "communities/events/minutes_form.html", context, status=_status(request, form)
    )


@login_required
def action_create(request, slug, event_id, occurrence_id):
    event, occurrence = _occurrence(
        request, slug, event_id, occurrence_id, require=permissions.may_manage_event
    )
    form = ActionForm(
        request.POST or None, members=selectors.community_members(community=event.community)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(occurrence=occurrence, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The action is recorded and its owner told."))
            return redirect(occurrence.get_absolute_url() + "#actions-title")
    context = {"community": event.community, "event": event, "occurrence": occurrence, "form": form}
    return render(
        request, "communities/events/action_form.html", context, status=_status(request, form)
    )


@login_required
@require_POST
def action_status(request, slug, meeting_action_id):
    community = _readable_community(request, slug)
    action = (
        Action.objects.select_related("community", "occurrence__event__community")
        .filter(community=community, pk=meeting_action_id)
        .first()
    )
    if action is None:
        raise Http404
    if not permissions.may_update_action(request.user, action):
        raise PermissionDenied
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_set_status(
            action=action, actor=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The action is updated."))
    else:
        messages.error(request, _("Choose open, done or dropped."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(action.occurrence.get_absolute_url() + "#actions-title")


# --- the private calendar feed ------------------------------------------------------------------


@login_required
def calendar_settings(request):
    feed = selectors.feed_for_user(user=request.user)
    feed_url = (
        request.build_absolute_uri(reverse("events:calendar_feed", args=[feed.token]))
        if feed
        else None
    )
    return render(request, "communities/events/calendar_settings.html", {"feed_url": feed_url})


@login_required
@require_POST
def calendar_regenerate(request):
    services.calendar_feed_regenerate(user=request.user)
    messages.success(
        request, _("Your calendar has a new private address. The old one no longer works.")
    )
    return redirect("events:calendar_settings")


@login_required
@require_POST
def calendar_revoke(request):
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("Your private calendar address is turned off."))
    return redirect("events:calendar_settings")


def calendar_feed(request, feed_token):
    """For calendar apps: no session; the token is the key. Unknown or revoked: 404."""
    feed = selectors.feed_of(token=feed_token)
    if feed is None:
        raise Http404
    content = build_calendar(
        selectors.occurrences_for_feed(user=feed.user),
        name=_("My community events"),
        include_links=True,
    )
    return ics_response(content, filename="my-events.ics", download=False)
