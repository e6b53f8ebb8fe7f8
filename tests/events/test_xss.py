"""Every payload of the XSS corpus, typed into each Markdown field of events through
its real form, comes out inert on the page that shows it."""

import re

import pytest
from django.urls import reverse

from communities.events.models import AgendaItem, Event
from tests.xss import FORM_PAYLOADS, assert_inert, assert_links_safe

from .factories import make_event, meeting_of

MARKDOWN_BLOCKS = re.compile(r'<div class="markdown">(.*?)</div>', re.S)


def _rendered_markdown(body: str) -> str:
    blocks = MARKDOWN_BLOCKS.findall(body)
    assert blocks, "the page shows no Markdown block"
    return "\n".join(blocks)


def _check(body: str) -> None:
    html = _rendered_markdown(body)
    assert_inert(html)
    assert_links_safe(html)


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_event_agenda(client, community, active, payload):
    client.force_login(active)
    response = client.post(
        reverse("events:create", args=[community.slug]),
        {
            "title": "Safe",
            "agenda": f"Intro\n\n{payload}\n\n[ok](https://example.org)",
            "starts_at": "2031-03-04T19:00",
            "ends_at": "2031-03-04T20:00",
            "time_zone": "America/Toronto",
            "recurrence": "none",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    _check(client.get(event.get_absolute_url()).content.decode())
    _check(client.get(meeting_of(event).get_absolute_url()).content.decode())


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_agenda_item(client, community, active, peripheral, payload):
    meeting = meeting_of(make_event(community, active, agenda=""))
    client.force_login(peripheral)
    url = reverse("events:agenda_propose", args=[community.slug, meeting.event_id, meeting.pk])
    response = client.post(
        url, {"title": payload[:200], "details": f"{payload}\n\n[ok](https://example.org)"}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.count() == 1
    body = client.get(meeting.get_absolute_url()).content.decode()
    _check(body)
    # The title is plain text: escaped wherever it appears.
    if "<" in payload:
        assert payload[:200] not in body


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_minutes(client, community, active, payload):
    meeting = meeting_of(make_event(community, active, days_ahead=-1, agenda=""))
    client.force_login(active)
    url = reverse("events:minutes", args=[community.slug, meeting.event_id, meeting.pk])
    response = client.post(url, {"minutes": f"{payload}\n\n[ok](https://example.org)"})
    assert response.status_code == 302
    _check(client.get(meeting.get_absolute_url()).content.decode())
