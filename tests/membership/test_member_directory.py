"""A community's member directory: who may see it, filters, shared fields, cost."""

import base64
import html
import json
import re

import pytest
from django.urls import reverse

from communities.models import Community
from membership import people_selectors, people_services, services
from membership.models import Membership, User

from ..factories import CommunityFactory, MembershipFactory
from ..keyset import walk

Visibility = Community.Visibility
Level = Membership.Level
Stakeholder = User.StakeholderType


@pytest.fixture
def visibility():
    return Visibility.PUBLIC


@pytest.fixture
def community(db, visibility):
    """The personas' community, at the visibility a test asks for (public by default)."""
    return CommunityFactory(
        name="Safer Prescribing", slug="safer-prescribing", visibility=visibility
    )


def _url(community, **params):
    url = reverse("membership:members", args=[community.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def _names(response):
    return [row.profile.name for row in response.context["rows"]]


def _member(community, name, *, level=Level.PERIPHERAL, role="", expertise=(), **user):
    membership = MembershipFactory(
        community=community,
        level=level,
        role=role,
        user__display_name=name,
        **{f"user__{key}": value for key, value in user.items()},
    )
    if expertise:
        membership.user.expertise.set(list(expertise))
    return membership.user


# --- who may see it -----------------------------------------------------------

# Who belongs is people data: signed-out visitors are sent to sign in, even for a
# public community.
MEMBERS_ACCESS = {
    "signed_out": {"public": 302, "private": 302, "hidden": 302},
    "outsider": {"public": 200, "private": 403, "hidden": 404},
    "peripheral": {"public": 200, "private": 200, "hidden": 200},
    "core": {"public": 200, "private": 200, "hidden": 200},
    "facilitator": {"public": 200, "private": 200, "hidden": 200},
    "admin_user": {"public": 200, "private": 200, "hidden": 200},
}


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("actor", list(MEMBERS_ACCESS))
def test_who_may_see_the_member_directory(client, request, community, visibility, actor):
    if actor != "signed_out":
        client.force_login(request.getfixturevalue(actor))

    response = client.get(_url(community))

    assert response.status_code == MEMBERS_ACCESS[actor][visibility]


def test_an_unknown_community_is_not_found(client, outsider):
    client.force_login(outsider)

    assert client.get(reverse("membership:members", args=["nowhere"])).status_code == 404


# --- what a row shows ---------------------------------------------------------


def test_each_row_links_to_the_profile_and_shows_level_role_and_shared_fields(
    client, outsider, community
):
    chair = _member(
        community,
        "Chidi Chair",
        level=Level.CORE,
        role=Membership.Role.CHAIR,
        organisation="Open Trust",
        expertise=["antibiotics"],
    )
    _member(
        community,
        "Hana Hidden",
        organisation="Secret Trust",
        bio="Private words.",
        share_organisation=False,
        share_expertise=False,
        expertise=["covert topic"],
    )
    client.force_login(outsider)

    response = client.get(_url(community))

    page = response.content.decode()
    assert reverse("membership:profile", args=[chair.pk]) in page
    assert "Chidi Chair" in page
    assert "Core" in page
    assert "Chair" in page
    assert "Open Trust" in page
    assert "antibiotics" in page
    assert "Hana Hidden" in page
    assert "Secret Trust" not in page
    assert "covert topic" not in page
    assert "Private words." not in page


def test_core_members_come_first_then_by_name(client, peripheral, community):
    _member(community, "Zed Core", level=Level.CORE)
    _member(community, "Amy Active", level=Level.ACTIVE)
    _member(community, "Al Peripheral")
    _member(community, "Bea Core", level=Level.CORE)
    _member(community, "Cal Peripheral")
    _member(community, "Abe Active", level=Level.ACTIVE)
    client.force_login(peripheral)

    created = {"Zed Core", "Bea Core", "Amy Active", "Abe Active", "Al Peripheral"}
    created |= {"Cal Peripheral"}
    # The signed-in persona has a random name: leave it out of the order check.
    names = [name for name in _names(client.get(_url(community))) if name in created]

    assert names == [
        "Bea Core",
        "Zed Core",
        "Abe Active",
        "Amy Active",
        "Al Peripheral",
        "Cal Peripheral",
    ]


def test_a_new_level_moves_a_member_in_the_directory(client, peripheral, community):
    _member(community, "Bea Core", level=Level.CORE)
    mover = _member(community, "Zoe Zed")
    client.force_login(peripheral)
    membership = Membership.objects.get(user=mover, community=community)

    services.membership_set_level(membership=membership, level=Level.CORE, actor=None)

    assert _names(client.get(_url(community)))[:2] == ["Bea Core", "Zoe Zed"]
    assert _names(client.get(_url(community, level="core"))) == ["Bea Core", "Zoe Zed"]
    membership.refresh_from_db()
    assert membership.level_rank == Membership.LEVEL_RANKS[Level.CORE]


def test_a_new_display_name_moves_a_member_in_the_directory(client, outsider, community):
    _member(community, "Bea Early")
    renamed = _member(community, "Zoe Late", organisation="North Trust")
    client.force_login(outsider)
    profile = people_selectors.profile_initial(user=renamed)

    people_services.profile_update(
        user=renamed, **{**profile, "display_name": "Abe Renamed", "expertise": []}
    )

    assert _names(client.get(_url(community))) == ["Abe Renamed", "Bea Early"]
    assert Membership.objects.get(user=renamed).sort_name == "Abe Renamed"


def test_a_display_name_changed_in_the_admin_moves_a_member(client, admin_user, community):
    _member(community, "Bea Early")
    renamed = _member(community, "Zoe Late")
    client.force_login(admin_user)
    change = reverse("admin:membership_user_change", args=[renamed.pk])
    form = client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        display_name="Abe Renamed",
        date_joined_0=renamed.date_joined.date().isoformat(),
        date_joined_1="12:00:00",
        groups=[],
    )

    response = client.post(change, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _names(client.get(_url(community)))[:2] == ["Abe Renamed", "Bea Early"]


def test_members_who_share_a_name_come_in_the_order_they_joined(client, outsider, community):
    first = _member(community, "Sam Same", email="zed@example.org")
    second = _member(community, "Sam Same", email="amy@example.org")
    client.force_login(outsider)

    rows = client.get(_url(community)).context["rows"]

    assert [row.profile.user for row in rows] == [first, second]


# --- filters ----------------------------------------------------------------


def test_filtering_by_level_and_role(client, peripheral, community):
    _member(community, "Carla Chair", level=Level.CORE, role=Membership.Role.CHAIR)
    _member(community, "Colin Core", level=Level.CORE)
    _member(community, "Pat Partner", role=Membership.Role.PATIENT_PARTNER)
    client.force_login(peripheral)

    assert sorted(_names(client.get(_url(community, level="core")))) == [
        "Carla Chair",
        "Colin Core",
    ]
    assert _names(client.get(_url(community, role="patient_partner"))) == ["Pat Partner"]
    assert _names(client.get(_url(community, level="core", role="chair"))) == ["Carla Chair"]


def test_filtering_by_stakeholder_type_never_matches_people_who_hide_it(
    client, outsider, community
):
    _member(community, "Open Patient", stakeholder_type=Stakeholder.PATIENT_CARER_PUBLIC)
    _member(
        community,
        "Quiet Patient",
        stakeholder_type=Stakeholder.PATIENT_CARER_PUBLIC,
        share_stakeholder_type=False,
    )
    _member(community, "Open Clinician", stakeholder_type=Stakeholder.CLINICIAN)
    client.force_login(outsider)

    assert _names(client.get(_url(community, stakeholder_type="patient"))) == ["Open Patient"]


def test_filtering_by_expertise_is_exact_ignores_case_and_skips_unshared(
    client, outsider, community
):
    _member(community, "Sepsis Sharer", expertise=["Sepsis"])
    _member(community, "Sepsis Hider", expertise=["sepsis"], share_expertise=False)
    _member(community, "Sepsis Nearby", expertise=["sepsis screening"])
    client.force_login(outsider)

    assert _names(client.get(_url(community, expertise="sepsis"))) == ["Sepsis Sharer"]


def test_platform_admins_filter_on_fields_that_are_not_shared(client, admin_user, community):
    _member(community, "Sepsis Hider", expertise=["sepsis"], share_expertise=False)
    client.force_login(admin_user)

    assert _names(client.get(_url(community, expertise="sepsis"))) == ["Sepsis Hider"]


def test_bad_filter_values_are_shown_as_errors_and_ignored(client, peripheral, community):
    _member(community, "Someone Else")
    client.force_login(peripheral)

    response = client.get(_url(community, level="wizard", role="emperor", expertise="x" * 300))

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"level", "role", "expertise"}
    assert "There is a problem" in response.content.decode()
    assert len(_names(response)) == 2


def test_the_filter_form_labels_every_field(client, peripheral, community):
    client.force_login(peripheral)

    page = client.get(_url(community)).content.decode()

    for field in ("level", "role", "stakeholder_type", "expertise"):
        assert f'<label for="id_{field}"' in page
    assert "<search" in page
    assert page.count("<h1") == 1


def test_an_empty_result_says_so(client, peripheral, community):
    client.force_login(peripheral)

    page = client.get(_url(community, expertise="nobody-knows-this")).content.decode()

    assert "No members match" in page


# --- pages and cost -----------------------------------------------------------


def test_members_come_thirty_to_a_page_and_page_links_keep_the_filters(
    client, peripheral, community
):
    for number in range(31):
        _member(community, f"Core {number:02}", level=Level.CORE)
    client.force_login(peripheral)

    first = client.get(_url(community, level="core"))
    # Keyset pages: the next page's link keeps the filter and carries the cursor.
    next_link = re.search(
        r'href="(\?level=core&amp;before=[^"]+)" rel="next"', first.content.decode()
    )
    second = client.get(_url(community) + html.unescape(next_link.group(1)))

    assert len(_names(first)) == 30
    assert _names(second) == ["Core 30"]
    assert 'rel="next"' not in second.content.decode()


@pytest.mark.parametrize("page", ["abc", "999", "-1"])
def test_a_bad_page_number_shows_a_page_not_an_error(client, peripheral, community, page):
    client.force_login(peripheral)

    assert client.get(_url(community, page=page)).status_code == 200


def _add_members(community, count, *, start=0):
    for number in range(start, start + count):
        _member(
            community,
            f"Member {number:03}",
            level=[Level.CORE, Level.ACTIVE, Level.PERIPHERAL][number % 3],
            role=Membership.Role.CHAIR if number == 0 else "",
            organisation=f"Org {number}",
            expertise=[f"topic {number}", "shared topic"],
        )


# session, user, community, page of memberships with users, their tags (keyset pages:
# no count; the unfiltered total is the community's member_count)
MEMBERS_PAGE_QUERIES = 6  # with the nav unread counts


def test_the_directory_costs_the_same_queries_for_2_and_40_members(
    client, outsider, community, django_assert_num_queries
):
    client.force_login(outsider)
    _add_members(community, 2)
    client.get(_url(community))  # warm caches that live for the process (content types)

    with django_assert_num_queries(MEMBERS_PAGE_QUERIES):
        few = client.get(_url(community))
    _add_members(community, 38, start=2)
    with django_assert_num_queries(MEMBERS_PAGE_QUERIES):
        many = client.get(_url(community))

    assert len(_names(few)) == 2
    assert len(_names(many)) == 30
    assert all(row.profile.expertise for row in many.context["rows"])


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE])
def test_filtering_a_private_directory_costs_the_same_for_few_and_many(
    client, peripheral, community, visibility, django_assert_num_queries
):
    client.force_login(peripheral)
    _add_members(community, 2)
    url = _url(community, expertise="shared topic", level="core")
    client.get(url)

    with django_assert_num_queries(MEMBERS_PAGE_QUERIES + 1):  # + the viewer's permissions on it
        client.get(url)
    _add_members(community, 38, start=2)
    with django_assert_num_queries(MEMBERS_PAGE_QUERIES + 1):
        client.get(url)


