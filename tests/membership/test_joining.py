"""Joining, leaving, requests and their decisions, with notifications by email."""

import pytest
from django.urls import reverse

from communities.models import Community
from membership import permissions
from membership.models import AuditEntry, JoinRequest, Membership

from ..factories import CommunityFactory, MembershipFactory, UserFactory
from ..keyset import walk

Visibility = Community.Visibility
JoinPolicy = Community.JoinPolicy


def test_joining_an_open_community_makes_a_peripheral_member_with_reading_rights(client, outsider):
    community = CommunityFactory(join_policy=JoinPolicy.OPEN)
    client.force_login(outsider)

    response = client.post(reverse("membership:join", args=[community.slug]))

    assert response.status_code == 302
    membership = Membership.objects.get(user=outsider, community=community)
    assert membership.level == Membership.Level.PERIPHERAL
    community.refresh_from_db()
    assert community.member_count == 1
    assert permissions.may_participate(outsider, community)
    assert not permissions.may_contribute(outsider, community)
    assert AuditEntry.objects.filter(community=community, action="joined").exists()


def test_joining_twice_says_so_and_changes_nothing(client, peripheral, community):
    client.force_login(peripheral)

    response = client.post(reverse("membership:join", args=[community.slug]), follow=True)

    assert "already a member" in response.content.decode()
    community.refresh_from_db()
    assert community.member_count == 1


@pytest.mark.parametrize("policy", [JoinPolicy.REQUEST, JoinPolicy.INVITATION])
def test_one_click_join_is_refused_where_the_community_is_not_open(client, outsider, policy):
    community = CommunityFactory(join_policy=policy, visibility=Visibility.PRIVATE)
    client.force_login(outsider)

    response = client.post(reverse("membership:join", args=[community.slug]), follow=True)

    assert response.status_code == 200
    assert "does not accept members in one click" in response.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()


def test_joining_a_hidden_community_one_does_not_know_is_not_found(client, outsider):
    community = CommunityFactory(visibility=Visibility.HIDDEN)
    client.force_login(outsider)

    assert client.post(reverse("membership:join", args=[community.slug])).status_code == 404


def test_join_needs_post_and_sign_in(client, community):
    url = reverse("membership:join", args=[community.slug])
    assert client.post(url).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(url).status_code == 405


def test_leaving_removes_rights_and_count(client, peripheral, community):
    client.force_login(peripheral)

    client.post(reverse("membership:leave", args=[community.slug]))

    community.refresh_from_db()
    assert community.member_count == 0
    assert not permissions.may_participate(peripheral, community)


def test_a_request_to_join_notifies_core_members_and_the_facilitator(
    client, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    community = CommunityFactory(visibility=Visibility.PRIVATE, join_policy=JoinPolicy.REQUEST)
    core = MembershipFactory(community=community, level=Membership.Level.CORE).user
    MembershipFactory(community=community, level=Membership.Level.PERIPHERAL)
    client.force_login(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("membership:request", args=[community.slug]),
            {"message": "I run the night shift."},
        )

    assert response.status_code == 302
    assert JoinRequest.objects.get(user=outsider).status == JoinRequest.Status.PENDING
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [core.email]
    assert "I run the night shift." in mailoutbox[0].body
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_a_second_request_while_one_is_pending_is_refused_clearly(client, outsider):
    community = CommunityFactory(visibility=Visibility.PRIVATE, join_policy=JoinPolicy.REQUEST)
    client.force_login(outsider)
    url = reverse("membership:request", args=[community.slug])
    client.post(url, {"message": "first"})

    response = client.post(url, {"message": "second"})

    assert response.status_code == 409
    assert "You asked to join on" in response.content.decode()
    assert JoinRequest.objects.filter(user=outsider).count() == 1


def test_requests_to_a_community_that_takes_none_are_refused_with_a_message(client, outsider):
    community = CommunityFactory(join_policy=JoinPolicy.INVITATION)
    client.force_login(outsider)

    response = client.post(
        reverse("membership:request", args=[community.slug]), {"message": "please"}
    )

    assert response.status_code == 400
    assert "does not take requests" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_approving_a_request_makes_a_member_who_then_reads_the_private_community(
    client, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    community = CommunityFactory(visibility=Visibility.PRIVATE, join_policy=JoinPolicy.REQUEST)
    core = MembershipFactory(community=community, level=Membership.Level.CORE).user
    join_request = JoinRequest.objects.create(user=outsider, community=community)
    assert not permissions.may_read_community(outsider, community)
    client.force_login(core)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("membership:request_approve", args=[community.slug, join_request.pk]))

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert permissions.may_read_community(outsider, community)
    assert [m.to for m in mailoutbox] == [[outsider.email]]
    assert "approved" in mailoutbox[0].body


def test_declining_needs_a_reason_which_the_person_is_told(
    client, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    community = CommunityFactory(visibility=Visibility.PRIVATE, join_policy=JoinPolicy.REQUEST)
    core = MembershipFactory(community=community, level=Membership.Level.CORE).user
    join_request = JoinRequest.objects.create(user=outsider, community=community)
    client.force_login(core)
    url = reverse("membership:request_decline", args=[community.slug, join_request.pk])

    client.post(url, {"reason": ""})
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "This space is for ED staff only."})

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert "This space is for ED staff only." in mailoutbox[0].body


