import pytest
from django.urls import reverse

from communities.models import Community
from membership.models import Membership

from ..factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory

Visibility = Community.Visibility


def _url(community):
    return reverse("communities:home", args=[community.slug])


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE])
def test_anyone_can_see_a_listed_communitys_name_and_purpose(client, db, visibility):
    community = CommunityFactory(visibility=visibility, purpose="Safer discharge planning.")

    response = client.get(_url(community))

    assert response.status_code == 200
    assert "Safer discharge planning." in response.content.decode()


def test_a_private_community_tells_non_members_its_content_is_for_members(client, outsider):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    client.force_login(outsider)

    response = client.get(_url(community))

    assert response.context["may_read"] is False
    assert "This community is private" in response.content.decode()


def test_members_read_a_private_community(client, db):
    membership = MembershipFactory(community__visibility=Visibility.PRIVATE)
    client.force_login(membership.user)

    response = client.get(_url(membership.community))

    assert response.context["may_read"] is True
    assert "This community is private" not in response.content.decode()


def test_a_hidden_community_is_not_found_for_outsiders_and_signed_out_visitors(client, outsider):
    community = CommunityFactory(visibility=Visibility.HIDDEN)

    assert client.get(_url(community)).status_code == 404
    client.force_login(outsider)
    assert client.get(_url(community)).status_code == 404


def test_a_hidden_community_is_visible_to_its_facilitator_and_members(client, db):
    community = CommunityFactory(visibility=Visibility.HIDDEN)
    facilitator = FacilitatorAssignmentFactory(community=community).user
    member = MembershipFactory(community=community).user

    for person in (facilitator, member):
        client.force_login(person)
        assert client.get(_url(community)).status_code == 200


def test_an_unknown_community_is_not_found(client, db):
    assert client.get(reverse("communities:home", args=["no-such-place"])).status_code == 404


def test_readers_see_topics_stage_and_charter_summary(client, db):
    community = CommunityFactory(
        stage=Community.Stage.MATURING, charter__aims="Halve avoidable readmissions."
    )
    community.topics.set(["readmissions"])

    body = client.get(_url(community)).content.decode()

    assert "Stage: Maturing" in body
    assert "readmissions" in body
    assert "Halve avoidable readmissions." in body
    assert "Not reviewed yet" in body
    assert reverse("communities:charter", args=[community.slug]) in body


def test_a_private_community_shows_non_members_only_name_purpose_count_and_how_to_join(
    client, outsider
):
    community = CommunityFactory(
        name="Closed Circle",
        visibility=Visibility.PRIVATE,
        join_policy=Community.JoinPolicy.REQUEST,
        stage=Community.Stage.MATURING,
        welcome_message="The door code is 4321.",
        charter__aims="Confidential aims",
    )
    community.topics.set(["private topic"])
    MembershipFactory(community=community, user__display_name="Hidden Hana")
    client.force_login(outsider)

    response = client.get(_url(community))

    body = response.content.decode()
    assert "Closed Circle" in body
    assert "1 member" in body
    assert "Ask to join" in body
    for secret in ("4321", "Confidential aims", "private topic", "Maturing", "Hidden Hana"):
        assert secret not in body


def test_members_are_grouped_by_level_with_their_formal_roles(client, db):
    community = CommunityFactory()
    MembershipFactory(
        community=community,
        level=Membership.Level.CORE,
        user__display_name="Cora Core",
        role=Membership.Role.CHAIR,
    )
    MembershipFactory(community=community, level="active", user__display_name="Ade Active")
    viewer = MembershipFactory(community=community, user__display_name="Pat Peripheral").user
    client.force_login(viewer)

    response = client.get(_url(community))

    groups = {group["level"]: group["members"] for group in response.context["member_groups"]}
    assert [m.user.name for m in groups["core"]] == ["Cora Core"]
    assert [m.user.name for m in groups["active"]] == ["Ade Active"]
    assert [m.user.name for m in groups["peripheral"]] == ["Pat Peripheral"]
    body = response.content.decode()
    assert body.index("Cora Core") < body.index("Ade Active") < body.index("Pat Peripheral")
    assert "Cora Core</a> · Chair" in body


def test_signed_out_visitors_see_no_member_names_even_on_a_public_community(client, db):
    community = CommunityFactory()
    MembershipFactory(community=community, user__display_name="Pat Patient")

    response = client.get(_url(community))

    assert response.context["member_groups"] is None
    assert "Pat Patient" not in response.content.decode()
    assert "Sign in to join" in response.content.decode()


