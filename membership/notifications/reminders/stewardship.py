"""Reminders for those who look after a community: join requests waiting, questions
nobody has answered, the charter and knowledge items due for review.

Recipients are whoever holds the permission that lets them act (MANAGE_MEMBERS,
MODERATE, EDIT_CHARTER), asked of membership/permissions.py for every community at
once when planning, and again for every recipient at once when sending: someone who
lost the right in between is skipped, and so is a reminder whose cause is gone (the
requests answered, the questions answered, the review done).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from communities.models import Charter, Community, Post, Thread
from copplatform.emails import absolute_url
from facilitation.models import RiskThresholds
from membership.models import JoinRequest
from membership.permissions import Perm, communities_granting_each, users_granted_each

from ..delivery import Due, Email, register
from ._planning import wants_reminders
from .audience import period_id, period_tail, readers, record, run_day, run_week

JOIN_REQUESTS = "join_requests_waiting"
UNANSWERED = "unanswered_questions"
CHARTER_REVIEW = "charter_review_due"
KNOWLEDGE_REVIEW = "knowledge_review_due"

SCOPE = "reminders"
TEMPLATES = "membership/email/reminders/"
# A request is "waiting" once it has had this long for an answer.
JOIN_REQUEST_WAIT = timedelta(days=2)
# A charter never marked as reviewed is due once the community has had this long to
# agree it (so founders are not reminded on their first day).
NEVER_REVIEWED_GRACE = timedelta(days=30)
NEVER = "never"


def plan(now: datetime) -> int:
    return (
        plan_join_requests(now)
        + plan_unanswered(now)
        + plan_charter_reviews(now)
        + plan_knowledge_reviews(now)
    )


def _due_to_stewards(
    *, kind: str, run_period: str, stewards: dict[int, set[int]], period_of, now: datetime
) -> int:
    """One Due per steward per community; `period_of(community_id, reader)`."""
    people = readers({uid for ids in stewards.values() for uid in ids}, now)
    due = [
        Due(
            user_id=uid,
            period=period_of(community_id, people[uid]),
            community_id=community_id,
            not_before=people[uid].not_before,
        )
        for community_id, user_ids in stewards.items()
        for uid in sorted(user_ids)
        if uid in people
    ]
    return record(kind=kind, run_period=run_period, due=due, now=now)


def _granted(records, perm: str) -> dict[int, set[int]]:
    """{user id: community ids where they hold `perm`} for the records' people who
    still want reminders. One query."""
    return communities_granting_each({r.user_id for r in records if wants_reminders(r.user)}, perm)


def _may(granted: dict[int, set[int]], record, community_id: int | None = None) -> bool:
    return (community_id or record.community_id) in granted.get(record.user_id, set())


# --- join requests waiting ------------------------------------------------------------


def _waiting_requests(now: datetime):
    return JoinRequest.objects.filter(
        status=JoinRequest.Status.PENDING,
        created_at__lt=now - JOIN_REQUEST_WAIT,
        community__status=Community.Status.ACTIVE,
    )


def plan_join_requests(now: datetime) -> int:
    """Each steward, once a day per community, while requests wait over two days."""
    waiting = set(_waiting_requests(now).values_list("community_id", flat=True).distinct())
    return _due_to_stewards(
        kind=JOIN_REQUESTS,
        run_period=run_day(now),
        stewards=users_granted_each(waiting, Perm.MANAGE_MEMBERS),
        period_of=lambda cid, reader: f"community:{cid}:{reader.day}",
        now=now,
    )


@register(JOIN_REQUESTS)
def build_join_requests(records) -> dict:
    """Three queries: permissions, waiting requests (with people and communities)."""
    granted = _granted(records, Perm.MANAGE_MEMBERS)
    waiting = defaultdict(list)
    rows = (
        _waiting_requests(timezone.now())
        .filter(community_id__in={r.community_id for r in records})
        .select_related("user", "community")
        .order_by("created_at", "pk")
    )
    for join_request in rows:
        waiting[join_request.community_id].append(join_request)
    emails = {}
    for r in records:
        requests = waiting.get(r.community_id)
        if not requests or not wants_reminders(r.user) or not _may(granted, r):
            emails[r.pk] = None
            continue
        community = requests[0].community
        emails[r.pk] = Email(
            TEMPLATES + JOIN_REQUESTS,
            {
                "community": community,
                "requests": requests,
                "count": len(requests),
                "manage_url": absolute_url(reverse("membership:manage", args=[community.slug])),
            },
            SCOPE,
        )
    return emails


# --- unanswered questions ---------------------------------------------------------------


def _unanswered_questions(now: datetime):
    """Live, open questions older than NOTIFICATIONS_UNANSWERED_DAYS with no accepted
    answer and no live reply from anyone but their author (the dashboard's
    "unanswered")."""
    answered = Post.objects.filter(thread_id=OuterRef("pk"), deleted_at=None, is_hidden=False)
    return Thread.objects.filter(
        kind=Thread.Kind.QUESTION,
        deleted_at=None,
        is_hidden=False,
        is_locked=False,
        accepted_post=None,
        created_at__lt=now - timedelta(days=settings.NOTIFICATIONS_UNANSWERED_DAYS),
        community__status=Community.Status.ACTIVE,
    ).exclude(Exists(answered.exclude(author_id=OuterRef("author_id"))))


def plan_unanswered(now: datetime) -> int:
    """The community's moderators (core members, its facilitators), weekly at most."""
    waiting = set(_unanswered_questions(now).values_list("community_id", flat=True).distinct())
    return _due_to_stewards(
        kind=UNANSWERED,
        run_period=run_week(now),
        stewards=users_granted_each(waiting, Perm.MODERATE),
        period_of=lambda cid, reader: f"community:{cid}:{reader.week}",
        now=now,
    )


