"""Emails built from the demo with every text field full of the XSS corpus, sent to
a real SMTP server on loopback: no HTML part carries anything that could run.

Digests (daily and weekly), every reminder that falls due, instant emails for each
thread, reply, published item and announcement, join requests and invitations.
"""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from communities.models import Community, Post, Thread
from knowledge.models import KnowledgeItem
from membership import services
from membership.models import DeliveryRecord, User
from membership.notifications import delivery
from membership.notifications.digests import plan_digests
from membership.notifications.instant import Event, plan_instant
from membership.notifications.reminders import plan_reminders

from ..xss import PAYLOADS, assert_email_inert
from .poison import poison

DEMO_DAY = datetime(2026, 12, 9, 11, 0, tzinfo=ZoneInfo("UTC"))  # 06:00 in Toronto


def _html_parts(message):
    for part in message.walk():
        if part.get_content_type() == "text/html":
            yield part.get_content()


def test_no_email_runs_what_members_wrote(db, smtp_server, django_capture_on_commit_callbacks):
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo", force=True, stdout=StringIO())
        poisoned = poison()
    with time_machine.travel(DEMO_DAY + timedelta(hours=1), tick=False):
        plan_digests()
        plan_reminders()
        for thread in Thread.objects.all():
            plan_instant(event=Event.THREAD, object_id=thread.pk)
            if thread.kind == Thread.Kind.ANNOUNCEMENT:
                plan_instant(event=Event.ANNOUNCEMENT, object_id=thread.pk)
        for post in Post.objects.all():
            plan_instant(event=Event.REPLY, object_id=post.pk)
        for item in KnowledgeItem.objects.filter(status="published"):
            plan_instant(event=Event.ITEM_PUBLISHED, object_id=item.pk)
            plan_instant(event=Event.ITEM_FEATURED, object_id=item.pk)
        pending = list(DeliveryRecord.objects.filter(status="pending").values_list("pk", flat=True))
        for start in range(0, len(pending), 100):
            delivery.send_batch(pending[start : start + 100])
        # Account emails: a request to join, with the corpus as its message, and an
        # invitation.
        community = Community.objects.filter(join_policy="request").order_by("pk").first()
        chair = community.memberships.filter(level="core").first().user
        outsider = User.objects.get(email="newcomer@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            services.join_request_create(
                user=outsider, community=community, message="\n".join(PAYLOADS)
            )
            services.invitation_create(
                community=community,
                email="invitee@example.org",
                level="peripheral",
                message="\n".join(PAYLOADS),
                actor=chair,
            )

    messages = smtp_server.messages
    kinds = {message["Subject"] for message in messages}
    assert len(messages) > 20 and len(kinds) > 10
    html = []
    for message in messages:
        assert "\n" not in message["Subject"]
        for part in _html_parts(message):
            assert_email_inert(part, f"the email {message['Subject']!r}")
            html.append(part)
    assert len(poisoned.seen_in("".join(html))) >= 8
