"""The coordination pages: who may open them, what they list, bad input kept with a
400, and query budgets that do not grow with communities or rows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Thread
from facilitation.models import WorkLogEntry
from membership.models import Invitation, JoinRequest, Membership
from membership.services import facilitator_assign

from ...factories import CommunityFactory, MembershipFactory, UserFactory
from ...knowledge.factories import make_item
from .factories import WorkLogEntryFactory, facilitator_of

pytestmark = pytest.mark.django_db

PAGES = [
    "coordination:announce",
    "coordination:announce_sent",
    "coordination:share",
    "coordination:join_requests",
    "coordination:bulk_invite",
    "coordination:work_log",
    "coordination:work_log_add",
]


@pytest.fixture
def two():
    return [CommunityFactory(name="Wound care"), CommunityFactory(name="Falls prevention")]


@pytest.fixture
def facilitator(two):
    return facilitator_of(*two, email="fac@example.org")


@pytest.mark.parametrize("name", PAGES)
def test_members_get_a_403_and_strangers_sign_in(client, name, core):
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(core)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_a_facilitator_opens_every_page(client, name, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'class="coordination-nav"' in response.content


# --- announcement ---------------------------------------------------------------------------


def test_the_announcement_form_lists_only_communities_one_may_announce_in(client, facilitator):
    CommunityFactory(name="Someone else's")
    client.force_login(facilitator)
    body = client.get(reverse("coordination:announce")).content.decode()
    assert "Wound care" in body and "Falls prevention" in body
    assert "Someone else&#x27;s" not in body


def test_sending_an_announcement_shows_links_to_each(client, facilitator, two):
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:announce"),
        {"title": "Spring meeting", "body": "Come along", "communities": [c.pk for c in two]},
        follow=True,
    )
    threads = Thread.objects.filter(kind=Thread.Kind.ANNOUNCEMENT)
    assert threads.count() == 2
    body = response.content.decode()
    for thread in threads:
        assert reverse("discussions:thread", args=[thread.community.slug, thread.pk]) in body


def test_a_bad_announcement_is_a_400_that_keeps_what_was_typed(client, facilitator, two):
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:announce"), {"title": "Kept title", "body": "Kept body"}
    )
    assert response.status_code == 400
    assert b"Kept title" in response.content and b"Kept body" in response.content
    assert b"Choose at least one community." in response.content
    assert not Thread.objects.exists()


def test_an_announcement_to_a_community_not_offered_is_refused(client, facilitator, two):
    other = CommunityFactory()
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:announce"),
        {"title": "T", "body": "B", "communities": [two[0].pk, other.pk]},
    )
    assert response.status_code == 400
    assert not Thread.objects.exists()


def test_the_sent_page_shows_only_ones_own_announcements(client, facilitator, two):
    someone = MembershipFactory(community=two[0], level="core").user
    theirs = Thread.objects.create(
        community=two[0], kind=Thread.Kind.ANNOUNCEMENT, title="Not yours", body="x", author=someone
    )
    client.force_login(facilitator)
    response = client.get(reverse("coordination:announce_sent"), {"t": [theirs.pk, "junk"]})
    assert response.status_code == 200 and b"Not yours" not in response.content


# --- share --------------------------------------------------------------------------------


def test_sharing_from_the_page(client, facilitator, two):
    # A public community the facilitator does not facilitate: they may still broker it.
    item = make_item(CommunityFactory(name="Home", visibility="public"), title="Falls toolkit")
    client.force_login(facilitator)
    url = reverse("coordination:share")
    page = client.get(url, {"item": item.pk})
    assert page.status_code == 200 and b"Wound care" in page.content
    response = client.post(url, {"item": item.pk, "communities": [c.pk for c in two]})
    assert response.status_code == 200
    assert [o.status for o in response.context["results"].outcomes] == ["shared", "shared"]
    assert item.shares.count() == 2


def test_sharing_a_private_item_asks_to_confirm_then_shares(client, facilitator, two):
    home = CommunityFactory(name="Home", visibility="private")
    facilitator_assign(user=facilitator, community=home, actor=None)
    item = make_item(home)
    client.force_login(facilitator)
    url = reverse("coordination:share")
    response = client.post(url, {"item": item.pk, "communities": [two[0].pk]})
    assert b"Confirm what becomes visible" in response.content
    assert item.shares.count() == 0
    client.post(url, {"item": item.pk, "communities": [two[0].pk], "confirm": "True"})
    assert item.shares.count() == 1


def test_an_item_one_may_not_know_is_a_404(client, facilitator):
    hidden = CommunityFactory(visibility="hidden")
    item = make_item(hidden)
    client.force_login(facilitator)
    assert client.get(reverse("coordination:share"), {"item": item.pk}).status_code == 404
    assert client.get(reverse("coordination:share"), {"item": "abc"}).status_code == 404


# --- join requests --------------------------------------------------------------------------


def test_answering_several_requests_and_ignoring_foreign_ones(client, facilitator, two):
    mine = [JoinRequest.objects.create(user=UserFactory(), community=c) for c in two]
    foreign = JoinRequest.objects.create(user=UserFactory(), community=CommunityFactory())
    client.force_login(facilitator)
    url = reverse("coordination:join_requests")
    page = client.get(url)
    assert all(f'value="{jr.pk}"'.encode() in page.content for jr in mine)
    assert f'value="{foreign.pk}"'.encode() not in page.content
    response = client.post(
        url,
        {"requests": [jr.pk for jr in mine] + [foreign.pk], "decision": "approve"},
        follow=True,
    )
    assert b"Approved 2 requests." in response.content
    assert b"1 requests were not changed" in response.content
    foreign.refresh_from_db()
    assert foreign.status == JoinRequest.Status.PENDING
    assert Membership.objects.filter(community__in=two).count() == 2


def test_declining_without_a_reason_is_a_400_keeping_the_choice(client, facilitator, two):
    join_request = JoinRequest.objects.create(user=UserFactory(), community=two[0])
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:join_requests"),
        {"requests": [join_request.pk], "decision": "decline", "reason": ""},
    )
    assert response.status_code == 400
    assert f'value="{join_request.pk}" id="request-{join_request.pk}" checked'.encode() in (
        response.content
    )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


# --- bulk invitations ------------------------------------------------------------------------


def _upload(content: bytes, name="people.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_bulk_invite_preview_then_confirm(client, facilitator, two):
    MembershipFactory(community=two[0], user__email="member@example.org")
    client.force_login(facilitator)
    url = reverse("coordination:bulk_invite")
    preview = client.post(
        url,
        {
            "community": two[0].pk,
            "default_level": "peripheral",
            "file": _upload(b"email,message\nnew@example.org,Hi there\nmember@example.org,\n"),
        },
    )
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Already a member." in body and "new@example.org" in body
    assert not Invitation.objects.exists()
    signed = preview.context["confirm_form"].initial["signed"]
    done = client.post(url, {"signed": signed})
    assert done.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.message) == ("new@example.org", "Hi there")
    assert WorkLogEntry.objects.filter(source__startswith="bulk-invite:").count() == 1


def test_pasted_addresses_work_too(client, facilitator, two):
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:bulk_invite"),
        {"community": two[0].pk, "default_level": "active", "emails": "a@example.org\nb@@x\n"},
    )
    assert response.status_code == 200 and b"Not a valid email address." in response.content


def test_a_file_not_in_utf8_is_a_400_with_a_clear_message(client, facilitator, two):
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:bulk_invite"),
        {
            "community": two[0].pk,
            "default_level": "peripheral",
            "file": _upload("émile@example.org".encode("latin-1")),
        },
    )
    assert response.status_code == 400
    assert b"UTF-8" in response.content


def test_a_file_too_big_is_a_400(client, facilitator, two):
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:bulk_invite"),
        {
            "community": two[0].pk,
            "default_level": "peripheral",
            "file": _upload(b"a@example.org\n" * 80_000),
        },
    )
    assert response.status_code == 400 and b"larger than 1 MB" in response.content


def test_nothing_given_is_a_400(client, facilitator, two):
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:bulk_invite"), {"community": two[0].pk, "default_level": "active"}
    )
    assert response.status_code == 400 and b"Upload a file or paste" in response.content


def test_a_tampered_preview_is_a_400(client, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("coordination:bulk_invite"), {"signed": "forged:value"})
    assert response.status_code == 400 and b"Upload the list again" in response.content
    assert not Invitation.objects.exists()


def test_inviting_to_a_community_one_does_not_manage_is_refused(client, facilitator):
    other = CommunityFactory()
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:bulk_invite"),
        {"community": other.pk, "default_level": "peripheral", "emails": "a@example.org"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


# --- the work log ---------------------------------------------------------------------------


def test_the_work_log_lists_own_entries_with_totals(client, facilitator, two):
    WorkLogEntryFactory(facilitator=facilitator, community=two[0], minutes=90, kind="meeting")
    WorkLogEntryFactory(facilitator=facilitator, community=two[1], minutes=30, kind="meeting")
    WorkLogEntryFactory(
        facilitator=facilitator, community=two[1], minutes=0, kind="communication", source="a:1"
    )
    WorkLogEntryFactory(community=two[0], description="Someone else's work")
    client.force_login(facilitator)
    response = client.get(reverse("coordination:work_log"))
    totals = response.context["totals"]
    assert totals["hours"] == 2.0 and totals["untimed"] == 1
    assert {row["kind"]: row["total"] for row in totals["by_kind"]} == {
        "meeting": 120,
        "communication": 0,
    }
    assert {row["community__name"]: row["total"] for row in totals["by_community"]} == {
        "Wound care": 90,
        "Falls prevention": 30,
    }
    assert b"Someone else" not in response.content
    assert b"automatic" in response.content


def test_filtering_the_work_log(client, facilitator, two):
    WorkLogEntryFactory(
        facilitator=facilitator, community=two[0], occurred_on=datetime.date(2026, 1, 5)
    )
    WorkLogEntryFactory(
        facilitator=facilitator, community=two[1], occurred_on=datetime.date(2026, 3, 5)
    )
    client.force_login(facilitator)
    url = reverse("coordination:work_log")
    by_community = client.get(url, {"community": two[1].pk})
    assert [e.community for e in by_community.context["page"].items] == [two[1]]
    by_date = client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31"})
    assert [e.community for e in by_date.context["page"].items] == [two[0]]
    assert by_date.context["totals"]["by_community"][0]["community__name"] == "Wound care"


def test_a_bad_filter_is_a_400(client, facilitator):
    client.force_login(facilitator)
    url = reverse("coordination:work_log")
    assert client.get(url, {"date_from": "2026-02-30"}).status_code == 400
    assert client.get(url, {"date_from": "2026-03-01", "date_to": "2026-02-01"}).status_code == 400
    assert client.get(url, {"before": "nonsense"}).status_code == 400


def test_the_work_log_pages_by_date(client, facilitator, two):
    for day in range(35):
        WorkLogEntryFactory(
            facilitator=facilitator,
            community=two[0],
            occurred_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
        )
    client.force_login(facilitator)
    url = reverse("coordination:work_log")
    first = client.get(url)
    assert len(first.context["page"].items) == 30
    second = client.get(url + "?" + first.context["next_query"])
    older = second.context["page"].items
    assert len(older) == 5 and older[0].occurred_on == datetime.date(2026, 1, 5)


def test_adding_an_entry_and_a_bad_one_kept(client, facilitator, two):
    client.force_login(facilitator)
    url = reverse("coordination:work_log_add")
    bad = client.post(url, {"description": "Kept text", "kind": "coaching", "minutes": "-5"})
    assert bad.status_code == 400 and b"Kept text" in bad.content
    client.post(
        url,
        {
            "occurred_on": "2026-11-02",
            "community": two[0].pk,
            "kind": "coaching",
            "description": "Coached the chair",
            "minutes": "40",
        },
    )
    entry = WorkLogEntry.objects.get()
    assert (entry.facilitator, entry.minutes, entry.source) == (facilitator, 40, "")


def test_an_entry_for_a_community_one_does_not_facilitate_is_a_400(client, facilitator):
    other = CommunityFactory()
    client.force_login(facilitator)
    response = client.post(
        reverse("coordination:work_log_add"),
        {
            "occurred_on": "2026-11-02",
            "community": other.pk,
            "kind": "coaching",
            "description": "Elsewhere",
            "minutes": "10",
        },
    )
    assert response.status_code == 400 and not WorkLogEntry.objects.exists()


def test_adding_time_to_an_automatic_entry(client, facilitator, two):
    entry = WorkLogEntryFactory(
        facilitator=facilitator, community=two[0], minutes=0, source="announcement:9"
    )
    client.force_login(facilitator)
    url = reverse("coordination:work_log_edit", args=[entry.pk])
    assert b"Recorded automatically" in client.get(url).content
    client.post(
        url,
        {
            "occurred_on": entry.occurred_on.isoformat(),
            "community": two[0].pk,
            "kind": entry.kind,
            "description": entry.description,
            "minutes": "25",
        },
    )
    entry.refresh_from_db()
    assert entry.minutes == 25 and entry.source == "announcement:9"


def test_someone_elses_entry_is_a_404(client, facilitator, two):
    entry = WorkLogEntryFactory(community=two[0])
    client.force_login(facilitator)
    for name in ("coordination:work_log_edit", "coordination:work_log_delete"):
        assert client.get(reverse(name, args=[entry.pk])).status_code == 404
        assert client.post(reverse(name, args=[entry.pk])).status_code == 404
    assert WorkLogEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_ones_own_entry(client, facilitator, two):
    entry = WorkLogEntryFactory(facilitator=facilitator, community=two[0])
    client.force_login(facilitator)
    url = reverse("coordination:work_log_delete", args=[entry.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not WorkLogEntry.objects.exists()


# --- query budgets ----------------------------------------------------------------------------


def _count(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries)


def _team(n):
    communities = [CommunityFactory() for _ in range(n)]
    facilitator = facilitator_of(*communities)
    return facilitator, communities


# Each includes the session, the user and the navigation's unread counts.
JOIN_REQUESTS_BUDGET = 4
WORK_LOG_BUDGET = 7
ANNOUNCE_BUDGET = 6
BULK_INVITE_BUDGET = 6
SHARE_PICK_BUDGET = 4
SHARE_ITEM_BUDGET = 8


@pytest.mark.parametrize("n", [1, 30])
def test_join_request_list_budget_does_not_grow(client, django_assert_num_queries, n):
    facilitator, communities = _team(n)
    for community in communities:
        JoinRequest.objects.create(user=UserFactory(), community=community, message="Hi")
    client.force_login(facilitator)
    with django_assert_num_queries(JOIN_REQUESTS_BUDGET):
        response = client.get(reverse("coordination:join_requests"))
    assert len(response.context["requests"]) == n


@pytest.mark.parametrize("n", [1, 30])
def test_work_log_budget_does_not_grow(client, django_assert_num_queries, n):
    facilitator, communities = _team(n)
    for community in communities:
        WorkLogEntryFactory(facilitator=facilitator, community=community)
    client.force_login(facilitator)
    with django_assert_num_queries(WORK_LOG_BUDGET):
        response = client.get(reverse("coordination:work_log"))
    assert len(response.context["totals"]["by_community"]) == n
    with django_assert_num_queries(WORK_LOG_BUDGET + 1):  # + validating the community filter
        client.get(reverse("coordination:work_log"), {"community": communities[0].pk})


@pytest.mark.parametrize("n", [1, 30])
def test_announcement_form_budget_does_not_grow(client, n):
    facilitator, _communities = _team(n)
    client.force_login(facilitator)
    assert _count(client, reverse("coordination:announce")) == ANNOUNCE_BUDGET


def test_absurd_ids_in_the_address_are_never_a_500(client, facilitator):
    client.force_login(facilitator)
    huge = "9" * 30
    assert client.get(reverse("coordination:share"), {"item": huge}).status_code == 404
    assert client.get(reverse("coordination:announce_sent"), {"t": huge}).status_code == 200
    assert client.get(reverse("coordination:work_log"), {"community": huge}).status_code == 400
    assert (
        client.get(reverse("coordination:work_log"), {"before": f"2026-01-01_{huge}"}).status_code
        == 200
    )
    response = client.post(
        reverse("coordination:join_requests"), {"requests": [huge], "decision": "approve"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("n", [1, 30])
def test_bulk_invite_and_share_budgets_do_not_grow(client, n):
    facilitator, communities = _team(n)
    for community in communities:
        make_item(community, title=f"Toolkit {community.pk}")
    client.force_login(facilitator)
    assert _count(client, reverse("coordination:bulk_invite")) == BULK_INVITE_BUDGET
    assert _count(client, reverse("coordination:share")) == SHARE_PICK_BUDGET


@pytest.mark.parametrize("n", [1, 30])
def test_share_targets_budget_does_not_grow(client, n):
    facilitator, communities = _team(n + 1)
    item = make_item(communities[0])
    client.force_login(facilitator)
    url = reverse("coordination:share") + f"?item={item.pk}"
    assert _count(client, url) == SHARE_ITEM_BUDGET
