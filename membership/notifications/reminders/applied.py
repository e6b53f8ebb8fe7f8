""" "Did you apply it?" prompts, 30 and 90 days after a member attended a meeting or
first downloaded a knowledge item, leading to a value story.

Kinds "applied_30" and "applied_90"; periods "attendance:<Attendance id>" and
"download:<ItemDownload id>". A meeting counts from its start, a download from the
member's first download of the item. Beat runs `plan` every 15 minutes; a prompt is
due from its day until DUE_WINDOW later, so older attendance and downloads (from
before reminders existed, or a long stop of beat) are not all prompted at once.

At send time a member gets nothing if they may no longer read the meeting or item,
have no community where they may record a story about it, or have already recorded
one: for an item, a story of theirs that links it; for a meeting (stories do not
link meetings), a story of theirs in its community written since the meeting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Prefetch
from django.urls import reverse

from communities.events.models import Attendance
from communities.models import Community
from copplatform.emails import absolute_url
from facilitation.models import ValueStory
from knowledge.models import ItemDownload, ItemShare
from membership import permissions

from .. import delivery
from ..delivery import Email
from ._planning import (
    PREFERENCE_FIELDS,
    due_from,
    ids_in,
    not_yet_recorded,
    outer_period,
    preference_fields,
    run_period,
    wants_reminders,
)

APPLIED_30 = "applied_30"
APPLIED_90 = "applied_90"
AFTER = {APPLIED_30: timedelta(days=30), APPLIED_90: timedelta(days=90)}
MONTHS = {APPLIED_30: 1, APPLIED_90: 3}
DUE_WINDOW = timedelta(days=14)


def plan(now: datetime) -> int:
    """Record everyone due a "did you apply it?" prompt now; returns how many."""
    recorded = 0
    for kind, after in AFTER.items():
        latest, earliest = now - after, now - after - DUE_WINDOW
        attended = (
            Attendance.objects.filter(
                occurrence__starts_at__lte=latest,
                occurrence__starts_at__gt=earliest,
                user__is_active=True,
            )
            .filter(
                not_yet_recorded(kind, user_field="user", period=outer_period("attendance:", "pk"))
            )
            .annotate(
                community_id=F("occurrence__event__community_id"), **preference_fields("user")
            )
            .values("pk", "user_id", "community_id", *PREFERENCE_FIELDS)
        )
        downloaded = (
            ItemDownload.objects.filter(
                downloaded_at__lte=latest, downloaded_at__gt=earliest, user__is_active=True
            )
            .filter(
                not_yet_recorded(kind, user_field="user", period=outer_period("download:", "pk"))
            )
            .annotate(community_id=F("item__community_id"), **preference_fields("user"))
            .values("pk", "user_id", "community_id", *PREFERENCE_FIELDS)
        )
        due = due_from(attended, period=lambda row: f"attendance:{row['pk']}", now=now)
        due += due_from(downloaded, period=lambda row: f"download:{row['pk']}", now=now)
        if due:
            delivery.plan(kind=kind, run_period=run_period(now), due=due, now=now)
        recorded += len(due)
    return recorded


# --- building the emails (at send time) ----------------------------------------------


def _story_url(community: Community) -> str:
    # The story form takes no pre-filled fields: the link opens it in the community.
    return absolute_url(reverse("alignment:story_create", args=[community.slug]))


def _may_record_in(person, community: Community) -> bool:
    return community.status == Community.Status.ACTIVE and permissions.may_record_value_story(
        person, community
    )


def _build(records, *, kind: str) -> dict[int, Email | None]:
    """At most seven queries for any number of records: attendance, downloads (with
    item authors and shares), the recipients' permissions, and their stories."""
    attendance_of = ids_in(records, "attendance:")
    download_of = ids_in(records, "download:")
    user_ids = {record.user_id for record in records}
    attendances, downloads = {}, {}
    if attendance_of:
        attendances = Attendance.objects.select_related("occurrence__event__community").in_bulk(
            set(attendance_of.values())
        )
    if download_of:
        downloads = (
            ItemDownload.objects.select_related("item__community")
            .prefetch_related(
                "item__authors",
                Prefetch("item__shares", queryset=ItemShare.objects.select_related("community")),
            )
            .in_bulk(set(download_of.values()))
        )
    communities = {a.occurrence.event.community for a in attendances.values()}
    for download in downloads.values():
        communities.add(download.item.community)
        communities.update(share.community for share in download.item.shares.all())
    permissions.prefetch_for_each([record.user for record in records], communities)

    # Stories already told: about an item (it links the item), after a meeting (in
    # its community, since the meeting began).
    stories_about_items = set()
    if downloads:
        stories_about_items = set(
            ValueStory.items.through.objects.filter(
                valuestory__author_id__in=user_ids,
                knowledgeitem_id__in={d.item_id for d in downloads.values()},
            ).values_list("valuestory__author_id", "knowledgeitem_id")
        )
    stories_since: dict[tuple[int, int], list[datetime]] = {}
    if attendances:
        rows = ValueStory.objects.filter(
            author_id__in=user_ids,
            community_id__in={a.occurrence.event.community_id for a in attendances.values()},
            created_at__gte=min(a.occurrence.starts_at for a in attendances.values()),
        ).values_list("author_id", "community_id", "created_at")
        for author_id, community_id, created_at in rows:
            stories_since.setdefault((author_id, community_id), []).append(created_at)

    emails: dict[int, Email | None] = {}
    for record in records:
        person = record.user
        email = None
        if not wants_reminders(person):
            pass
        elif record.pk in attendance_of:
            attendance = attendances.get(attendance_of[record.pk])
            if attendance is not None and attendance.user_id == person.pk:
                email = _about_meeting(person, attendance, stories_since, kind=kind)
        elif record.pk in download_of:
            download = downloads.get(download_of[record.pk])
            if download is not None and download.user_id == person.pk:
                email = _about_item(person, download, stories_about_items, kind=kind)
        emails[record.pk] = email
    return emails


