"""Reads for events, with their related rows loaded so pages cost a fixed number of
queries whatever the number of meetings, replies or items."""

from collections import Counter
from datetime import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from copplatform.markdown import render_markdown
from membership import permissions
from membership.models import User

from .models import Action, AgendaItem, Attendance, CalendarFeed, Event, EventOccurrence, Rsvp

UPCOMING_LIMIT = 50
PAST_LIMIT = 20
HOME_ACTIONS_LIMIT = 10
FEED_PAST_DAYS = 90

Response = Rsvp.Response


def _responses(response: str) -> Subquery:
    return Subquery(
        Rsvp.objects.filter(occurrence=OuterRef("pk"), response=response)
        .order_by()
        .values("occurrence")
        .annotate(n=Count("pk"))
        .values("n")
    )


def _with_counts(occurrences: QuerySet) -> QuerySet:
    # One subquery per row shown, not a join grouped over every meeting in the
    # community's history: PostgreSQL evaluates them after the LIMIT, so a list's
    # cost does not grow with the years of past meetings behind it.
    return occurrences.select_related("event__community").annotate(
        going_count=Coalesce(_responses(Response.GOING), 0),
        waiting_count=Coalesce(_responses(Response.WAITING), 0),
    )


def community_meetings(*, community, now: datetime | None = None) -> dict:
    """Upcoming meetings (soonest first) and recent past ones (latest first)."""
    now = now or timezone.now()
    base = _with_counts(EventOccurrence.objects.filter(event__community=community))
    upcoming = base.filter(ends_at__gt=now).order_by("starts_at", "pk")[:UPCOMING_LIMIT]
    past = base.filter(ends_at__lte=now).order_by("-starts_at", "-pk")[:PAST_LIMIT]
    return {"upcoming": list(upcoming), "past": list(past)}


def event_for_page(*, community, event_id: int) -> Event | None:
    return (
        Event.objects.filter(community=community, pk=event_id)
        .select_related("community", "organiser")
        .first()
    )


def event_meetings(*, event: Event) -> list[EventOccurrence]:
    return list(_with_counts(event.occurrences.all()).order_by("starts_at", "pk"))


def occurrence_for_page(*, event: Event, occurrence_id: int) -> EventOccurrence | None:
    occurrence = event.occurrences.filter(pk=occurrence_id).first()
    if occurrence is not None:
        occurrence.event = event  # already loaded with its community
    return occurrence


def meeting_details(*, occurrence: EventOccurrence, viewer) -> dict:
    """Everything the meeting page shows, in a fixed number of queries."""
    rsvps = list(
        occurrence.rsvps.select_related("user").order_by("waiting_since", "created_at", "pk")
    )
    by_response: dict[str, list[Rsvp]] = {value: [] for value in Response.values}
    mine = None
    for rsvp in rsvps:
        by_response[rsvp.response].append(rsvp)
        if viewer.is_authenticated and rsvp.user_id == viewer.pk:
            mine = rsvp
    items = list(occurrence.agenda_items.select_related("proposed_by"))
    for item in items:
        item.details_html = render_markdown(item.details)
    accepted = sorted(
        (item for item in items if item.status == AgendaItem.Status.ACCEPTED),
        key=lambda item: (item.position, item.created_at, item.pk),
    )
    waiting_position = None
    if mine is not None and mine.response == Response.WAITING:
        waiting_position = by_response[Response.WAITING].index(mine) + 1
    return {
        "agenda_html": render_markdown(occurrence.event.agenda),
        "minutes_html": render_markdown(occurrence.minutes),
        "rsvps": by_response,
        "my_rsvp": mine,
        "waiting_position": waiting_position,
        "accepted_items": accepted,
        "proposed_items": [item for item in items if item.status == AgendaItem.Status.PROPOSED],
        "declined_items": [item for item in items if item.status == AgendaItem.Status.DECLINED],
        "actions": with_update_rights(
            list(occurrence.actions.select_related("owner", "community").order_by("due_on", "pk")),
            viewer=viewer,
            occurrence=occurrence,
        ),
        "attendees": [
            row.user
            for row in occurrence.attendances.select_related("user").order_by("user__display_name")
        ],
    }


