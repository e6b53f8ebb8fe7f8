"""Who knows about X: platform-wide search over what members share, never leaking
members of communities the searcher cannot read."""

import base64
import re

import pytest
from django.urls import reverse

from communities.models import Community
from membership.models import Membership, User
from membership.people_selectors import PEOPLE_ORDER

from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from ..keyset import walk

Visibility = Community.Visibility
Level = Membership.Level
Stakeholder = User.StakeholderType

URL = reverse("membership:find_expertise")


def _search(client, **params):
    return client.get(URL, params)


def _names(response):
    return sorted(row.profile.name for row in response.context["rows"])


def _person(name, *, expertise=(), **fields):
    user = UserFactory(display_name=name, **fields)
    if expertise:
        user.expertise.set(list(expertise))
    return user


@pytest.fixture
def private_community(db):
    return CommunityFactory(name="Quiet Ward Group", visibility=Visibility.PRIVATE)


@pytest.fixture
def hidden_community(db):
    return CommunityFactory(name="Secret Board", visibility=Visibility.HIDDEN)


# --- who may search -----------------------------------------------------------

SEARCH_ACCESS = {
    "signed_out": 302,
    "outsider": 200,
    "peripheral": 200,
    "core": 200,
    "facilitator": 200,
    "leader": 200,
    "admin_user": 200,
}


@pytest.mark.parametrize("actor", list(SEARCH_ACCESS))
def test_who_may_search_for_expertise(client, request, actor):
    if actor != "signed_out":
        client.force_login(request.getfixturevalue(actor))

    response = _search(client, q="sepsis")

    assert response.status_code == SEARCH_ACCESS[actor]
    if actor == "signed_out":
        assert response.url.startswith(reverse("account_login"))


# --- what it matches ----------------------------------------------------------


def test_it_matches_expertise_names_and_organisations(client, outsider, community):
    for person in (
        _person("Ezra Expert", expertise=["Sepsis screening"]),
        _person("Sepsis Sam"),
        _person("Olga Org", organisation="UK Sepsis Trust"),
        _person("Nobody Relevant", expertise=["falls"]),
    ):
        MembershipFactory(community=community, user=person)
    client.force_login(outsider)

    assert _names(_search(client, q="sepsis")) == ["Ezra Expert", "Olga Org", "Sepsis Sam"]


def test_it_never_searches_fields_people_keep_to_themselves(client, outsider, community):
    for person in (
        _person("Hidden Expertise", expertise=["sepsis"], share_expertise=False),
        _person("Hidden Org", organisation="Sepsis Unit", share_organisation=False),
        _person("Hidden Email", email="sepsis.lead@example.org"),
    ):
        MembershipFactory(community=community, user=person)
    client.force_login(outsider)

    assert _names(_search(client, q="sepsis")) == []


def test_people_find_their_own_unshared_expertise(client, community):
    me = _person("Me Myself", expertise=["sepsis"], share_expertise=False)
    MembershipFactory(community=community, user=me)
    client.force_login(me)

    assert _names(_search(client, q="sepsis")) == ["Me Myself"]


def test_results_show_only_shared_fields(client, outsider, community):
    person = _person(
        "Shy Sepsis Lead",
        expertise=["sepsis", "secret skill"],
        organisation="Undisclosed Trust",
        share_organisation=False,
        share_expertise=False,
    )
    MembershipFactory(community=community, user=person)
    client.force_login(outsider)

    page = _search(client, q="Shy").content.decode()

    assert "Shy Sepsis Lead" in page
    assert "Undisclosed Trust" not in page
    assert "secret skill" not in page
    assert reverse("membership:profile", args=[person.pk]) in page


# --- never leaking private and hidden communities ------------------------------


@pytest.mark.parametrize("fixture", ["private_community", "hidden_community"])
def test_members_of_a_community_one_cannot_read_are_never_listed(
    client, request, outsider, community, fixture
):
    closed = request.getfixturevalue(fixture)
    insider = _person("Ina Insider", expertise=["sepsis"], organisation="Ward 9")
    MembershipFactory(community=closed, user=insider, level=Level.CORE)
    client.force_login(outsider)

    for params in ({"q": "sepsis"}, {"q": "Ina"}, {"q": "Ward 9"}, {}, {"level": "core"}):
        response = _search(client, **params)
        assert "Ina Insider" not in _names(response)
        assert "Ina Insider" not in response.content.decode()


def test_someone_also_in_a_readable_community_is_listed_with_only_that_community(
    client, outsider, community, private_community
):
    both = _person("Bo Both", expertise=["sepsis"])
    MembershipFactory(community=private_community, user=both, level=Level.CORE)
    MembershipFactory(community=community, user=both)
    client.force_login(outsider)

    response = _search(client, q="sepsis")

    [row] = response.context["rows"]
    assert [m.community.name for m in row.memberships] == ["Safer Prescribing"]
    assert "Quiet Ward Group" not in response.content.decode()


def test_members_of_a_private_community_find_each_other_and_see_it_listed(
    client, private_community
):
    insider = _person("Ina Insider", expertise=["sepsis"])
    MembershipFactory(community=private_community, user=insider, level=Level.CORE)
    colleague = MembershipFactory(community=private_community).user
    client.force_login(colleague)

    response = _search(client, q="sepsis")

    [row] = response.context["rows"]
    assert row.profile.name == "Ina Insider"
    assert [(m.community.name, m.level) for m in row.memberships] == [
        ("Quiet Ward Group", Level.CORE)
    ]