def _about_meeting(person, attendance, stories_since, *, kind: str) -> Email | None:
    occurrence = attendance.occurrence
    community = occurrence.event.community
    if not (
        permissions.may_read_event(person, occurrence.event) and _may_record_in(person, community)
    ):
        return None
    told = stories_since.get((person.pk, community.pk), [])
    if any(created_at >= occurrence.starts_at for created_at in told):
        return None
    return Email(
        "membership/email/reminders/applied",
        {
            "source": "meeting",
            "title": occurrence.title,
            "when": occurrence.starts_at,
            "source_url": absolute_url(occurrence.get_absolute_url()),
            "community": community,
            "story_url": _story_url(community),
            "months": MONTHS[kind],
        },
        unsubscribe_scope="reminders",
    )


def _about_item(person, download, stories_about_items, *, kind: str) -> Email | None:
    item = download.item
    if (
        not item.is_published  # a story links published items only
        or permissions.is_item_author(person, item)  # their own work, not something applied
        or not permissions.may_read_item(person, item)
        or (person.pk, item.pk) in stories_about_items
    ):
        return None
    # Where a story may link the item: its home community, or one it was shared into.
    places = [item.community, *(share.community for share in item.shares.all())]
    community = next((c for c in places if _may_record_in(person, c)), None)
    if community is None:
        return None
    return Email(
        "membership/email/reminders/applied",
        {
            "source": "item",
            "title": item.title,
            "when": download.downloaded_at,
            "source_url": absolute_url(item.get_absolute_url()),
            "community": community,
            "story_url": _story_url(community),
            "months": MONTHS[kind],
        },
        unsubscribe_scope="reminders",
    )


@delivery.register(APPLIED_30)
def build_applied_30(records) -> dict[int, Email | None]:
    return _build(records, kind=APPLIED_30)


@delivery.register(APPLIED_90)
def build_applied_90(records) -> dict[int, Email | None]:
    return _build(records, kind=APPLIED_90)
