import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.discussions import working_groups as groups
from communities.discussions.interaction_models import WorkingGroupJoinRequest
from communities.models import Activity, Community, WorkingGroup, WorkingGroupMember
from membership.notifications.models import Notification

from ..factories import CommunityFactory, MembershipFactory
from ..xss import FORM_PAYLOADS, assert_inert, assert_links_safe
from . import main_of
from .factories import ThreadFactory, WorkingGroupFactory, WorkingGroupMemberFactory

Status = WorkingGroupJoinRequest.Status


@pytest.fixture
def active(community):
    return MembershipFactory(community=community, level="active").user


@pytest.fixture
def group(community, active):
    group = WorkingGroupFactory(community=community, name="Leaflet", slug="leaflet")
    WorkingGroupMemberFactory(group=group, user=active, is_lead=True)
    return group


def _url(name, group, *extra):
    return reverse(f"groups:{name}", args=[group.community.slug, group.slug, *extra])


def _between(html, start, end):
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def _is_member(group, user):
    return WorkingGroupMember.objects.filter(group=group, user=user).exists()


# --- starting and editing --------------------------------------------------------


def test_starting_a_group_makes_its_creator_lead_and_tells_the_feed(community, active):
    group = groups.working_group_create(
        actor=active,
        community=community,
        name="  Patient   leaflet ",
        purpose="Write it.",
        is_closed=False,
    )
    assert (group.name, group.slug) == ("Patient leaflet", "patient-leaflet")
    assert WorkingGroupMember.objects.get(group=group).is_lead
    activity = Activity.objects.get(verb=Activity.Verb.GROUP_STARTED)
    assert (activity.group, activity.actor, activity.url) == (
        group,
        active,
        f"/c/{community.slug}/groups/patient-leaflet/",
    )


def test_slugs_are_unique_in_the_community_and_never_a_page_address(community, active):
    WorkingGroupFactory(community=community, name="Other", slug="audit")
    audit = groups.working_group_create(
        actor=active, community=community, name="Audit!", purpose="", is_closed=False
    )
    new = groups.working_group_create(
        actor=active, community=community, name="New", purpose="", is_closed=False
    )
    assert (audit.slug, new.slug) == ("audit-2", "new-2")


def test_two_groups_cannot_share_a_name(community, active, group):
    with pytest.raises(ValidationError) as caught:
        groups.working_group_create(
            actor=active, community=community, name="leaflet", purpose="", is_closed=False
        )
    assert "name" in caught.value.error_dict


def test_peripheral_members_cannot_start_a_group(community, peripheral):
    with pytest.raises(ValidationError):
        groups.working_group_create(
            actor=peripheral, community=community, name="Mine", purpose="", is_closed=False
        )


