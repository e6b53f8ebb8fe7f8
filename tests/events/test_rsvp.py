"""Replies to a meeting, the waiting list and its promotion."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.events import services
from communities.events.models import Rsvp
from membership.models import Notification
from tests.factories import MembershipFactory

from .factories import make_event, meeting_of

Response = Rsvp.Response


def _members(community, n):
    return [MembershipFactory(community=community).user for _ in range(n)]


def test_at_capacity_going_joins_the_waiting_list_and_places_go_in_order(community, core):
    a, b, c, d = _members(community, 4)
    meeting = meeting_of(make_event(community, core, capacity=2))
    for person in (a, b, c, d):
        services.rsvp_set(occurrence=meeting, user=person, response="going")
    responses = dict(Rsvp.objects.values_list("user_id", "response"))
    assert responses == {a.pk: "going", b.pk: "going", c.pk: "waiting", d.pk: "waiting"}

    services.rsvp_set(occurrence=meeting, user=a, response="not_going")

    responses = dict(Rsvp.objects.values_list("user_id", "response"))
    assert responses == {a.pk: "not_going", b.pk: "going", c.pk: "going", d.pk: "waiting"}
    promoted = Notification.objects.get(kind=Notification.Kind.EVENT_CHANGED)
    assert promoted.recipient == c
    assert promoted.url == meeting.get_absolute_url()


def test_maybe_does_not_take_a_place(community, core):
    a, b = _members(community, 2)
    meeting = meeting_of(make_event(community, core, capacity=1))
    services.rsvp_set(occurrence=meeting, user=a, response="maybe")
    assert services.rsvp_set(occurrence=meeting, user=b, response="going").response == "going"


def test_more_places_promote_those_waiting(community, core):
    a, b = _members(community, 2)
    event = make_event(community, core, capacity=1)
    meeting = meeting_of(event)
    services.rsvp_set(occurrence=meeting, user=a, response="going")
    services.rsvp_set(occurrence=meeting, user=b, response="going")
    services.event_update(
        event=event,
        actor=core,
        title=event.title,
        agenda=event.agenda,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        capacity=2,
    )
    assert Rsvp.objects.get(user=b).response == "going"


def test_no_reply_to_a_cancelled_meeting(community, core, peripheral):
    meeting = meeting_of(make_event(community, core))
    services.occurrence_set_cancelled(occurrence=meeting, actor=core, cancelled=True)
    with pytest.raises(ValidationError):
        services.rsvp_set(occurrence=meeting, user=peripheral, response="going")


def _rsvp_url(community, meeting):
    return reverse("events:rsvp", args=[community.slug, meeting.event_id, meeting.pk])


def test_a_member_replies_without_javascript(client, community, core, peripheral):
    meeting = meeting_of(make_event(community, core))
    client.force_login(peripheral)
    response = client.post(_rsvp_url(community, meeting), {"response": "maybe"})
    assert response.status_code == 302
    assert Rsvp.objects.get(user=peripheral).response == "maybe"
    page = client.get(meeting.get_absolute_url())
    assert "Your reply:" in page.content.decode()


def test_a_member_replies_with_htmx_and_gets_the_fragment(client, community, core, peripheral):
    meeting = meeting_of(make_event(community, core))
    client.force_login(peripheral)
    response = client.post(
        _rsvp_url(community, meeting), {"response": "going"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="rsvp"')
    assert 'aria-live="polite"' in body and "<h1" not in body


def test_a_bad_reply_is_refused(client, community, core, peripheral):
    meeting = meeting_of(make_event(community, core))
    client.force_login(peripheral)
    response = client.post(
        _rsvp_url(community, meeting), {"response": "perhaps"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert not Rsvp.objects.exists()


def test_outsiders_cannot_reply(client, community, core, outsider):
    meeting = meeting_of(make_event(community, core))
    client.force_login(outsider)
    assert client.post(_rsvp_url(community, meeting), {"response": "going"}).status_code == 403


def test_who_is_going_is_shown_to_signed_in_readers_only(client, community, core, peripheral):
    peripheral.display_name = "Pat Going"
    peripheral.save(update_fields=["display_name"])
    meeting = meeting_of(make_event(community, core))
    services.rsvp_set(occurrence=meeting, user=peripheral, response="going")
    signed_out = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 going" in signed_out and peripheral.name not in signed_out
    client.force_login(core)
    assert peripheral.name in client.get(meeting.get_absolute_url()).content.decode()
