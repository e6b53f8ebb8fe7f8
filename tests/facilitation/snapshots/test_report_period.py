"""The unfiltered leader report reads its activity totals from one platform-wide row
(PlatformSnapshot PERIOD) summed from the community snapshots, instead of every
community's snapshot: the same figures, the same number of queries for 2 or 40
communities, and summed again whenever a community snapshot is newer."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from facilitation.models import (
    BrokerageEvent,
    CommunitySnapshot,
    PlatformSnapshot,
    StrategicPriority,
)
from facilitation.reports import selectors as report_selectors
from facilitation.reports.forms import default_range
from facilitation.snapshots.services import report_platform, report_snapshots, snapshots_refresh
from facilitation.tasks import refresh_all_snapshots

from ...factories import CommunityFactory
from ..dashboard.worlds import NOW
from ..reports.helpers import add_members, add_story, add_thread, add_work, full_community

pytestmark = pytest.mark.django_db
REPORT = reverse("reports:report")
SNAPSHOT_MONTHS = '"facilitation_communitysnapshot"."monthly"'


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def three(facilitator):
    priority = StrategicPriority.objects.create(name="Fewer falls")
    communities = []
    for index, visibility in enumerate(["public", "private", "hidden"]):
        community = full_community(
            index, facilitator=facilitator, priority=priority, visibility=visibility
        )
        add_thread(community, replies=3, when=NOW - timedelta(days=45 + 30 * index))
        add_members(community, 5, level="active", joined=NOW - timedelta(days=70 * index))
        communities.append(community)
    return communities


def _report(user, filters, **sources):
    options = report_selectors.filter_options(user=user)
    return report_selectors.leader_report(user=user, filters=filters, options=options, **sources)


def test_the_kept_totals_give_the_figures_the_live_count_gives(frozen, leader, facilitator, three):
    BrokerageEvent.objects.create(
        kind=BrokerageEvent.Kind.SHARE, source_community=three[0], target_community=three[2]
    )
    add_work(facilitator, None, minutes=25, kind="other")
    add_story(three[2], title="Told where the leader may not read", value_type="realised")
    refresh_all_snapshots()
    _people, period = report_platform()
    assert period is not None
    first, last = default_range()
    filters = report_selectors.ReportFilters(date_from=first, date_to=last)
    kept = _report(leader, filters, period=period)
    live = _report(leader, filters)
    assert kept.as_of == NOW and live.as_of is None
    kept.as_of = None
    assert kept == live
    assert sum(live.monthly["replies"]) > 0 and live.levels and live.activity
    # Counted when the row was kept; who may read which story is asked now.
    assert period.counts is not None
    assert sum(kept.brokerage_by_kind.values()) == 1
    assert kept.work_by_community[None] == (1, 25)
    # Four confirmed stories; the leader may read the public community's only.
    assert sum(kept.stories_by_type.values()) == 4 and kept.readable_story_count == 1
    # The hidden community the leader may not name is pooled, as when counted live.
    assert report_selectors.HIDDEN_POOL in kept.levels


def test_other_months_or_a_filter_are_not_answered_by_the_kept_totals(frozen, leader, three):
    refresh_all_snapshots()
    _people, period = report_platform()
    everyone = report_selectors.unfiltered_scope_ids()
    past = report_selectors.ReportFilters(date_from=date(2025, 11, 1), date_to=date(2026, 2, 28))
    assert not period.covers(past, everyone)
    first, last = default_range()
    default = report_selectors.ReportFilters(date_from=first, date_to=last)
    assert period.covers(default, everyone)
    # Not exactly the communities summed: one fewer, or a new one.
    assert not period.covers(default, everyone - {three[0].pk})
    assert not period.covers(default, everyone | {max(everyone) + 1})
    # A filtered report is summed from the snapshots in its scope, never the row.
    narrowed = report_selectors.ReportFilters(
        date_from=first, date_to=last, community_slug=three[0].slug
    )
    report = _report(leader, narrowed, period=period, snapshots=report_snapshots)
    assert report.summed is not None and report.summed.community_ids == [three[0].pk]


def _page_reads(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORT).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    return len(sql), sum(SNAPSHOT_MONTHS in statement for statement in sql)


@pytest.mark.parametrize("extra", [0, 30])
def test_the_unfiltered_report_reads_one_row_however_many_communities(client, leader, three, extra):
    for _index in range(extra):
        add_members(CommunityFactory(), 2)
    refresh_all_snapshots()
    client.force_login(leader)
    queries, snapshot_reads = _page_reads(client)
    assert snapshot_reads == 0
    # Brokerage, value stories by type and work come with the row too: only which
    # stories the leader may read is asked (a count and the latest ones).
    assert queries == 12


def test_a_newer_community_snapshot_makes_the_report_sum_again_and_keep_it(client, leader, three):
    refresh_all_snapshots()
    client.force_login(leader)
    kept = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
    with time_machine.travel(kept.computed_at + timedelta(minutes=30), tick=False):
        add_thread(three[0], replies=4)
        snapshots_refresh(community_ids=[three[0].pk])
        _queries, snapshot_reads = _page_reads(client)
        assert snapshot_reads == 1  # summed again from the communities' snapshots
        again = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
        assert again.computed_at > kept.computed_at
        replies = sum(again.data["series"]["replies"])
        assert replies == sum(kept.data["series"]["replies"]) + 4
        _queries, snapshot_reads = _page_reads(client)
        assert snapshot_reads == 0  # and read from the row after that


def test_the_first_view_without_a_row_sums_the_snapshots_and_keeps_them(client, leader, three):
    client.force_login(leader)
    assert not PlatformSnapshot.objects.filter(key=PlatformSnapshot.PERIOD).exists()
    assert client.get(REPORT).status_code == 200
    kept = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
    everyone = report_selectors.unfiltered_scope_ids()
    assert {c.pk for c in three} <= everyone
    assert sorted(kept.data["community_ids"]) == sorted(everyone)
    assert CommunitySnapshot.objects.count() == len(everyone)


def test_another_period_does_not_replace_the_kept_row(client, leader, three):
    refresh_all_snapshots()
    client.force_login(leader)
    kept = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
    response = client.get(REPORT, {"date_from": "2025-01-01", "date_to": "2025-06-30"})
    assert response.status_code == 200
    assert PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD).data == kept.data


def test_a_community_no_longer_active_leaves_the_kept_totals_unused(client, leader, three):
    refresh_all_snapshots()
    Community.objects.filter(pk=three[0].pk).update(status=Community.Status.DECLINED)
    client.force_login(leader)
    _queries, snapshot_reads = _page_reads(client)
    assert snapshot_reads == 1
    kept = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
    assert three[0].pk not in kept.data["community_ids"]


def test_a_row_the_report_cannot_read_is_summed_again_and_replaced(client, leader, three):
    refresh_all_snapshots()
    PlatformSnapshot.objects.filter(key=PlatformSnapshot.PERIOD).update(data={"months": "?"})
    client.force_login(leader)
    _queries, snapshot_reads = _page_reads(client)
    assert snapshot_reads == 1
    kept = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
    assert sorted(kept.data["community_ids"]) == sorted(report_selectors.unfiltered_scope_ids())


def test_the_kept_counts_are_those_of_the_last_refresh_until_the_next(
    client, leader, facilitator, three
):
    refresh_all_snapshots()
    client.force_login(leader)
    first = client.get(REPORT).context["report"]
    add_work(facilitator, three[0], minutes=40)
    # Kept figures are as of the row (the page says when); the hourly refresh counts
    # the new entry.
    assert client.get(REPORT).context["report"].work_by_kind == first.work_by_kind
    refresh_all_snapshots()
    entries, minutes = client.get(REPORT).context["report"].work_by_kind["meeting"]
    assert (entries, minutes) == (
        first.work_by_kind["meeting"][0] + 1,
        first.work_by_kind["meeting"][1] + 40,
    )


def test_a_kept_row_without_counts_has_them_counted_with_the_report(client, leader, three):
    refresh_all_snapshots()
    kept = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
    counted = kept.data.pop("counts")
    assert counted is not None
    kept.save()
    client.force_login(leader)
    queries, snapshot_reads = _page_reads(client)
    # Read from the row, the three counts asked now (as before they were kept).
    assert snapshot_reads == 0 and queries == 14
    report = client.get(REPORT).context["report"]
    assert sum(report.stories_by_type.values()) == sum(counted["stories"].values())


def test_counts_an_earlier_version_kept_are_counted_again_with_the_report(client, leader, three):
    refresh_all_snapshots()
    client.force_login(leader)
    kept_now = client.get(REPORT).context["report"]
    kept = PlatformSnapshot.objects.get(key=PlatformSnapshot.PERIOD)
    counts = kept.data["counts"]
    # Work as the earlier version kept it: one [kind, community, entries, minutes]
    # row per kind of each community, read by nothing now.
    counts["work"] = [["meeting", None, 1, 1]]
    del counts["work_by_kind"], counts["work_by_community"]
    kept.save()
    queries, snapshot_reads = _page_reads(client)
    assert snapshot_reads == 0 and queries == 14
    report = client.get(REPORT).context["report"]
    assert report.work_by_kind == kept_now.work_by_kind
    assert report.work_by_community == kept_now.work_by_community
    assert report.work_by_community  # the fixture logs work
