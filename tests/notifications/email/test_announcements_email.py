"""Announcements by email: every member who may read the community, whatever their
digest choice, unless they turned that community's announcements off; once; quiet
hours respected; the facilitation team's cross-community announcements take the
same path. Query budgets for building them are in test_instant.py."""

import re
from datetime import UTC, datetime
from datetime import time as clock
from urllib.parse import urlparse

import pytest
import time_machine
from django.core.exceptions import ValidationError

from communities.discussions import services
from communities.models import Community, Thread
from facilitation.coordination import services as coordination
from membership.models import DeliveryRecord, DeliveryRun, Membership, NotificationSettings
from membership.notifications import delivery, instant
from membership.notifications.models import Frequency
from membership.notifications.preferences import read_unsubscribe_token
from membership.services import membership_leave

from ...facilitation.coordination.factories import facilitator_of
from ...factories import CommunityFactory, MembershipFactory

Status = DeliveryRecord.Status


def member(community, level=Membership.Level.PERIPHERAL, **user_fields):
    fields = {f"user__{name}": value for name, value in user_fields.items()}
    return MembershipFactory(community=community, level=level, **fields).user


def overall(person, frequency, **settings):
    NotificationSettings.objects.update_or_create(
        user=person, defaults={"frequency": frequency, **settings}
    )
    return person


def opted_out(person, community):
    Membership.objects.filter(user=person, community=community).update(announcement_email=False)
    return person


def recipients(smtp_server):
    return sorted(message["To"] for message in smtp_server.messages)


def announce(community, author, capture, title="Next meeting moved"):
    with capture(execute=True):
        return services.thread_create(
            community=community,
            author=author,
            kind=Thread.Kind.ANNOUNCEMENT,
            title=title,
            body="It is on **Tuesday** now.",
        )


@pytest.fixture
def leader(community):
    return member(community, level=Membership.Level.CORE)


def test_every_member_gets_it_whatever_their_digest_choice_unless_they_opted_out(
    community, leader, smtp_server, django_capture_on_commit_callbacks
):
    weekly = member(community)
    no_digest = overall(member(community), Frequency.NONE)
    instant_member = overall(member(community), Frequency.INSTANT)
    quiet_here = member(community)
    Membership.objects.filter(user=quiet_here).update(email_frequency=Frequency.NONE)
    out = opted_out(member(community), community)
    facilitator_of(community)  # on the team, not a member

    thread = announce(community, leader, django_capture_on_commit_callbacks)

    assert recipients(smtp_server) == sorted(
        [weekly.email, no_digest.email, instant_member.email, quiet_here.email]
    )
    assert out.email not in recipients(smtp_server)
    message = smtp_server.messages[0]
    assert "Announcement in Safer Prescribing: Next meeting moved" in message["Subject"]
    assert "<strong>Tuesday</strong>" in message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert f"/discussions/{thread.pk}/" in text
    assert "You receive announcements because you are a member of Safer Prescribing" in text
    assert DeliveryRun.objects.get().kind == instant.ANNOUNCEMENT


def test_its_one_click_unsubscribe_turns_off_that_communitys_announcements_only(
    client, community, leader, smtp_server, django_capture_on_commit_callbacks
):
    person = overall(member(community), Frequency.INSTANT)
    announce(community, leader, django_capture_on_commit_callbacks)
    link = re.search(r"<([^>]+)>", smtp_server.messages[0]["List-Unsubscribe"]).group(1)
    token = urlparse(link).path.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (person.pk, f"announcements:{community.pk}")

    assert client.post(urlparse(link).path).status_code == 200

    membership = Membership.objects.get(user=person, community=community)
    assert membership.announcement_email is False
    assert membership.email_frequency == ""  # their digest choice is untouched
    announce(community, leader, django_capture_on_commit_callbacks, title="Another")
    assert len(smtp_server.messages) == 1


