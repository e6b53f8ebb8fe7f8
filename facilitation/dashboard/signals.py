"""Health signals of communities, for the facilitator dashboard (selectors: reads only).

`signals_for(communities, period=...)` computes every signal for a set of communities
over a period and the previous period of the same length, in a constant number of
queries whatever the number of communities: each query groups by community (with
conditional aggregation, or correlated subqueries on the community rows). Python only
walks the grouped results. Per-member conditions (contributed, interacted) are never
correlated subqueries per membership row: see `count_members`.

Definitions (docs/facilitation.md, "Health signals and at-risk flags"):
- a *contribution* is a thread started or a reply posted that is neither removed nor
  hidden by a moderator;
- a *week* is a 7-day block counted back from the end of the period (so "the last 6
  weeks" are the 42 days before now, whatever the weekday);
- a *facilitator* of a community is someone assigned to it (FacilitatorAssignment);
- an *interaction* is a reply in a thread another member started, a mention of another
  member, or a private message in a conversation with another member of the community.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil
from statistics import median

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from communities.events.models import (
    Action,
    AgendaItem,
    Attendance,
    EventOccurrence,
)
from communities.models import Community, Mention, ModerationEntry, Post, Report, Thread
from facilitation.models import RiskThresholds, WorkLogEntry
from knowledge.models import KnowledgeItem
from membership.models import (
    AuditEntry,
    FacilitatorAssignment,
    JoinRequest,
    Membership,
    Message,
    OnboardingProgress,
    User,
)

PERIOD_CHOICES = (7, 30, 90)
DEFAULT_PERIOD = 30
UPCOMING_DAYS = 14
# Cultivating Communities of Practice's rule of thumb for the level mix (percent).
CORE_SHARE_RANGE = (10, 15)
ACTIVE_SHARE_RANGE = (15, 20)

Level = Membership.Level
PATIENT = User.StakeholderType.PATIENT_CARER_PUBLIC


@dataclass(frozen=True)
class Period:
    """[start, end): the period looked at; `previous` is the one just before it."""

    start: datetime
    end: datetime

    @classmethod
    def last_days(cls, days: int, *, now: datetime | None = None) -> "Period":
        end = now or timezone.now()
        return cls(end - timedelta(days=days), end)

    @property
    def days(self) -> int:
        return round((self.end - self.start) / timedelta(days=1))

    @property
    def weeks(self) -> int:
        return max(1, ceil(self.days / 7))

    @property
    def previous(self) -> "Period":
        return Period(self.start - (self.end - self.start), self.start)


@dataclass
class Signal:
    """A value in the period and in the previous one; None when it cannot be computed
    (a share of nobody, a median of no replies)."""

    current: float | int | None
    previous: float | int | None = None

    @property
    def trend(self) -> str:
        """ "up", "down", "same", or "" when either value is missing."""
        if self.current is None or self.previous is None:
            return ""
        if self.current > self.previous:
            return "up"
        if self.current < self.previous:
            return "down"
        return "same"


@dataclass
class CommunitySignals:
    community: Community
    period: Period
    # Members and levels (levels have no history: current values only).
    members: Signal
    levels: dict[str, int]
    level_shares: dict[str, float | None]
    new_members: Signal
    gone_quiet: Signal
    # Core group.
    core_active: Signal
    core_weekly: list[int]  # core members who contributed, most recent week first
    # Participation and one-to-one interaction.
    active_members: Signal
    interacting_members: Signal
    interacting_share: Signal
    pairs: Signal
    pairs_per_active: Signal
    # Activity.
    threads: Signal
    replies: Signal
    knowledge_items: Signal
    events_held: Signal
    attendance: Signal
    # Responsiveness.
    questions: Signal
    unanswered: Signal
    unanswered_overdue: int
    median_first_reply_hours: Signal
    # Rhythm.
    active_weeks: Signal
    posts_weekly: list[int]  # threads and replies per week of the period, oldest first
    last_post_at: datetime | None
    last_event_at: datetime | None
    # Stakeholder diversity.
    stakeholders: dict[str, int]
    patient_share: Signal
    # Onboarding.
    new_not_onboarded: int
    recent_joiners: int
    recent_joiners_posted: int
    recent_joiners_posted_share: float | None
    # Facilitation.
    facilitators: int
    facilitator_acts: Signal
    facilitator_posts: Signal
    facilitator_share: Signal
    last_facilitator_act_at: datetime | None
    # Housekeeping.
    meetings_without_agenda: int
    overdue_actions: int
    pending_requests: int
    open_reports: int
    charter_reviewed_at: datetime | None
    charter_overdue: bool
    flags: list = field(default_factory=list)

    @property
    def days_since_last_event(self) -> int | None:
        if self.last_event_at is None:
            return None
        return (self.period.end - self.last_event_at).days

    @property
    def days_since_last_post(self) -> int | None:
        if self.last_post_at is None:
            return None
        return (self.period.end - self.last_post_at).days


def _share(part, whole) -> float | None:
    """Percent, one decimal; None when there is no whole to share."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def _ratio(part, whole) -> float | None:
    if not whole:
        return None
    return round(part / whole, 2)