def test_the_create_form_answers_400_and_keeps_what_was_typed(client, community, active, group):
    client.force_login(active)
    response = client.post(
        reverse("groups:create", args=[community.slug]),
        {"name": "Leaflet", "purpose": "Typed purpose stays", "is_closed": "on"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Typed purpose stays" in html and "already has a group with that name" in html
    assert WorkingGroup.objects.count() == 1


def test_the_create_form_starts_the_group(client, community, active):
    client.force_login(active)
    response = client.post(
        reverse("groups:create", args=[community.slug]),
        {"name": "Audit", "purpose": "Compare practices.", "is_closed": "on"},
    )
    group = WorkingGroup.objects.get()
    assert response["Location"] == _url("detail", group)
    assert group.is_closed


def test_a_lead_edits_the_group_and_closing_it_declines_waiting_requests(
    client, group, active, peripheral
):
    WorkingGroupJoinRequest.objects.create(group=group, user=peripheral)
    client.force_login(active)
    response = client.post(
        _url("edit", group), {"name": "Leaflet team", "purpose": "New purpose", "is_closed": "on"}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.slug, group.is_closed) == ("Leaflet team", "leaflet", True)
    assert WorkingGroupJoinRequest.objects.get().status == Status.DECLINED


def test_the_edit_form_answers_400_keeping_input(client, group, active):
    client.force_login(active)
    response = client.post(_url("edit", group), {"name": "", "purpose": "Kept purpose"})
    assert response.status_code == 400
    assert "Kept purpose" in response.content.decode()


# --- joining ---------------------------------------------------------------------


def test_a_member_asks_and_a_lead_approves(group, active, peripheral):
    join_request = groups.working_group_request_join(user=peripheral, group=group, message="Hi")
    assert not _is_member(group, peripheral)
    with pytest.raises(ValidationError, match="already waiting"):
        groups.working_group_request_join(user=peripheral, group=group)

    groups.working_group_request_approve(actor=active, request=join_request)

    assert _is_member(group, peripheral)
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == (Status.APPROVED, active)
    note = Notification.objects.get(recipient=peripheral)
    assert note.kind == Notification.Kind.JOIN_DECISION and note.url == _url("detail", group)


def test_a_lead_declines_a_request(group, active, peripheral):
    join_request = groups.working_group_request_join(user=peripheral, group=group)
    groups.working_group_request_decline(actor=active, request=join_request)
    assert not _is_member(group, peripheral)
    assert WorkingGroupJoinRequest.objects.get().status == Status.DECLINED
    with pytest.raises(ValidationError, match="already been decided"):
        groups.working_group_request_approve(actor=active, request=join_request)


def test_members_who_do_not_lead_cannot_decide(group, peripheral, community):
    asker = MembershipFactory(community=community).user
    join_request = groups.working_group_request_join(user=asker, group=group)
    WorkingGroupMemberFactory(group=group, user=peripheral)
    with pytest.raises(ValidationError):
        groups.working_group_request_approve(actor=peripheral, request=join_request)


def test_a_closed_group_refuses_requests(community, peripheral):
    closed = WorkingGroupFactory(community=community, is_closed=True)
    with pytest.raises(ValidationError, match="closed"):
        groups.working_group_request_join(user=peripheral, group=closed)
    assert not WorkingGroupJoinRequest.objects.exists()


def test_the_join_button_is_refused_on_a_closed_group(client, community, peripheral):
    closed = WorkingGroupFactory(community=community, is_closed=True)
    client.force_login(peripheral)
    assert client.post(_url("join", closed)).status_code == 403


def test_people_outside_the_community_cannot_ask(group, outsider):
    with pytest.raises(ValidationError):
        groups.working_group_request_join(user=outsider, group=group)


def test_a_moderator_joins_at_once(group, core):
    assert isinstance(groups.working_group_request_join(user=core, group=group), WorkingGroupMember)
    assert _is_member(group, core)


def test_asking_through_the_page_and_withdrawing(client, group, peripheral):
    client.force_login(peripheral)
    client.post(_url("join", group), {"message": "I teach this."})
    page = client.get(_url("detail", group)).content.decode()
    assert "You asked to join" in page

    client.post(_url("request_withdraw", group))
    assert not WorkingGroupJoinRequest.objects.exists()


def test_a_too_long_message_answers_400_keeping_it(client, group, peripheral):
    client.force_login(peripheral)
    response = client.post(_url("join", group), {"message": "x" * 1001})
    assert response.status_code == 400
    assert "x" * 1001 in response.content.decode()


def test_a_member_leaves(client, group, peripheral):
    WorkingGroupMemberFactory(group=group, user=peripheral)
    client.force_login(peripheral)
    assert client.post(_url("leave", group)).status_code == 302
    assert not _is_member(group, peripheral)


# --- leads look after members ---------------------------------------------------


def test_leads_add_only_members_of_the_community(group, active, outsider, peripheral):
    with pytest.raises(ValidationError):
        groups.working_group_member_add(actor=active, group=group, user=outsider)
    groups.working_group_member_add(actor=active, group=group, user=peripheral, is_lead=True)
    assert WorkingGroupMember.objects.get(group=group, user=peripheral).is_lead


def test_adding_someone_who_asked_answers_their_request(group, active, peripheral):
    groups.working_group_request_join(user=peripheral, group=group)
    groups.working_group_member_add(actor=active, group=group, user=peripheral)
    assert WorkingGroupJoinRequest.objects.get().status == Status.APPROVED


def test_the_add_form_lists_community_members_not_yet_in_the_group(
    client, group, active, peripheral, outsider
):
    client.force_login(active)
    html = client.get(_url("members", group)).content.decode()
    assert f'value="{peripheral.pk}"' in html
    assert f'value="{outsider.pk}"' not in html and f'value="{active.pk}"' not in html


def test_the_add_form_refuses_someone_outside_with_400(client, group, active, outsider):
    client.force_login(active)
    response = client.post(_url("member_add", group), {"user": outsider.pk})
    assert response.status_code == 400
    assert not _is_member(group, outsider)


def test_leads_remove_members_and_choose_leads(client, group, active, peripheral):
    member = WorkingGroupMemberFactory(group=group, user=peripheral)
    client.force_login(active)
    client.post(_url("member_lead", group, member.pk), {"is_lead": "on"})
    member.refresh_from_db()
    assert member.is_lead
    client.post(_url("member_lead", group, member.pk), {})
    member.refresh_from_db()
    assert not member.is_lead

    client.post(_url("member_remove", group, member.pk))
    assert not _is_member(group, peripheral)


def test_a_member_id_from_another_group_answers_404(client, group, active, community):
    other = WorkingGroupMemberFactory(group=WorkingGroupFactory(community=community))
    client.force_login(active)
    assert client.post(_url("member_remove", group, other.pk)).status_code == 404


def test_approving_through_the_members_page(client, group, active, peripheral):
    join_request = groups.working_group_request_join(user=peripheral, group=group)
    client.force_login(active)
    html = client.get(_url("members", group)).content.decode()
    assert f"Add {peripheral.name}" in html
    client.post(_url("request_approve", group, join_request.pk))
    assert _is_member(group, peripheral)
    # Decided requests are gone from the queue: deciding again is 404.
    assert client.post(_url("request_decline", group, join_request.pk)).status_code == 404


# --- what each person sees ----------------------------------------------------------


def test_the_group_page_lists_its_threads_newest_activity_first(client, group, peripheral):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old = ThreadFactory(community=group.community, group=group, title="Old one")
    new = ThreadFactory(community=group.community, group=group, title="New one")
    old.last_activity_at, new.last_activity_at = now - timedelta(days=2), now
    old.save()
    new.save()
    ThreadFactory(community=group.community, title="Not in the group")
    client.force_login(peripheral)
    html = main_of(client.get(_url("detail", group)))
    assert html.index("New one") < html.index("Old one")
    assert "Not in the group" not in html
    assert f'href="/c/{group.community.slug}/discussions/{new.pk}/"' in html


def test_group_members_see_the_start_a_thread_link(client, group, active, peripheral):
    client.force_login(active)
    html = client.get(_url("detail", group)).content.decode()
    assert f"/c/{group.community.slug}/discussions/new/?group=leaflet" in html
    client.force_login(peripheral)
    assert "Start a thread in this group" not in client.get(_url("detail", group)).content.decode()


def test_a_closed_groups_threads_stay_with_its_members(client, community, active, peripheral, core):
    closed = WorkingGroupFactory(community=community, is_closed=True, purpose="Audit work")
    WorkingGroupMemberFactory(group=closed, user=active)
    ThreadFactory(community=community, group=closed, title="SECRET-AUDIT-FIGURES")

    client.force_login(peripheral)
    for url in (_url("detail", closed), reverse("groups:list", args=[community.slug])):
        html = client.get(url).content.decode()
        assert "SECRET-AUDIT-FIGURES" not in html
    assert (
        "its discussions are for its members" in client.get(_url("detail", closed)).content.decode()
    )
    assert "Audit work" in client.get(_url("detail", closed)).content.decode()
    for insider in (active, core):
        client.force_login(insider)
        assert "SECRET-AUDIT-FIGURES" in client.get(_url("detail", closed)).content.decode()


def test_a_private_communitys_groups_are_not_shown_to_outsiders(client, outsider):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    group = WorkingGroupFactory(community=private, purpose="SECRET-PURPOSE")
    client.force_login(outsider)
    for url in (reverse("groups:list", args=[private.slug]), _url("detail", group)):
        response = client.get(url)
        assert response.status_code == 403
        assert "SECRET-PURPOSE" not in response.content.decode()


def test_the_community_home_links_to_its_groups(client, community, peripheral):
    client.force_login(peripheral)
    html = client.get(reverse("communities:home", args=[community.slug])).content.decode()
    assert f'href="/c/{community.slug}/groups/"' in html


def test_an_empty_list_says_how_to_start(client, community, active):
    client.force_login(active)
    html = client.get(reverse("groups:list", args=[community.slug])).content.decode()
    assert "No working groups yet" in html and "Start a working group" in html


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_group_purpose_markdown_is_rendered_safely(client, community, active, payload):
    client.force_login(active)
    response = client.post(
        reverse("groups:create", args=[community.slug]),
        {"name": "Safety", "purpose": f"{payload}\n\n[a link](https://example.org)"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    page = main_of(client.get(response["Location"]))
    listing = main_of(client.get(reverse("groups:list", args=[community.slug])))
    # What the member wrote: the purpose on the group page, the excerpt on the list.
    purpose = _between(page, "group-purpose-title", "</section>")
    assert_inert(purpose)
    assert_links_safe(purpose)
    assert 'rel="nofollow noopener"' in purpose
    # The list shows a plain-text excerpt: no markup of the member's at all.
    assert_inert(_between(listing, "group-list", "</ul>"))


# --- query budgets ---------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_the_group_list_costs_the_same_with_many_groups(
    client, community, peripheral, rows, django_assert_num_queries
):
    for n in range(rows):
        group = WorkingGroupFactory(community=community, is_closed=n % 2 == 0)
        WorkingGroupMemberFactory(group=group, user=peripheral)
        WorkingGroupMemberFactory(group=group)
    client.force_login(peripheral)
    url = reverse("groups:list", args=[community.slug])
    client.get(url)

    with django_assert_num_queries(6):  # incl. the navigation's unread counts
        response = client.get(url)
    assert response.content.decode().count("You are in this group") == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_group_page_costs_the_same_with_many_threads_and_members(
    client, group, active, rows, django_assert_num_queries
):
    for n in range(rows):
        ThreadFactory(community=group.community, group=group, title=f"Thread {n}")
        member = MembershipFactory(community=group.community).user
        WorkingGroupMemberFactory(group=group, user=member)
        WorkingGroupJoinRequest.objects.create(
            group=group, user=MembershipFactory(community=group.community).user
        )
    client.force_login(active)
    url = _url("detail", group)
    client.get(url)

    with django_assert_num_queries(11):  # incl. the navigation's unread counts
        response = client.get(url)
    assert response.content.decode().count("Thread ") >= rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_members_page_costs_the_same_with_many_members(
    client, group, active, rows, django_assert_num_queries
):
    for _n in range(rows):
        WorkingGroupMemberFactory(
            group=group, user=MembershipFactory(community=group.community).user
        )
        WorkingGroupJoinRequest.objects.create(
            group=group, user=MembershipFactory(community=group.community).user
        )
    client.force_login(active)
    url = _url("members", group)
    client.get(url)

    with django_assert_num_queries(11):  # incl. the navigation's unread counts
        client.get(url)


def test_starting_a_group_counts_as_a_contribution(community, active):
    from datetime import timedelta

    from django.utils import timezone

    from membership.engagement import contributions_by_member

    for name in ("One", "Two"):
        groups.working_group_create(
            actor=active, community=community, name=name, purpose="", is_closed=False
        )
    since = timezone.now() - timedelta(days=1)
    assert contributions_by_member(community, since)[active.pk] == 2
