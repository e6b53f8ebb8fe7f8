""" "Did you apply it?" prompts 30 and 90 days after a member attended a meeting or
first downloaded a knowledge item, leading to a value story."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from communities.events import services as events
from facilitation.alignment import services as alignment
from knowledge import services as knowledge
from knowledge.models import ItemDownload
from membership.models import DeliveryRecord, User
from membership.notifications.delivery import builder_for
from membership.notifications.reminders import applied as reminders
from membership.services import membership_leave

from ...events.factories import make_event, meeting_of
from ...factories import CommunityFactory, MembershipFactory, UserFactory
from ...knowledge.factories import make_item, text_upload
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
APPLIED_30, APPLIED_90 = reminders.APPLIED_30, reminders.APPLIED_90
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/140.0"}
DAY = timedelta(days=1)


def _member(community, level="peripheral", **user):
    fields = {f"user__{key}": value for key, value in user.items()}
    return MembershipFactory(community=community, level=level, **fields).user


@pytest.fixture
def start():
    return (timezone.now() + DAY).replace(microsecond=0)


def _attended(community, organiser, people, start, title="Falls huddle"):
    meeting = meeting_of(make_event(community, organiser, starts_at=start, title=title))
    events.attendance_record(occurrence=meeting, actor=organiser, user_ids=[p.pk for p in people])
    return meeting


def _story(community, author, *, items=()):
    return alignment.story_create(
        community=community,
        actor=author,
        title="We changed the handover",
        applied="The checklist, on ward 3.",
        changed="Fewer missed handovers.",
        value_type="applied",
        items=list(items),
    )


def _download(item, user, at):
    with time_machine.travel(at, tick=False):
        knowledge.item_download_record(item=item, user=user)


# --- attending a meeting ----------------------------------------------------------------


def test_attendees_are_asked_30_and_90_days_after_the_meeting_once_each(
    community, core, start, smtp_server, django_capture_on_commit_callbacks
):
    attendee = _member(community, display_name="Ana Attendee")
    absent = _member(community)
    meeting = _attended(community, core, [attendee], start)
    capture = django_capture_on_commit_callbacks

    assert beat(reminders, start + 30 * DAY - timedelta(minutes=10), capture) == 0
    beat(reminders, start + 30 * DAY + timedelta(minutes=5), capture)
    beat(reminders, start + 30 * DAY + timedelta(minutes=20), capture)
    beat(reminders, start + 60 * DAY, capture)
    assert recipients(smtp_server) == [attendee.email]
    month = smtp_server.messages[0]
    assert "Did you apply it? Falls huddle" in month["Subject"]
    assert "About a month ago" in text_of(month)
    story_url = reverse("alignment:story_create", args=[community.slug])
    assert story_url in text_of(month) and story_url in html_of(month)
    assert meeting.get_absolute_url() in text_of(month)
    assert "because you attended this meeting" in html_of(month)
    assert unsubscribe_scope(month) == (attendee.pk, "reminders")

    beat(reminders, start + 90 * DAY + timedelta(minutes=5), capture)
    beat(reminders, start + 91 * DAY, capture)
    assert recipients(smtp_server) == [attendee.email, attendee.email]
    assert "About three months ago" in text_of(smtp_server.messages[1])
    assert absent.pk not in statuses(APPLIED_30) | statuses(APPLIED_90)


def test_a_story_told_after_the_meeting_stops_the_later_prompt(
    community, core, start, smtp_server, django_capture_on_commit_callbacks
):
    storyteller, quiet = _member(community), _member(community)
    _attended(community, core, [storyteller, quiet], start)
    capture = django_capture_on_commit_callbacks
    beat(reminders, start + 30 * DAY + timedelta(minutes=5), capture)
    assert len(smtp_server.messages) == 2

    with time_machine.travel(start + 40 * DAY, tick=False):
        _story(community, storyteller)
    beat(reminders, start + 90 * DAY + timedelta(minutes=5), capture)

    assert recipients(smtp_server)[2:] == [quiet.email]
    assert statuses(APPLIED_90) == {storyteller.pk: Status.SKIPPED, quiet.pk: Status.SENT}


def test_meetings_long_past_are_not_all_prompted_at_once(
    community, core, start, smtp_server, django_capture_on_commit_callbacks
):
    _attended(community, core, [_member(community)], start)
    # Beat was stopped (or reminders did not exist) from day 29 to day 50.
    assert beat(reminders, start + 50 * DAY, django_capture_on_commit_callbacks) == 0
    assert not smtp_server.messages


def test_attendees_who_left_a_private_community_or_opted_out_get_nothing(db, start, smtp_server):
    private = CommunityFactory(visibility="private")
    organiser = _member(private, level="core")
    leaver, opted_out, turns_off, stays = (_member(private) for _ in range(4))
    _attended(private, organiser, [leaver, opted_out, turns_off, stays], start)
    opt_out_of_reminders(opted_out)
    at = start + 30 * DAY + timedelta(minutes=5)

    assert plan_only(reminders, at) == 3
    membership_leave(user=leaver, community=private)
    opt_out_of_reminders(turns_off)
    send_pending(at)

    assert recipients(smtp_server) == [stays.email]
    assert statuses(APPLIED_30) == {
        leaver.pk: Status.SKIPPED,
        turns_off.pk: Status.SKIPPED,
        stays.pk: Status.SENT,
    }


# --- downloading an item ----------------------------------------------------------------


def test_the_download_views_keep_a_member_s_first_download_only(client, community):
    item = make_item(community, kind="document", upload=text_upload())
    reader = _member(community)
    url = reverse("knowledge:download", args=[item.pk])

    client.get(url, **BROWSER)  # signed out: nobody to ask later
    assert not ItemDownload.objects.exists()

    client.force_login(reader)
    first = timezone.now()
    with time_machine.travel(first, tick=False):
        assert client.get(url, **BROWSER).status_code == 200
    with time_machine.travel(first + 5 * DAY, tick=False):
        # Sessions time out (SESSION_ABSOLUTE_TIMEOUT_SECONDS): the member signs in again.
        client.force_login(reader)
        client.get(url, **BROWSER)
        version = item.history.earliest()
        client.get(reverse("knowledge:version_download", args=[item.pk, version.history_id]))

    download = ItemDownload.objects.get()
    assert (download.user, download.item, download.downloaded_at) == (reader, item, first)


def test_a_download_is_followed_by_prompts_that_lead_to_a_story_about_the_item(
    community, smtp_server, django_capture_on_commit_callbacks
):
    item = make_item(community, kind="document", title="Handover checklist")
    reader = _member(community)
    downloaded = timezone.now()
    _download(item, reader, downloaded)
    capture = django_capture_on_commit_callbacks

    assert beat(reminders, downloaded + 29 * DAY, capture) == 0
    beat(reminders, downloaded + 30 * DAY + timedelta(minutes=10), capture)
    beat(reminders, downloaded + 31 * DAY, capture)
    assert recipients(smtp_server) == [reader.email]
    message = smtp_server.messages[0]
    assert "Handover checklist" in message["Subject"]
    assert "you downloaded" in text_of(message)
    assert reverse("alignment:story_create", args=[community.slug]) in text_of(message)
    assert item.get_absolute_url() in text_of(message)
    assert "because you downloaded this item" in html_of(message)

    beat(reminders, downloaded + 90 * DAY + timedelta(minutes=10), capture)
    assert recipients(smtp_server) == [reader.email, reader.email]


def test_no_prompt_after_a_story_about_the_item_for_its_author_or_without_access(db, smtp_server):
    private = CommunityFactory(visibility="private")
    author = _member(private, level="active")
    item = make_item(private, author=author, kind="document")
    told, leaver, asked = (_member(private) for _ in range(3))
    downloaded = timezone.now()
    for person in (author, told, leaver, asked):
        _download(item, person, downloaded)
    at = downloaded + 30 * DAY + timedelta(minutes=10)
    assert plan_only(reminders, at) == 4

    _story(private, told, items=[item])
    membership_leave(user=leaver, community=private)
    send_pending(at)

    assert recipients(smtp_server) == [asked.email]
    assert statuses(APPLIED_30) == {
        author.pk: Status.SKIPPED,
        told.pk: Status.SKIPPED,
        leaver.pk: Status.SKIPPED,
        asked.pk: Status.SENT,
    }


def test_a_shared_item_leads_to_the_reader_s_own_community(
    community, smtp_server, django_capture_on_commit_callbacks
):
    item = make_item(community, kind="document")
    elsewhere = CommunityFactory()
    sharer = UserFactory(platform_role=User.PlatformRole.FACILITATOR)
    knowledge.item_share(item=item, actor=sharer, community=elsewhere, confirmed=True)
    reader = _member(elsewhere)  # may read the public home, but records stories here
    downloaded = timezone.now()
    _download(item, reader, downloaded)

    beat(
        reminders, downloaded + 30 * DAY + timedelta(minutes=10), django_capture_on_commit_callbacks
    )

    assert reverse("alignment:story_create", args=[elsewhere.slug]) in text_of(
        smtp_server.messages[0]
    )


# --- constant queries -----------------------------------------------------------------


def test_the_builder_uses_the_same_queries_for_3_and_30_records(
    db, start, django_assert_num_queries
):
    communities = CommunityFactory.create_batch(3)
    for index, community in enumerate(communities):
        organiser = _member(community, level="core")
        people = [_member(community) for _ in range(5)]
        _attended(community, organiser, people, start, title=f"Meeting {index}")
        item = make_item(community, kind="document")
        for person in people:
            _download(item, person, start)
    at = start + 30 * DAY + timedelta(minutes=10)
    assert plan_only(reminders, at) == 30
    build = builder_for(APPLIED_30)
    records = records_of(APPLIED_30)
    attendance = [r for r in records if r.period.startswith("attendance:")]
    downloads = [r for r in records if r.period.startswith("download:")]
    few_records = [*attendance[:2], downloads[0]]
    many_records = records_of(APPLIED_30)

    with time_machine.travel(at, tick=False):
        with django_assert_num_queries(7):
            few = build(few_records)
        with django_assert_num_queries(7):
            many = build(many_records)

    assert len(few) == 3 and all(few.values())
    assert len(many) == 30 and all(many.values())
