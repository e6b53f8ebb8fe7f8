"""Changing or cancelling one meeting or a whole series, and who is told."""

from datetime import timedelta

from django.urls import reverse

from communities.events import services
from communities.events.models import Rsvp
from membership.models import Notification
from membership.services import membership_leave
from tests.factories import MembershipFactory

from .factories import make_event, meeting_of

Kind = Notification.Kind


def _replied(meeting, **people):
    for response, person in people.items():
        services.rsvp_set(occurrence=meeting, user=person, response=response)


def test_moving_one_meeting_leaves_the_others_and_tells_those_who_replied(
    community, core, peripheral, active
):
    event = make_event(community, core, recurrence="weekly", repeat_count=3)
    second = meeting_of(event, 1)
    third_before = meeting_of(event, 2).starts_at
    _replied(second, going=peripheral, not_going=active)

    services.occurrence_update(
        occurrence=second,
        actor=core,
        starts_at=second.starts_at + timedelta(hours=2),
        ends_at=second.ends_at + timedelta(hours=2),
        place_override="Room 4",
    )

    assert meeting_of(event, 2).starts_at == third_before
    assert meeting_of(event, 1).place == "Room 4"
    told = Notification.objects.filter(kind=Kind.EVENT_CHANGED)
    assert list(told.values_list("recipient", flat=True)) == [peripheral.pk]
    assert told.get().url == second.get_absolute_url()


def test_cancelling_one_meeting_tells_going_and_maybe(
    community, core, peripheral, active, outsider
):
    event = make_event(community, core, recurrence="weekly", repeat_count=2)
    first = meeting_of(event)
    _replied(first, going=peripheral, maybe=active)

    services.occurrence_set_cancelled(occurrence=first, actor=core, cancelled=True)

    first.refresh_from_db()
    assert first.is_cancelled and not meeting_of(event, 1).is_cancelled
    recipients = set(
        Notification.objects.filter(kind=Kind.EVENT_CHANGED).values_list("recipient", flat=True)
    )
    assert recipients == {peripheral.pk, active.pk}


def test_a_new_series_time_moves_upcoming_meetings_and_keeps_replies(community, core, peripheral):
    event = make_event(community, core, recurrence="weekly", repeat_count=3)
    first = meeting_of(event)
    _replied(first, going=peripheral)
    later = event.starts_at + timedelta(hours=1)

    services.event_update(
        event=event,
        actor=core,
        title=event.title,
        agenda=event.agenda,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        time_zone=event.time_zone,
        recurrence="weekly",
        repeat_count=2,
    )

    assert list(event.occurrences.values_list("starts_at", flat=True)) == [
        later,
        later + timedelta(days=7),
    ]
    assert Rsvp.objects.get(user=peripheral).occurrence_id == first.pk
    assert Notification.objects.filter(kind=Kind.EVENT_CHANGED, recipient=peripheral).exists()


def test_cancelling_the_event_tells_everyone_who_replied(community, core, peripheral):
    event = make_event(community, core)
    _replied(meeting_of(event), going=peripheral)
    services.event_cancel(event=event, actor=core)
    event.refresh_from_db()
    assert event.is_cancelled
    assert Notification.objects.get(kind=Kind.EVENT_CHANGED).recipient == peripheral


def test_someone_who_left_a_private_community_is_not_told(
    private_community, private_member, client
):
    organiser = MembershipFactory(community=private_community, level="core").user
    event = make_event(private_community, organiser)
    _replied(meeting_of(event), going=private_member)
    membership_leave(user=private_member, community=private_community)
    services.event_cancel(event=event, actor=organiser)
    assert not Notification.objects.filter(recipient=private_member).exists()


def test_the_organiser_changes_one_meeting_through_the_form(client, community, active, peripheral):
    event = make_event(community, active, recurrence="weekly", repeat_count=2)
    meeting = meeting_of(event)
    client.force_login(active)
    url = reverse("events:occurrence_edit", args=[community.slug, event.pk, meeting.pk])
    response = client.post(
        url,
        {
            "starts_at": "2031-02-03T18:00",
            "ends_at": "2031-02-03T19:30",
            "title_override": "Special session",
            "place_override": "",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Special session"
    assert meeting.starts_at.isoformat() == "2031-02-03T23:00:00+00:00"  # Toronto, EST

    client.force_login(peripheral)
    assert client.post(url, {}).status_code == 403


def test_a_new_place_for_the_series_tells_those_who_replied(community, core, peripheral):
    event = make_event(community, core, recurrence="weekly", repeat_count=2, place="Room 1")
    _replied(meeting_of(event, 1), maybe=peripheral)
    services.event_update(
        event=event,
        actor=core,
        title=event.title,
        agenda=event.agenda,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        place="Room 9",
        recurrence="weekly",
        repeat_count=2,
    )
    told = Notification.objects.get(kind=Kind.EVENT_CHANGED)
    assert told.recipient == peripheral and "Changed" in told.title
