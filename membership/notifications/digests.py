"""Daily and weekly digests: planning who is due and building what each says.

Planning (beat, every 15 minutes): a member is due a digest at DIGEST_HOUR in their
own time zone (daily: each local date; weekly: from Monday's DIGEST_HOUR on, any
tick of that ISO week, so a missed tick is caught up). Members are selected per
group of time zones that share a period, with one query each: those already
recorded for the period are left out in the database, so later ticks add nothing.

Building (send_batch): one digest per record, from what the member may read at
send time in the communities whose effective frequency is this digest's, in a
constant number of queries for the whole batch (see build_digests).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from communities.models import Community, EventOccurrence, Post, Report, Thread
from copplatform.emails import absolute_url
from knowledge.models import ItemShare, KnowledgeItem
from membership import permissions
from membership.models import JoinRequest, Membership, User

from .delivery import Due, Email, plan, register
from .models import DeliveryRecord, Frequency, NewsKind, NotificationSettings
from .preferences import memberships_with_frequency, news_kinds_of, quiet_until

DAILY = "digest_daily"
WEEKLY = "digest_weekly"

KIND_FREQUENCY = {DAILY: Frequency.DAILY, WEEKLY: Frequency.WEEKLY}
# The window a first digest covers, when the member never had one of this kind.
WINDOW = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
# However long ago the last digest was (a member back from months on "none"), a
# digest never reaches further back than this: old news is not news.
LONGEST_WINDOW = {DAILY: timedelta(days=7), WEEKLY: timedelta(days=35)}
# How many rows a section shows per community before "and N more".
SECTION_LIMIT = 10
EVENTS_AHEAD = timedelta(days=7)
TEMPLATE_PREFIX = "membership/email/digest"

Status = DeliveryRecord.Status


# --- planning -----------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def tick_of(now: datetime) -> datetime:
    """The beat tick `now` belongs to: UTC, truncated to 15 minutes."""
    now = now.astimezone(ZoneInfo("UTC"))
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def due_periods(time_zone: str, now: datetime) -> dict[str, str]:
    """{kind: period} of the digests due now for a member in this time zone."""
    local = now.astimezone(_zone(time_zone))
    periods = {}
    past_the_hour = local.hour >= settings.DIGEST_HOUR
    if past_the_hour:
        periods[DAILY] = local.date().isoformat()
    if local.weekday() > 0 or past_the_hour:
        year, week, _day = local.isocalendar()
        periods[WEEKLY] = f"{year}-W{week:02d}"
    return periods


def _due_members(kind: str, period: str, zones: list[str], now: datetime) -> list[Due]:
    """Members in these time zones due this digest and not yet recorded for it: one
    query, streamed."""
    wants_this = memberships_with_frequency(
        Membership.objects.filter(user=OuterRef("pk"), community__status="active")
    ).filter(frequency=KIND_FREQUENCY[kind])
    last_sent_until = (
        DeliveryRecord.objects.filter(user=OuterRef("pk"), kind=kind, status=Status.SENT)
        .order_by("-sent_at")
        .values("until")[:1]
    )
    rows = (
        User.objects.filter(is_active=True, time_zone__in=zones)
        .exclude(email="")
        .filter(
            Q(notification_settings__isnull=True)
            | Q(notification_settings__email_failing_since__isnull=True)
        )
        .filter(Exists(wants_this))
        .exclude(
            Exists(DeliveryRecord.objects.filter(user=OuterRef("pk"), kind=kind, period=period))
        )
        .annotate(last_until=Subquery(last_sent_until))
        .order_by("pk")
        .values_list(
            "pk",
            "time_zone",
            "last_until",
            "notification_settings__quiet_start",
            "notification_settings__quiet_end",
        )
    )
    first_since = now - WINDOW[kind]
    earliest = now - LONGEST_WINDOW[kind]
    due = []
    for user_id, time_zone, last_until, quiet_start, quiet_end in rows.iterator(chunk_size=2000):
        since = max(last_until, earliest) if last_until else first_since
        not_before = None
        if quiet_start is not None and quiet_end is not None:
            not_before = quiet_until(
                NotificationSettings(quiet_start=quiet_start, quiet_end=quiet_end), time_zone, now
            )
        due.append(
            Due(
                user_id=user_id,
                period=period,
                since=min(since, now),
                until=now,
                not_before=not_before,
            )
        )
    return due


def plan_digests(now: datetime | None = None) -> int:
    """Plan the digests that are due now; returns how many members were recorded.

    Queries: one for the distinct time zones, one per (kind, period) group of zones
    (two or three a tick), then plan()'s inserts. Planning twice in one tick, or on
    every later tick of the day, records nobody twice.
    """
    now = now or timezone.now()
    tick = tick_of(now)
    zones = (
        User.objects.filter(is_active=True)
        .order_by()
        .values_list("time_zone", flat=True)
        .distinct()
    )
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for zone in zones:
        for kind, period in due_periods(zone, now).items():
            groups[(kind, period)].append(zone)
    total = 0
    for kind in (DAILY, WEEKLY):
        due: list[Due] = []
        for (group_kind, period), group_zones in sorted(groups.items()):
            if group_kind == kind:
                due.extend(_due_members(kind, period, group_zones, now))
        if due:
            plan(kind=kind, run_period=f"{kind}@{tick:%Y-%m-%dT%H:%MZ}", due=due, now=now)
            total += len(due)
    return total


# --- what a digest says -----------------------------------------------------------------


@dataclass
class Capped:
    """A section's rows, the first SECTION_LIMIT shown, with how many more and where."""

    rows: list
    more: int = 0
    more_url: str = ""

    @classmethod
    def of(cls, rows: list, more_url: str) -> Capped:
        return cls(rows[:SECTION_LIMIT], max(len(rows) - SECTION_LIMIT, 0), more_url)

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass
class ThreadLine:
    title: str
    url: str
    author: str
    community: str
    new_replies: int = 0
    is_question: bool = False
    answered: bool = False


