"""The leader report: who may read it, what it counts, what it never shows."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from facilitation.models import StrategicPriority
from facilitation.reports.tables import PAGE_ROWS
from facilitation.tasks import refresh_all_snapshots

from ...factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory
from .helpers import (
    add_item,
    add_meeting,
    add_members,
    add_story,
    add_thread,
    add_work,
    full_community,
)

pytestmark = pytest.mark.django_db
URL = "/reports/"


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- who may read it ------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_members_get_403(client, core):
    client.force_login(core)
    assert client.get(URL).status_code == 403
    assert client.get("/reports/export/levels.csv").status_code == 403
    assert client.get("/reports/print/").status_code == 403


@pytest.mark.parametrize("who", ["leader", "facilitator", "admin_user"])
def test_leaders_facilitators_and_admins_read_it(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert 'href="/reports/"' in response.content.decode()  # the navigation's link


def test_members_have_no_reports_link(client, core):
    client.force_login(core)
    assert 'href="/reports/"' not in client.get("/").content.decode()


# --- privacy ----------------------------------------------------------------------


@pytest.fixture
def private_world(db):
    private = CommunityFactory(visibility="private", name="Private Ward")
    hidden = CommunityFactory(visibility="hidden", name="Secret Squirrel Team")
    for community in (private, hidden):
        add_members(community, 6, level="core")
        MembershipFactory(community=community, user__display_name="Quentin Quiet-Member")
        add_thread(community, title="Thread about Mrs Smith", replies=1)
        add_item(community, title="Item about Ward 9 incident")
        add_story(community, title="Story we keep private")
        add_meeting(community, title="Meeting on the incident", attendees=6)
    return private, hidden


def test_a_leader_never_sees_private_titles_member_names_or_a_hidden_name(
    leader_client, private_world
):
    pages = [leader_client.get(URL), leader_client.get("/reports/print/")]
    pages += [leader_client.get(f"/reports/export/{slug}.csv") for slug in ("catalogue", "stories")]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        for secret in (
            "Mrs Smith",
            "Ward 9 incident",
            "Story we keep private",
            "Quentin Quiet-Member",
            "Meeting on the incident",
            "Secret Squirrel Team",
        ):
            assert secret not in body
    page = pages[0].content.decode()
    assert "Private Ward" in page  # private communities are listed by name
    assert "and 1 hidden community" in page
    # Counted, not told.
    assert "2 of them are in communities you may not read" in page


def test_the_hidden_community_is_named_to_those_who_may_know_it(client, private_world):
    _private, hidden = private_world
    facilitator = FacilitatorAssignmentFactory(community=hidden).user
    client.force_login(facilitator)
    body = client.get(URL).content.decode()
    assert "Secret Squirrel Team" in body
    assert "Story we keep private" in body  # its facilitator reads it


def test_a_leader_reads_the_stories_of_public_communities(leader_client):
    community = CommunityFactory(name="Open Ward")
    add_story(community, title="Discharge letters now arrive same day")
    add_story(community, title="Not yet confirmed", confirmed=False)
    body = leader_client.get(URL).content.decode()
    assert "Discharge letters now arrive same day" in body
    assert "Not yet confirmed" not in body


def test_small_people_counts_are_suppressed_everywhere(leader_client):
    community = CommunityFactory(name="Small Ward")
    add_members(community, 3, level="core", stakeholder="patient")
    add_members(community, 12, level="peripheral", stakeholder="clinician")
    add_meeting(community, attendees=2)
    levels = _csv(leader_client.get("/reports/export/levels.csv"))
    assert levels[1] == ["Small Ward", "fewer than 5", "0", "not shown", "17"]
    stakeholders = dict(_csv(leader_client.get("/reports/export/stakeholders.csv"))[1:])
    assert stakeholders["Patient, carer or member of the public"] == "fewer than 5"
    assert stakeholders["Other"] == "fewer than 5"  # the two who attended
    assert stakeholders["Clinician"] == "12"
    activity = _csv(leader_client.get("/reports/export/activity.csv"))
    assert activity[1][-1] == "fewer than 5"
    page = leader_client.get(URL).content.decode()
    assert "fewer than 5" in page


# --- what it counts ------------------------------------------------------------------


def test_counts_on_known_data(leader_client, facilitator):
    now = timezone.now()
    community = CommunityFactory(name="Known Ward")
    add_members(community, 5, level="core", joined=now - timedelta(days=40))
    add_members(community, 7, level="active")
    add_thread(community, replies=3, when=now - timedelta(days=40))
    add_thread(community, replies=1)
    add_thread(community, replies=9, when=now - timedelta(days=800))  # outside the year
    add_item(community, kind="tool")
    add_item(community, kind="tool", when=now - timedelta(days=800))
    add_meeting(community, attendees=6)
    add_meeting(community, when=now + timedelta(days=3))  # not held yet
    add_story(community, value_type="realised")
    add_work(facilitator, community, minutes=90, kind="coaching")
    add_work(facilitator, None, minutes=30, kind="other")

    activity = _csv(leader_client.get("/reports/export/activity.csv"))
    assert activity[1] == ["Known Ward", "2", "4", "1", "1", "6"]
    monthly = _csv(leader_client.get("/reports/export/monthly.csv"))
    assert len(monthly) == 1 + 12 + 1
    # 5 + 7 members, and the 6 who attended joined too.
    assert monthly[-1] == ["Total", "18", "2", "4", "1", "1"]
    knowledge = dict(_csv(leader_client.get("/reports/export/knowledge.csv"))[1:])
    assert knowledge["Tool or template"] == "1"
    stories = dict(_csv(leader_client.get("/reports/export/value-stories.csv"))[1:])
    assert stories["Realised value: results improved"] == "1"
    work = _csv(leader_client.get("/reports/export/work-by-kind.csv"))
    assert work[-1] == ["Total", "2", "2"]
    by_community = _csv(leader_client.get("/reports/export/work-by-community.csv"))
    assert by_community[1:] == [["Known Ward", "1", "1.5"], ["Not tied to a community", "1", "0.5"]]
    levels = _csv(leader_client.get("/reports/export/levels.csv"))
    assert levels[1] == ["Known Ward", "5", "7", "6", "18"]


def test_the_coverage_matrix_marks_served_priorities(leader_client):
    served = CommunityFactory(name="Serving Ward")
    CommunityFactory(name="Other Ward")
    priority = StrategicPriority.objects.create(name="Fewer falls")
    priority.communities.add(served)
    rows = _csv(leader_client.get("/reports/export/coverage.csv"))
    assert rows[0] == ["Community", "Fewer falls"]
    assert ["Serving Ward", "Yes"] in rows and ["Other Ward", "No"] in rows
    page = leader_client.get(URL).content.decode()
    assert '<span aria-hidden="true">✓</span> Yes' in page


# --- filters -----------------------------------------------------------------------------


def test_filters_narrow_the_communities(leader_client):
    falls = StrategicPriority.objects.create(name="Fewer falls")
    one = CommunityFactory(name="Ward One")
    one.topics.add("falls")
    falls.communities.add(one)
    CommunityFactory(name="Ward Two")
    for query in (f"priority={falls.pk}", "topic=falls", f"community={one.slug}"):
        rows = _csv(leader_client.get(f"/reports/export/catalogue.csv?{query}"))
        assert [row[0] for row in rows[1:]] == ["Ward One"], query


def test_the_filter_lists_keep_the_choice_and_say_what_is_wrong(leader_client):
    """The selects are written by joining strings (forms.JoinedSelect): the choice
    made stays selected, a bad one is marked invalid and described by its error."""
    ward = CommunityFactory(name="Ward & Co", slug="ward-co")
    body = leader_client.get(f"{URL}?community={ward.slug}").content.decode()
    assert '<option value="ward-co" selected>Ward &amp; Co</option>' in body
    body = leader_client.get(f"{URL}?community=nowhere").content.decode()
    assert (
        '<select aria-describedby="id_community_error" aria-invalid="true" '
        'id="id_community" name="community">'
    ) in body
    assert 'id="id_community_error"' in body


def test_the_date_range_narrows_the_counts(leader_client):
    community = CommunityFactory(name="Ward")
    add_thread(community, when=timezone.now() - timedelta(days=400))
    add_thread(community)
    year_ago = (timezone.localdate() - timedelta(days=420)).isoformat()
    to = (timezone.localdate() - timedelta(days=300)).isoformat()
    rows = _csv(
        leader_client.get(f"/reports/export/activity.csv?date_from={year_ago}&date_to={to}")
    )
    assert rows[1][:2] == ["Ward", "1"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("date_from=2026-05-01&date_to=2026-01-01", "The end date must be on or after"),
        ("date_from=2010-01-01&date_to=2026-01-01", "at most five years"),
        ("date_from=yesterday", "Enter a valid date"),
        ("priority=9999", "Select a valid choice"),
        ("community=no-such-place", "Select a valid choice"),
        ("topic=no-such-topic", "Select a valid choice"),
    ],
)
def test_bad_filters_answer_400_and_keep_what_was_typed(leader_client, query, message):
    response = leader_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    name, value = query.split("&")[0].split("=")
    if name.startswith("date"):
        assert f'name="{name}" value="{value}"' in body
    assert leader_client.get(f"/reports/export/levels.csv?{query}").status_code == 400
    assert leader_client.get(f"/reports/print/?{query}").status_code == 400


def test_a_hidden_community_cannot_be_chosen_by_a_leader(leader_client):
    hidden = CommunityFactory(visibility="hidden", name="Unseen")
    response = leader_client.get(f"{URL}?community={hidden.slug}")
    assert response.status_code == 400
    assert "Unseen" not in response.content.decode()


# --- exports and print ---------------------------------------------------------------


def test_every_table_exports_as_csv(leader_client):
    from facilitation.reports.tables import TABLE_SLUGS

    CommunityFactory()
    for slug in TABLE_SLUGS:
        response = leader_client.get(f"/reports/export/{slug}.csv?date_from=2026-01-01")
        assert response.status_code == 200, slug
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="report-{slug}-20260101-'
        )


def test_an_unknown_table_is_404(leader_client):
    assert leader_client.get("/reports/export/passwords.csv").status_code == 404


def test_csv_cells_cannot_run_as_formulas(leader_client):
    community = CommunityFactory(name='=HYPERLINK("http://evil")')
    community.purpose = "+SUM(A1)"
    community.save()
    add_story(community, title="@cmd")
    rows = _csv(leader_client.get("/reports/export/catalogue.csv"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][2] == "'+SUM(A1)"
    assert _csv(leader_client.get("/reports/export/stories.csv"))[1][0] == "'@cmd"


def test_the_print_view_states_the_filters_and_has_no_navigation(leader_client):
    falls = StrategicPriority.objects.create(name="Fewer falls")
    response = leader_client.get(f"/reports/print/?date_from=2026-01-01&priority={falls.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026-01-01 \N{EN DASH}" in body
    assert "Fewer falls" in body
    assert "site-header" not in body
    assert "Download CSV" not in body


# --- query budget ---------------------------------------------------------------------


@pytest.mark.parametrize("communities", [1, 40])
def test_the_report_costs_the_same_queries_for_1_or_40_communities(
    client, leader, facilitator, django_assert_num_queries, communities
):
    priority = StrategicPriority.objects.create(name="Fewer falls")
    for index in range(communities):
        visibility = ["public", "private", "hidden"][index % 3]
        full_community(index, facilitator=facilitator, priority=priority, visibility=visibility)
    refresh_all_snapshots()
    client.force_login(leader)
    # Session, user, the navigation's unread counts, then the report's own: its
    # levels, activity, items by kind, brokerage, stories by type and work in one read
    # of the platform-wide row kept with the snapshots (facilitation.snapshots)
    # instead of eleven counts. Unfiltered, the communities in scope are those the
    # filter lists (named or not): no query of their own.
    with django_assert_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    # The page lists at most PAGE_ROWS named communities per table (with the
    # facilitator's own, 28 are named at 40: the hidden third is one pooled line).
    body = response.content.decode()
    start = body.index('id="table-catalogue"')
    catalogue = body[start : body.index("</tbody>", start)]
    named = min(communities - communities // 3 + 1, PAGE_ROWS)
    assert catalogue.count('<th scope="row">') == named + (communities >= 3)
    # No navigation on these two: one query less.
    with django_assert_num_queries(11):
        client.get("/reports/export/levels.csv")
    with django_assert_num_queries(11):
        client.get("/reports/print/")


@pytest.mark.parametrize("communities", [1, 30])
def test_an_admin_filtered_report_costs_the_same_queries_for_1_or_30_communities(
    client, admin_user, facilitator, django_assert_num_queries, communities
):
    priority = StrategicPriority.objects.create(name="Fewer falls")
    for index in range(communities):
        full_community(index, facilitator=facilitator, priority=priority)
    refresh_all_snapshots()
    client.force_login(admin_user)
    # Filtered: the snapshots of the communities in scope instead of the platform rows.
    with django_assert_num_queries(15):
        assert client.get(f"{URL}?priority={priority.pk}&topic=quality").status_code == 200


def test_names_and_story_text_are_escaped(leader_client):
    community = CommunityFactory(name="<script>alert(1)</script>")
    add_story(community, title="<img src=x onerror=alert(2)>")
    body = leader_client.get(URL).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "<img src=x" not in body


def test_clear_the_filters_shows_only_once_filtered(leader_client):
    assert "Clear the filters" not in leader_client.get(URL).content.decode()
    assert "Clear the filters" in leader_client.get(f"{URL}?date_from=2026-01-01").content.decode()