@register(UNANSWERED)
def build_unanswered(records) -> dict:
    """Two queries: permissions, the questions still unanswered (with communities)."""
    granted = _granted(records, Perm.MODERATE)
    questions = defaultdict(list)
    rows = (
        _unanswered_questions(timezone.now())
        .filter(community_id__in={r.community_id for r in records})
        .select_related("community")
        .order_by("created_at", "pk")
    )
    for thread in rows:
        thread.url = absolute_url(
            reverse("discussions:thread", args=[thread.community.slug, thread.pk])
        )
        questions[thread.community_id].append(thread)
    emails = {}
    for r in records:
        found = questions.get(r.community_id)
        if not found or not wants_reminders(r.user) or not _may(granted, r):
            emails[r.pk] = None
            continue
        community = found[0].community
        emails[r.pk] = Email(
            TEMPLATES + UNANSWERED,
            {
                "community": community,
                "questions": found,
                "count": len(found),
                "days": settings.NOTIFICATIONS_UNANSWERED_DAYS,
                "discussions_url": absolute_url(reverse("discussions:list", args=[community.slug])),
            },
            SCOPE,
        )
    return emails


# --- charter review due -------------------------------------------------------------------


def _charter_cycle(charter: Charter) -> str:
    """Which due cycle a charter is in: the day it was last reviewed, or "never"."""
    if charter.last_reviewed_at is None:
        return NEVER
    return timezone.localdate(charter.last_reviewed_at).isoformat()


def _charters_due(now: datetime, thresholds: RiskThresholds):
    """Charters whose review is due by the dashboard's rule (RiskThresholds.
    charter_review_days since the last review; never reviewed counts once the
    community has had NEVER_REVIEWED_GRACE to agree it)."""
    return Charter.objects.filter(community__status=Community.Status.ACTIVE).filter(
        Q(last_reviewed_at__lt=now - timedelta(days=thresholds.charter_review_days))
        | Q(last_reviewed_at=None, created_at__lt=now - NEVER_REVIEWED_GRACE)
    )


