"""Daily and weekly digests, end to end: plan_digests on a frozen clock, the engine's
batches (eager Celery), a real local SMTP server."""

from datetime import time, timedelta

import pytest

from communities.discussions import services as discussions
from communities.models import Community, Thread
from knowledge import services as knowledge
from membership.models import DeliveryRecord, DeliveryRun, JoinRequest, Membership
from membership.notifications import delivery
from membership.notifications.digests import DAILY, WEEKLY, due_periods, plan_digests
from membership.services import join_request_create, membership_leave

from ...events.factories import make_event
from ...factories import CommunityFactory, MembershipFactory, UserFactory
from ...knowledge.factories import make_item
from .digest_world import (
    MONDAY_AFTERNOON,
    MONDAY_DIGEST,
    TUESDAY_AFTERNOON,
    TUESDAY_DIGEST,
    WEDNESDAY_DIGEST,
    at,
    html_of,
    messages_to,
    on_daily,
    record_of,
    run_digests,
    text_of,
)

Status = DeliveryRecord.Status
Kind = Thread.Kind
Level = Membership.Level


def member(community, level=Level.PERIPHERAL, **user_fields):
    fields = {f"user__{name}": value for name, value in user_fields.items()}
    return MembershipFactory(community=community, level=level, **fields).user


def start_thread(community, author, title, kind=Kind.DISCUSSION, group=None):
    return discussions.thread_create(
        community=community, author=author, kind=kind, title=title, body="Thoughts?", group=group
    )


@pytest.fixture
def ward(db):
    return CommunityFactory(
        name="Quiet Ward", slug="quiet-ward", visibility=Community.Visibility.PRIVATE
    )


@pytest.fixture
def writer(community, ward):
    person = member(community, Level.ACTIVE, display_name="Wren Writer")
    MembershipFactory(user=person, community=ward, level=Level.CORE)
    return person


# --- who gets what ---------------------------------------------------------------------


