from django.urls import path

from . import views

app_name = "events"

EVENT = "c/<slug:slug>/events/<int:event_id>/"
MEETING = EVENT + "meetings/<int:occurrence_id>/"

urlpatterns = [
    path("c/<slug:slug>/events/", views.event_list, name="list"),
    path("c/<slug:slug>/events/new/", views.event_create, name="create"),
    path(EVENT, views.event_detail, name="detail"),
    path(EVENT + "edit/", views.event_edit, name="edit"),
    path(EVENT + "cancel/", views.event_cancel, name="cancel"),
    path(EVENT + "calendar.ics", views.event_ics, name="event_ics"),
    path(MEETING, views.occurrence_detail, name="occurrence"),
    path(MEETING + "edit/", views.occurrence_edit, name="occurrence_edit"),
    path(MEETING + "cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path(MEETING + "reply/", views.rsvp, name="rsvp"),
    path(MEETING + "calendar.ics", views.occurrence_ics, name="occurrence_ics"),
    path(MEETING + "agenda/", views.agenda_propose, name="agenda_propose"),
    path(
        MEETING + "agenda/<int:agenda_item_id>/decide/", views.agenda_decide, name="agenda_decide"
    ),
    path(MEETING + "agenda/<int:agenda_item_id>/move/", views.agenda_move, name="agenda_move"),
    path(MEETING + "attendance/", views.attendance, name="attendance"),
    path(MEETING + "minutes/", views.minutes, name="minutes"),
    path(MEETING + "actions/new/", views.action_create, name="action_create"),
    path(
        "c/<slug:slug>/actions/<int:meeting_action_id>/status/",
        views.action_status,
        name="action_status",
    ),
    path("me/calendar/", views.calendar_settings, name="calendar_settings"),
    path("me/calendar/new-address/", views.calendar_regenerate, name="calendar_regenerate"),
    path("me/calendar/turn-off/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:feed_token>.ics", views.calendar_feed, name="calendar_feed"),
]