def test_answering_a_request_twice_says_it_was_answered(client, outsider):
    community = CommunityFactory(visibility=Visibility.PRIVATE, join_policy=JoinPolicy.REQUEST)
    core = MembershipFactory(community=community, level=Membership.Level.CORE).user
    join_request = JoinRequest.objects.create(user=outsider, community=community)
    client.force_login(core)
    url = reverse("membership:request_approve", args=[community.slug, join_request.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert "already been answered" in response.content.decode()
    assert Membership.objects.filter(user=outsider, community=community).count() == 1


def test_a_peripheral_member_cannot_approve_requests(client, community, peripheral, outsider):
    join_request = JoinRequest.objects.create(user=outsider, community=community)
    client.force_login(peripheral)

    response = client.post(
        reverse("membership:request_approve", args=[community.slug, join_request.pk])
    )

    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_a_request_of_another_community_is_not_found(client, core, outsider):
    other = CommunityFactory()
    join_request = JoinRequest.objects.create(user=outsider, community=other)
    client.force_login(core)
    community = core.memberships.get().community

    response = client.post(
        reverse("membership:request_approve", args=[community.slug, join_request.pk])
    )

    assert response.status_code == 404


def test_core_member_removes_a_member_with_a_reason_and_the_member_is_told(
    client, community, core, peripheral, mailoutbox, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(user=peripheral, community=community)
    client.force_login(core)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("membership:member_remove", args=[community.slug, membership.pk]),
            {"reason": "Posted patient details twice."},
        )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert "Posted patient details twice." in mailoutbox[0].body
    entry = AuditEntry.objects.get(community=community, action="removed")
    assert (entry.actor, entry.subject, entry.reason) == (
        core,
        peripheral,
        "Posted patient details twice.",
    )


def test_changing_a_level_changes_permissions_at_once(client, community, core, peripheral):
    membership = Membership.objects.get(user=peripheral, community=community)
    client.force_login(core)

    client.post(
        reverse("membership:member_level", args=[community.slug, membership.pk]),
        {"level": "active", "reason": "Leads the leaflet work"},
    )

    peripheral = type(peripheral).objects.get(pk=peripheral.pk)
    assert permissions.may_contribute(peripheral, community)
    assert AuditEntry.objects.get(action="level_changed").reason == "Leads the leaflet work"


def test_a_patient_partner_can_hold_the_chair(client, community, core):
    patient = MembershipFactory(
        community=community, user__stakeholder_type="patient", level=Membership.Level.ACTIVE
    )
    client.force_login(core)

    client.post(
        reverse("membership:member_role", args=[community.slug, patient.pk]), {"role": "chair"}
    )

    patient.refresh_from_db()
    assert patient.role_label == "Chair"


def test_a_custom_role_needs_a_title(client, community, core, peripheral):
    membership = Membership.objects.get(user=peripheral, community=community)
    client.force_login(core)
    url = reverse("membership:member_role", args=[community.slug, membership.pk])

    response = client.post(url, {"role": "custom", "role_title": ""}, follow=True)
    assert "Give the role a title" in response.content.decode()

    client.post(url, {"role": "custom", "role_title": "Lived-experience lead"})
    membership.refresh_from_db()
    assert membership.role_label == "Lived-experience lead"


@pytest.mark.parametrize("rows", [2, 30])
def test_manage_page_query_count_is_fixed(client, core, community, django_assert_num_queries, rows):
    for _ in range(rows):
        MembershipFactory(community=community)
        JoinRequest.objects.create(user=UserFactory(), community=community)
    client.force_login(core)

    # session, user, community, permission check, requests, invitations,
    # suggestions, members count (pagination), members page
    with django_assert_num_queries(10):  # + nav unread counts
        response = client.get(reverse("membership:manage", args=[community.slug]))

    assert len(response.context["requests"]) == rows


def test_the_audit_log_is_for_core_members_and_facilitators(
    client, community, core, peripheral, facilitator
):
    url = reverse("membership:audit", args=[community.slug])
    client.force_login(peripheral)
    assert client.get(url).status_code == 403
    for person in (core, facilitator):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert "joined" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 40])
def test_audit_log_query_count_is_fixed(client, core, community, django_assert_num_queries, rows):
    for _ in range(rows):
        MembershipFactory(community=community)
    client.force_login(core)

    # session, user, community, permission check, entries with people (keyset pages:
    # no count)
    with django_assert_num_queries(6):  # + nav unread counts
        response = client.get(reverse("membership:audit", args=[community.slug]))

    assert len(response.context["page"].items) >= rows


@pytest.mark.parametrize("rows", [1, 120])
def test_audit_log_pages_cost_the_same_for_few_or_many_entries_down_to_the_last(
    client, core, community, rows
):
    AuditEntry.objects.all().delete()
    AuditEntry.objects.bulk_create(
        AuditEntry(community=community, action=AuditEntry.Action.JOINED, detail=f"entry {n:03}")
        for n in range(rows)
    )
    client.force_login(core)
    url = reverse("membership:audit", args=[community.slug])

    pages, counts = walk(
        client, url, lambda response: [entry.detail for entry in response.context["page"].items]
    )

    # Keyset pages of 50: the third page costs what the first does; entries made in the
    # same instant are told apart by their id, none skipped or repeated.
    assert len(pages) == -(-rows // 50)
    assert sorted(detail for page in pages for detail in page) == [
        f"entry {n:03}" for n in range(rows)
    ]
    assert counts == [6] * len(pages)