# --- building blocks ------------------------------------------------------------------

LIVE = Q(deleted_at=None, is_hidden=False)


def _in(field_name: str, start, end) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        q &= Q(**{f"{field_name}__lt": end})
    return q


def _member_of(community_ref, user_ref) -> Exists:
    return Exists(Membership.objects.filter(community_id=community_ref, user_id=user_ref))


def week_index(field_name: str, period: Period, weeks: int) -> Case:
    """Which 7-day block, counted back from the period's end, a row falls in (0 is the
    most recent); None outside the period."""
    whens = [
        When(
            **{
                f"{field_name}__gte": max(period.end - timedelta(days=7 * (i + 1)), period.start),
                f"{field_name}__lt": period.end,
            },
            then=Value(i),
        )
        for i in range(weeks)
    ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _count(queryset, ref: str = "community_id"):
    """A correlated count on Community rows: rows of `queryset` whose `ref` is the
    community."""
    counted = (
        queryset.filter(**{ref: OuterRef("pk")})
        .order_by()
        .values(ref)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _latest(queryset, field_name: str, ref: str = "community_id"):
    return Subquery(
        queryset.filter(**{ref: OuterRef("pk")}).order_by(f"-{field_name}").values(field_name)[:1]
    )


def _by_facilitator(user_field: str, community_field: str = "community_id") -> Exists:
    return Exists(
        FacilitatorAssignment.objects.filter(
            community_id=OuterRef(community_field), user_id=OuterRef(user_field)
        )
    )


# --- the queries ------------------------------------------------------------------------


def _community_rows(communities: QuerySet, period: Period, thresholds) -> list[Community]:
    """Query 1: the communities, with the signals that are one number each."""
    now, prev = period.end, period.previous
    today = timezone.localdate(now)
    question_unanswered = Thread.objects.filter(
        LIVE,
        ~Exists(
            Post.objects.filter(LIVE, thread_id=OuterRef("pk")).exclude(
                author_id=OuterRef("author_id")
            )
        ),
        kind=Thread.Kind.QUESTION,
        is_locked=False,
        created_at__lt=now - timedelta(hours=thresholds.unanswered_hours),
    )
    upcoming = EventOccurrence.objects.filter(
        starts_at__gte=now,
        starts_at__lt=now + timedelta(days=UPCOMING_DAYS),
        is_cancelled=False,
        event__cancelled_at=None,
        event__agenda="",
    ).exclude(
        Exists(
            AgendaItem.objects.filter(occurrence_id=OuterRef("pk")).exclude(
                status=AgendaItem.Status.DECLINED
            )
        )
    )
    held = EventOccurrence.objects.filter(is_cancelled=False, event__cancelled_at=None)
    attended = Attendance.objects.filter(
        occurrence__is_cancelled=False, occurrence__event__cancelled_at=None
    )
    published = KnowledgeItem.objects.filter(status=KnowledgeItem.Status.PUBLISHED)
    moderation = ModerationEntry.objects.filter(_by_facilitator("actor_id"))
    audit = AuditEntry.objects.filter(_by_facilitator("actor_id"))
    work_log = WorkLogEntry.objects.all()
    fac_threads = Thread.objects.filter(LIVE, _by_facilitator("author_id"))
    fac_posts = Post.objects.filter(
        LIVE, _by_facilitator("author_id", community_field="thread__community_id")
    )
    local_start, local_prev_start = timezone.localdate(period.start), timezone.localdate(prev.start)
    return list(
        communities.order_by("name", "pk").annotate(
            pending_requests=_count(JoinRequest.objects.filter(status=JoinRequest.Status.PENDING)),
            open_reports=_count(Report.objects.filter(status=Report.Status.OPEN)),
            unanswered_overdue=_count(question_unanswered),
            meetings_without_agenda=_count(upcoming, "event__community_id"),
            overdue_actions=_count(
                Action.objects.filter(status=Action.Status.OPEN, due_on__lt=today)
            ),
            facilitator_count=_count(FacilitatorAssignment.objects.all()),
            charter_reviewed_at=F("charter__last_reviewed_at"),
            last_thread_at=_latest(Thread.objects.filter(LIVE), "created_at"),
            last_post_at=_latest(Post.objects.filter(LIVE), "created_at", "thread__community_id"),
            last_event_at=_latest(held.filter(ends_at__lte=now), "ends_at", "event__community_id"),
            items_cur=_count(published.filter(_in("published_at", period.start, now))),
            items_prev=_count(published.filter(_in("published_at", prev.start, prev.end))),
            held_cur=_count(held.filter(_in("ends_at", period.start, now)), "event__community_id"),
            held_prev=_count(
                held.filter(_in("ends_at", prev.start, prev.end)), "event__community_id"
            ),
            attendance_cur=_count(
                attended.filter(_in("occurrence__ends_at", period.start, now)),
                "occurrence__event__community_id",
            ),
            attendance_prev=_count(
                attended.filter(_in("occurrence__ends_at", prev.start, prev.end)),
                "occurrence__event__community_id",
            ),
            moderation_cur=_count(moderation.filter(_in("created_at", period.start, now))),
            moderation_prev=_count(moderation.filter(_in("created_at", prev.start, prev.end))),
            audit_cur=_count(audit.filter(_in("created_at", period.start, now))),
            audit_prev=_count(audit.filter(_in("created_at", prev.start, prev.end))),
            # The work log is kept in local dates: the period's days, end day included.
            work_cur=_count(work_log.filter(occurred_on__gt=local_start, occurred_on__lte=today)),
            work_prev=_count(
                work_log.filter(occurred_on__gt=local_prev_start, occurred_on__lte=local_start)
            ),
            last_moderation_at=_latest(moderation.filter(created_at__lte=now), "created_at"),
            last_audit_at=_latest(audit.filter(created_at__lte=now), "created_at"),
            last_work_on=_latest(work_log.filter(occurred_on__lte=today), "occurred_on"),
            last_fac_thread_at=_latest(fac_threads.filter(created_at__lte=now), "created_at"),
            last_fac_post_at=_latest(
                fac_posts.filter(created_at__lte=now), "created_at", "thread__community_id"
            ),
        )
    )


# --- counts over memberships --------------------------------------------------------------
#
# "Did this member contribute (or interact) in [start, end)?" asked per membership row
# with EXISTS subqueries costs one subplan per row and condition: on a facilitator's
# dozen large communities that is hundreds of thousands of executions. Instead each
# person's contributions and interactions are reduced once to 0/1 flags per
# (community, person), and the memberships are joined to those flags and counted per
# community: one pass over each table, in one query.


def _flag(condition: Q):
    if not condition:  # always
        return Value(1, output_field=IntegerField())
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _rows(queryset, cid: str, uid: str, flags: dict[str, Q]) -> tuple[str, tuple]:
    """SQL of `queryset` as rows (cid, uid, one 0/1 column per flag), in this order."""
    names = ["cid", "uid", *flags]
    queryset = queryset.order_by().annotate(
        cid=F(cid),
        uid=F(uid),
        **{name: _flag(condition) for name, condition in flags.items()},
    )
    return queryset.values(*names).query.sql_with_params()


def _per_person(parts: list[tuple[str, tuple]], flags: dict[str, Q]) -> tuple[str, list]:
    """Rows (cid, uid, flags) from the UNION ALL of `parts`, one per person and
    community, each flag 1 if any of the person's rows had it."""
    sql = " UNION ALL ".join(part_sql for part_sql, _ in parts)
    params = [param for _, part_params in parts for param in part_params]
    maxima = "".join(f", MAX({name}) AS {name}" for name in flags)
    return f"SELECT cid, uid{maxima} FROM ({sql}) person_rows GROUP BY cid, uid", params  # noqa: S608


def contribution_flags(ids, flags: dict[str, Q], start=None, end=None) -> tuple[str, list]:
    """Per (community, person) who contributed to one of `ids` (within [start, end)
    if given): 0/1 flags, each a condition on the contributions' `created_at`. A contribution
    is a live thread or reply."""
    window = _in("created_at", start, end)
    threads = Thread.objects.filter(LIVE, window, community_id__in=ids, author__isnull=False)
    posts = Post.objects.filter(LIVE, window, thread__community_id__in=ids, author__isnull=False)
    return _per_person(
        [
            _rows(threads, "community_id", "author_id", flags),
            _rows(posts, "thread__community_id", "author_id", flags),
        ],
        flags,
    )


def interaction_flags(ids, start, end, flags: dict[str, Q]) -> tuple[str, list]:
    """Per (community, person) who interacted within [start, end) in one of `ids`:
    0/1 flags on the interactions' `created_at`. An interaction is a live reply in a
    thread another member started, a mention of another member, or a message in a
    conversation with another member of the community."""
    window = _in("created_at", start, end)
    replied = Post.objects.filter(
        LIVE,
        window,
        thread__community_id__in=ids,
        author__isnull=False,
        thread__author__isnull=False,
    ).filter(
        ~Q(thread__author_id=F("author_id")),
        _member_of(OuterRef("thread__community_id"), OuterRef("thread__author_id")),
    )
    mentioned = (
        Mention.objects.filter(window, thread__community_id__in=ids)
        .annotate(
            mentioner=Case(
                When(post=None, then=F("thread__author_id")), default=F("post__author_id")
            )
        )
        .filter(
            Q(mentioner__lt=F("user_id")) | Q(mentioner__gt=F("user_id")),
            _member_of(OuterRef("thread__community_id"), OuterRef("user_id")),
        )
    )
    # One row per community the sender shares with another participant.
    messaged = (
        Message.objects.filter(window)
        .annotate(
            msg_cid=F("conversation__participants__user__memberships__community_id"),
            other=F("conversation__participants__user_id"),
        )
        .filter(
            Q(other__lt=F("sender_id")) | Q(other__gt=F("sender_id")),
            msg_cid__in=ids,
        )
    )
    return _per_person(
        [
            _rows(replied, "thread__community_id", "author_id", flags),
            _rows(mentioned, "thread__community_id", "mentioner", flags),
            _rows(messaged, "msg_cid", "sender_id", flags),
        ],
        flags,
    )


def count_members(
    memberships: QuerySet,
    member: dict[str, Q],
    counts: dict[str, dict[str, int]],
    *,
    contributions: tuple[str, list] | None = None,
    interactions: tuple[str, list] | None = None,
) -> dict[int, dict]:
    """Per community: how many of `memberships` meet each of `counts`.

    `member` are 0/1 flags on Membership rows (column `m.<name>`); contributions and
    interactions are `contribution_flags`/`interaction_flags` SQL (columns `c.<name>`
    and `i.<name>`), 0 or missing for people with none. A count is {column: wanted
    value}, all of which must hold; {} counts every membership."""
    sql, params = _rows(memberships, "community_id", "user_id", member)
    params = list(params)
    joins = ""
    for alias, flags in (("c", contributions), ("i", interactions)):
        if flags is not None:
            on = f"{alias}.cid = m.cid AND {alias}.uid = m.uid"
            joins += f" LEFT JOIN ({flags[0]}) {alias} ON {on}"
            params += flags[1]
    columns = []
    for name, conditions in counts.items():
        test = " AND ".join(f"{column} = {int(value)}" for column, value in conditions.items())
        columns.append(f"COUNT(CASE WHEN {test or '1 = 1'} THEN 1 END) AS {name}")
    query = f"SELECT m.cid, {', '.join(columns)} FROM ({sql}) m{joins} GROUP BY m.cid"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def _membership_rows(ids, period: Period, thresholds) -> dict[int, dict]:
    """Query 2: per community, counts over its memberships."""
    now, prev = period.end, period.previous
    quiet = timedelta(days=thresholds.quiet_days)
    newcomer_since = now - timedelta(days=thresholds.newcomer_days)
    before = Q(created_at__lt=period.start)
    member = {
        "before": before,
        "core": Q(level=Level.CORE),
        "new": _in("created_at", period.start, now),
        "new_prev": _in("created_at", prev.start, prev.end),
        "patient_before": before & Q(user__stakeholder_type=PATIENT),
        "not_onboarded": _in("created_at", period.start, now)
        & Q(onboarding_started_at=None)
        # Not a correlated EXISTS: one hashed subplan, and a plan cheap enough for
        # PostgreSQL not to spend a quarter of a second compiling it (JIT).
        & ~Q(pk__in=OnboardingProgress.objects.values("membership_id")),
        "joiner": Q(created_at__gte=newcomer_since),
    }
    for level in Level.values:
        member[f"level_{level}"] = Q(level=level)
    for kind in User.StakeholderType.values:
        member[f"stakeholder_{kind}"] = Q(user__stakeholder_type=kind)
    contributions = {
        "cur": _in("created_at", period.start, now),
        "prev": _in("created_at", prev.start, prev.end),
        "quiet_before": _in("created_at", None, now - quiet),
        "quiet_after": _in("created_at", now - quiet, None),
        "quiet_prev_before": _in("created_at", None, period.start - quiet),
        "quiet_prev_after": _in("created_at", period.start - quiet, period.start),
        "ever": Q(),
    }
    weeks = range(thresholds.core_window_weeks)
    for week in weeks:
        contributions[f"week_{week}"] = _in(
            "created_at", now - timedelta(days=7 * (week + 1)), now - timedelta(days=7 * week)
        )
    interactions = {
        "cur": _in("created_at", period.start, now),
        "prev": _in("created_at", prev.start, prev.end),
    }
    counts = {
        "members": {},
        "members_prev": {"m.before": 1},
        "new": {"m.new": 1},
        "new_prev": {"m.new_prev": 1},
        "quiet": {"c.quiet_before": 1, "c.quiet_after": 0},
        "quiet_prev": {"m.before": 1, "c.quiet_prev_before": 1, "c.quiet_prev_after": 0},
        "active": {"c.cur": 1},
        "active_prev": {"c.prev": 1},
        "core_active": {"m.core": 1, "c.cur": 1},
        "core_active_prev": {"m.core": 1, "c.prev": 1},
        "interacting": {"i.cur": 1},
        "interacting_prev": {"m.before": 1, "i.prev": 1},
        "patients_prev": {"m.patient_before": 1},
        "not_onboarded": {"m.not_onboarded": 1},
        "joiners": {"m.joiner": 1},
        "joiners_posted": {"m.joiner": 1, "c.ever": 1},
    }
    for level in Level.values:
        counts[f"level_{level}"] = {f"m.level_{level}": 1}
    for kind in User.StakeholderType.values:
        counts[f"stakeholder_{kind}"] = {f"m.stakeholder_{kind}": 1}
    for week in weeks:
        counts[f"core_week_{week}"] = {"m.core": 1, f"c.week_{week}": 1}
    return count_members(
        Membership.objects.filter(community_id__in=ids),
        member,
        counts,
        contributions=contribution_flags(ids, contributions),
        interactions=interaction_flags(ids, prev.start, now, interactions),
    )


def _weekly_counts(ids, period: Period) -> dict[int, dict]:
    """Queries 3 and 4: threads and replies per community per week of the period and of
    the previous one, with how many were written by the community's facilitators."""
    prev = period.previous
    result = {pk: {"cur": {}, "prev": {}} for pk in ids}
    sources = [
        ("threads", Thread.objects.filter(community_id__in=ids), "community_id"),
        ("replies", Post.objects.filter(thread__community_id__in=ids), "thread__community_id"),
    ]
    for name, queryset, community_field in sources:
        rows = (
            queryset.filter(LIVE, _in("created_at", prev.start, period.end))
            .order_by()
            .values(
                cid=F(community_field),
                wk=week_index("created_at", period, period.weeks),
                pwk=week_index("created_at", prev, prev.weeks),
            )
            .annotate(
                n=Count("pk"),
                fac=Count("pk", filter=Q(_by_facilitator("author_id", community_field))),
            )
        )
        for row in rows:
            if row["wk"] is not None:
                slot = result[row["cid"]]["cur"].setdefault(row["wk"], {})
            elif row["pwk"] is not None:
                slot = result[row["cid"]]["prev"].setdefault(row["pwk"], {})
            else:
                continue
            slot[name] = slot.get(name, 0) + row["n"]
            slot[f"{name}_fac"] = slot.get(f"{name}_fac", 0) + row["fac"]
    return result


def _pairs(ids, period: Period) -> dict[int, dict]:
    """Query 5: distinct pairs of members who interacted, per community and period.

    Each source yields (community, lower user id, higher user id, period); the UNION
    removes duplicates across sources and the outer query counts per community."""
    prev = period.previous
    in_period = Case(
        When(created_at__gte=period.start, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )

    def pair(queryset, community, one, other):
        return (
            queryset.filter(_in("created_at", prev.start, period.end))
            .order_by()
            .annotate(
                pair_cid=F(community),
                pair_a=Least(F(one), F(other)),
                pair_b=Greatest(F(one), F(other)),
                pair_period=in_period,
            )
            .filter(pair_a__lt=F("pair_b"))
            .values("pair_cid", "pair_a", "pair_b", "pair_period")
        )

    replies = Post.objects.filter(LIVE, thread__community_id__in=ids).filter(
        _member_of(OuterRef("thread__community_id"), OuterRef("author_id")),
        _member_of(OuterRef("thread__community_id"), OuterRef("thread__author_id")),
    )
    mentions = (
        Mention.objects.filter(thread__community_id__in=ids)
        .annotate(mentioner=Coalesce(F("post__author_id"), F("thread__author_id")))
        .filter(
            _member_of(OuterRef("thread__community_id"), OuterRef("mentioner")),
            _member_of(OuterRef("thread__community_id"), OuterRef("user_id")),
        )
    )
    # A message counts in each community its sender and another participant share.
    messages = (
        Message.objects.filter(sender__memberships__community_id__in=ids)
        .annotate(
            msg_cid=F("sender__memberships__community_id"),
            other=F("conversation__participants__user_id"),
        )
        .filter(_member_of(OuterRef("msg_cid"), OuterRef("other")))
    )
    union = pair(replies, "thread__community_id", "author_id", "thread__author_id").union(
        pair(mentions, "thread__community_id", "mentioner", "user_id"),
        pair(messages, "msg_cid", "sender_id", "other"),
    )
    sql, params = union.query.sql_with_params()
    result = {pk: {"cur": 0, "prev": 0} for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pair_cid, pair_period, COUNT(*) "  # noqa: S608 (Django-built SQL, params)
            f"FROM ({sql}) pairs GROUP BY pair_cid, pair_period",
            params,
        )
        for community_id, in_current, count in cursor.fetchall():
            counts = result.setdefault(community_id, {"cur": 0, "prev": 0})
            counts["cur" if in_current else "prev"] = count
    return result


def _first_replies(ids, period: Period) -> dict[int, dict]:
    """Query 6: every question of both periods with the time of its first reply by
    someone else; medians are taken over these per-thread rows."""
    prev = period.previous
    first_reply = (
        Post.objects.filter(LIVE, thread_id=OuterRef("pk"))
        .exclude(author_id=OuterRef("author_id"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    rows = (
        Thread.objects.filter(
            LIVE,
            _in("created_at", prev.start, period.end),
            community_id__in=ids,
            kind=Thread.Kind.QUESTION,
        )
        .annotate(first_reply_at=Subquery(first_reply))
        .values_list("community_id", "created_at", "first_reply_at")
    )
    result = {pk: {"cur": [], "prev": [], "unanswered_cur": 0, "unanswered_prev": 0} for pk in ids}
    for community_id, asked_at, replied_at in rows:
        which = "cur" if asked_at >= period.start else "prev"
        if replied_at is None:
            result[community_id][f"unanswered_{which}"] += 1
        else:
            result[community_id][which].append((replied_at - asked_at) / timedelta(hours=1))
    return result


def _median(values) -> float | None:
    return round(median(values), 1) if values else None


def _latest_of(*moments):
    found = [m for m in moments if m is not None]
    return max(found) if found else None


# --- the selector -------------------------------------------------------------------------


def signals_for(
    communities: QuerySet, *, period: Period, thresholds: RiskThresholds | None = None
) -> dict[int, CommunitySignals]:
    """Every signal of these communities (a Community queryset the caller may see), in
    seven queries (six with `thresholds` given), ordered by name."""
    thresholds = thresholds or RiskThresholds.current()
    rows = _community_rows(communities, period, thresholds)
    ids = [c.pk for c in rows]
    if not ids:
        return {}
    members = _membership_rows(ids, period, thresholds)
    weekly = _weekly_counts(ids, period)
    pairs = _pairs(ids, period)
    replies = _first_replies(ids, period)
    now = period.end
    result = {}
    for community in rows:
        # A community with no members has no row in the grouped query: all zeros.
        m = members.get(community.pk) or _ZeroRow()
        w = weekly[community.pk]
        r = replies[community.pk]

        def total(which, key, w=w):
            return sum(slot.get(key, 0) for slot in w[which].values())

        threads = Signal(total("cur", "threads"), total("prev", "threads"))
        posts_cur = total("cur", "threads") + total("cur", "replies")
        posts_prev = total("prev", "threads") + total("prev", "replies")
        fac_cur = total("cur", "threads_fac") + total("cur", "replies_fac")
        fac_prev = total("prev", "threads_fac") + total("prev", "replies_fac")
        levels = {level: m[f"level_{level}"] for level in Level.values}
        work_last = community.last_work_on
        if work_last is not None:
            # A day's entry counts from the end of that day, never in the future.
            work_last = min(
                timezone.make_aware(datetime.combine(work_last, datetime.max.time())), now
            )
        result[community.pk] = CommunitySignals(
            community=community,
            period=period,
            members=Signal(m["members"], m["members_prev"]),
            levels=levels,
            level_shares={level: _share(n, m["members"]) for level, n in levels.items()},
            new_members=Signal(m["new"], m["new_prev"]),
            gone_quiet=Signal(m["quiet"], m["quiet_prev"]),
            core_active=Signal(m["core_active"], m["core_active_prev"]),
            core_weekly=[m[f"core_week_{k}"] for k in range(thresholds.core_window_weeks)],
            active_members=Signal(m["active"], m["active_prev"]),
            interacting_members=Signal(m["interacting"], m["interacting_prev"]),
            interacting_share=Signal(
                _share(m["interacting"], m["members"]),
                _share(m["interacting_prev"], m["members_prev"]),
            ),
            pairs=Signal(pairs[community.pk]["cur"], pairs[community.pk]["prev"]),
            pairs_per_active=Signal(
                _ratio(pairs[community.pk]["cur"], m["active"]),
                _ratio(pairs[community.pk]["prev"], m["active_prev"]),
            ),
            threads=threads,
            replies=Signal(total("cur", "replies"), total("prev", "replies")),
            knowledge_items=Signal(community.items_cur, community.items_prev),
            events_held=Signal(community.held_cur, community.held_prev),
            attendance=Signal(community.attendance_cur, community.attendance_prev),
            questions=Signal(
                len(r["cur"]) + r["unanswered_cur"], len(r["prev"]) + r["unanswered_prev"]
            ),
            unanswered=Signal(r["unanswered_cur"], r["unanswered_prev"]),
            unanswered_overdue=community.unanswered_overdue,
            median_first_reply_hours=Signal(_median(r["cur"]), _median(r["prev"])),
            active_weeks=Signal(len(w["cur"]), len(w["prev"])),
            posts_weekly=[
                w["cur"].get(k, {}).get("threads", 0) + w["cur"].get(k, {}).get("replies", 0)
                for k in reversed(range(period.weeks))
            ],
            last_post_at=_latest_of(community.last_thread_at, community.last_post_at),
            last_event_at=community.last_event_at,
            stakeholders={
                kind: m[f"stakeholder_{kind}"]
                for kind in User.StakeholderType.values
                if m[f"stakeholder_{kind}"]
            },
            patient_share=Signal(
                _share(m[f"stakeholder_{PATIENT}"], m["members"]),
                _share(m["patients_prev"], m["members_prev"]),
            ),
            new_not_onboarded=m["not_onboarded"],
            recent_joiners=m["joiners"],
            recent_joiners_posted=m["joiners_posted"],
            recent_joiners_posted_share=_share(m["joiners_posted"], m["joiners"]),
            facilitators=community.facilitator_count,
            facilitator_acts=Signal(
                fac_cur + community.moderation_cur + community.audit_cur + community.work_cur,
                fac_prev + community.moderation_prev + community.audit_prev + community.work_prev,
            ),
            facilitator_posts=Signal(fac_cur, fac_prev),
            facilitator_share=Signal(_share(fac_cur, posts_cur), _share(fac_prev, posts_prev)),
            last_facilitator_act_at=_latest_of(
                community.last_moderation_at,
                community.last_audit_at,
                community.last_fac_thread_at,
                community.last_fac_post_at,
                work_last,
            ),
            meetings_without_agenda=community.meetings_without_agenda,
            overdue_actions=community.overdue_actions,
            pending_requests=community.pending_requests,
            open_reports=community.open_reports,
            charter_reviewed_at=community.charter_reviewed_at,
            charter_overdue=(
                community.charter_reviewed_at is None
                or community.charter_reviewed_at
                < now - timedelta(days=thresholds.charter_review_days)
            ),
        )
    return result


class _ZeroRow(dict):
    def __missing__(self, key):
        return 0
