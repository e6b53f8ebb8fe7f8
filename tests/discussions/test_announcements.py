"""Announcements: posting one notifies every member and, once it commits, emails each
member once through the delivery engine (its choices are tested in
tests/notifications/email/test_announcements_email.py)."""

import pytest

from communities.discussions import services
from communities.models import Thread
from membership.models import DeliveryRecord, Notification
from membership.notifications import delivery, instant

from ..factories import MembershipFactory


@pytest.fixture
def announcement(community, core, active, replier, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.thread_create(
            community=community,
            author=core,
            kind=Thread.Kind.ANNOUNCEMENT,
            title="Next meeting moved",
            body="It is on **Tuesday** now. Ask @Ada Active.",
        )


def test_every_member_but_the_author_gets_it_once_over_real_smtp(
    announcement, smtp_server, core, active, replier
):
    recipients = sorted(message["To"] for message in smtp_server.messages)
    assert recipients == sorted([active.email, replier.email])
    message = smtp_server.messages[0]
    assert "Next meeting moved" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "<strong>Tuesday</strong>" in html
    assert f"/discussions/{announcement.pk}/" in html
    text = message.get_body(("plain",)).get_content()
    assert "Ask @Ada Active." in text and "member:" not in text
    assert Notification.objects.filter(kind=Notification.Kind.ANNOUNCEMENT).count() == 2

    # A retried task, or a second run, sends nothing more.
    instant.plan_instant(event=instant.Event.ANNOUNCEMENT, object_id=announcement.pk)
    delivery.sweep()
    assert len(smtp_server.messages) == 2
    assert DeliveryRecord.objects.filter(kind=instant.ANNOUNCEMENT).count() == 2


def test_a_member_who_joins_later_is_sent_it_on_a_rerun_and_only_them(
    announcement, community, smtp_server, django_capture_on_commit_callbacks
):
    late = MembershipFactory(community=community).user

    with django_capture_on_commit_callbacks(execute=True):
        planned = instant.plan_instant(event=instant.Event.ANNOUNCEMENT, object_id=announcement.pk)

    assert planned == 3  # the two already sent are recorded once, not sent again
    assert [m["To"] for m in smtp_server.messages[2:]] == [late.email]


def test_a_hidden_or_removed_announcement_is_not_sent(community, core, active, smtp_server):
    thread = services.thread_create(
        community=community, author=core, kind=Thread.Kind.ANNOUNCEMENT, title="A", body="B"
    )
    services.thread_set_hidden(thread=thread, actor=core, hidden=True)

    assert instant.plan_instant(event=instant.Event.ANNOUNCEMENT, object_id=thread.pk) == 0
    assert not DeliveryRecord.objects.exists() and not smtp_server.messages