def test_a_cross_community_announcement_reaches_each_communitys_members_once(
    db, smtp_server, django_capture_on_commit_callbacks
):
    wounds, falls = CommunityFactory(name="Wound care"), CommunityFactory(name="Falls prevention")
    in_wounds, in_falls = member(wounds), member(falls)
    in_both = member(wounds)
    MembershipFactory(community=falls, user=in_both)
    opted_out(in_both, falls)
    facilitator = facilitator_of(wounds, falls)

    with django_capture_on_commit_callbacks(execute=True):
        coordination.announcement_send_many(
            actor=facilitator, communities=[wounds, falls], title="Spring meeting", body="Come."
        )

    sent = sorted((m["To"], m["Subject"].split("] ", 1)[-1]) for m in smtp_server.messages)
    assert sent == sorted(
        [
            (in_wounds.email, "Announcement in Wound care: Spring meeting"),
            (in_both.email, "Announcement in Wound care: Spring meeting"),
            (in_falls.email, "Announcement in Falls prevention: Spring meeting"),
        ]
    )
    assert facilitator.email not in recipients(smtp_server)
    assert DeliveryRun.objects.filter(kind=instant.ANNOUNCEMENT).count() == 2


def test_a_cross_community_announcement_rolled_back_enqueues_nothing(
    db, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    from communities.discussions import services as discussions

    first, second = CommunityFactory(), CommunityFactory()
    member(first), member(second)
    facilitator = facilitator_of(first, second)
    real_create, calls = discussions.thread_create, []

    def fail_second(**kwargs):
        calls.append(kwargs["community"])
        if len(calls) == 2:
            raise ValidationError("The database went away.")
        return real_create(**kwargs)

    monkeypatch.setattr(discussions, "thread_create", fail_second)
    planned = []
    monkeypatch.setattr(instant, "plan_instant", lambda **kwargs: planned.append(kwargs))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        coordination.announcement_send_many(
            actor=facilitator, communities=[first, second], title="Hello", body="Everyone"
        )

    assert len(calls) == 2  # the first community's announcement was written, then undone
    assert callbacks == [] and planned == []
    assert not DeliveryRun.objects.exists() and smtp_server.messages == []


def test_quiet_hours_hold_an_announcement_until_the_sweep_after_they_end(
    community, leader, smtp_server, django_capture_on_commit_callbacks
):
    sleeper = overall(
        member(community, time_zone="Europe/Paris"),
        Frequency.WEEKLY,
        quiet_start=clock(21, 0),
        quiet_end=clock(8, 0),
    )
    awake = member(community)

    # 22:30 in Paris, 21:30 UTC.
    with time_machine.travel(datetime(2026, 12, 7, 21, 30, tzinfo=UTC), tick=False):
        announce(community, leader, django_capture_on_commit_callbacks)
        delivery.sweep()
    assert recipients(smtp_server) == [awake.email]
    held = DeliveryRecord.objects.get(user=sleeper)
    assert held.not_before == datetime(2026, 12, 8, 7, 0, tzinfo=UTC)  # 08:00 in Paris

    with time_machine.travel(datetime(2026, 12, 8, 6, 59, tzinfo=UTC), tick=False):
        delivery.sweep()
    assert len(smtp_server.messages) == 1
    with time_machine.travel(datetime(2026, 12, 8, 7, 0, tzinfo=UTC), tick=False):
        delivery.sweep()
    assert recipients(smtp_server) == sorted([awake.email, sleeper.email])


def _planned_announcement(community, author):
    thread = services.thread_create(
        community=community, author=author, kind=Thread.Kind.ANNOUNCEMENT, title="A", body="B"
    )
    instant.plan_instant(event=instant.Event.ANNOUNCEMENT, object_id=thread.pk)
    return thread


def pending_ids():
    return list(DeliveryRecord.objects.filter(status=Status.PENDING).values_list("pk", flat=True))


def test_an_announcement_hidden_before_sending_is_skipped(community, leader, smtp_server):
    member(community), member(community)
    thread = _planned_announcement(community, leader)
    services.thread_set_hidden(thread=thread, actor=leader, hidden=True)

    result = delivery.send_batch(pending_ids())

    assert (result.sent, result.skipped) == (0, 2) and smtp_server.messages == []


def test_who_left_or_opted_out_before_sending_is_skipped(db, smtp_server):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    leader = member(private, level=Membership.Level.CORE)
    staying, leaving, changed_mind = member(private), member(private), member(private)
    _planned_announcement(private, leader)
    membership_leave(user=leaving, community=private)
    opted_out(changed_mind, private)

    result = delivery.send_batch(pending_ids())

    assert (result.sent, result.skipped) == (1, 2)
    assert recipients(smtp_server) == [staying.email]
