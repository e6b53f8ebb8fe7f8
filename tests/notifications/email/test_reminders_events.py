"""Event reminders by email (a day and an hour before, to those going) and RSVP
nudges, driven by beat at chosen moments, delivered to a real local SMTP server."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from communities.events import services as events
from communities.events.models import ReminderSent
from membership.models import DeliveryRecord, Membership, Notification, NotificationSettings
from membership.notifications.reminders import events as reminders
from membership.services import membership_leave

from ...events.factories import make_event, meeting_of
from ...factories import CommunityFactory, MembershipFactory, UserFactory
from .reminder_helpers import (
    beat,
    html_of,
    opt_out_of_reminders,
    plan_only,
    recipients,
    records_of,
    send_pending,
    statuses,
    text_of,
    unsubscribe_scope,
)

Status = DeliveryRecord.Status
DAY, HOUR, NUDGE = reminders.DAY, reminders.HOUR, reminders.RSVP_NUDGE


@pytest.fixture
def start():
    """The meeting's start: 15:00 UTC five days from now (10:00 in Toronto)."""
    return (timezone.now() + timedelta(days=5)).replace(hour=15, minute=0, second=0, microsecond=0)


@pytest.fixture
def meeting(community, core, start):
    return meeting_of(
        make_event(
            community,
            core,
            starts_at=start,
            place="Room 4",
            online_url="https://meet.example.org/x",
        )
    )


def _member(community, level="peripheral", **user):
    return MembershipFactory(
        community=community, level=level, **{f"user__{k}": v for k, v in user.items()}
    ).user