@dataclass
class ItemLine:
    title: str
    url: str
    summary: str
    featured: bool


@dataclass
class EventLine:
    title: str
    url: str
    starts_at: datetime
    place: str


@dataclass
class CommunitySection:
    name: str
    url: str
    announcements: Capped | None = None
    new_threads: Capped | None = None
    active_threads: Capped | None = None
    knowledge: Capped | None = None
    events: Capped | None = None
    waiting_requests: int = 0
    requests_url: str = ""
    open_reports: int = 0
    reports_url: str = ""

    @property
    def has_news(self) -> bool:
        return any(
            [
                self.announcements,
                self.new_threads,
                self.active_threads,
                self.knowledge,
                self.waiting_requests,
                self.open_reports,
            ]
        )


@dataclass
class Digest:
    communities: list[CommunitySection] = field(default_factory=list)
    replies_to_you: list[ThreadLine] = field(default_factory=list)
    answers_to_you: list[ThreadLine] = field(default_factory=list)


def _url(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))


def _in(moment: datetime | None, since: datetime, until: datetime) -> bool:
    return moment is not None and since <= moment < until


def _author_name(user) -> str:
    # `name`, never str(user): that falls back to the email address.
    return user.name if user is not None else gettext("Former member")


@dataclass
class _BatchContent:
    """Everything the batch's members might hear about, loaded once."""

    memberships: dict[int, dict[int, Membership]]
    grants: dict[str, dict[int, set[int]]]
    closed_groups: dict[int, set[int]]
    threads_by_community: dict[int, list]
    replies: dict[int, list[tuple[datetime, int | None]]]
    items_by_community: dict[int, list]
    item_shares: dict[int, dict[int, datetime]]
    featured_at: dict[int, list[datetime]]
    events_by_community: dict[int, list]
    actions: dict[int, dict]


