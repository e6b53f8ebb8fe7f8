"""Scheduling through the form: bad input answers 400 and keeps what was typed; times
are entered and shown in the right time zones."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from communities.events.models import Event
from communities.models import Activity
from membership.models import User

from .factories import make_event, meeting_of


def _body(**overrides):
    body = {
        "title": "Leaflet workshop",
        "agenda": "Bring drafts.",
        "starts_at": "2031-03-04T19:00",
        "ends_at": "2031-03-04T20:30",
        "time_zone": "America/Toronto",
        "place": "Room 2",
        "online_url": "",
        "capacity": "",
        "recurrence": "none",
        "repeat_until": "",
        "repeat_count": "",
    }
    body.update(overrides)
    return body


@pytest.fixture
def create_url(community):
    return reverse("events:create", args=[community.slug])


def test_an_active_member_schedules_an_event(client, active, community, create_url):
    client.force_login(active)
    response = client.post(create_url, _body(recurrence="monthly_weekday", repeat_count="3"))
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.starts_at == datetime(2031, 3, 5, 0, 0, tzinfo=UTC)  # 19:00 EST
    assert event.time_zone == "America/Toronto" and event.organiser == active
    assert event.occurrences.count() == 3
    activity = Activity.objects.get(verb=Activity.Verb.EVENT_SCHEDULED)
    assert activity.url == event.get_absolute_url()


@pytest.mark.parametrize(
    ("field", "value", "kept"),
    [
        ("ends_at", "2031-03-04T18:00", "2031-03-04T18:00"),
        ("time_zone", "Mars/Olympus_Mons", "Leaflet workshop"),
        ("online_url", "not a web address", "not a web address"),
        ("starts_at", "next tuesday", "next tuesday"),
        ("recurrence", "weekly", "Leaflet workshop"),
    ],
)
def test_bad_input_answers_400_and_keeps_it(client, active, create_url, field, value, kept):
    client.force_login(active)
    response = client.post(create_url, _body(**{field: value}))
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert kept in body and "Room 2" in body
    assert not Event.objects.exists()


def test_a_peripheral_member_may_not_schedule(client, peripheral, create_url):
    client.force_login(peripheral)
    assert client.get(create_url).status_code == 403


def test_the_edit_form_shows_the_organisers_wall_clock_time(client, community, active):
    event = make_event(
        community, active, starts_at=datetime(2031, 7, 1, 23, 0, tzinfo=UTC)
    )  # 19:00 in Toronto (EDT)
    client.force_login(active)
    body = client.get(reverse("events:edit", args=[community.slug, event.pk])).content.decode()
    assert 'value="2031-07-01T19:00"' in body


def test_times_show_in_the_viewers_time_zone_and_say_which(client, community, active, peripheral):
    meeting = meeting_of(
        make_event(community, active, starts_at=datetime(2031, 7, 1, 23, 0, tzinfo=UTC))
    )
    signed_out = client.get(meeting.get_absolute_url()).content.decode()
    assert "Tue 1 Jul 2031, 19:00" in signed_out and "America/Toronto" in signed_out

    User.objects.filter(pk=peripheral.pk).update(time_zone="Europe/London")
    client.force_login(peripheral)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Wed 2 Jul 2031, 00:00" in body
    assert "Times are shown in Europe/London." in body


def test_members_set_their_time_zone_on_their_profile(client, peripheral):
    client.force_login(peripheral)
    url = reverse("membership:profile_edit")
    form = {
        "display_name": "Pat",
        "stakeholder_type": "clinician",
        "organisation": "",
        "expertise": "",
        "bio": "",
    }
    bad = client.post(url, {**form, "time_zone": "Mars/Olympus_Mons"})
    assert bad.status_code == 400
    assert client.post(url, {**form, "time_zone": "Asia/Tokyo"}).status_code == 302
    peripheral.refresh_from_db()
    assert peripheral.time_zone == "Asia/Tokyo"
    # Left out of the form, the zone stays as it was.
    client.post(url, form)
    peripheral.refresh_from_db()
    assert peripheral.time_zone == "Asia/Tokyo"