def plan_charter_reviews(now: datetime) -> int:
    """Those who may edit the charter, once per community per due cycle."""
    charters = {
        charter.community_id: charter
        for charter in _charters_due(now, RiskThresholds.current()).only(
            "pk", "community_id", "last_reviewed_at"
        )
    }
    return _due_to_stewards(
        kind=CHARTER_REVIEW,
        run_period=run_day(now),
        stewards=users_granted_each(set(charters), Perm.EDIT_CHARTER),
        period_of=lambda cid, reader: f"community:{cid}:{_charter_cycle(charters[cid])}",
        now=now,
    )


@register(CHARTER_REVIEW)
def build_charter_reviews(records) -> dict:
    """Three queries: permissions, thresholds, the charters still due (with
    communities)."""
    granted = _granted(records, Perm.EDIT_CHARTER)
    now = timezone.now()
    thresholds = RiskThresholds.current()
    charters = {
        charter.community_id: charter
        for charter in _charters_due(now, thresholds)
        .filter(community_id__in={r.community_id for r in records})
        .select_related("community")
    }
    emails = {}
    for r in records:
        charter = charters.get(r.community_id)
        if (
            charter is None
            or _charter_cycle(charter) != period_tail(r.period)
            or not wants_reminders(r.user)
            or not _may(granted, r)
        ):
            emails[r.pk] = None
            continue
        slug = charter.community.slug
        emails[r.pk] = Email(
            TEMPLATES + CHARTER_REVIEW,
            {
                "community": charter.community,
                "charter": charter,
                "interval_days": thresholds.charter_review_days,
                "charter_url": absolute_url(reverse("communities:charter", args=[slug])),
                "edit_url": absolute_url(reverse("communities:charter_edit", args=[slug])),
            },
            SCOPE,
        )
    return emails


# --- knowledge review due ---------------------------------------------------------------


def _review_day(item) -> str:
    return timezone.localdate(item.review_due_at).isoformat()


def plan_knowledge_reviews(now: datetime) -> int:
    """The home community's moderators, once per item and due date (beside the
    in-app notification knowledge.tasks.notify_reviews_due keeps making)."""
    from knowledge.selectors import items_due_for_review

    items = list(
        items_due_for_review(now=now)
        .filter(community__status=Community.Status.ACTIVE)
        .only("pk", "community_id", "review_due_at")
    )
    moderators = users_granted_each({item.community_id for item in items}, Perm.MODERATE)
    people = readers({uid for ids in moderators.values() for uid in ids}, now)
    due = [
        Due(
            user_id=uid,
            period=f"item:{item.pk}:{_review_day(item)}",
            community_id=item.community_id,
            not_before=people[uid].not_before,
        )
        for item in items
        for uid in sorted(moderators.get(item.community_id, ()))
        if uid in people
    ]
    return record(kind=KNOWLEDGE_REVIEW, run_period=run_day(now), due=due, now=now)


@register(KNOWLEDGE_REVIEW)
def build_knowledge_reviews(records) -> dict:
    """Two queries: permissions, the items still due (with communities)."""
    from knowledge.selectors import items_due_for_review

    granted = _granted(records, Perm.MODERATE)
    ids = {period_id(r.period, "item") for r in records} - {None}
    items = {item.pk: item for item in items_due_for_review(now=timezone.now()).filter(pk__in=ids)}
    emails = {}
    for r in records:
        item = items.get(period_id(r.period, "item"))
        if (
            item is None
            or _review_day(item) != period_tail(r.period)
            or not wants_reminders(r.user)
            or not _may(granted, r, item.community_id)
        ):
            emails[r.pk] = None
            continue
        emails[r.pk] = Email(
            TEMPLATES + KNOWLEDGE_REVIEW,
            {
                "community": item.community,
                "item": item,
                "item_url": absolute_url(item.get_absolute_url()),
            },
            SCOPE,
        )
    return emails
