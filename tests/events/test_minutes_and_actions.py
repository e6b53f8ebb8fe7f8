"""After the meeting: attendance, minutes, actions on the home pages, and engagement."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from communities.events import services
from communities.events.models import Action, Attendance
from membership.engagement import contributions_by_member
from membership.models import Notification

from .factories import make_event, meeting_of


def _url(name, meeting):
    return reverse(
        f"events:{name}", args=[meeting.event.community.slug, meeting.event_id, meeting.pk]
    )


def test_the_organiser_records_attendance_and_it_counts_as_a_contribution(
    client, community, active, peripheral, core, outsider
):
    meeting = meeting_of(make_event(community, active, days_ahead=-2))
    client.force_login(active)
    page = client.get(_url("attendance", meeting))
    assert escape(peripheral.name) in page.content.decode()
    assert outsider.name not in page.content.decode()

    response = client.post(_url("attendance", meeting), {"attendees": [peripheral.pk, core.pk]})
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("user_id", flat=True)) == {peripheral.pk, core.pk}

    since = timezone.now() - timedelta(days=30)
    assert contributions_by_member(community, since)[peripheral.pk] == 1

    # Recording again replaces the list.
    client.post(_url("attendance", meeting), {"attendees": [core.pk]})
    assert list(Attendance.objects.values_list("user_id", flat=True)) == [core.pk]


def test_only_members_can_be_recorded(client, community, active, outsider):
    meeting = meeting_of(make_event(community, active, days_ahead=-2))
    client.force_login(active)
    response = client.post(_url("attendance", meeting), {"attendees": [outsider.pk]})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_minutes_are_saved_and_shown(client, community, active):
    meeting = meeting_of(make_event(community, active, days_ahead=-2))
    client.force_login(active)
    response = client.post(
        _url("minutes", meeting), {"minutes": "**Decided**: print 500 leaflets."}
    )
    assert response.status_code == 302
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "<strong>Decided</strong>: print 500 leaflets." in body


def test_an_action_is_assigned_shown_on_both_homes_and_marked_done_by_its_owner(
    client, community, active, peripheral
):
    meeting = meeting_of(make_event(community, active, days_ahead=-2))
    client.force_login(active)
    response = client.post(
        _url("action_create", meeting),
        {
            "title": "Draft the leaflet",
            "owner": peripheral.pk,
            "due_on": "2030-01-31",
            "charter_aim": "Agree a common patient leaflet",
            "knowledge_url": "https://example.org/leaflet",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.due_on, action.status) == (peripheral, date(2030, 1, 31), "open")
    assigned = Notification.objects.get(kind=Notification.Kind.ACTION_ASSIGNED)
    assert assigned.recipient == peripheral

    community_home = client.get(reverse("communities:home", args=[community.slug]))
    assert "Draft the leaflet" in community_home.content.decode()

    client.force_login(peripheral)
    home = client.get(reverse("home")).content.decode()
    assert "My open actions" in home and "Draft the leaflet" in home

    status_url = reverse("events:action_status", args=[community.slug, action.pk])
    assert client.post(status_url, {"status": "done", "next": "/"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None
    assert "Draft the leaflet" not in client.get(reverse("home")).content.decode()


def test_someone_else_cannot_close_an_action(client, community, active, peripheral, core):
    meeting = meeting_of(make_event(community, active, days_ahead=-2))
    from tests.factories import MembershipFactory

    bystander = MembershipFactory(community=community).user
    action = services.action_create(
        occurrence=meeting, actor=active, title="Book a room", owner=peripheral
    )
    client.force_login(bystander)
    url = reverse("events:action_status", args=[community.slug, action.pk])
    assert client.post(url, {"status": "done"}).status_code == 403


def test_an_action_owner_must_be_a_member(client, community, active, outsider):
    meeting = meeting_of(make_event(community, active, days_ahead=-2))
    client.force_login(active)
    response = client.post(
        _url("action_create", meeting),
        {"title": "Kept title", "owner": outsider.pk, "knowledge_url": "not a link"},
    )
    assert response.status_code == 400
    assert "Kept title" in response.content.decode()
    assert not Action.objects.exists()


def test_marking_an_action_done_never_redirects_off_site(client, community, active, peripheral):
    meeting = meeting_of(make_event(community, active, days_ahead=-2))
    action = services.action_create(
        occurrence=meeting, actor=active, title="Book a room", owner=peripheral
    )
    client.force_login(peripheral)
    url = reverse("events:action_status", args=[community.slug, action.pk])
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = client.post(url, {"status": "open", "next": target})
        assert response["Location"].startswith(meeting.get_absolute_url())