def with_update_rights(actions: list[Action], *, viewer, occurrence=None) -> list[Action]:
    """Mark each action with whether the viewer may change its status."""
    permissions.prefetch_for(viewer, list({action.community for action in actions}))
    for action in actions:
        if occurrence is not None:
            action.occurrence = occurrence
        action.may_update = permissions.may_update_action(viewer, action)
    return actions


def community_members(*, community) -> QuerySet[User]:
    return User.objects.filter(memberships__community=community, is_active=True).order_by(
        "display_name", "pk"
    )


def attended_ids(*, occurrence: EventOccurrence) -> list[int]:
    return list(occurrence.attendances.values_list("user_id", flat=True))


def _open_actions() -> QuerySet[Action]:
    return Action.objects.filter(status=Action.Status.OPEN).select_related(
        "owner", "community", "occurrence__event__community"
    )


def open_actions_for_community(*, community, viewer) -> list[Action]:
    """The community's open actions (for its home page, shown to its readers)."""
    actions = _open_actions().filter(community=community).order_by("due_on", "pk")
    return with_update_rights(list(actions[:HOME_ACTIONS_LIMIT]), viewer=viewer)


def open_actions_for_owner(*, user) -> list[Action]:
    """The person's open actions, in communities they may still read."""
    if not user.is_authenticated:
        return []
    actions = (
        _open_actions()
        .filter(owner=user, community__in=permissions.communities_readable_by(user))
        .order_by("due_on", "pk")
    )
    return with_update_rights(list(actions[:HOME_ACTIONS_LIMIT]), viewer=user)


def upcoming_for_user(
    *, user, now: datetime | None = None, limit: int = 5
) -> list[EventOccurrence]:
    """My next meetings: those I replied going or maybe to, that I may still read."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    return list(
        EventOccurrence.objects.filter(
            ends_at__gt=now,
            is_cancelled=False,
            event__cancelled_at=None,
            event__in=permissions.events_readable_by(user),
            rsvps__user=user,
            rsvps__response__in=[Response.GOING, Response.WAITING, Response.MAYBE],
        )
        .select_related("event__community")
        .order_by("starts_at", "pk")[:limit]
    )


def occurrences_for_event_export(*, event: Event) -> QuerySet[EventOccurrence]:
    return event.occurrences.select_related("event__community").order_by("starts_at", "pk")


def feed_of(*, token: str) -> CalendarFeed | None:
    if not token:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def occurrences_for_feed(*, user, now: datetime | None = None) -> QuerySet[EventOccurrence]:
    """The member's private feed: meetings of events they may read in their own
    communities, asked of the permission authority at every fetch."""
    now = now or timezone.now()
    return (
        EventOccurrence.objects.filter(
            event__in=permissions.events_for_calendar_feed(user),
            starts_at__gte=now - timezone.timedelta(days=FEED_PAST_DAYS),
        )
        .select_related("event__community")
        .order_by("starts_at", "pk")
    )


def attendance_by_member(community, since: datetime) -> dict[int, int]:
    """Engagement source: meetings attended in the community since a moment."""
    rows = (
        Attendance.objects.filter(
            occurrence__event__community=community, occurrence__starts_at__gte=since
        )
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    return dict(Counter({row["user_id"]: row["n"] for row in rows}))


def feed_for_user(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


HOME_MEETINGS_LIMIT = 3


def community_home_block(*, community, viewer) -> dict:
    """What a community's home shows of its events (call only for its readers)."""
    now = timezone.now()
    upcoming = (
        EventOccurrence.objects.filter(event__community=community, ends_at__gt=now)
        .select_related("event__community")
        .order_by("starts_at", "pk")[:HOME_MEETINGS_LIMIT]
    )
    return {
        "upcoming": list(upcoming),
        "open_actions": open_actions_for_community(community=community, viewer=viewer),
        "may_create": permissions.may_create_event(viewer, community),
    }


def home_block(*, user) -> dict:
    """The signed-in home page: my next meetings and my open actions."""
    return {
        "upcoming": upcoming_for_user(user=user),
        "open_actions": open_actions_for_owner(user=user),
    }