def test_members_see_the_welcome_message_and_a_leave_button(client, db):
    membership = MembershipFactory(community__welcome_message="Say hello in the lounge.")
    client.force_login(membership.user)

    body = client.get(_url(membership.community)).content.decode()

    assert "Say hello in the lounge." in body
    assert reverse("membership:leave", args=[membership.community.slug]) in body
    assert reverse("membership:join", args=[membership.community.slug]) not in body


def test_non_members_do_not_see_the_welcome_message(client, outsider):
    community = CommunityFactory(welcome_message="Say hello in the lounge.")
    client.force_login(outsider)

    assert "Say hello in the lounge." not in client.get(_url(community)).content.decode()


def test_signed_in_non_members_of_an_open_community_get_a_join_button(client, outsider):
    community = CommunityFactory(join_policy=Community.JoinPolicy.OPEN)
    client.force_login(outsider)

    body = client.get(_url(community)).content.decode()

    assert f'action="{reverse("membership:join", args=[community.slug])}"' in body
    assert reverse("membership:leave", args=[community.slug]) not in body


def test_an_invitation_only_community_says_so_to_non_members(client, outsider):
    community = CommunityFactory(join_policy=Community.JoinPolicy.INVITATION)
    client.force_login(outsider)

    body = client.get(_url(community)).content.decode()

    assert "by invitation" in body
    assert reverse("membership:join", args=[community.slug]) not in body
    assert reverse("membership:request", args=[community.slug]) not in body


def test_core_members_get_links_to_look_after_the_community(client, core, community):
    client.force_login(core)

    body = client.get(_url(community)).content.decode()

    for name in ("communities:settings", "communities:charter_edit"):
        assert reverse(name, args=[community.slug]) in body
    for name in ("membership:manage", "membership:audit"):
        assert reverse(name, args=[community.slug]) in body


def test_peripheral_members_get_no_management_links(client, peripheral, community):
    client.force_login(peripheral)

    body = client.get(_url(community)).content.decode()

    for name in (
        "communities:settings",
        "communities:charter_edit",
        "membership:manage",
        "membership:audit",
    ):
        assert reverse(name, args=[community.slug]) not in body


@pytest.mark.parametrize("members", [1, 40])
def test_community_home_query_count_is_fixed(client, db, django_assert_num_queries, members):
    community = CommunityFactory()
    community.topics.set(["one", "two"])
    viewer = MembershipFactory(community=community, level=Membership.Level.CORE).user
    for n in range(members):
        MembershipFactory(
            community=community,
            level=["core", "active", "peripheral"][n % 3],
            role=Membership.Role.COORDINATOR if n % 5 == 0 else "",
        )
    client.force_login(viewer)

    # session, user, community, my membership with the charter and the topics (one
    # query), my permissions, members, latest announcements, nav unread counts, latest
    # activity, next meetings, open actions, priorities and learning-cycle stages
    # (facilitation/alignment, one UNION query)
    with django_assert_num_queries(12):
        response = client.get(_url(community))

    groups = response.context["member_groups"]
    assert sum(g["count"] for g in groups) == members + 1
    # A big community shows the first 12 of each level and links to the rest.
    assert sum(len(g["members"]) for g in groups) == min(members + 1, 12 * 3)


@pytest.mark.parametrize("members", [1, 40])
def test_signed_out_community_home_query_count_is_fixed(
    client, db, django_assert_num_queries, members
):
    community = CommunityFactory()
    community.topics.set(["one", "two"])
    MembershipFactory.create_batch(members, community=community)

    # community, charter with the topics, latest announcements, latest activity, next
    # meetings, open actions, priorities and learning-cycle stages (facilitation/alignment)
    with django_assert_num_queries(7):
        client.get(_url(community))


def test_community_home_previews_each_levels_newest_and_links_to_the_directory(client, db):
    community = CommunityFactory()
    viewer = MembershipFactory(community=community, level=Membership.Level.CORE).user
    for n in range(15):
        MembershipFactory(
            community=community, level=Membership.Level.PERIPHERAL, user__display_name=f"P{n:02}"
        )
    client.force_login(viewer)

    response = client.get(_url(community))

    peripheral = next(g for g in response.context["member_groups"] if g["level"] == "peripheral")
    assert peripheral["count"] == 15
    # The 12 who joined last (a range of an index, whatever the community's size),
    # shown by name.
    assert [m.user.display_name for m in peripheral["members"]] == [
        f"P{n:02}" for n in range(3, 15)
    ]
    assert "The newest members of each level" in response.content.decode()
    body = response.content.decode()
    directory = reverse("membership:members", args=[community.slug])
    assert f"{directory}?level=peripheral" in body
    assert "See all 15 peripheral members" in body
    assert f"{directory}?level=core" not in body
