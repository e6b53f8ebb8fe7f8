"""The dashboard, drill-down and thresholds pages: who may see them, what they show,
bad input, and query budgets independent of the number of communities."""

import pytest
import time_machine
from django.urls import reverse

from facilitation.models import RiskThresholds
from facilitation.tasks import refresh_all_snapshots
from membership.models import User

from ...factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from .worlds import NOW, build_a, build_b, facilitator, member, thread

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:index")
THRESHOLDS = reverse("dashboard:thresholds")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin():
    return UserFactory(is_staff=True, is_superuser=True)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    community = CommunityFactory()
    for url in (DASHBOARD, THRESHOLDS, reverse("dashboard:community", args=[community.slug])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_members_and_leaders_may_not_see_the_dashboard(client):
    membership = MembershipFactory(level="core")
    leader = UserFactory(platform_role=User.PlatformRole.LEADER)
    for person in (membership.user, leader):
        client.force_login(person)
        assert client.get(DASHBOARD).status_code == 403
        url = reverse("dashboard:community", args=[membership.community.slug])
        assert client.get(url).status_code == 403
        assert client.get(THRESHOLDS).status_code == 403


def test_a_facilitator_sees_only_their_communities(client):
    mine = FacilitatorAssignmentFactory(community__name="Mine")
    CommunityFactory(name="Not mine")
    client.force_login(mine.user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "Mine" in response.content.decode()
    assert "Not mine" not in response.content.decode()
    other = CommunityFactory(visibility="private")
    assert client.get(reverse("dashboard:community", args=[other.slug])).status_code == 403


def test_an_admin_sees_every_community(client, admin):
    CommunityFactory(name="Anyone's")
    client.force_login(admin)
    assert "Anyone&#x27;s" in client.get(DASHBOARD).content.decode()


def test_the_navigation_links_facilitators_to_the_dashboard(client):
    fac = FacilitatorAssignmentFactory().user
    client.force_login(fac)
    assert f'href="{DASHBOARD}"' in client.get(reverse("home")).content.decode()
    client.force_login(MembershipFactory().user)
    assert f'href="{DASHBOARD}"' not in client.get(reverse("home")).content.decode()


def test_at_risk_communities_come_first_with_their_reasons(client, frozen):
    a = build_a()
    b = build_b()
    from membership.services import facilitator_assign

    facilitator_assign(user=a.fac, community=b, actor=None)
    client.force_login(a.fac)
    body = client.get(DASHBOARD).content.decode()
    assert body.index("Bravo") < body.index("Alpha")
    assert "No thread or reply for 40 days (the flag is raised at 30)." in body
    assert "At risk: 5 flags" in body
    assert "up from" in body or "down from" in body


def test_communities_can_be_ordered_by_name(client, frozen):
    a = build_a()
    b = build_b()
    from membership.services import facilitator_assign

    facilitator_assign(user=a.fac, community=b, actor=None)
    client.force_login(a.fac)
    body = client.get(DASHBOARD, {"sort": "name"}).content.decode()
    assert body.index("Alpha") < body.index("Bravo")
    assert client.get(DASHBOARD, {"sort": "size"}).status_code == 400


def test_cards_show_posts_per_week_as_text(client, frozen):
    a = build_a()
    client.force_login(a.fac)
    # Alpha's 30 days in weeks, oldest first: only weeks 3 (t1, r1) and 5 (the rest).
    assert "Posts per week, oldest first: 0, 0, 2, 0, 4" in client.get(DASHBOARD).content.decode()


@pytest.mark.parametrize("days", ["7", "30", "90"])
def test_the_period_can_be_chosen(client, frozen, days):
    a = build_a()
    client.force_login(a.fac)
    response = client.get(DASHBOARD, {"days": days})
    assert response.status_code == 200
    assert f'value="{days}" selected' in response.content.decode()


@pytest.mark.parametrize("days", ["8", "abc", ""])
def test_a_bad_period_falls_back_with_a_message_and_400(client, frozen, days):
    a = build_a()
    client.force_login(a.fac)
    response = client.get(DASHBOARD, {"days": days})
    assert response.status_code == 400
    body = response.content.decode()
    assert "That choice is not one of the options" in body
    assert 'value="30" selected' in body
    url = reverse("dashboard:community", args=[a.community.slug])
    assert client.get(url, {"days": days}).status_code == 400


def test_the_drill_down_shows_signals_flags_and_charts(client, frozen):
    a = build_a()
    client.force_login(a.fac)
    response = client.get(reverse("dashboard:community", args=[a.community.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Health of Alpha" in body
    assert "The charter was last reviewed 400 days ago" in body
    assert "Posts per week" in body and "<svg" in body
    assert "Core: 37.5% of members, above the rule of thumb of 10-15%." in body


def test_a_hidden_community_is_missing_for_a_facilitator_of_others(client):
    hidden = CommunityFactory(visibility="hidden")
    client.force_login(FacilitatorAssignmentFactory().user)
    assert client.get(reverse("dashboard:community", args=[hidden.slug])).status_code == 404


def _communities(fac, count):
    for _ in range(count):
        community = CommunityFactory()
        FacilitatorAssignmentFactory(user=fac, community=community)
        member(community, "core")
        person = member(community, "active").user
        thread(community, person, 2)


# Session, user, the navigation's unread counts, thresholds, then the communities
# with their snapshots (facilitation.snapshots): the signals are precomputed.
DASHBOARD_QUERIES = 5


@pytest.mark.parametrize("count", [1, 30])
def test_dashboard_query_count_does_not_grow_with_communities(
    client, django_assert_num_queries, count
):
    fac = UserFactory(platform_role=User.PlatformRole.FACILITATOR)
    _communities(fac, count)
    RiskThresholds.current()
    refresh_all_snapshots()
    client.force_login(fac)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.content.decode().count('class="health-card') == count


@pytest.mark.parametrize("rows", [1, 20])
def test_drill_down_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    community = CommunityFactory()
    fac = facilitator(community)
    for _ in range(rows):
        person = member(community, "active").user
        thread(community, person, 3)
    RiskThresholds.current()
    client.force_login(fac)
    url = reverse("dashboard:community", args=[community.slug])
    # Session, user, the community, its facilitator check, unread counts, thresholds,
    # six for the signals and four for the weekly series.
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200


def test_admin_edits_the_thresholds(client, admin):
    client.force_login(admin)
    response = client.get(THRESHOLDS)
    assert response.status_code == 200
    assert "Default: 72." in response.content.decode()
    data = {
        "min_core_members": 2,
        "core_window_weeks": 8,
        "core_weak_weeks": 5,
        "min_pairs_per_active_member": "0.25",
        "unanswered_hours": 48,
        "monologue_percent": 60,
        "newcomer_days": 21,
        "newcomer_posted_percent": 25,
        "dormant_days": 21,
        "quiet_days": 90,
        "charter_review_days": 180,
        "unfacilitated_days": 14,
    }
    response = client.post(THRESHOLDS, data)
    assert response.status_code == 302
    thresholds = RiskThresholds.current()
    assert thresholds.unanswered_hours == 48 and thresholds.updated_by == admin


def test_invalid_thresholds_are_refused_with_400_and_kept(client, admin):
    client.force_login(admin)
    response = client.post(THRESHOLDS, {"min_core_members": "3", "core_window_weeks": "99"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="99"' in body
    assert RiskThresholds.current().core_window_weeks == 6


def test_only_admins_edit_thresholds(client):
    client.force_login(FacilitatorAssignmentFactory().user)
    assert client.get(THRESHOLDS).status_code == 403
    assert client.post(THRESHOLDS, {}).status_code == 403
