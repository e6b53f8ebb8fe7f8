"""Notes to members themselves: a welcome nudge to newcomers who have not started
their community's getting-started checklist, and a gentle note to members who have
gone quiet.

Both are about one community and go only to people who may still read it when the
email is sent; a member who turned off email from that community gets neither.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Post, Thread
from copplatform.emails import absolute_url
from facilitation.dashboard.signals import contribution_flags
from facilitation.models import RiskThresholds
from knowledge.models import KnowledgeItem
from membership.models import DeliveryRecord, Membership, OnboardingProgress, OnboardingStep
from membership.permissions import memberships_readable_by_each

from ..delivery import Due, Email, register
from ._planning import wants_reminders
from .audience import period_id, readers, record, run_day

ONBOARDING = "onboarding_nudge"
QUIET = "quiet_member_note"

SCOPE = "reminders"
TEMPLATES = "membership/email/reminders/"
# A newcomer is nudged once they have had a few days to look around on their own...
ONBOARDING_AFTER = timedelta(days=3)
# ...and a quiet member hears from a community at most this often.
QUIET_NOTE_EVERY = timedelta(days=90)
# "What's new" in a note: the last month, a few of each.
NEWS_WINDOW = timedelta(days=30)
NEWS_THREADS = 5
NEWS_ITEMS = 3
SHOWN_STEPS = 5

NO_EMAIL = Membership.EmailFrequency.NONE


def plan(now: datetime) -> int:
    return plan_onboarding(now) + plan_quiet(now)


def _has_started():
    """Started the checklist: the membership's mark, or any step ticked (as the
    dashboard counts "not onboarded")."""
    return Q(onboarding_started_at__isnull=False) | Q(
        Exists(OnboardingProgress.objects.filter(membership_id=OuterRef("pk")))
    )


# --- onboarding nudge -------------------------------------------------------------------


def plan_onboarding(now: datetime) -> int:
    """Members who joined more than three days ago (and are still newcomers, by the
    dashboard's RiskThresholds.newcomer_days) and have not started a checklist their
    community has: once per membership."""
    thresholds = RiskThresholds.current()
    rows = list(
        Membership.objects.filter(
            created_at__lt=now - ONBOARDING_AFTER,
            created_at__gte=now - timedelta(days=thresholds.newcomer_days),
            community__status=Community.Status.ACTIVE,
            user__is_active=True,
        )
        .exclude(email_frequency=NO_EMAIL)
        .exclude(_has_started())
        .filter(Exists(OnboardingStep.objects.filter(community_id=OuterRef("community_id"))))
        .values_list("pk", "user_id", "community_id")
    )
    people = readers({user_id for _pk, user_id, _cid in rows}, now)
    due = [
        Due(
            user_id=user_id,
            period=f"membership:{pk}",
            community_id=community_id,
            not_before=people[user_id].not_before,
        )
        for pk, user_id, community_id in rows
        if user_id in people
    ]
    return record(kind=ONBOARDING, run_period=run_day(now), due=due, now=now)


@register(ONBOARDING)
def build_onboarding(records) -> dict:
    """Two queries: the memberships still readable and not started (with
    communities), and their communities' first steps."""
    ids = {period_id(r.period, "membership") for r in records} - {None}
    memberships = {
        m.pk: m
        for m in memberships_readable_by_each({r.user_id for r in records})
        .filter(pk__in=ids)
        .exclude(email_frequency=NO_EMAIL)
        .exclude(_has_started())
        .select_related("community")
    }
    steps = defaultdict(list)
    for step in OnboardingStep.objects.filter(
        community_id__in={m.community_id for m in memberships.values()}
    ).order_by("community_id", "position", "pk"):
        steps[step.community_id].append(step)
    emails = {}
    for r in records:
        membership = memberships.get(period_id(r.period, "membership"))
        if membership is None or membership.user_id != r.user_id or not wants_reminders(r.user):
            emails[r.pk] = None
            continue
        community = membership.community
        emails[r.pk] = Email(
            TEMPLATES + ONBOARDING,
            {
                "community": community,
                "steps": steps[community.pk][:SHOWN_STEPS],
                "step_count": len(steps[community.pk]),
                "welcome_url": absolute_url(reverse("membership:welcome", args=[community.slug])),
                "charter_url": absolute_url(reverse("communities:charter", args=[community.slug])),
            },
            SCOPE,
        )
    return emails


# --- quiet member note ----------------------------------------------------------------


def _quiet_memberships(now: datetime, quiet_days: int) -> list[tuple[int, int, int]]:
    """(membership id, user id, community id) of members who have gone quiet in an
    active community, as the dashboard counts them: they contributed (a live thread
    or reply) before the last `quiet_days` days and not since. One query."""
    cutoff = now - timedelta(days=quiet_days)
    communities = Community.objects.filter(status=Community.Status.ACTIVE).values("pk")
    flags_sql, params = contribution_flags(
        communities,
        {"earlier_work": Q(created_at__lt=cutoff), "recent_work": Q(created_at__gte=cutoff)},
    )
    members = Membership._meta.db_table
    query = (
        f"SELECT m.id, m.user_id, m.community_id FROM {members} m "  # noqa: S608 (Django-built SQL)
        f"JOIN ({flags_sql}) c ON c.cid = m.community_id AND c.uid = m.user_id "
        "WHERE c.earlier_work = 1 AND c.recent_work = 0 AND m.email_frequency <> %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, NO_EMAIL])
        return [tuple(row) for row in cursor.fetchall()]


def plan_quiet(now: datetime) -> int:
    """A note to each quiet member, at most once per QUIET_NOTE_EVERY per community
    (the period names the quarter; notes of the last 90 days are looked up too, so
    the turn of a quarter cannot bring two close together)."""
    thresholds = RiskThresholds.current()
    rows = _quiet_memberships(now, thresholds.quiet_days)
    people = readers({user_id for _pk, user_id, _cid in rows}, now)
    rows = [row for row in rows if row[1] in people]
    recent = set(
        DeliveryRecord.objects.filter(
            kind=QUIET,
            created_at__gte=now - QUIET_NOTE_EVERY,
            user_id__in={user_id for _pk, user_id, _cid in rows},
        ).values_list("user_id", "community_id")
    )
    due = [
        Due(
            user_id=user_id,
            period=f"community:{community_id}:{people[user_id].quarter}",
            community_id=community_id,
            not_before=people[user_id].not_before,
        )
        for _pk, user_id, community_id in rows
        if (user_id, community_id) not in recent
    ]
    return record(kind=QUIET, run_period=run_day(now), due=due, now=now)


def _live(queryset):
    return queryset.filter(deleted_at=None, is_hidden=False)


@register(QUIET)
def build_quiet(records) -> dict:
    """Five queries: thresholds, the memberships still readable (with communities),
    who has contributed again since, recent threads, recent knowledge."""
    now = timezone.now()
    user_ids = {r.user_id for r in records}
    community_ids = {r.community_id for r in records}
    thresholds = RiskThresholds.current()
    memberships = {
        (m.user_id, m.community_id): m
        for m in memberships_readable_by_each(user_ids)
        .filter(community_id__in=community_ids)
        .exclude(email_frequency=NO_EMAIL)
        .select_related("community")
    }
    cutoff = now - timedelta(days=thresholds.quiet_days)
    back = set(
        _live(Thread.objects.filter(community_id__in=community_ids, author_id__in=user_ids))
        .filter(created_at__gte=cutoff)
        .values_list("community_id", "author_id")
        .union(
            _live(
                Post.objects.filter(thread__community_id__in=community_ids, author_id__in=user_ids)
            )
            .filter(created_at__gte=cutoff)
            .values_list("thread__community_id", "author_id")
        )
    )
    threads = defaultdict(list)
    # Only what every member of the community may read: no hidden, removed or
    # closed working group's threads.
    recent_threads = (
        _live(Thread.objects.filter(community_id__in=community_ids))
        .filter(created_at__gte=now - NEWS_WINDOW)
        .filter(Q(group=None) | Q(group__is_closed=False))
        .select_related("community")
        .order_by("-created_at", "-pk")
    )
    for thread in recent_threads:
        if len(threads[thread.community_id]) < NEWS_THREADS:
            thread.url = absolute_url(
                reverse("discussions:thread", args=[thread.community.slug, thread.pk])
            )
            threads[thread.community_id].append(thread)
    items = defaultdict(list)
    for item in KnowledgeItem.objects.filter(
        community_id__in=community_ids,
        status=KnowledgeItem.Status.PUBLISHED,
        published_at__gte=now - NEWS_WINDOW,
    ).order_by("-published_at", "-pk"):
        if len(items[item.community_id]) < NEWS_ITEMS:
            item.url = absolute_url(item.get_absolute_url())
            items[item.community_id].append(item)
    emails = {}
    for r in records:
        membership = memberships.get((r.user_id, r.community_id))
        news_threads, news_items = threads[r.community_id], items[r.community_id]
        if (
            membership is None
            or (r.community_id, r.user_id) in back
            or not (news_threads or news_items)
            or not wants_reminders(r.user)
        ):
            emails[r.pk] = None
            continue
        community = membership.community
        emails[r.pk] = Email(
            TEMPLATES + QUIET,
            {
                "community": community,
                "threads": news_threads,
                "items": news_items,
                "community_url": absolute_url(reverse("communities:home", args=[community.slug])),
            },
            SCOPE,
        )
    return emails