@pytest.mark.parametrize("rows", [1, 50])
def test_directory_pages_cost_the_same_for_1_or_50_members_down_to_the_last(
    client, outsider, community, rows
):
    _add_members(community, rows)
    client.force_login(outsider)

    pages, counts = walk(client, _url(community), _names)

    # Keyset pages: the second page costs what the first does, nothing counts the members.
    assert len(pages) == -(-rows // 30)
    names = [name for page in pages for name in page]
    # Every member once, core first then by name, across the pages.
    by_level = sorted(range(rows), key=lambda number: (number % 3, number))
    assert names == [f"Member {number:03}" for number in by_level]
    assert counts == [MEMBERS_PAGE_QUERIES] * len(pages)


@pytest.mark.parametrize("keys", [["core", "A", 1], [0, "A", "one"], [0, None, 1]])
def test_a_tampered_page_link_is_a_bad_request(client, outsider, community, keys):
    client.force_login(outsider)
    cursor = base64.urlsafe_b64encode(json.dumps(keys).encode()).decode()

    assert client.get(_url(community, before=cursor)).status_code == 400


def test_page_links_carry_no_email_address(client, outsider, community):
    _add_members(community, 31)
    client.force_login(outsider)

    page = client.get(_url(community)).content.decode()

    cursor = re.search(r'before=([^"&]+)" rel="next"', page).group(1)
    keys = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert "@" not in keys