def _load(records: list[DeliveryRecord], kind: str) -> _BatchContent | None:
    """Load the batch's content: at most 10 queries, whatever the batch's size."""
    user_ids = sorted({record.user_id for record in records})
    since_min = min(record.since for record in records)
    until_min = min(record.until for record in records)
    until_max = max(record.until for record in records)

    # 1. The communities each member may read now, with this digest's frequency.
    memberships: dict[int, dict[int, Membership]] = defaultdict(dict)
    readable = memberships_with_frequency(
        permissions.memberships_readable_by_each(user_ids)
    ).filter(frequency=KIND_FREQUENCY[kind])
    for membership in readable.select_related("community"):
        memberships[membership.user_id][membership.community_id] = membership
    community_ids = sorted({pk for mine in memberships.values() for pk in mine})
    if not community_ids:
        return None

    # 2. Who moderates and who manages members where (closed groups, pending actions).
    grants = permissions.communities_granting_each_perm(
        user_ids, [permissions.Perm.MODERATE, permissions.Perm.MANAGE_MEMBERS]
    )

    # 3. Threads started or active in the batch's widest window, never hidden or deleted.
    threads = list(
        Thread.objects.filter(
            community_id__in=community_ids,
            is_hidden=False,
            deleted_at=None,
            created_at__lt=until_max,
        )
        .filter(Q(created_at__gte=since_min) | Q(last_activity_at__gte=since_min))
        .select_related("group", "author")
        .order_by("created_at", "pk")
    )
    threads_by_community: dict[int, list] = defaultdict(list)
    for thread in threads:
        threads_by_community[thread.community_id].append(thread)

    # 4. Their visible replies in that window: when, and by whom.
    replies: dict[int, list[tuple[datetime, int | None]]] = defaultdict(list)
    if threads:
        rows = Post.objects.filter(
            thread__community_id__in=community_ids,
            thread__is_hidden=False,
            thread__deleted_at=None,
            is_hidden=False,
            deleted_at=None,
            created_at__gte=since_min,
            created_at__lt=until_max,
        ).values_list("thread_id", "created_at", "author_id")
        for thread_id, created_at, author_id in rows.order_by("created_at", "pk"):
            replies[thread_id].append((created_at, author_id))

    # 5. Closed working groups the members belong to (only if such threads are listed).
    closed_groups: dict[int, set[int]] = {}
    if any(thread.group_id and thread.group.is_closed for thread in threads):
        closed_groups = permissions.closed_groups_of_each(user_ids, community_ids)

    # 6-7. Published knowledge new, shared or featured in these communities.
    items = list(
        permissions.published_items_through(community_ids)
        .filter(
            Q(published_at__gte=since_min, published_at__lt=until_max)
            | Q(is_featured=True)
            | Q(
                Exists(
                    ItemShare.objects.filter(
                        item=OuterRef("pk"),
                        community_id__in=community_ids,
                        shared_at__gte=since_min,
                        shared_at__lt=until_max,
                    )
                )
            )
        )
        .order_by("-published_at", "pk")
    )
    item_shares: dict[int, dict[int, datetime]] = defaultdict(dict)
    if items:
        shares = ItemShare.objects.filter(
            item_id__in=[item.pk for item in items], community_id__in=community_ids
        ).values_list("item_id", "community_id", "shared_at")
        for item_id, community_id, shared_at in shares:
            item_shares[item_id][community_id] = shared_at
    items_by_community: dict[int, list] = defaultdict(list)
    in_batch = set(community_ids)
    for item in items:
        for community_id in {item.community_id, *item_shares[item.pk]}:
            if community_id in in_batch:
                items_by_community[community_id].append(item)

    # 8. When the featured ones became featured (from the item's history).
    featured_at: dict[int, list[datetime]] = defaultdict(list)
    featured_ids = [item.pk for item in items if item.is_featured]
    if featured_ids:
        history = (
            KnowledgeItem.history.model.objects.filter(
                id__in=featured_ids, history_date__lt=until_max
            )
            .order_by("id", "history_date", "history_id")
            .values_list("id", "history_date", "is_featured")
        )
        was: dict[int, bool] = {}
        for item_id, moment, is_featured in history:
            if is_featured and not was.get(item_id, False):
                featured_at[item_id].append(moment)
            was[item_id] = is_featured

    # 9. Meetings in the coming week, not cancelled.
    events_by_community: dict[int, list] = defaultdict(list)
    occurrences = (
        EventOccurrence.objects.filter(
            event__community_id__in=community_ids,
            event__cancelled_at=None,
            is_cancelled=False,
            starts_at__gte=until_min,
            starts_at__lt=until_max + EVENTS_AHEAD,
        )
        .select_related("event")
        .order_by("starts_at", "pk")
    )
    for occurrence in occurrences:
        events_by_community[occurrence.event.community_id].append(occurrence)

    # 10. Pending actions where someone in the batch holds the rights.
    action_ids = {
        pk
        for perm in (permissions.Perm.MODERATE, permissions.Perm.MANAGE_MEMBERS)
        for user_communities in grants[perm].values()
        for pk in user_communities
    } & in_batch
    actions: dict[int, dict] = {}
    if action_ids:
        waiting = JoinRequest.objects.filter(
            community=OuterRef("pk"), status=JoinRequest.Status.PENDING
        )
        reports = Report.objects.filter(community=OuterRef("pk"), status=Report.Status.OPEN)
        rows = Community.objects.filter(pk__in=action_ids).annotate(
            waiting_requests=Coalesce(
                Subquery(
                    waiting.order_by().values("community").annotate(n=Count("pk")).values("n")
                ),
                0,
            ),
            newest_request=Subquery(
                waiting.order_by().values("community").annotate(m=Max("created_at")).values("m")
            ),
            open_reports=Coalesce(
                Subquery(
                    reports.order_by().values("community").annotate(n=Count("pk")).values("n")
                ),
                0,
            ),
            newest_report=Subquery(
                reports.order_by().values("community").annotate(m=Max("created_at")).values("m")
            ),
        )
        for row in rows.values(
            "pk", "waiting_requests", "newest_request", "open_reports", "newest_report"
        ):
            actions[row["pk"]] = row

    return _BatchContent(
        memberships=memberships,
        grants=grants,
        closed_groups=closed_groups,
        threads_by_community=threads_by_community,
        replies=replies,
        items_by_community=items_by_community,
        item_shares=item_shares,
        featured_at=featured_at,
        events_by_community=events_by_community,
        actions=actions,
    )


