"""Reads for the leader report: database aggregates only, returned as plain data.

Every figure is a GROUP BY (by community, month, level, kind ...) or a conditional
aggregate over the communities in scope, so the report costs the same number of
queries for one community or three hundred. Python only arranges the aggregated
rows (a few per community at most), never the underlying posts, items or people.

Privacy: nothing here returns a post, an item, a person or a title, except the titles
of confirmed value stories in communities the viewer may read. Hidden communities the
viewer may not know are pooled into one unnamed line. People counts go through
facilitation.reports.privacy before anyone sees them.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from communities.events.models import Attendance
from communities.models import Community, EventOccurrence, Post, Thread
from facilitation.models import (
    BrokerageEvent,
    CommunityLearningStage,
    LearningStage,
    StrategicPriority,
    ValueStory,
    WorkLogEntry,
)
from knowledge.models import KnowledgeItem
from membership import permissions
from membership.models import Membership, User

# The pooled line for hidden communities the viewer may not name.
HIDDEN_POOL = "hidden"
# Readable value stories listed with their titles (the rest are counted).
STORY_LIMIT = 20
LEVELS = [Membership.Level.CORE, Membership.Level.ACTIVE, Membership.Level.PERIPHERAL]


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    priority_id: int | None = None
    topic: str = ""
    community_slug: str = ""

    @property
    def starts(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def ends(self) -> datetime:
        """Exclusive end: the start of the day after `date_to`."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def narrows_communities(self) -> bool:
        return bool(self.priority_id or self.topic or self.community_slug)


@dataclass
class CommunityRef:
    """A community as the report may show it (never a hidden one the viewer can't name)."""

    pk: int
    name: str
    slug: str
    purpose: str
    stage: str
    visibility: str


@dataclass
class FilterOptions:
    """What the filter form offers, and which communities the viewer may name."""

    priorities: list[tuple[int, str]]
    topics: list[str]
    communities: list[CommunityRef]  # every active community the viewer may name
    named_ids: set[int]
    hidden_ids: set[int]  # active communities the viewer may not name


@dataclass
class Report:
    filters: ReportFilters
    months: list[date]
    named: list[CommunityRef]  # in scope, in name order
    hidden_count: int  # in scope, pooled
    priorities: list[tuple[int, str]]
    # Keyed by community pk, or HIDDEN_POOL for the pooled hidden communities.
    priorities_of: dict = field(default_factory=dict)  # key -> set of priority ids
    pooled_priority_counts: dict = field(default_factory=dict)  # priority id -> n hidden
    stages_of: dict = field(default_factory=dict)  # pk -> set of stages (named only)
    stage_counts: dict = field(default_factory=dict)  # stage -> communities covering it
    levels: dict = field(default_factory=dict)  # key -> {level: count}
    stakeholders: dict = field(default_factory=dict)  # stakeholder type -> distinct people
    monthly: dict = field(default_factory=dict)  # series name -> [count per month]
    activity: dict = field(default_factory=dict)  # key -> {measure: count}
    items_by_kind: dict = field(default_factory=dict)
    brokerage_by_kind: dict = field(default_factory=dict)
    stories_by_type: dict = field(default_factory=dict)
    readable_stories: list = field(default_factory=list)  # the latest STORY_LIMIT
    readable_story_count: int = 0  # all confirmed stories the viewer may read
    work_by_kind: dict = field(default_factory=dict)  # kind -> (entries, minutes)
    work_by_community: dict = field(default_factory=dict)  # key or None -> (entries, minutes)
    # When the activity figures were computed (facilitation.snapshots); None: now.
    as_of: datetime | None = None
    # When the people by stakeholder type were (the platform snapshot); None: now.
    people_as_of: datetime | None = None
    # The activity totals when they were summed from the community snapshots for this
    # request (the view keeps the unfiltered report's: report_period); else None.
    summed: "PeriodTotals | None" = field(default=None, compare=False)


