"""Permission matrix entries for the events URLs (see __init__.py).

The event is organised by the active member; the peripheral member proposed an agenda
item and owns an action. Its title, agenda, item, minutes and action carry the secret.
The calendar feed belongs to someone with no community: whoever holds the address
gets it, and it lists nothing of this community.
"""

from datetime import timedelta

from django.utils import timezone

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("events",)


def organiser_and_moderators(actor, visibility):
    """The active member organises; moderators (core, its facilitator, admins) too.
    Creating needs may_contribute: the same people."""
    if actor == E.ANON:
        return E.LOGIN
    if actor in {E.ACTIVE, E.CORE, E.FAC_THIS, E.ADMIN}:
        return E.OK
    return E._unknown_or(actor, visibility, E.FORBIDDEN)


EXPECTED: dict = {
    "events:list": E.readers_only,
    "events:create": organiser_and_moderators,
    "events:detail": E.readers_only,
    "events:edit": organiser_and_moderators,
    "events:cancel": organiser_and_moderators,
    "events:event_ics": E.readers_only,
    "events:occurrence": E.readers_only,
    "events:occurrence_edit": organiser_and_moderators,
    "events:occurrence_cancel": organiser_and_moderators,
    "events:rsvp": E.members_and_managers,
    "events:occurrence_ics": E.readers_only,
    "events:agenda_propose": E.members_and_managers,
    "events:agenda_decide": organiser_and_moderators,
    "events:agenda_move": organiser_and_moderators,
    "events:attendance": organiser_and_moderators,
    "events:minutes": organiser_and_moderators,
    "events:action_create": organiser_and_moderators,
    # The action's owner (peripheral), the organiser and moderators.
    "events:action_status": E.members_and_managers,
    "events:calendar_settings": E.signed_in,
    "events:calendar_regenerate": E.signed_in,
    "events:calendar_revoke": E.signed_in,
    "events:calendar_feed": E.anyone,
}

_EVENT_BODY = {
    "title": "Quarterly review",
    "agenda": "",
    "starts_at": "2030-05-01T10:00",
    "ends_at": "2030-05-01T11:00",
    "time_zone": "America/Toronto",
    "recurrence": "none",
}
POSTS: dict = {
    "events:create": _EVENT_BODY,
    "events:edit": _EVENT_BODY,
    "events:cancel": {},
    "events:occurrence_edit": {"starts_at": "2030-06-01T10:00", "ends_at": "2030-06-01T11:00"},
    "events:occurrence_cancel": {"cancelled": "1"},
    "events:rsvp": {"response": "going"},
    "events:agenda_propose": {"title": "Budget", "details": ""},
    "events:agenda_decide": {"decision": "accept"},
    "events:agenda_move": {"direction": "up"},
    "events:attendance": {},
    "events:minutes": {"minutes": "Agreed the leaflet."},
    "events:action_status": {"status": "done"},
    "events:calendar_regenerate": {},
    "events:calendar_revoke": {},
}


def build(world) -> dict:
    from communities.events import services
    from tests.factories import UserFactory
    from tests.permissions.test_matrix import SECRET

    organiser = world.actors[E.ACTIVE]
    start = timezone.now() + timedelta(days=3)
    event = services.event_create(
        community=world.community,
        organiser=organiser,
        title=f"Huddle {SECRET}",
        agenda=f"We will discuss {SECRET}.",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="America/Toronto",
        online_url="https://meet.example.org/huddle",
        capacity=5,
    )
    occurrence = event.occurrences.get()
    item = services.agenda_item_propose(
        occurrence=occurrence, user=world.actors[E.PERIPHERAL], title=f"Item {SECRET}"
    )
    services.minutes_save(occurrence=occurrence, actor=organiser, minutes=f"Decided {SECRET}")
    action = services.action_create(
        occurrence=occurrence,
        actor=organiser,
        title=f"Action {SECRET}",
        owner=world.actors[E.PERIPHERAL],
    )
    feed = services.calendar_feed_regenerate(user=UserFactory())
    return {
        "event_id": event.pk,
        "occurrence_id": occurrence.pk,
        "agenda_item_id": item.pk,
        "meeting_action_id": action.pk,
        "feed_token": feed.token,
    }