def _digest_for(record: DeliveryRecord, content: _BatchContent) -> Digest | None:
    """One member's digest from the batch's content, or None when nothing is new."""
    user_id = record.user_id
    mine = content.memberships.get(user_id, {})
    if not mine:
        return None
    since, until = record.since, record.until
    kinds = news_kinds_of(getattr(record.user, "notification_settings", None))
    readable_ids = set(mine)
    moderates = content.grants[permissions.Perm.MODERATE].get(user_id, set())
    manages = content.grants[permissions.Perm.MANAGE_MEMBERS].get(user_id, set())
    closed_groups = content.closed_groups.get(user_id, set())
    digest = Digest()
    sections = []
    listed_items: set[int] = set()
    for community_id, membership in sorted(
        mine.items(), key=lambda pair: (pair[1].community.name.lower(), pair[0])
    ):
        community = membership.community
        slug = community.slug
        section = CommunitySection(name=community.name, url=_url("communities:home", slug))
        announcements, new_threads, active_threads = [], [], []
        for thread in content.threads_by_community.get(community_id, []):
            if not permissions.thread_listable_to_member(
                thread,
                readable_community_ids=readable_ids,
                closed_group_ids=closed_groups,
                moderated_community_ids=moderates,
            ):
                continue
            new_replies = sum(
                1
                for created_at, author_id in content.replies.get(thread.pk, [])
                if since <= created_at < until and author_id != user_id
            )
            line = ThreadLine(
                title=thread.title,
                url=_url("discussions:thread", slug, thread.pk),
                author=_author_name(thread.author),
                community=community.name,
                new_replies=new_replies,
                is_question=thread.kind == thread.Kind.QUESTION,
                answered=thread.accepted_post_id is not None,
            )
            is_new = _in(thread.created_at, since, until)
            if thread.author_id == user_id:
                if new_replies and NewsKind.REPLIES_TO_ME in kinds:
                    target = digest.answers_to_you if line.is_question else digest.replies_to_you
                    target.append(line)
            elif thread.kind == thread.Kind.ANNOUNCEMENT:
                if is_new and NewsKind.ANNOUNCEMENTS in kinds and membership.announcement_email:
                    announcements.append(line)
            elif NewsKind.DISCUSSIONS in kinds:
                if is_new:
                    new_threads.append(line)
                elif new_replies:
                    active_threads.append(line)
        discussions_url = _url("discussions:list", slug)
        section.announcements = Capped.of(announcements, discussions_url)
        section.new_threads = Capped.of(new_threads, discussions_url)
        active_threads.sort(key=lambda line: -line.new_replies)
        section.active_threads = Capped.of(active_threads, discussions_url)

        if NewsKind.KNOWLEDGE in kinds:
            lines = []
            for item in content.items_by_community.get(community_id, []):
                shares = content.item_shares.get(item.pk, {})
                if not permissions.item_readable_through(item.community_id, shares, readable_ids):
                    continue
                arrived = (
                    item.published_at if item.community_id == community_id else shares[community_id]
                )
                featured = item.is_featured and any(
                    _in(moment, since, until) for moment in content.featured_at.get(item.pk, [])
                )
                # An item shared into two of the member's communities is listed once.
                if (_in(arrived, since, until) or featured) and item.pk not in listed_items:
                    listed_items.add(item.pk)
                    lines.append(
                        ItemLine(
                            title=item.title,
                            url=_url("knowledge:item", item.pk),
                            summary=item.summary,
                            featured=item.is_featured,
                        )
                    )
            section.knowledge = Capped.of(lines, _url("knowledge:repertoire", slug))

        if NewsKind.EVENTS in kinds:
            upcoming = [
                EventLine(
                    title=occurrence.title,
                    url=_url("events:occurrence", slug, occurrence.event_id, occurrence.pk),
                    starts_at=occurrence.starts_at,
                    place=occurrence.place,
                )
                for occurrence in content.events_by_community.get(community_id, [])
                if until <= occurrence.starts_at < until + EVENTS_AHEAD
            ]
            section.events = Capped.of(upcoming, _url("events:list", slug))

        if NewsKind.ACTIONS in kinds and community_id in content.actions:
            row = content.actions[community_id]
            # Waiting items are listed while something new arrived in the window, so
            # an old request does not send an email every day on its own.
            if community_id in manages and _in(row["newest_request"], since, until):
                section.waiting_requests = row["waiting_requests"]
                section.requests_url = _url("membership:manage", slug)
            if community_id in moderates and _in(row["newest_report"], since, until):
                section.open_reports = row["open_reports"]
                section.reports_url = _url("discussions:moderation", slug)

        # Events alone are a reminder, not news: they ride along with something new.
        if section.has_news or section.events:
            sections.append(section)
    digest.communities = sections
    has_news = any(section.has_news for section in sections)
    if not (has_news or digest.replies_to_you or digest.answers_to_you):
        return None
    return digest