def test_a_facilitator_finds_members_of_the_private_community_they_support(
    client, private_community
):
    insider = _person("Ina Insider", expertise=["sepsis"])
    MembershipFactory(community=private_community, user=insider)
    facilitator = FacilitatorAssignmentFactory(community=private_community).user
    client.force_login(facilitator)

    assert _names(_search(client, q="sepsis")) == ["Ina Insider"]


def test_platform_admins_find_members_of_every_community(
    client, admin_user, private_community, hidden_community
):
    for community, name in ((private_community, "Pri Vate"), (hidden_community, "Hid Den")):
        MembershipFactory(community=community, user=_person(name, expertise=["sepsis"]))
    client.force_login(admin_user)

    assert _names(_search(client, q="sepsis")) == ["Hid Den", "Pri Vate"]


def test_people_in_no_community_are_not_listed(client, outsider):
    _person("Lone Expert", expertise=["sepsis"])
    client.force_login(outsider)

    assert _names(_search(client, q="sepsis")) == []


# --- filters ----------------------------------------------------------------


def test_the_level_filter_counts_only_levels_in_readable_communities(
    client, outsider, community, private_community
):
    quiet_here = _person("Core Elsewhere", expertise=["sepsis"])
    MembershipFactory(community=private_community, user=quiet_here, level=Level.CORE)
    MembershipFactory(community=community, user=quiet_here, level=Level.PERIPHERAL)
    core_here = _person("Core Here", expertise=["sepsis"])
    MembershipFactory(community=community, user=core_here, level=Level.CORE)
    client.force_login(outsider)

    assert _names(_search(client, q="sepsis", level="core")) == ["Core Here"]
    assert _names(_search(client, q="sepsis", level="peripheral")) == ["Core Elsewhere"]


def test_the_stakeholder_filter_never_matches_people_who_hide_it(client, outsider, community):
    for person in (
        _person("Open Carer", stakeholder_type=Stakeholder.PATIENT_CARER_PUBLIC),
        _person(
            "Quiet Carer",
            stakeholder_type=Stakeholder.PATIENT_CARER_PUBLIC,
            share_stakeholder_type=False,
        ),
        _person("A Researcher", stakeholder_type=Stakeholder.RESEARCHER),
    ):
        MembershipFactory(community=community, user=person)
    client.force_login(outsider)

    assert _names(_search(client, stakeholder_type="patient")) == ["Open Carer"]


def test_bad_filter_values_show_errors_and_are_ignored(client, outsider, community):
    MembershipFactory(community=community, user=_person("Sepsis Sam"))
    client.force_login(outsider)

    response = _search(client, q="sepsis", level="wizard", stakeholder_type="alien", page="x")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"level", "stakeholder_type"}
    assert _names(response) == ["Sepsis Sam"]


def test_nothing_found_says_what_to_try(client, outsider):
    client.force_login(outsider)

    page = _search(client, q="quantum chromodynamics").content.decode()

    assert "Nobody matches yet" in page
    assert page.count("<h1") == 1
    assert '<label for="id_q"' in page


# --- cost -------------------------------------------------------------------


def _add_experts(communities, count, *, start=0):
    for number in range(start, start + count):
        person = _person(
            f"Expert {number:03}",
            expertise=["sepsis", f"topic {number}"],
            organisation=f"Org {number}",
        )
        for community in communities:
            MembershipFactory(community=community, user=person, level=Level.ACTIVE)


# session, user, page of people, their tags, their readable memberships (keyset pages:
# no count)
SEARCH_QUERIES = 6  # with the nav unread counts


def test_a_search_costs_the_same_queries_for_few_and_many_people(
    client, community, private_community, django_assert_num_queries
):
    searcher = MembershipFactory(community=private_community).user
    client.force_login(searcher)
    second = CommunityFactory(name="Another Public One")
    _add_experts([community, private_community, second], 2)
    _search(client, q="sepsis")  # warm caches that live for the process (content types)

    with django_assert_num_queries(SEARCH_QUERIES):
        few = _search(client, q="sepsis", level="active")
    _add_experts([community, private_community, second], 38, start=2)
    with django_assert_num_queries(SEARCH_QUERIES):
        many = _search(client, q="sepsis", level="active")

    assert len(few.context["rows"]) == 2
    assert len(many.context["rows"]) == 30
    assert all(len(row.memberships) == 3 for row in many.context["rows"])


@pytest.mark.parametrize("rows", [1, 50])
def test_search_pages_cost_the_same_for_1_or_50_people_down_to_the_last(
    client, community, private_community, rows
):
    searcher = MembershipFactory(community=private_community).user
    client.force_login(searcher)
    _add_experts([community, private_community], rows)

    pages, counts = walk(client, f"{URL}?q=sepsis", _names)

    # Keyset pages of 30: the second page costs what the first does, nothing counts.
    assert len(pages) == -(-rows // 30)
    assert len({name for page in pages for name in page}) == rows
    assert counts == [SEARCH_QUERIES] * len(pages)


def test_page_links_carry_no_email_address(client, community):
    searcher = MembershipFactory(community=community).user
    client.force_login(searcher)
    _add_experts([community], 31)

    page = _search(client, q="sepsis").content.decode()

    # The next page's link holds the last row's sort keys: a name and an id, which
    # the page shows anyway, never the email address a person keeps private.
    cursor = re.search(r'(?:after|before)=([^"&]+)" rel="next"', page).group(1)
    keys = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert "@" not in keys


def test_the_search_order_is_an_index_so_a_page_stops_at_its_first_matches():
    order = [("id" if name == "pk" else name) for name in PEOPLE_ORDER]
    assert any(index.fields == order for index in User._meta.indexes)