def filter_options(*, user) -> FilterOptions:
    """Three queries. Rows, not model instances: a platform has hundreds of
    communities and the report only needs these few fields of each."""
    # Which the viewer may name is answered in the same query, by the permission
    # authority's list of communities the viewer may see listed.
    listed = permissions.communities_listable_by(user).filter(pk=OuterRef("pk"))
    rows = (
        Community.objects.filter(status=Community.Status.ACTIVE)
        .annotate(named=Exists(listed))
        .order_by("name", "pk")
        .values_list("pk", "name", "slug", "purpose", "stage", "visibility", "named")
    )
    named, hidden_ids = [], set()
    for *fields, is_named in rows:
        if is_named:
            named.append(CommunityRef(*fields))
        else:
            hidden_ids.add(fields[0])
    named_ids = {c.pk for c in named}
    priorities = list(
        StrategicPriority.objects.filter(is_active=True)
        .order_by("position", "name")
        .values_list("pk", "name")
    )
    # Topics of the communities the viewer may name only: a hidden community's
    # topics would hint at it. Each tag asks whether one such community carries it (a
    # semi-join over a few dozen tags, not DISTINCT over every tagged community); the
    # content type as a value (ContentType's cache) lets the planner use taggit's
    # (content_type, object_id) index.
    tagged = TaggedItem.objects.filter(
        tag=OuterRef("pk"),
        content_type=ContentType.objects.get_for_model(Community),
        object_id__in=permissions.communities_listable_by(user).values("pk"),
    )
    topic_names = Tag.objects.filter(Exists(tagged)).values_list("name", flat=True)
    topics = sorted(topic_names, key=str.lower)
    return FilterOptions(
        priorities=priorities,
        topics=topics,
        communities=named,
        named_ids=named_ids,
        hidden_ids=hidden_ids,
    )


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _month_key(value) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date().replace(day=1)
    return value.replace(day=1)


def report_scope(filters: ReportFilters):
    communities = Community.objects.filter(status=Community.Status.ACTIVE)
    if filters.priority_id:
        communities = communities.filter(priorities=filters.priority_id)
    if filters.topic:
        communities = communities.filter(topics__name=filters.topic)
    if filters.community_slug:
        communities = communities.filter(slug=filters.community_slug)
    return communities.values("pk")