def test_the_day_and_hour_reminders_go_in_their_windows_once_each(
    community, core, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    going = _member(community, time_zone="America/Toronto", display_name="Gia Going")
    maybe = _member(community)
    events.rsvp_set(occurrence=meeting, user=going, response="going")
    events.rsvp_set(occurrence=meeting, user=maybe, response="maybe")
    capture = django_capture_on_commit_callbacks

    # Not yet a day before: nothing.
    assert beat(reminders, start - timedelta(hours=24, minutes=5), capture) == 0
    assert not DeliveryRecord.objects.filter(kind=DAY).exists()

    # The first beat inside the day window sends it; later beats add nothing.
    beat(reminders, start - timedelta(hours=23, minutes=55), capture)
    for hours_before in (23.5, 12, 2, 1.26):
        beat(reminders, start - timedelta(hours=hours_before), capture)
    assert recipients(smtp_server) == [going.email]
    day_email = smtp_server.messages[0]
    assert "Monthly huddle" in day_email["Subject"]
    # Shown in the member's own time zone (15:00 UTC is 10:00 in Toronto in winter).
    assert "10:00" in day_email["Subject"] and "10:00" in text_of(day_email)
    assert "America/Toronto" in text_of(day_email)
    assert "Room 4" in text_of(day_email)
    assert meeting.get_absolute_url() in text_of(day_email)
    assert "You receive this because you said you are going" in html_of(day_email)
    assert unsubscribe_scope(day_email) == (going.pk, "reminders")
    assert statuses(DAY) == {going.pk: Status.SENT}

    # The hour reminder: due from one hour and one beat before, once.
    beat(reminders, start - timedelta(hours=1, minutes=14), capture)
    beat(reminders, start - timedelta(minutes=50), capture)
    beat(reminders, start - timedelta(minutes=5), capture)
    assert recipients(smtp_server) == [going.email, going.email]
    hour_email = smtp_server.messages[1]
    assert "Starting soon" in hour_email["Subject"]
    assert "https://meet.example.org/x" in text_of(hour_email)
    assert statuses(HOUR) == {going.pk: Status.SENT}

    # After the start, nothing more.
    beat(reminders, start + timedelta(minutes=10), capture)
    assert len(smtp_server.messages) == 2


def test_a_reply_an_hour_before_gets_only_the_hour_reminder(
    community, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    late = _member(community)
    events.rsvp_set(occurrence=meeting, user=late, response="going")

    beat(reminders, start - timedelta(hours=1, minutes=10), django_capture_on_commit_callbacks)

    assert len(smtp_server.messages) == 1
    assert "Starting soon" in smtp_server.messages[0]["Subject"]
    assert statuses(DAY) == {late.pk: Status.SKIPPED}


def test_a_meeting_cancelled_before_or_after_planning_sends_nothing(
    community, core, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    going = _member(community)
    events.rsvp_set(occurrence=meeting, user=going, response="going")
    plan_only(reminders, start - timedelta(hours=23))

    # Cancelled after the plan, before the batch ran: skipped at send time.
    events.occurrence_set_cancelled(occurrence=meeting, actor=core, cancelled=True)
    result = send_pending(start - timedelta(hours=23))

    assert (result.sent, result.skipped) == (0, 1)
    # Once cancelled, later beats plan nothing at all.
    assert beat(reminders, start - timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert not smtp_server.messages


def test_a_cancelled_series_sends_nothing(
    community, core, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    going = _member(community)
    events.rsvp_set(occurrence=meeting, user=going, response="going")
    plan_only(reminders, start - timedelta(hours=23))
    events.event_cancel(event=meeting.event, actor=core)

    assert send_pending(start - timedelta(hours=23)).skipped == 1
    assert not smtp_server.messages


def test_no_reminder_after_leaving_a_private_community_or_changing_the_reply(
    db, start, smtp_server
):
    private = CommunityFactory(visibility="private")
    organiser = _member(private, level="core")
    meeting = meeting_of(make_event(private, organiser, starts_at=start))
    leaver, changed_mind, still_going = (_member(private) for _ in range(3))
    for person in (leaver, changed_mind, still_going):
        events.rsvp_set(occurrence=meeting, user=person, response="going")
    plan_only(reminders, start - timedelta(hours=23))

    membership_leave(user=leaver, community=private)
    events.rsvp_set(occurrence=meeting, user=changed_mind, response="not_going")
    send_pending(start - timedelta(hours=23))

    assert recipients(smtp_server) == [still_going.email]
    assert statuses(DAY) == {
        leaver.pk: Status.SKIPPED,
        changed_mind.pk: Status.SKIPPED,
        still_going.pk: Status.SENT,
    }


def test_members_who_turned_reminders_off_get_none(
    community, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    opted_out, turns_off_later, wants = (_member(community) for _ in range(3))
    for person in (opted_out, turns_off_later, wants):
        events.rsvp_set(occurrence=meeting, user=person, response="going")
    opt_out_of_reminders(opted_out)

    plan_only(reminders, start - timedelta(hours=23))
    opt_out_of_reminders(turns_off_later)
    send_pending(start - timedelta(hours=23))

    assert recipients(smtp_server) == [wants.email]
    # Someone who had already opted out is not even recorded.
    assert opted_out.pk not in statuses(DAY)
    assert statuses(DAY)[turns_off_later.pk] == Status.SKIPPED


def test_quiet_hours_hold_the_day_reminder_but_not_the_hour_one(
    community, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    sleeper = _member(community, time_zone="UTC")
    NotificationSettings.objects.create(user=sleeper, quiet_start=time(13), quiet_end=time(20))
    events.rsvp_set(occurrence=meeting, user=sleeper, response="going")

    # 15:05 UTC the day before: inside the quiet hours, so it waits until 20:00.
    beat(reminders, start - timedelta(hours=23, minutes=55), django_capture_on_commit_callbacks)
    assert not smtp_server.messages
    held = DeliveryRecord.objects.get(kind=DAY)
    assert held.status == Status.PENDING
    assert held.not_before == (start - timedelta(days=1)).replace(hour=20)
    send_pending(start - timedelta(hours=18, minutes=59))
    assert len(smtp_server.messages) == 1

    # 13:50 UTC on the day, quiet again: an hour reminder cannot wait, so it goes.
    beat(reminders, start - timedelta(hours=1, minutes=10), django_capture_on_commit_callbacks)
    assert len(smtp_server.messages) == 2
    assert "Starting soon" in smtp_server.messages[1]["Subject"]


def test_the_old_reminder_path_writes_the_in_app_notification_and_sends_no_email(
    community, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    import time_machine

    from communities.events.tasks import send_event_reminders

    going = _member(community)
    events.rsvp_set(occurrence=meeting, user=going, response="going")
    at = start - timedelta(hours=23)

    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminders() == 1
    beat(reminders, at, django_capture_on_commit_callbacks)

    assert Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER).count() == 1
    assert ReminderSent.objects.count() == 1
    assert recipients(smtp_server) == [going.email]  # one email, from the engine


# --- RSVP nudges ----------------------------------------------------------------------


def test_members_who_have_not_replied_are_nudged_once_three_days_before(
    community, core, meeting, start, smtp_server, django_capture_on_commit_callbacks
):
    silent = _member(community, display_name="Sam Silent")
    replied = _member(community)
    events.rsvp_set(occurrence=meeting, user=replied, response="not_going")
    outsider = UserFactory()  # not a member: never nudged; core organises, never replied
    capture = django_capture_on_commit_callbacks

    assert beat(reminders, start - timedelta(days=3, minutes=5), capture) == 0
    beat(reminders, start - timedelta(days=2, hours=23, minutes=55), capture)
    beat(reminders, start - timedelta(days=2), capture)
    beat(reminders, start - timedelta(days=1), capture)

    assert recipients(smtp_server) == [silent.email]
    nudge = smtp_server.messages[0]
    assert "Are you coming?" in nudge["Subject"]
    assert "have not replied yet" in text_of(nudge)
    assert set(statuses(NUDGE)) == {silent.pk}
    assert outsider.pk not in statuses(NUDGE) and core.pk not in statuses(NUDGE)


def test_a_nudge_is_skipped_when_the_member_replied_or_may_no_longer_take_part(
    community, meeting, start, smtp_server
):
    replies_meanwhile, leaves, waits = (_member(community) for _ in range(3))
    plan_only(reminders, start - timedelta(days=2))

    events.rsvp_set(occurrence=meeting, user=replies_meanwhile, response="maybe")
    membership_leave(user=leaves, community=community)
    send_pending(start - timedelta(days=2))

    assert recipients(smtp_server) == [waits.email]
    assert statuses(NUDGE)[replies_meanwhile.pk] == Status.SKIPPED
    assert statuses(NUDGE)[leaves.pk] == Status.SKIPPED


def test_no_nudge_for_a_cancelled_meeting(community, core, meeting, start, smtp_server):
    _member(community)
    events.occurrence_set_cancelled(occurrence=meeting, actor=core, cancelled=True)
    assert plan_only(reminders, start - timedelta(days=2)) == 0


# --- constant queries -----------------------------------------------------------------


def _records_for(count, start, kind, *, reply):
    """`count` members over three communities, each with a meeting at `start`."""
    communities = CommunityFactory.create_batch(3)
    meetings = []
    for community in communities:
        organiser = MembershipFactory(community=community, level="core").user
        meetings.append(meeting_of(make_event(community, organiser, starts_at=start)))
    for index in range(count):
        community = communities[index % 3]
        person = MembershipFactory(community=community, level=Membership.Level.PERIPHERAL).user
        if reply:
            events.rsvp_set(occurrence=meetings[index % 3], user=person, response="going")
    return meetings


@pytest.mark.parametrize(
    ("kind", "hours_before", "reply", "queries"),
    [(DAY, 23, True, 3), (HOUR, 1, True, 3), (NUDGE, 47, False, 3)],
)
def test_builders_use_the_same_queries_for_3_and_30_records(
    db, start, django_assert_num_queries, kind, hours_before, reply, queries
):
    import time_machine

    from membership.notifications.delivery import builder_for

    _records_for(30, start, kind, reply=reply)
    at = start - timedelta(hours=hours_before)
    plan_only(reminders, at)
    assert len(records_of(kind)) == 30
    build = builder_for(kind)

    few_records, many_records = records_of(kind)[:3], records_of(kind)
    with time_machine.travel(at, tick=False):
        with django_assert_num_queries(queries):
            few = build(few_records)
        with django_assert_num_queries(queries):
            many = build(many_records)

    assert all(email is not None for email in few.values())
    assert all(email is not None for email in many.values())


def test_titles_are_escaped_in_html_and_plain_in_text(
    community, core, start, smtp_server, django_capture_on_commit_callbacks
):
    meeting = meeting_of(make_event(community, core, starts_at=start, title="<b>Huddle</b> & co"))
    going = _member(community)
    events.rsvp_set(occurrence=meeting, user=going, response="going")

    beat(reminders, start - timedelta(hours=23), django_capture_on_commit_callbacks)

    message = smtp_server.messages[0]
    assert "&lt;b&gt;Huddle&lt;/b&gt; &amp; co" in html_of(message)
    assert "<b>Huddle" not in html_of(message)
    assert "<b>Huddle</b> & co" in text_of(message)
    assert "<b>Huddle</b> & co" in message["Subject"]