def test_a_daily_digest_tells_each_member_what_is_new_in_their_communities(
    community, ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    dana = on_daily(member(community, display_name="Dana Daily"))
    MembershipFactory(user=dana, community=ward)
    outsider_of_ward = on_daily(member(community))
    with at(MONDAY_AFTERNOON):
        start_thread(community, writer, "Tapering plans that worked")
        start_thread(community, writer, "Naloxone kits in clinic")
        start_thread(ward, writer, "Night shift handover")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    [message] = messages_to(smtp_server, dana)
    assert message["Subject"].endswith(
        "Your daily digest: 2 new threads in Safer Prescribing and more"
    )
    text, html = text_of(message), html_of(message)
    for title in ("Tapering plans that worked", "Naloxone kits in clinic", "Night shift handover"):
        assert title in text and title in html
    assert "Wren Writer" in text
    assert "http://" in text and "/c/safer-prescribing/discussions/" in html
    # The digest's own blocks are simple paragraphs, no layout tables.
    assert "<table" not in html.split("<h1", 1)[1].split("</td>", 1)[0]
    [other] = messages_to(smtp_server, outsider_of_ward)
    assert "Night shift handover" not in text_of(other)
    assert other["Subject"].endswith("2 new threads in Safer Prescribing")
    assert record_of(dana).status == Status.SENT
    # The writer is on the weekly default: nothing daily for them.
    assert not messages_to(smtp_server, writer)


def test_a_member_who_left_a_private_community_gets_nothing_from_it(
    community, ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    leaver = on_daily(member(ward))
    MembershipFactory(user=leaver, community=community)
    with at(MONDAY_AFTERNOON):
        start_thread(ward, writer, "Night shift handover")
        start_thread(community, writer, "Tapering plans that worked")

    # Planned while still a member; gone by the time the batch is built.
    with at(TUESDAY_DIGEST):
        plan_digests()
        membership_leave(user=leaver, community=ward)
        delivery.sweep()

    [message] = messages_to(smtp_server, leaver)
    assert "Night shift handover" not in text_of(message)
    assert "Quiet Ward" not in text_of(message)
    assert "Tapering plans that worked" in text_of(message)


def test_a_member_removed_from_their_only_community_gets_no_email(
    ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    removed = on_daily(member(ward))
    with at(MONDAY_AFTERNOON):
        start_thread(ward, writer, "Night shift handover")
    with at(TUESDAY_DIGEST):
        plan_digests()
        Membership.objects.filter(user=removed, community=ward).delete()
        delivery.sweep()

    assert not smtp_server.messages
    assert record_of(removed).status == Status.SKIPPED


def test_hidden_and_deleted_threads_and_replies_never_appear(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    moderator = on_daily(member(community, Level.CORE))
    reader = on_daily(member(community))
    with at(MONDAY_DIGEST - timedelta(days=3)):
        old = start_thread(community, writer, "An older thread")
    with at(MONDAY_AFTERNOON):
        hidden = start_thread(community, writer, "Spam about pills")
        discussions.thread_set_hidden(thread=hidden, actor=moderator, hidden=True)
        deleted = start_thread(community, writer, "Posted by mistake")
        Thread.objects.filter(pk=deleted.pk).update(deleted_at=MONDAY_AFTERNOON)
        start_thread(community, writer, "Visible thread")
        bad = discussions.reply_create(thread=old, author=writer, body="A rude reply")
        discussions.reply_set_hidden(post=bad, actor=moderator, hidden=True)

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    for person in (moderator, reader):
        [message] = messages_to(smtp_server, person)
        text = text_of(message)
        assert "Visible thread" in text
        assert "Spam about pills" not in text and "Posted by mistake" not in text
        # The only reply to the older thread is hidden: the thread is not "active".
        assert "An older thread" not in text


def test_nothing_new_means_no_email_and_a_skipped_record(
    community, smtp_server, django_capture_on_commit_callbacks
):
    quiet = on_daily(member(community))

    assert run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks) >= 1

    assert not smtp_server.messages
    assert record_of(quiet).status == Status.SKIPPED


def test_a_community_set_to_daily_is_in_the_daily_digest_not_the_weekly(
    community, ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    mixed = member(community)  # overall: the weekly default
    MembershipFactory(user=mixed, community=ward)
    Membership.objects.filter(user=mixed, community=ward).update(email_frequency="daily")
    with at(MONDAY_DIGEST - timedelta(hours=5)):
        start_thread(community, writer, "Weekly news")
        start_thread(ward, writer, "Daily news")

    # Monday: both the daily and the weekly digest are due.
    run_digests(MONDAY_DIGEST, django_capture_on_commit_callbacks)

    [daily] = messages_to(smtp_server, mixed, kind="daily")
    [weekly] = messages_to(smtp_server, mixed, kind="weekly")
    assert "Daily news" in text_of(daily) and "Weekly news" not in text_of(daily)
    assert "Weekly news" in text_of(weekly) and "Daily news" not in text_of(weekly)
    assert record_of(mixed, WEEKLY).period == "2026-W50"
    assert record_of(mixed, DAILY).period == "2026-12-07"


def test_instant_and_none_communities_are_left_out_of_digests(
    community, ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    person = on_daily(member(community))
    MembershipFactory(user=person, community=ward)
    Membership.objects.filter(user=person, community=community).update(email_frequency="none")
    Membership.objects.filter(user=person, community=ward).update(email_frequency="instant")
    with at(MONDAY_AFTERNOON):
        start_thread(community, writer, "Muted")
        start_thread(ward, writer, "Emailed one by one")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    assert not DeliveryRecord.objects.filter(user=person).exists()
    assert not messages_to(smtp_server, person)


def test_a_news_kind_turned_off_drops_its_section(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    everything = on_daily(member(community))
    no_knowledge = on_daily(
        member(community), news_kinds=["discussions", "events", "actions", "announcements"]
    )
    with at(MONDAY_AFTERNOON):
        make_item(community, title="Deprescribing toolkit")
        start_thread(community, writer, "Tapering plans that worked")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    assert "Deprescribing toolkit" in text_of(messages_to(smtp_server, everything)[0])
    text = text_of(messages_to(smtp_server, no_knowledge)[0])
    assert "Tapering plans that worked" in text
    assert "Deprescribing toolkit" not in text and "New and featured knowledge" not in text


def test_an_announcement_is_left_out_where_its_email_was_turned_off(
    community, smtp_server, django_capture_on_commit_callbacks
):
    core = member(community, Level.CORE)
    keen, opted_out = on_daily(member(community)), on_daily(member(community))
    Membership.objects.filter(user=opted_out).update(announcement_email=False)
    with at(MONDAY_AFTERNOON):
        start_thread(community, core, "Clinic closed on Friday", kind=Kind.ANNOUNCEMENT)
        start_thread(community, core, "Ordinary chat")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    assert "Clinic closed on Friday" in text_of(messages_to(smtp_server, keen)[0])
    assert "Clinic closed on Friday" not in text_of(messages_to(smtp_server, opted_out)[0])


def test_replies_to_my_threads_and_answers_to_my_questions(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    asker = on_daily(member(community, Level.ACTIVE))
    with at(MONDAY_DIGEST - timedelta(days=2)):
        thread = start_thread(community, asker, "Our tapering plan")
        question = start_thread(community, asker, "Which dose first?", kind=Kind.QUESTION)
    with at(MONDAY_AFTERNOON):
        discussions.reply_create(thread=thread, author=writer, body="Looks good")
        discussions.reply_create(thread=thread, author=asker, body="Thanks!")
        answer = discussions.reply_create(thread=question, author=writer, body="Start low")
        discussions.answer_accept(thread=question, post=answer, actor=asker)

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    [message] = messages_to(smtp_server, asker)
    text = text_of(message)
    assert message["Subject"].endswith("Your daily digest: 2 new replies to you")
    replies = text.split("Replies to your threads", 1)[1].split("Answers to your questions")[0]
    assert "Our tapering plan (1 new reply" in replies
    assert "Which dose first? (1 new answer, answer accepted" in text


def test_knowledge_new_shared_and_featured_but_never_drafts(
    community, ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    reader = on_daily(member(community))
    curator = member(community, Level.CORE)
    with at(MONDAY_DIGEST - timedelta(days=10)):
        older = make_item(community, title="An older guide", publisher=curator)
        private = make_item(ward, title="Ward-only notes")
    with at(MONDAY_AFTERNOON):
        make_item(community, title="Fresh guide", publisher=curator)
        make_item(community, title="Still a draft", status="draft", author=writer)
        knowledge.item_set_featured(item=older, actor=curator, featured=True)

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    text = text_of(messages_to(smtp_server, reader)[0])
    assert "Fresh guide" in text
    assert "An older guide (featured)" in text
    assert "Still a draft" not in text and "Ward-only notes" not in text
    assert private.pk  # made, but in a community the reader may not read


def test_upcoming_events_ride_along_with_news(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    reader = on_daily(member(community))
    with at(MONDAY_AFTERNOON):
        make_event(community, writer, title="Tapering huddle", days_ahead=3)
        make_event(community, writer, title="Far-off conference", days_ahead=20)
        start_thread(community, writer, "Agenda ideas")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    text = text_of(messages_to(smtp_server, reader)[0])
    assert "Tapering huddle" in text and "Far-off conference" not in text


def test_pending_actions_go_to_those_who_hold_the_rights(
    ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    Community.objects.filter(pk=ward.pk).update(join_policy=Community.JoinPolicy.REQUEST)
    ward.refresh_from_db()
    core = on_daily(member(ward, Level.CORE))
    peripheral = on_daily(member(ward))
    with at(MONDAY_AFTERNOON):
        join_request_create(user=UserFactory(), community=ward, message="Hello")
        thread = start_thread(ward, writer, "Handover")
        discussions.report_create(reporter=peripheral, thread=thread, reason="Off topic")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    core_text = text_of(messages_to(smtp_server, core)[0])
    assert "1 request to join" in core_text and "/c/quiet-ward/manage/" in core_text
    assert "1 report to review" in core_text and "/c/quiet-ward/moderation/" in core_text
    peripheral_text = text_of(messages_to(smtp_server, peripheral)[0])
    assert "request to join" not in peripheral_text and "report to review" not in peripheral_text
    assert JoinRequest.objects.count() == 1


def test_closed_working_group_threads_reach_only_its_members_and_moderators(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    from communities.models import WorkingGroup, WorkingGroupMember

    group = WorkingGroup.objects.create(
        community=community, name="Leaflet", slug="leaflet", is_closed=True
    )
    WorkingGroupMember.objects.create(group=group, user=writer)
    insider, outsider = on_daily(member(community)), on_daily(member(community))
    WorkingGroupMember.objects.create(group=group, user=insider)
    moderator = on_daily(member(community, Level.CORE))
    with at(MONDAY_AFTERNOON):
        start_thread(community, writer, "Leaflet draft 2", group=group)
        start_thread(community, writer, "Open to all")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    assert "Leaflet draft 2" in text_of(messages_to(smtp_server, insider)[0])
    assert "Leaflet draft 2" in text_of(messages_to(smtp_server, moderator)[0])
    assert "Leaflet draft 2" not in text_of(messages_to(smtp_server, outsider)[0])


def test_a_long_section_shows_ten_and_links_to_the_rest(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    reader = on_daily(member(community))
    with at(MONDAY_AFTERNOON):
        for number in range(13):
            start_thread(community, writer, f"Topic number {number}")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    message = messages_to(smtp_server, reader)[0]
    text = text_of(message)
    assert text.count("Topic number") == 10
    assert "and 3 more: http" in text and "/c/safer-prescribing/discussions/" in text
    assert "and 3 more in Safer Prescribing" in html_of(message)
    assert message["Subject"].endswith("13 new threads in Safer Prescribing")


# --- when --------------------------------------------------------------------------------


def test_a_member_in_vancouver_is_not_due_at_seven_in_toronto(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    toronto = on_daily(member(community))
    vancouver = on_daily(member(community, time_zone="America/Vancouver"))
    with at(MONDAY_AFTERNOON):
        start_thread(community, writer, "Tapering plans that worked")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)
    assert messages_to(smtp_server, toronto)
    assert not messages_to(smtp_server, vancouver)
    assert not DeliveryRecord.objects.filter(user=vancouver, kind=DAILY).exists()

    # 07:00 in Vancouver is 15:00 UTC.
    run_digests(TUESDAY_DIGEST + timedelta(hours=3), django_capture_on_commit_callbacks)
    [message] = messages_to(smtp_server, vancouver)
    assert "Tapering plans that worked" in text_of(message)
    assert record_of(vancouver).period == "2026-12-08"
    assert len(messages_to(smtp_server, toronto)) == 1


def test_due_periods_follow_the_local_clock_and_catch_up_the_week():
    assert due_periods("America/Toronto", MONDAY_DIGEST - timedelta(minutes=15)) == {}
    assert due_periods("America/Toronto", MONDAY_DIGEST) == {
        DAILY: "2026-12-07",
        WEEKLY: "2026-W50",
    }
    # Tuesday before the hour: no daily yet, but a missed weekly is still due.
    assert due_periods("America/Toronto", TUESDAY_DIGEST - timedelta(hours=2)) == {
        WEEKLY: "2026-W50"
    }
    # An unknown zone is read as UTC rather than failing the whole tick.
    assert due_periods("Mars/Olympus", MONDAY_DIGEST.replace(hour=7)) == {
        DAILY: "2026-12-07",
        WEEKLY: "2026-W50",
    }


def test_quiet_hours_hold_the_digest_until_they_end(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    sleeper = on_daily(member(community), quiet_start=time(22, 0), quiet_end=time(8, 30))
    with at(MONDAY_AFTERNOON):
        start_thread(community, writer, "Tapering plans that worked")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)
    record = record_of(sleeper)
    assert not smtp_server.messages and record.status == Status.PENDING
    assert record.not_before == TUESDAY_DIGEST + timedelta(hours=1, minutes=30)

    with at(record.not_before + timedelta(minutes=1)):
        delivery.sweep()
    [message] = messages_to(smtp_server, sleeper)
    assert "Tapering plans that worked" in text_of(message)


def test_the_next_digest_starts_where_the_last_one_ended(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    reader = on_daily(member(community))
    with at(MONDAY_AFTERNOON):
        start_thread(community, writer, "First day thread")
    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)
    with at(TUESDAY_AFTERNOON):
        start_thread(community, writer, "Second day thread")

    run_digests(WEDNESDAY_DIGEST, django_capture_on_commit_callbacks)

    first, second = messages_to(smtp_server, reader)
    assert "First day thread" in text_of(first)
    assert "Second day thread" in text_of(second) and "First day thread" not in text_of(second)
    wednesday = DeliveryRecord.objects.get(user=reader, period="2026-12-09")
    assert wednesday.since == TUESDAY_DIGEST and wednesday.until == WEDNESDAY_DIGEST


def test_planning_twice_in_a_tick_or_later_that_day_sends_nothing_twice(
    community, writer, smtp_server, django_capture_on_commit_callbacks
):
    reader = on_daily(member(community))
    with at(MONDAY_AFTERNOON):
        start_thread(community, writer, "Tapering plans that worked")

    first = run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)
    again = run_digests(TUESDAY_DIGEST + timedelta(minutes=5), django_capture_on_commit_callbacks)
    later = run_digests(TUESDAY_DIGEST + timedelta(hours=6), django_capture_on_commit_callbacks)

    assert first >= 1 and again == 0 and later == 0
    assert len(messages_to(smtp_server, reader)) == 1
    assert DeliveryRun.objects.filter(kind=DAILY).count() == 1
    assert DeliveryRun.objects.get(kind=DAILY).period == "digest_daily@2026-12-08T12:00Z"


def test_inactive_people_and_failing_addresses_are_not_planned(
    community, django_capture_on_commit_callbacks
):
    gone = on_daily(member(community))
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    bouncing = on_daily(member(community), email_failing_since=MONDAY_DIGEST)
    fine = on_daily(member(community))

    with at(TUESDAY_DIGEST):
        plan_digests()

    planned = set(DeliveryRecord.objects.filter(kind=DAILY).values_list("user_id", flat=True))
    assert fine.pk in planned and gone.pk not in planned and bouncing.pk not in planned


def test_planning_is_a_few_queries_whatever_the_number_of_members(community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def plan_at(moment):
        with at(moment), CaptureQueriesContext(connection) as queries:
            planned = plan_digests()
        return planned, len(queries)

    for zone in ("America/Toronto", "Europe/London", "America/Vancouver"):
        on_daily(member(community, time_zone=zone))
    few = plan_at(TUESDAY_DIGEST + timedelta(hours=3))
    for _ in range(40):
        on_daily(member(community))
    many = plan_at(WEDNESDAY_DIGEST + timedelta(hours=3))

    # Zones, one select per (kind, period) group of zones, then plan()'s run,
    # one INSERT, a count and an update, inside savepoints: the same for 43 as for 3.
    assert few == (3, 12) and many == (43, 12)


def test_an_item_shared_into_two_of_my_communities_is_listed_once(
    community, ward, writer, smtp_server, django_capture_on_commit_callbacks
):
    from knowledge.models import ItemShare

    reader = on_daily(member(community))
    MembershipFactory(user=reader, community=ward)
    with at(MONDAY_AFTERNOON):
        item = make_item(ward, title="Handover checklist")
        ItemShare.objects.create(item=item, community=community, shared_by=writer)
        start_thread(community, writer, "Tapering plans that worked")

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    assert text_of(messages_to(smtp_server, reader)[0]).count("Handover checklist") == 1