def leader_report(
    *,
    user,
    filters: ReportFilters,
    options: FilterOptions,
    snapshots=None,
    people=None,
    period: "PeriodTotals | None" = None,
) -> Report:
    """The whole report in a fixed number of queries, whatever the data.

    The levels and the activity counts come, first that answers: from `period` (the
    unfiltered report's PeriodTotals, kept with the platform snapshots) when it
    covers the filters; from `snapshots` ({community id: CommunitySnapshot}, or a
    function of the ids in scope giving them) when they cover the filters (whole
    months, every community in scope); otherwise they are counted now. `people` (the
    PlatformSnapshot of PEOPLE) answers the people by stakeholder type when no filter
    narrows the communities and the period ends after it was computed."""
    scope = report_scope(filters)
    if filters.narrows_communities:
        scope_ids = set(scope.values_list("pk", flat=True).order_by().distinct())
    else:
        # Every active community: those the viewer may name and the others.
        scope_ids = options.named_ids | options.hidden_ids
    starts, ends = filters.starts, filters.ends
    held_until = min(ends, timezone.now())
    named = [c for c in options.communities if c.pk in scope_ids]
    hidden_in_scope = scope_ids & options.hidden_ids

    def key(community_id):
        return community_id if community_id in options.named_ids else HIDDEN_POOL

    months = months_between(filters.date_from, filters.date_to)
    report = Report(
        filters=filters,
        months=months,
        named=named,
        hidden_count=len(hidden_in_scope),
        priorities=options.priorities,
    )

    # Alignment: priorities served and learning-cycle stages covered.
    active_priorities = {pk for pk, _name in options.priorities}
    links = StrategicPriority.communities.through.objects.filter(
        community_id__in=scope, strategicpriority_id__in=active_priorities
    ).values_list("community_id", "strategicpriority_id")
    pooled = defaultdict(int)
    for community_id, priority_id in links:
        if key(community_id) == HIDDEN_POOL:
            pooled[priority_id] += 1
        else:
            report.priorities_of.setdefault(community_id, set()).add(priority_id)
    report.pooled_priority_counts = dict(pooled)
    stage_rows = CommunityLearningStage.objects.filter(community_id__in=scope).values_list(
        "community_id", "stage"
    )
    stage_counts = defaultdict(int)
    for community_id, stage in stage_rows:
        stage_counts[stage] += 1
        if key(community_id) != HIDDEN_POOL:
            report.stages_of.setdefault(community_id, set()).add(stage)
    report.stage_counts = {stage: stage_counts.get(stage, 0) for stage in LearningStage.values}

    # People: members who had joined by the end of the period, by level and type.
    sets = activity_querysets(scope, starts=starts, ends=ends, held_until=held_until)
    if people is not None and not filters.narrows_communities and ends > people.computed_at:
        # Every active community, members by a moment before the period's end: the
        # platform snapshot's count (facilitation.snapshots) answers it.
        report.stakeholders = {**dict.fromkeys(User.StakeholderType.values, 0), **people.data}
        report.people_as_of = people.computed_at
    else:
        report.stakeholders = people_by_stakeholder(sets["members"])
    report.items_by_kind = dict.fromkeys(KnowledgeItem.Kind.values, 0)
    kept_counts = None
    if period is not None and not filters.narrows_communities and period.covers(filters, scope_ids):
        _apply_totals(report, period, key)
        kept_counts = period.counts
    else:
        if callable(snapshots):
            snapshots = snapshots(scope_ids)
        if snapshots is not None and _snapshots_cover(filters, scope_ids, snapshots):
            report.summed = period_totals(snapshots, months, scope_ids)
            _apply_totals(report, report.summed, key)
        else:
            _activity_live(report, sets, key)

    # Brokerage, value stories and facilitators' work: kept with the unfiltered
    # report's totals (counted when they were), else counted now; which stories the
    # viewer may read is always asked now.
    stories = _confirmed_stories(scope, filters)
    may_read = permissions.value_stories_readable_by(user)
    # Both filters on one table (not a join of the stories with themselves): the
    # latest readable ones are then a walk down the valuestory_latest index.
    readable = stories & may_read
    counts = kept_counts
    if counts is not None:
        report.readable_story_count = readable.count()
    else:
        counts = period_counts(scope, filters, readable_ids=may_read.values("pk"))
        report.readable_story_count = counts.pop("readable")
        if report.summed is not None:
            report.summed.counts = counts
    _apply_counts(report, counts, key)
    report.readable_stories = list(
        readable.select_related("community")
        .only(
            "pk",
            "title",
            "changed",
            "value_type",
            "created_at",
            "community__name",
            "community__slug",
        )
        .order_by("-created_at", "-pk")[:STORY_LIMIT]
    )
    return report


def _confirmed_stories(scope, filters: ReportFilters):
    """The confirmed value stories told in the communities of `scope` in the period."""
    return ValueStory.objects.filter(
        community_id__in=scope,
        status=ValueStory.Status.CONFIRMED,
        created_at__gte=filters.starts,
        created_at__lt=filters.ends,
    )


