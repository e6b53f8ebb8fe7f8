"""Every payload of the XSS corpus, sent through the coordination forms, comes back
inert: on the announcement's confirmation, in the work log, and in a bulk-invitation
preview (addresses and messages as uploaded)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from ...xss import FORM_PAYLOADS, assert_inert
from .factories import facilitator_of

OWN_FORM = re.compile(
    r'<form method="(?:post|get)"(?: (?:action|class|enctype)="[^"<>]*"| novalidate)*>.*?</form>',
    re.S,
)


def _main(html: str) -> str:
    return OWN_FORM.sub("", html.split("<main", 1)[1].split("</main>", 1)[0])


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_announcements_and_their_work_log_entries_are_inert(client, community, payload):
    client.force_login(facilitator_of(community))
    sent = client.post(
        reverse("coordination:announce"),
        {"title": payload[:200], "body": payload, "communities": [community.pk]},
        follow=True,
    )
    assert sent.status_code == 200
    assert_inert(_main(sent.content.decode()))
    assert_inert(_main(client.get(reverse("coordination:work_log")).content.decode()))


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_a_bulk_invitation_preview_is_inert(client, community, payload):
    client.force_login(facilitator_of(community))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([["email", "level", "message"], [payload, payload, payload]])
    writer.writerow(["ok@example.org", "", payload])
    response = client.post(
        reverse("coordination:bulk_invite"),
        {"community": community.pk, "default_level": "peripheral", "emails": buffer.getvalue()},
    )
    assert response.status_code in (200, 400)
    assert_inert(_main(response.content.decode()))
