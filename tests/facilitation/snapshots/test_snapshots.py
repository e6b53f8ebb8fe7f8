"""Community snapshots: the precomputed figures equal the live computation, the
refresh is idempotent, and the pages that read them cost the same whatever the
size of the communities."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from facilitation.dashboard.flags import attach_flags
from facilitation.dashboard.signals import PERIOD_CHOICES, Period, signals_for
from facilitation.models import CommunitySnapshot, RiskThresholds, StrategicPriority
from facilitation.reports import selectors as report_selectors
from facilitation.reports.forms import default_range
from facilitation.snapshots.codec import signals_from_json
from facilitation.snapshots.services import report_snapshots, snapshots_refresh
from facilitation.tasks import refresh_all_snapshots, refresh_snapshots
from membership.models import User

from ...factories import CommunityFactory, FacilitatorAssignmentFactory, UserFactory
from ..dashboard.worlds import NOW, build_a, build_b, build_c, build_d, member, thread
from ..reports.helpers import add_members, add_thread, full_community

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:index")
REPORT = reverse("reports:report")
# Tables a page whose figures are precomputed must not read.
LIVE_TABLES = ("membership_membership", "communities_post", "communities_thread")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _worlds():
    return [build_a().community, build_b(), build_c(), build_d()]


def test_precomputed_signals_equal_the_live_ones_for_every_period(frozen):
    communities = _worlds()
    thresholds = RiskThresholds.current()
    snapshots = snapshots_refresh(community_ids=[c.pk for c in communities])
    for days in PERIOD_CHOICES:
        live = signals_for(
            Community.objects.filter(pk__in=[c.pk for c in communities]),
            period=Period.last_days(days),
            thresholds=thresholds,
        )
        attach_flags(live, thresholds)
        stored = {
            pk: signals_from_json(snapshot.signals[str(days)], live[pk].community)
            for pk, snapshot in snapshots.items()
        }
        attach_flags(stored, thresholds)
        assert stored == live
    # Something to compare: the worlds raise flags and have activity.
    assert any(s.flags for s in stored.values())
    assert any(s.replies.current for s in stored.values())


def _report(user, filters, *, snapshots):
    options = report_selectors.filter_options(user=user)
    return report_selectors.leader_report(
        user=user, filters=filters, options=options, snapshots=snapshots
    )


@pytest.mark.parametrize(
    "dates",
    [
        None,  # the default: the last twelve months, ending today
        (date(2025, 11, 1), date(2026, 2, 28)),  # whole months, in the past
    ],
)
def test_precomputed_report_figures_equal_the_live_ones(frozen, leader, facilitator, dates):
    priority = StrategicPriority.objects.create(name="Fewer falls")
    for index in range(3):
        visibility = ["public", "private", "hidden"][index]
        community = full_community(
            index, facilitator=facilitator, priority=priority, visibility=visibility
        )
        add_thread(community, replies=3, when=NOW - timedelta(days=45 + 30 * index))
        add_members(community, 5, level="active", joined=NOW - timedelta(days=70 * index))
    date_from, date_to = dates or default_range()
    filters = report_selectors.ReportFilters(date_from=date_from, date_to=date_to)
    snapshots = report_snapshots(Community.objects.values_list("pk", flat=True))
    precomputed = _report(leader, filters, snapshots=snapshots)
    live = _report(leader, filters, snapshots=None)
    assert precomputed.as_of == NOW and live.as_of is None
    precomputed.as_of = None
    assert precomputed == live
    assert sum(live.monthly["replies"]) > 0 and live.levels and live.activity


def test_a_range_that_is_not_whole_months_is_counted_live(frozen, leader, facilitator):
    priority = StrategicPriority.objects.create(name="Fewer falls")
    community = full_community(0, facilitator=facilitator, priority=priority)
    snapshots = report_snapshots([community.pk])
    filters = report_selectors.ReportFilters(date_from=date(2026, 1, 15), date_to=date(2026, 2, 10))
    assert _report(leader, filters, snapshots=snapshots).as_of is None


def test_the_refresh_is_idempotent(frozen):
    communities = _worlds()
    ids = [c.pk for c in communities]
    assert refresh_snapshots(ids) == 4
    first = {s.pk: (s.signals, s.monthly) for s in CommunitySnapshot.objects.all()}
    assert refresh_snapshots(ids) == 4
    again = {s.pk: (s.signals, s.monthly) for s in CommunitySnapshot.objects.all()}
    assert again == first and set(first) == set(ids)


def test_the_refresh_ignores_communities_that_are_gone():
    community = CommunityFactory()
    assert refresh_snapshots([community.pk, community.pk + 1000]) == 1
    assert list(CommunitySnapshot.objects.values_list("pk", flat=True)) == [community.pk]


def test_the_beat_task_refreshes_every_community_in_batches(settings):
    CommunityFactory.create_batch(3)
    assert refresh_all_snapshots() == 1  # one batch of up to SNAPSHOT_BATCH ids (eager here)
    assert CommunitySnapshot.objects.count() == 3
    assert "community-snapshots" in settings.CELERY_BEAT_SCHEDULE


def test_the_dashboard_computes_a_missing_snapshot_on_first_view_and_says_when(client):
    assignment = FacilitatorAssignmentFactory(community__name="Mine")
    client.force_login(assignment.user)
    body = client.get(DASHBOARD).content.decode()
    assert CommunitySnapshot.objects.filter(community=assignment.community).exists()
    assert "Mine" in body and "Figures as of" in body


def test_new_thresholds_recompute_the_snapshots(client, frozen):
    assignment = FacilitatorAssignmentFactory()
    snapshots_refresh(community_ids=[assignment.community_id])
    old_key = CommunitySnapshot.objects.get().thresholds_key
    admin = UserFactory(is_staff=True, is_superuser=True)
    thresholds = RiskThresholds.current()
    thresholds.dormant_days = 10
    thresholds.save()
    client.force_login(admin)
    assert client.get(DASHBOARD).status_code == 200
    assert CommunitySnapshot.objects.get().thresholds_key != old_key


def _big_community(fac, members):
    community = CommunityFactory()
    FacilitatorAssignmentFactory(user=fac, community=community)
    people = [member(community, "active").user for _ in range(members)]
    for person in people[:5]:
        thread(community, person, 2)
    return community


@pytest.mark.parametrize("members", [1, 40])
def test_the_dashboard_and_the_report_read_no_member_or_post_once_precomputed(
    client, leader, django_assert_num_queries, members
):
    fac = UserFactory(platform_role=User.PlatformRole.FACILITATOR)
    _big_community(fac, members)
    _big_community(fac, members)
    refresh_all_snapshots()
    for person, url in ((fac, DASHBOARD), (leader, REPORT)):
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        read = [table for table in LIVE_TABLES if f'"{table}"' in sql]
        # The report's distinct people by stakeholder type come from the platform
        # snapshot (facilitation.models.PlatformSnapshot): no live read is left.
        assert read == []
    client.force_login(fac)
    with django_assert_num_queries(5):
        client.get(DASHBOARD)
