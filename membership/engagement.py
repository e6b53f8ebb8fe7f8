"""Engagement-based level suggestions (Wenger's levels of participation).

The rule, over the last WINDOW_DAYS days of each member's contributions:
- a peripheral member with at least TO_ACTIVE contributions is suggested for active;
- an active member with at least TO_CORE contributions, a member for at least
  MIN_TENURE_DAYS, is suggested for core;
- an active or core member with no contribution at all, a member for at least
  MIN_TENURE_DAYS, is flagged as gone quiet (a prompt to check in, not a demotion).
Core members accept or dismiss each suggestion; nothing changes a level by itself.
A dismissed suggestion is not raised again for QUIET_PERIOD_DAYS.

What counts as a contribution comes from CONTRIBUTION_SOURCES: functions that
return {user_id: count} for a community since a moment. Charter revisions count
today; discussions, replies, knowledge items and event attendance add their own
sources as those features arrive.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from communities.events.selectors import attendance_by_member
from communities.models import Charter, Community, Post, Thread

from .models import LevelSuggestion, Membership

WINDOW_DAYS = 90
TO_ACTIVE = 3
TO_CORE = 10
MIN_TENURE_DAYS = 60
QUIET_PERIOD_DAYS = 90

Kind = LevelSuggestion.Kind
Level = Membership.Level


def charter_revisions(community: Community, since: datetime) -> dict[int, int]:
    rows = (
        Charter.history.filter(community_id=community.pk, history_date__gte=since)
        .exclude(history_user_id=None)
        .values("history_user_id")
        .annotate(n=Count("history_id"))
    )
    return {row["history_user_id"]: row["n"] for row in rows}


def knowledge_items_published(community: Community, since: datetime) -> dict[int, int]:
    # Imported here: the knowledge app builds on membership, not the other way round.
    from knowledge.selectors import published_items_by_author

    return published_items_by_author(community, since)


def threads_started(community: Community, since: datetime) -> dict[int, int]:
    """Discussions, questions and announcements started (removed ones do not count)."""
    rows = (
        Thread.objects.filter(community=community, created_at__gte=since, deleted_at=None)
        .exclude(author_id=None)
        .values("author_id")
        .annotate(n=Count("pk"))
    )
    return {row["author_id"]: row["n"] for row in rows}


def replies_posted(community: Community, since: datetime) -> dict[int, int]:
    rows = (
        Post.objects.filter(thread__community=community, created_at__gte=since, deleted_at=None)
        .exclude(author_id=None)
        .values("author_id")
        .annotate(n=Count("pk"))
    )
    return {row["author_id"]: row["n"] for row in rows}


def working_groups_started(community: Community, since: datetime) -> dict[int, int]:
    """Interactions: starting a working group is taking on a piece of the community's work."""
    from communities.models import WorkingGroup

    rows = (
        WorkingGroup.objects.filter(community=community, created_at__gte=since)
        .exclude(created_by=None)
        .values("created_by")
        .annotate(n=Count("id"))
    )
    return {row["created_by"]: row["n"] for row in rows}


CONTRIBUTION_SOURCES: list[Callable[[Community, datetime], dict[int, int]]] = [
    charter_revisions,
    knowledge_items_published,
    threads_started,
    replies_posted,
    attendance_by_member,  # meetings attended (communities/events)
    working_groups_started,
]


def contributions_by_member(community: Community, since: datetime) -> Counter:
    totals: Counter = Counter()
    for source in CONTRIBUTION_SOURCES:
        totals.update(source(community, since))
    return totals


def suggestion_for(
    *, level: str, contributions: int, joined_at: datetime, now: datetime
) -> tuple[str, str] | None:
    """The rule above, for one member: (kind, reason) or None."""
    tenured = now - joined_at >= timedelta(days=MIN_TENURE_DAYS)
    if level == Level.PERIPHERAL and contributions >= TO_ACTIVE:
        return Kind.PROMOTE_TO_ACTIVE, (
            f"{contributions} contributions in the last {WINDOW_DAYS} days"
        )
    if level == Level.ACTIVE and contributions >= TO_CORE and tenured:
        return Kind.PROMOTE_TO_CORE, (
            f"{contributions} contributions in the last {WINDOW_DAYS} days"
        )
    if level in (Level.ACTIVE, Level.CORE) and contributions == 0 and tenured:
        return Kind.GONE_QUIET, f"no contributions in the last {WINDOW_DAYS} days"
    return None


@transaction.atomic
def suggestions_refresh(*, community: Community) -> int:
    """Raise the suggestions the rule gives now; returns how many were new."""
    now = timezone.now()
    counts = contributions_by_member(community, now - timedelta(days=WINDOW_DAYS))
    memberships = list(Membership.objects.filter(community=community))
    # Open suggestions, and ones dismissed lately, are not raised again.
    recent = set(
        LevelSuggestion.objects.filter(membership__community=community)
        .filter(
            Q(status=LevelSuggestion.Status.OPEN)
            | Q(
                status=LevelSuggestion.Status.DISMISSED,
                decided_at__gte=now - timedelta(days=QUIET_PERIOD_DAYS),
            )
        )
        .values_list("membership_id", "kind")
    )
    new = []
    for membership in memberships:
        rule = suggestion_for(
            level=membership.level,
            contributions=counts.get(membership.user_id, 0),
            joined_at=membership.created_at,
            now=now,
        )
        if rule and (membership.pk, rule[0]) not in recent:
            new.append(LevelSuggestion(membership=membership, kind=rule[0], reason=rule[1]))
    LevelSuggestion.objects.bulk_create(new)
    return len(new)
