"""Announcements: emailed to every member once, even when the task runs again."""

import pytest
from django.core import mail

from communities.discussions import services, tasks
from communities.models import AnnouncementDelivery, Thread

from ..factories import MembershipFactory


@pytest.fixture
def announcement(community, core, active, replier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.thread_create(
            community=community,
            author=core,
            kind=Thread.Kind.ANNOUNCEMENT,
            title="Next meeting moved",
            body="It is on **Tuesday** now.",
        )


def test_every_member_but_the_author_gets_it_once_over_real_smtp(
    smtp_server, community, core, active, replier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            community=community,
            author=core,
            kind=Thread.Kind.ANNOUNCEMENT,
            title="Next meeting moved",
            body="It is on **Tuesday** now. Ask @Ada Active.",
        )

    recipients = sorted(message["To"] for message in smtp_server.messages)
    assert recipients == sorted([active.email, replier.email])
    message = smtp_server.messages[0]
    assert "Next meeting moved" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "<strong>Tuesday</strong>" in html
    assert f"/discussions/{thread.pk}/" in html
    text = message.get_body(("plain",)).get_content()
    assert "Ask @Ada Active." in text and "member:" not in text

    # A retry, or a second run, sends nothing more.
    assert tasks.send_announcement(thread_id=thread.pk) == 0
    assert len(smtp_server.messages) == 2
    assert AnnouncementDelivery.objects.filter(thread=thread).count() == 2


def test_a_member_who_joins_later_is_sent_it_on_a_rerun_and_only_them(announcement, community):
    assert len(mail.outbox) == 2
    late = MembershipFactory(community=community).user

    assert tasks.send_announcement(thread_id=announcement.pk) == 1
    assert mail.outbox[-1].to == [late.email]


def test_a_failed_send_releases_its_claim_so_the_retry_sends_it(
    community, core, active, monkeypatch
):
    thread = services.thread_create(
        community=community, author=core, kind=Thread.Kind.ANNOUNCEMENT, title="A", body="B"
    )
    mail.outbox.clear()

    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_templated_email", broken)
    with pytest.raises(OSError):
        tasks.send_announcement(thread_id=thread.pk)
    assert not AnnouncementDelivery.objects.exists()
    monkeypatch.undo()

    assert tasks.send_announcement(thread_id=thread.pk) == 1


def test_a_hidden_or_removed_announcement_is_not_sent(community, core, active):
    thread = services.thread_create(
        community=community, author=core, kind=Thread.Kind.ANNOUNCEMENT, title="A", body="B"
    )
    mail.outbox.clear()
    AnnouncementDelivery.objects.all().delete()
    services.thread_set_hidden(thread=thread, actor=core, hidden=True)

    assert tasks.send_announcement(thread_id=thread.pk) == 0
    assert mail.outbox == []
