"""Calendar exports: .ics downloads and the private per-member feed."""

from django.urls import reverse
from icalendar import Calendar

from communities.events import services
from membership.services import membership_leave
from tests.factories import MembershipFactory

from .factories import make_event, meeting_of

SECRET = "Budget-Quartz-Secret"


def _entries(response):
    calendar = Calendar.from_ical(response.content)
    return [component for component in calendar.walk("VEVENT")]


def test_an_event_downloads_as_ics_without_cancelled_meetings(client, community, core):
    event = make_event(
        community,
        core,
        recurrence="weekly",
        repeat_count=3,
        online_url="https://meet.example.org/a",
    )
    services.occurrence_set_cancelled(occurrence=meeting_of(event, 1), actor=core, cancelled=True)
    response = client.get(reverse("events:event_ics", args=[community.slug, event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="monthly-huddle.ics"'
    entries = _entries(response)
    assert len(entries) == 2
    assert str(entries[0]["summary"]) == "Monthly huddle"
    assert entries[0].decoded("dtstart") == event.starts_at
    # Signed out: the online link stays out of the file.
    assert "meet.example.org" not in response.content.decode()


def test_a_member_gets_the_link_and_one_meeting_alone(client, community, core, peripheral):
    event = make_event(
        community,
        core,
        recurrence="weekly",
        repeat_count=3,
        online_url="https://meet.example.org/a",
    )
    client.force_login(peripheral)
    second = meeting_of(event, 1)
    response = client.get(
        reverse("events:occurrence_ics", args=[community.slug, event.pk, second.pk])
    )
    entries = _entries(response)
    assert len(entries) == 1
    assert entries[0].decoded("dtstart") == second.starts_at
    assert "https://meet.example.org/a" in response.content.decode()
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_a_private_event_is_not_exported_to_outsiders(
    client, private_community, private_member, outsider
):
    event = make_event(private_community, private_member, title=f"Plan {SECRET}")
    url = reverse("events:event_ics", args=[private_community.slug, event.pk])
    for person in (None, outsider):
        client.logout()
        if person:
            client.force_login(person)
        response = client.get(url)
        assert response.status_code == 403
        assert SECRET not in response.content.decode()


def _feed(client, token):
    client.logout()  # calendar apps have no session
    return client.get(reverse("events:calendar_feed", args=[token]))


def test_the_feed_lists_my_communities_events_and_never_a_private_one_i_cannot_read(
    client, community, core, private_community, private_member, outsider
):
    make_event(community, core, title="Open meeting")
    make_event(private_community, private_member, title=f"Closed {SECRET}")
    MembershipFactory(community=community, user=private_member)
    mine = services.calendar_feed_regenerate(user=private_member)
    theirs = services.calendar_feed_regenerate(user=outsider)

    response = _feed(client, mine.token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    titles = sorted(str(entry["summary"]) for entry in _entries(response))
    assert titles == [f"Closed {SECRET}", "Open meeting"]

    outsider_feed = _feed(client, theirs.token)
    assert outsider_feed.status_code == 200
    assert SECRET not in outsider_feed.content.decode()
    assert _entries(outsider_feed) == []

    # Leaving the private community takes its events out at the next fetch.
    membership_leave(user=private_member, community=private_community)
    titles = [str(entry["summary"]) for entry in _entries(_feed(client, mine.token))]
    assert titles == ["Open meeting"]


def test_unknown_regenerated_and_revoked_addresses_answer_404(client, community, core):
    assert _feed(client, "no-such-token").status_code == 404
    first = services.calendar_feed_regenerate(user=core).token
    second = services.calendar_feed_regenerate(user=core).token
    assert first != second and len(second) >= 40
    assert _feed(client, first).status_code == 404
    assert _feed(client, second).status_code == 200
    services.calendar_feed_revoke(user=core)
    assert _feed(client, second).status_code == 404


def test_the_calendar_feed_page_makes_and_turns_off_the_address(client, core):
    client.force_login(core)
    page = reverse("events:calendar_settings")
    assert "Create my private calendar address" in client.get(page).content.decode()
    client.post(reverse("events:calendar_regenerate"))
    token = core.calendar_feed.token
    body = client.get(page).content.decode()
    assert f"/calendar/{token}.ics" in body
    client.post(reverse("events:calendar_revoke"))
    assert _feed(client, token).status_code == 404


def test_the_feed_leaves_out_meetings_long_past(client, community, core):
    make_event(community, core, days_ahead=-200, title="Long ago")
    make_event(community, core, title="Soon")
    feed = services.calendar_feed_regenerate(user=core)
    titles = [str(entry["summary"]) for entry in _entries(_feed(client, feed.token))]
    assert titles == ["Soon"]
