"""Meeting actions past their due date: one email to the owner, once, from the
owner's own calendar day; nothing once done, dropped or out of reach."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from communities.events import services as events
from communities.events.models import Action
from membership.models import DeliveryRecord
from membership.notifications.delivery import builder_for
from membership.notifications.reminders import actions as reminders
from membership.services import membership_leave

from ...events.factories import make_event, meeting_of
from ...factories import CommunityFactory, MembershipFactory
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
OVERDUE = reminders.OVERDUE


@pytest.fixture
def due_on():
    return date.today() + timedelta(days=10)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _owner(community, time_zone="UTC", **user):
    fields = {f"user__{key}": value for key, value in {"time_zone": time_zone, **user}.items()}
    return MembershipFactory(community=community, level="active", **fields).user


def _action(community, organiser, owner, due_on, title="Send the audit template"):
    meeting = meeting_of(make_event(community, organiser))
    return events.action_create(
        occurrence=meeting, actor=organiser, title=title, owner=owner, due_on=due_on
    )


def test_the_owner_is_reminded_once_the_day_after_it_was_due(
    community, core, due_on, smtp_server, django_capture_on_commit_callbacks
):
    owner = _owner(community, display_name="Omar Owner")
    action = _action(community, core, owner, due_on)
    capture = django_capture_on_commit_callbacks

    # On the due day itself (late evening): not yet.
    assert beat(reminders, _at(due_on, 23, 50), capture) == 0
    # The next day: once, however many beats follow.
    beat(reminders, _at(due_on + timedelta(days=1), 0, 5), capture)
    beat(reminders, _at(due_on + timedelta(days=1), 0, 20), capture)
    beat(reminders, _at(due_on + timedelta(days=5), 9), capture)

    assert recipients(smtp_server) == [owner.email]
    message = smtp_server.messages[0]
    assert "Send the audit template" in message["Subject"]
    assert "still open" in text_of(message)
    assert action.occurrence.get_absolute_url() in text_of(message)
    assert "You receive this because you own this action" in html_of(message)
    assert unsubscribe_scope(message) == (owner.pk, "reminders")
    assert DeliveryRecord.objects.get(kind=OVERDUE).period == f"action:{action.pk}"


def test_overdue_is_counted_in_the_owner_s_time_zone(
    community, core, due_on, smtp_server, django_capture_on_commit_callbacks
):
    # 11:00 UTC on the due day is already the next day in Auckland (UTC+13 in summer
    # there), but not in Toronto.
    auckland = _owner(community, time_zone="Pacific/Auckland")
    toronto = _owner(community, time_zone="America/Toronto")
    _action(community, core, auckland, due_on)
    _action(community, core, toronto, due_on)

    beat(reminders, _at(due_on, 11, 5), django_capture_on_commit_callbacks)
    assert recipients(smtp_server) == [auckland.email]

    beat(reminders, _at(due_on + timedelta(days=1), 5, 5), django_capture_on_commit_callbacks)
    assert recipients(smtp_server) == [auckland.email, toronto.email]


def test_done_dropped_undated_and_long_forgotten_actions_are_left_alone(
    community, core, due_on, smtp_server, django_capture_on_commit_callbacks
):
    owner = _owner(community)
    done = _action(community, core, owner, due_on, title="Done")
    dropped = _action(community, core, owner, due_on, title="Dropped")
    _action(community, core, owner, None, title="No date")
    _action(community, core, owner, due_on - timedelta(days=45), title="Ancient")
    events.action_set_status(action=done, actor=owner, status=Action.Status.DONE)
    events.action_set_status(action=dropped, actor=core, status=Action.Status.DROPPED)

    assert (
        beat(reminders, _at(due_on + timedelta(days=2), 9), django_capture_on_commit_callbacks) == 0
    )
    assert not smtp_server.messages


def test_done_meanwhile_or_the_owner_gone_is_skipped_at_send_time(db, due_on, smtp_server):
    private = CommunityFactory(visibility="private")
    organiser = MembershipFactory(community=private, level="core").user
    finisher, leaver, still_open = (_owner(private) for _ in range(3))
    finished = _action(private, organiser, finisher, due_on)
    for person in (leaver, still_open):
        _action(private, organiser, person, due_on)
    at = _at(due_on + timedelta(days=1), 9)
    assert plan_only(reminders, at) == 3

    events.action_set_status(action=finished, actor=finisher, status=Action.Status.DONE)
    membership_leave(user=leaver, community=private)
    send_pending(at)

    assert recipients(smtp_server) == [still_open.email]
    assert statuses(OVERDUE) == {
        finisher.pk: Status.SKIPPED,
        leaver.pk: Status.SKIPPED,
        still_open.pk: Status.SENT,
    }


def test_owners_who_turned_reminders_off_get_none(
    community, core, due_on, smtp_server, django_capture_on_commit_callbacks
):
    off_before, off_after, on = (_owner(community) for _ in range(3))
    for person in (off_before, off_after, on):
        _action(community, core, person, due_on)
    opt_out_of_reminders(off_before)
    at = _at(due_on + timedelta(days=1), 9)

    assert plan_only(reminders, at) == 2
    opt_out_of_reminders(off_after)
    send_pending(at)

    assert recipients(smtp_server) == [on.email]
    assert statuses(OVERDUE) == {off_after.pk: Status.SKIPPED, on.pk: Status.SENT}


def test_the_builder_uses_the_same_queries_for_3_and_30_actions(
    db, due_on, django_assert_num_queries
):
    communities = CommunityFactory.create_batch(3)
    organisers = [MembershipFactory(community=c, level="core").user for c in communities]
    for index in range(30):
        community = communities[index % 3]
        _action(community, organisers[index % 3], _owner(community), due_on)
    at = _at(due_on + timedelta(days=1), 9)
    assert plan_only(reminders, at) == 30
    build = builder_for(OVERDUE)
    few_records, many_records = records_of(OVERDUE)[:3], records_of(OVERDUE)

    with time_machine.travel(at, tick=False):
        with django_assert_num_queries(2):
            few = build(few_records)
        with django_assert_num_queries(2):
            many = build(many_records)

    assert len(few) == 3 and all(few.values())
    assert len(many) == 30 and all(many.values())
