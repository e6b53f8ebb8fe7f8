"""The work log's services: automatic entries once per action, only for the
community's facilitators; typed entries added, edited and deleted by their owner."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from communities.events import services as events
from facilitation.coordination import services
from facilitation.models import WorkLogEntry
from membership import services as membership
from membership.models import JoinRequest

from ...events.factories import make_event, meeting_of
from ...factories import CommunityFactory, MembershipFactory, UserFactory
from .factories import WorkLogEntryFactory, facilitator_of

pytestmark = pytest.mark.django_db
Kind = WorkLogEntry.Kind


def _record(user, community, source="announcement:1"):
    return services.work_log_record(
        facilitator=user,
        community=community,
        kind=Kind.COMMUNICATION,
        description="Announced the spring meeting",
        source=source,
    )


def test_an_automatic_entry_is_recorded_once_per_source(community):
    facilitator = facilitator_of(community)
    first = _record(facilitator, community)
    again = _record(facilitator, community)
    assert first.pk == again.pk
    assert WorkLogEntry.objects.filter(facilitator=facilitator).count() == 1
    assert first.minutes == 0 and first.is_automatic


def test_a_source_already_taken_by_a_concurrent_twin_is_returned_not_raised(community):
    facilitator = facilitator_of(community)
    existing = WorkLogEntryFactory(facilitator=facilitator, community=community, source="x:1")
    # get_or_create finds it; the IntegrityError path is the same lookup after a race.
    assert _record(facilitator, community, source="x:1").pk == existing.pk


def test_no_automatic_entry_for_someone_not_assigned_to_the_community(community, core):
    other = CommunityFactory()
    facilitator_elsewhere = facilitator_of(other)
    assert _record(core, community) is None
    assert _record(facilitator_elsewhere, community) is None
    assert not WorkLogEntry.objects.exists()


def test_an_unassigned_platform_admin_gets_no_automatic_entry(community, admin_user):
    assert _record(admin_user, community) is None


def test_work_across_communities_is_logged_only_for_the_facilitation_team(community, core):
    facilitator = facilitator_of(community)
    assert _record(core, None) is None
    assert _record(facilitator, None).community is None


def test_approving_a_join_request_logs_it_for_the_facilitator(community):
    facilitator = facilitator_of(community)
    asker = UserFactory(display_name="Ada Asker")
    join_request = JoinRequest.objects.create(user=asker, community=community)
    membership.join_request_approve(join_request=join_request, actor=facilitator)
    entry = WorkLogEntry.objects.get(facilitator=facilitator)
    assert entry.source == f"join-request:{join_request.pk}"
    assert entry.kind == Kind.ONBOARDING and "Ada Asker" in entry.description


def test_a_core_member_approving_gets_no_work_log_entry(community, core):
    join_request = JoinRequest.objects.create(user=UserFactory(), community=community)
    membership.join_request_approve(join_request=join_request, actor=core)
    assert not WorkLogEntry.objects.exists()


def test_recording_attendance_logs_the_meeting_once(community):
    facilitator = facilitator_of(community)
    member = MembershipFactory(community=community).user
    meeting = meeting_of(make_event(community, facilitator, days_ahead=-2))
    events.attendance_record(occurrence=meeting, actor=facilitator, user_ids=[member.pk])
    events.attendance_record(occurrence=meeting, actor=facilitator, user_ids=[])
    entry = WorkLogEntry.objects.get(facilitator=facilitator)
    assert entry.kind == Kind.MEETING and entry.source == f"meeting:{meeting.pk}"
    assert "Monthly huddle" in entry.description


def test_a_facilitator_adds_edits_and_deletes_their_own_entry(community):
    facilitator = facilitator_of(community)
    entry = services.work_log_entry_create(
        actor=facilitator,
        community=community,
        kind=Kind.COACHING,
        description="  Coached the new chair  ",
        minutes=45,
        occurred_on=datetime.date(2026, 10, 1),
    )
    assert entry.description == "Coached the new chair" and not entry.is_automatic
    services.work_log_entry_update(
        entry=entry,
        actor=facilitator,
        community=None,
        kind=Kind.OTHER,
        description="Planning",
        minutes=90,
        occurred_on=datetime.date(2026, 10, 2),
    )
    entry.refresh_from_db()
    assert (entry.community, entry.minutes, entry.kind) == (None, 90, Kind.OTHER)
    services.work_log_entry_delete(entry=entry, actor=facilitator)
    assert not WorkLogEntry.objects.exists()


def test_adding_time_to_an_automatic_entry_keeps_its_source(community):
    facilitator = facilitator_of(community)
    entry = _record(facilitator, community)
    services.work_log_entry_update(
        entry=entry,
        actor=facilitator,
        community=community,
        kind=entry.kind,
        description=entry.description,
        minutes=20,
        occurred_on=entry.occurred_on,
    )
    assert _record(facilitator, community).minutes == 20


def test_an_entry_can_only_name_a_community_one_facilitates(community):
    facilitator = facilitator_of(community)
    with pytest.raises(ValidationError):
        services.work_log_entry_create(
            actor=facilitator,
            community=CommunityFactory(),
            kind=Kind.OTHER,
            description="Elsewhere",
            minutes=10,
            occurred_on=datetime.date.today(),
        )


def test_someone_elses_entry_cannot_be_changed(community):
    entry = WorkLogEntryFactory(community=community)
    intruder = facilitator_of(community)
    with pytest.raises(ValidationError):
        services.work_log_entry_delete(entry=entry, actor=intruder)
    with pytest.raises(ValidationError):
        services.work_log_entry_update(
            entry=entry,
            actor=intruder,
            community=community,
            kind=Kind.OTHER,
            description="Mine now",
            minutes=1,
            occurred_on=entry.occurred_on,
        )


def test_members_keep_no_work_log(community, core):
    with pytest.raises(ValidationError):
        services.work_log_entry_create(
            actor=core,
            community=None,
            kind=Kind.OTHER,
            description="x",
            minutes=1,
            occurred_on=datetime.date.today(),
        )


def test_minutes_over_a_day_are_refused(community):
    facilitator = facilitator_of(community)
    with pytest.raises(ValidationError):
        services.work_log_entry_create(
            actor=facilitator,
            community=community,
            kind=Kind.OTHER,
            description="A very long day",
            minutes=24 * 60 + 1,
            occurred_on=datetime.date.today(),
        )


def test_a_race_for_the_same_source_returns_the_twin_and_keeps_the_transaction(
    community, monkeypatch
):
    """A concurrent twin committed between get_or_create's read and its insert: the
    insert fails, the savepoint absorbs it, and the twin's entry is returned."""
    facilitator = facilitator_of(community)
    twin = WorkLogEntryFactory(facilitator=facilitator, community=community, source="a:7")

    def read_missed_the_twin(self, defaults=None, **lookup):
        return self.create(**lookup, **defaults), True

    monkeypatch.setattr(type(WorkLogEntry.objects), "get_or_create", read_missed_the_twin)
    entry = _record(facilitator, community, source="a:7")
    monkeypatch.undo()
    assert entry.pk == twin.pk
    # The surrounding transaction still works after the absorbed IntegrityError.
    assert WorkLogEntry.objects.filter(facilitator=facilitator).count() == 1