def period_counts(scope, filters: ReportFilters, *, readable_ids=None) -> dict:
    """What the report counts beyond the snapshots' columns, in the communities of
    `scope` over the filters' period, for everyone (who may be named is applied on
    reading): brokerage by kind, confirmed value stories by type, and facilitators'
    work as {kind: [entries, minutes]} and [community id, entries, minutes] rows.
    Work tied to no community counts only when no filter narrows the communities (it
    belongs to no priority, topic or community). With `readable_ids`, also
    "readable": how many of those stories are among them, in the same query. Three
    queries."""
    starts, ends = filters.starts, filters.ends
    brokerage = dict.fromkeys(BrokerageEvent.Kind.values, 0)
    for kind, n in (
        BrokerageEvent.objects.filter(
            Q(target_community_id__in=scope) | Q(source_community_id__in=scope),
            created_at__gte=starts,
            created_at__lt=ends,
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("kind", "n")
    ):
        brokerage[kind] = n
    stories = _confirmed_stories(scope, filters)
    by_type = dict.fromkeys(ValueStory.ValueType.values, 0)
    readable = 0
    extra = {} if readable_ids is None else {"readable": Count("pk", filter=Q(pk__in=readable_ids))}
    for row in stories.values("value_type").annotate(n=Count("pk"), **extra).order_by():
        by_type[row["value_type"]] = row["n"]
        readable += row.get("readable", 0)
    work = WorkLogEntry.objects.filter(
        occurred_on__gte=filters.date_from, occurred_on__lte=filters.date_to
    )
    if filters.narrows_communities:
        work = work.filter(community_id__in=scope)
    else:
        work = work.filter(Q(community_id__in=scope) | Q(community=None))
    # Kept by kind and by community, not by both: the report shows the two tables,
    # and a kept row then holds a line per community rather than per kind of each.
    by_kind = {kind: [0, 0] for kind in WorkLogEntry.Kind.values}
    by_community = defaultdict(lambda: [0, 0])
    for kind, community_id, entries, minutes in (
        work.values("kind", "community_id")
        .annotate(entries=Count("pk"), minutes=Sum("minutes"))
        .order_by()
        .values_list("kind", "community_id", "entries", "minutes")
    ):
        for line in (by_kind[kind], by_community[community_id]):
            line[0] += entries
            line[1] += minutes
    counts = {
        "brokerage": brokerage,
        "stories": by_type,
        "work_by_kind": by_kind,
        "work_by_community": [[pk, *line] for pk, line in by_community.items()],
    }
    if readable_ids is not None:
        counts["readable"] = readable
    return counts


def _apply_counts(report: Report, counts: dict, key) -> None:
    """period_counts as the viewer may see them: work of the communities they may not
    name on the pooled line."""
    report.brokerage_by_kind = dict.fromkeys(BrokerageEvent.Kind.values, 0)
    report.brokerage_by_kind.update(counts["brokerage"])
    report.stories_by_type = dict.fromkeys(ValueStory.ValueType.values, 0)
    report.stories_by_type.update(counts["stories"])
    report.work_by_kind = {kind: (0, 0) for kind in WorkLogEntry.Kind.values}
    report.work_by_kind.update(
        (kind, (entries, minutes)) for kind, (entries, minutes) in counts["work_by_kind"].items()
    )
    by_community = {}
    for community_id, entries, minutes in counts["work_by_community"]:
        line = None if community_id is None else key(community_id)
        if line in by_community:
            pooled_entries, pooled_minutes = by_community[line]
            entries, minutes = entries + pooled_entries, minutes + pooled_minutes
        by_community[line] = (entries, minutes)
    report.work_by_community = by_community


def people_by_stakeholder(members) -> dict:
    """{stakeholder type: people} among these memberships, each person once. People,
    not memberships: a semi-join, cheaper than a COUNT(DISTINCT) over every
    membership. One query."""
    counts = dict.fromkeys(User.StakeholderType.values, 0)
    people = User.objects.filter(Exists(members.filter(user_id=OuterRef("pk"))))
    for row in people.values("stakeholder_type").annotate(people=Count("pk")).order_by():
        counts[row["stakeholder_type"]] = row["people"]
    return counts


def unfiltered_scope_ids() -> set[int]:
    """The communities the unfiltered report covers (every active one)."""
    today = timezone.localdate()
    return set(
        report_scope(ReportFilters(date_from=today, date_to=today)).values_list("pk", flat=True)
    )


def platform_people(*, now: datetime) -> dict:
    """For the platform snapshot: people by stakeholder type in every active
    community, members who had joined by `now` (what the unfiltered report counts)."""
    scope = report_scope(ReportFilters(date_from=now.date(), date_to=now.date()))
    return people_by_stakeholder(activity_querysets(scope, ends=now, held_until=now)["members"])


def activity_querysets(scope, *, starts=None, ends=None, held_until) -> dict:
    """The rows the report's people and activity figures count, in the communities of
    `scope` (ids, or a values("pk") queryset), within [starts, ends) where given:
    members who had joined by `ends` ("members") and of those, who joined since
    `starts` ("joined"); live threads and replies; published items; meetings held
    before `held_until` and their attendance. The live report and the snapshots
    (monthly_activity) count the same rows."""

    def within(field_name):
        condition = Q()
        if starts is not None:
            condition &= Q(**{f"{field_name}__gte": starts})
        if ends is not None:
            condition &= Q(**{f"{field_name}__lt": ends})
        return condition

    members = Membership.objects.filter(community_id__in=scope)
    if ends is not None:
        members = members.filter(created_at__lt=ends)
    meetings = EventOccurrence.objects.filter(
        within("starts_at"),
        event__community_id__in=scope,
        starts_at__lt=held_until,
        is_cancelled=False,
        event__cancelled_at=None,
    )
    return {
        "members": members,
        "joined": members.filter(created_at__gte=starts) if starts is not None else members,
        "threads": Thread.objects.filter(
            within("created_at"), community_id__in=scope, deleted_at=None, is_hidden=False
        ),
        "replies": Post.objects.filter(
            within("created_at"), thread__community_id__in=scope, deleted_at=None, is_hidden=False
        ),
        "items": KnowledgeItem.objects.filter(
            within("published_at"),
            community_id__in=scope,
            status=KnowledgeItem.Status.PUBLISHED,
        ),
        "meetings": meetings,
        "attendance": Attendance.objects.filter(occurrence__in=meetings.values("pk")),
    }


# (measure, queryset name, the moment it is counted at, the community it belongs to)
ACTIVITY_MEASURES = [
    ("threads", "threads", "created_at", "community_id"),
    ("replies", "replies", "created_at", "thread__community_id"),
    ("items", "items", "published_at", "community_id"),
    ("meetings", "meetings", "starts_at", "event__community_id"),
    ("attendance", "attendance", "occurrence__starts_at", "occurrence__event__community_id"),
]


def _activity_live(report: Report, sets: dict, key) -> None:
    """Levels, the monthly series and each community's activity, counted now."""
    months = report.months
    level_rows = (
        sets["members"]
        .values("community_id")
        .annotate(**{level: Count("pk", filter=Q(level=level)) for level in LEVELS})
        .order_by()
    )
    for row in level_rows:
        counts = report.levels.setdefault(key(row["community_id"]), dict.fromkeys(LEVELS, 0))
        for level in LEVELS:
            counts[level] += row[level]

    joined = dict.fromkeys(months, 0)
    for row in (
        sets["joined"]
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        month = _month_key(row["month"])
        if month in joined:
            joined[month] += row["n"]
    report.monthly["joined"] = list(joined.values())

    # Knowledge produced, by kind.
    for row in sets["items"].values("kind").annotate(n=Count("pk")).order_by():
        report.items_by_kind[row["kind"]] = row["n"]

    for measure, name, field_name, community_field in ACTIVITY_MEASURES:
        if measure == "attendance":
            # Per community only: attendance has no monthly series.
            for row in sets[name].values(community_field).annotate(n=Count("pk")).order_by():
                _add(report, key(row[community_field]), measure, row["n"])
            continue
        # One GROUP BY (community, month) gives both the monthly series and the
        # per-community totals: a single pass over the rows (replies are the most).
        counts = dict.fromkeys(months, 0)
        rows = (
            sets[name]
            .annotate(month=TruncMonth(field_name))
            .values(community_field, "month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            month = _month_key(row["month"])
            if month in counts:
                counts[month] += row["n"]
            _add(report, key(row[community_field]), measure, row["n"])
        report.monthly[measure] = list(counts.values())


def _add(report: Report, line, measure: str, count: int) -> None:
    row = report.activity.setdefault(
        line, {"threads": 0, "replies": 0, "items": 0, "meetings": 0, "attendance": 0}
    )
    row[measure] += count


def monthly_activity(community_ids, *, now: datetime) -> dict[int, dict]:
    """For the snapshots: per community, per month ("YYYY-MM", local time), what the
    report counts (every measure of ACTIVITY_MEASURES, and members joined per level
    as "joined_<level>", items published per kind as "items_<kind>"), from the first
    row to `now`, as columns (_columns). Seven queries."""
    sets = activity_querysets(community_ids, held_until=now)
    result: dict[int, dict[str, dict[str, int]]] = {}

    def put(community_id, month, measure, count):
        if count:
            slot = result.setdefault(community_id, {}).setdefault(f"{month:%Y-%m}", {})
            slot[measure] = slot.get(measure, 0) + count

    for row in (
        sets["members"]
        .annotate(month=TruncMonth("created_at"))
        .values("community_id", "month")
        .annotate(**{level: Count("pk", filter=Q(level=level)) for level in LEVELS})
        .order_by()
    ):
        for level in LEVELS:
            put(row["community_id"], _month_key(row["month"]), f"joined_{level}", row[level])
    for measure, name, field_name, community_field in ACTIVITY_MEASURES:
        for row in (
            sets[name]
            .annotate(month=TruncMonth(field_name))
            .values(community_field, "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            put(row[community_field], _month_key(row["month"]), measure, row["n"])
    for row in (
        sets["items"]
        .annotate(month=TruncMonth("published_at"))
        .values("community_id", "month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        put(row["community_id"], _month_key(row["month"]), f"items_{row['kind']}", row["n"])
    return {pk: _columns(by_month) for pk, by_month in result.items()}


def _columns(by_month: dict[str, dict[str, int]]) -> dict:
    """{month: {measure: n}} as {"months": [sorted], "columns": {measure: [n per
    month]}}: a range of months is then a slice of each column."""
    months = sorted(by_month)
    names = sorted({name for counts in by_month.values() for name in counts})
    return {
        "months": months,
        "columns": {name: [by_month[month].get(name, 0) for month in months] for name in names},
    }


def _snapshots_cover(filters: ReportFilters, scope_ids, snapshots: dict) -> bool:
    """Whether the snapshots answer these filters: whole months (a range ending on or
    after the day they were computed counts up to that moment), every community in
    scope has one."""
    if filters.date_from.day != 1 or not all(pk in snapshots for pk in scope_ids):
        return False
    if (filters.date_to + timedelta(days=1)).day == 1:
        return True
    computed = [snapshots[pk].computed_at for pk in scope_ids]
    return not computed or filters.date_to >= timezone.localdate(min(computed))


# A community's line of PeriodTotals: the activity measures, then members by level.
TOTALS_COLUMNS = [*(measure for measure, *_rest in ACTIVITY_MEASURES), *LEVELS]


@dataclass
class PeriodTotals:
    """What the report reads from the snapshots for a range of whole months: each
    community's totals (TOTALS_COLUMNS), the monthly series and the items by kind
    summed over all of them. Independent of the viewer (who may name which community
    is applied afterwards), so the unfiltered report's can be kept for everyone
    (facilitation.snapshots.services: report_period)."""

    months: list[str]  # "YYYY-MM", the range's months
    community_ids: list[int]  # every community summed, with or without activity
    lines: dict[int, list[int]]  # community id -> TOTALS_COLUMNS (when not all zero)
    series: dict[str, list[int]]  # "joined" and each measure but attendance, per month
    items_by_kind: dict[str, int]
    as_of: datetime | None  # the oldest snapshot summed
    latest: datetime | None  # the newest snapshot summed
    # period_counts over the same communities and months, counted when these totals
    # were kept (None: count them with the report).
    counts: dict | None = None

    def to_json(self) -> dict:
        moments = {
            name: getattr(self, name).isoformat() if getattr(self, name) else None
            for name in ("as_of", "latest")
        }
        return {
            "months": self.months,
            "community_ids": self.community_ids,
            "lines": {str(pk): line for pk, line in self.lines.items()},
            "series": self.series,
            "items_by_kind": self.items_by_kind,
            "counts": self.counts,
            **moments,
        }

    @classmethod
    def from_json(cls, data: dict) -> "PeriodTotals":
        moments = {
            name: datetime.fromisoformat(data[name]) if data.get(name) else None
            for name in ("as_of", "latest")
        }
        return cls(
            months=data["months"],
            community_ids=data["community_ids"],
            lines={int(pk): line for pk, line in data["lines"].items()},
            series=data["series"],
            items_by_kind=data["items_by_kind"],
            counts=_current_counts(data.get("counts")),
            **moments,
        )

    def covers(self, filters: ReportFilters, scope_ids) -> bool:
        """Whether these totals answer the filters: the same months and exactly the
        communities in scope, and a period that does not end before they were
        computed (the last month counts up to that moment)."""
        if filters.date_from.day != 1 or set(self.community_ids) != set(scope_ids):
            return False
        if self.months != [
            f"{m:%Y-%m}" for m in months_between(filters.date_from, filters.date_to)
        ]:
            return False
        if (filters.date_to + timedelta(days=1)).day == 1 or self.as_of is None:
            return True
        return filters.date_to >= timezone.localdate(self.as_of)


def _current_counts(counts: dict | None) -> dict | None:
    """Kept counts in the shape period_counts gives them now; None for an earlier
    shape (the report then counts them live until the next refresh keeps them)."""
    if counts is None or "work_by_community" not in counts:
        return None
    return counts


def period_totals(snapshots: dict, months: list[date], community_ids) -> PeriodTotals:
    """Sum the snapshots' monthly columns of these communities over these months:
    the period's months are a slice of each column."""
    first, last = (f"{month:%Y-%m}" for month in (months[0], months[-1]))
    position = {f"{month:%Y-%m}": index for index, month in enumerate(months)}
    measures = [measure for measure, *_rest in ACTIVITY_MEASURES]
    column_of = {name: index for index, name in enumerate(TOTALS_COLUMNS)}
    joined = {f"joined_{level}": level for level in LEVELS}
    kinds = {f"items_{kind}": kind for kind in KnowledgeItem.Kind.values}
    series = {name: [0] * len(position) for name in ["joined", *measures]}
    items_by_kind = dict.fromkeys(KnowledgeItem.Kind.values, 0)
    ids = sorted(set(community_ids))
    lines = {}
    for pk in ids:
        monthly = snapshots[pk].monthly
        if not monthly:
            continue
        found = monthly["months"]
        start, end = bisect_left(found, first), bisect_right(found, last)
        slots = [position[month] for month in found[start:end]]
        line = [0] * len(TOTALS_COLUMNS)
        for name, column in monthly["columns"].items():
            if name in joined:
                # Members who had joined by the end of the period, and those who
                # joined within it.
                line[column_of[joined[name]]] += sum(column[:end])
                target = series["joined"]
            elif name in kinds:
                items_by_kind[kinds[name]] += sum(column[start:end])
                continue
            else:
                line[column_of[name]] += sum(column[start:end])
                target = series[name]
            for slot, count in zip(slots, column[start:end], strict=True):
                target[slot] += count
        if any(line):
            lines[pk] = line
    del series["attendance"]  # per community only: attendance has no monthly series
    computed = [snapshots[pk].computed_at for pk in ids]
    return PeriodTotals(
        months=list(position),
        community_ids=ids,
        lines=lines,
        series=series,
        items_by_kind=items_by_kind,
        as_of=min(computed) if computed else None,
        latest=max(computed) if computed else None,
    )


def _apply_totals(report: Report, totals: PeriodTotals, key) -> None:
    """The totals as the viewer may see them: named communities on lines of their
    own, the others pooled (key)."""
    measures = [measure for measure, *_rest in ACTIVITY_MEASURES]
    width = len(measures)
    for pk, line in totals.lines.items():
        name = key(pk)
        if name != HIDDEN_POOL:
            # A line of its own: made whole, not added to count by count (a kept row
            # has a line per community, hundreds of them). Like the live count, only
            # what has activity or members has an entry.
            activity, levels = line[:width], line[width:]
            if any(activity):
                report.activity[name] = dict(zip(measures, activity, strict=True))
            if any(levels):
                report.levels[name] = dict(zip(LEVELS, levels, strict=True))
            continue
        for measure, count in zip(measures, line[:width], strict=True):
            if count:
                _add(report, name, measure, count)
        if any(line[width:]):
            counts = report.levels.setdefault(name, dict.fromkeys(LEVELS, 0))
            for level, count in zip(LEVELS, line[width:], strict=True):
                counts[level] += count
    report.monthly.update(totals.series)
    report.items_by_kind.update(totals.items_by_kind)
    report.as_of = totals.as_of
