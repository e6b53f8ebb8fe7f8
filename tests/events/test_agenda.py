"""The co-produced agenda: members propose, the organiser accepts, declines and orders."""

from django.urls import reverse

from communities.events import services
from communities.events.models import AgendaItem

from .factories import make_event, meeting_of


def _url(name, meeting, *extra):
    return reverse(
        f"events:{name}", args=[meeting.event.community.slug, meeting.event_id, meeting.pk, *extra]
    )


def test_a_member_proposes_and_the_organiser_accepts_declines_and_orders(
    client, community, active, peripheral
):
    meeting = meeting_of(make_event(community, active))
    client.force_login(peripheral)
    for title in ("Leaflet draft", "Audit results", "Off topic"):
        response = client.post(_url("agenda_propose", meeting), {"title": title, "details": ""})
        assert response.status_code == 302
    leaflet, audit, off_topic = AgendaItem.objects.order_by("pk")
    assert leaflet.proposed_by == peripheral and leaflet.status == "proposed"

    # Only the organiser (or a moderator) decides.
    assert (
        client.post(_url("agenda_decide", meeting, leaflet.pk), {"decision": "accept"}).status_code
        == 403
    )

    client.force_login(active)
    for item, decision in ((leaflet, "accept"), (audit, "accept"), (off_topic, "decline")):
        client.post(_url("agenda_decide", meeting, item.pk), {"decision": decision})
    client.post(_url("agenda_move", meeting, audit.pk), {"direction": "up"})

    accepted = AgendaItem.objects.filter(status="accepted").order_by("position")
    assert [item.title for item in accepted] == ["Audit results", "Leaflet draft"]
    assert AgendaItem.objects.get(pk=off_topic.pk).status == "declined"
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert body.index("Audit results") < body.index("Leaflet draft")


def test_moving_the_top_item_up_changes_nothing(community, active, peripheral):
    meeting = meeting_of(make_event(community, active))
    first = services.agenda_item_propose(occurrence=meeting, user=peripheral, title="One")
    second = services.agenda_item_propose(occurrence=meeting, user=peripheral, title="Two")
    for item in (first, second):
        services.agenda_item_decide(item=item, actor=active, accept=True)
    services.agenda_item_move(item=first, actor=active, direction="up")
    services.agenda_item_move(item=second, actor=active, direction="down")
    order = AgendaItem.objects.order_by("position").values_list("title", flat=True)
    assert list(order) == ["One", "Two"]


def test_an_empty_proposal_answers_400_and_keeps_the_details(client, community, active, peripheral):
    meeting = meeting_of(make_event(community, active))
    client.force_login(peripheral)
    response = client.post(
        _url("agenda_propose", meeting), {"title": "", "details": "Kept details here"}
    )
    assert response.status_code == 400
    assert "Kept details here" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_an_item_of_another_meeting_is_not_found(client, community, active, peripheral):
    event = make_event(community, active, recurrence="weekly", repeat_count=2)
    item = services.agenda_item_propose(occurrence=meeting_of(event, 1), user=peripheral, title="x")
    client.force_login(active)
    response = client.post(
        _url("agenda_decide", meeting_of(event), item.pk), {"decision": "accept"}
    )
    assert response.status_code == 404