def _headline(digest: Digest) -> dict:
    """What the subject line leads with: the community with the most new threads."""
    with_threads = [s for s in digest.communities if s.new_threads]
    if with_threads:
        top = max(with_threads, key=lambda s: len(s.new_threads.rows) + s.new_threads.more)
        return {
            "threads": len(top.new_threads.rows) + top.new_threads.more,
            "community": top.name,
            "other_communities": len(with_threads) - 1,
        }
    replies = sum(line.new_replies for line in digest.replies_to_you + digest.answers_to_you)
    if replies:
        return {"replies": replies}
    with_news = [s for s in digest.communities if s.has_news]
    return {"community": with_news[0].name if with_news else ""}


def build_digests(records: list[DeliveryRecord], *, kind: str) -> dict[int, Email | None]:
    """Every record's digest, in at most 10 queries for the whole batch.

    Records must have `user` (and `user.notification_settings`) loaded, as send_batch
    loads them, and their since/until window set by the planner.
    """
    now = timezone.now()
    for record in records:
        record.until = record.until or now
        record.since = record.since or record.until - WINDOW[kind]
    content = _load(records, kind) if records else None
    built: dict[int, Email | None] = {}
    for record in records:
        digest = _digest_for(record, content) if content is not None else None
        if digest is None:
            built[record.pk] = None
            continue
        built[record.pk] = Email(
            TEMPLATE_PREFIX,
            {
                "is_daily": kind == DAILY,
                "digest": digest,
                "headline": _headline(digest),
                "since": record.since,
                "until": record.until,
            },
            unsubscribe_scope="all",
        )
    return built


@register(DAILY)
def build_daily(records: list[DeliveryRecord]) -> dict[int, Email | None]:
    return build_digests(records, kind=DAILY)


@register(WEEKLY)
def build_weekly(records: list[DeliveryRecord]) -> dict[int, Email | None]:
    return build_digests(records, kind=WEEKLY)
