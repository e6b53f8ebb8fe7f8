"""Rows for report tests, made straight in the database (fast) with known dates."""

from datetime import timedelta

from django.utils import timezone

from communities.events.models import Attendance
from communities.models import Event, EventOccurrence, Post, Thread
from facilitation.models import CommunityLearningStage, ValueStory, WorkLogEntry
from knowledge.models import KnowledgeItem
from membership.models import Membership, User

from ...factories import CommunityFactory, UserFactory


def add_members(community, count, *, level="peripheral", stakeholder="clinician", joined=None):
    """`count` new people in `community` (no permissions: the report counts rows)."""
    users = User.objects.bulk_create(
        [
            User(
                email=f"{community.slug}-{level}-{stakeholder}-{i}-{User.objects.count()}@ex.org",
                display_name=f"Member {community.slug} {i}",
                stakeholder_type=stakeholder,
            )
            for i in range(count)
        ]
    )
    rows = Membership.objects.bulk_create(
        [
            Membership(user=user, community=community, level=level, sort_name=user.display_name)
            for user in users
        ]
    )
    if joined is not None:
        Membership.objects.filter(pk__in=[m.pk for m in rows]).update(created_at=joined)
    return users


def add_thread(community, *, title="A thread", replies=0, when=None, author=None):
    author = author or UserFactory()
    thread = Thread.objects.create(community=community, title=title, body="Body", author=author)
    posts = Post.objects.bulk_create(
        [Post(thread=thread, author=author, body="Reply") for _ in range(replies)]
    )
    if when is not None:
        Thread.objects.filter(pk=thread.pk).update(created_at=when)
        Post.objects.filter(pk__in=[p.pk for p in posts]).update(created_at=when)
    return thread


def add_item(community, *, title="An item", when=None, kind="story"):
    when = when or timezone.now()
    return KnowledgeItem.objects.create(
        community=community,
        title=title,
        summary="Summary",
        kind=kind,
        status=KnowledgeItem.Status.PUBLISHED,
        published_at=when,
    )


def add_meeting(community, *, when=None, attendees=0, title="Huddle"):
    when = when or timezone.now() - timedelta(days=3)
    event = Event.objects.create(
        community=community, title=title, starts_at=when, ends_at=when + timedelta(hours=1)
    )
    occurrence = EventOccurrence.objects.create(
        event=event, starts_at=when, ends_at=when + timedelta(hours=1)
    )
    people = add_members(community, attendees, stakeholder="other") if attendees else []
    Attendance.objects.bulk_create([Attendance(occurrence=occurrence, user=u) for u in people])
    return occurrence


def add_story(community, *, title="A story", value_type="applied", confirmed=True):
    return ValueStory.objects.create(
        community=community,
        title=title,
        applied="Applied it",
        changed=f"{title}: what changed",
        value_type=value_type,
        status=ValueStory.Status.CONFIRMED if confirmed else ValueStory.Status.RECORDED,
    )


def add_work(facilitator, community, *, minutes=60, kind="meeting", description="Ran a meeting"):
    return WorkLogEntry.objects.create(
        facilitator=facilitator,
        community=community,
        kind=kind,
        description=description,
        minutes=minutes,
    )


def full_community(index, *, facilitator, priority, visibility="public"):
    """A community with a little of everything the report counts."""
    community = CommunityFactory(visibility=visibility, name=f"Busy {index:02d}")
    community.topics.add("quality")
    priority.communities.add(community)
    CommunityLearningStage.objects.create(community=community, stage="generate")
    add_members(community, 6, level="core")
    add_members(community, 2, level="active", stakeholder="patient")
    add_thread(community, replies=2)
    add_item(community)
    add_meeting(community, attendees=5)
    add_story(community)
    add_work(facilitator, community)
    return community
