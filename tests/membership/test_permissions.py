"""The permission authority: the level table, guardian rows kept in step, and costs."""

import pytest

from communities.models import Community
from membership import permissions, services
from membership.models import CommunityUserObjectPermission, Membership
from membership.permissions import Perm

from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)


def _codenames(user, community):
    return set(
        CommunityUserObjectPermission.objects.filter(
            user=user, content_object=community
        ).values_list("permission__codename", flat=True)
    )


@pytest.mark.parametrize(
    ("level", "granted"),
    [
        ("peripheral", {Perm.READ, Perm.PARTICIPATE}),
        ("active", {Perm.READ, Perm.PARTICIPATE, Perm.CONTRIBUTE}),
        ("core", set(permissions.ALL_PERMS)),
    ],
)
def test_each_level_grants_wengers_powers_as_guardian_rows(db, level, granted):
    membership = MembershipFactory(level=level)

    assert _codenames(membership.user, membership.community) == granted


def test_a_facilitator_has_core_powers_and_loses_them_when_unassigned(db):
    assignment = FacilitatorAssignmentFactory()
    user, community = assignment.user, assignment.community
    assert _codenames(user, community) == set(permissions.ALL_PERMS)

    services.facilitator_unassign(user=user, community=community, actor=None)

    assert _codenames(user, community) == set()


def test_a_facilitator_who_is_also_peripheral_keeps_core_powers_until_unassigned(db):
    assignment = FacilitatorAssignmentFactory()
    MembershipFactory(user=assignment.user, community=assignment.community)

    services.facilitator_unassign(user=assignment.user, community=assignment.community, actor=None)

    assert _codenames(assignment.user, assignment.community) == {Perm.READ, Perm.PARTICIPATE}


def test_guardians_own_backend_agrees_with_the_authority(db):
    membership = MembershipFactory(level="active")
    user, community = membership.user, membership.community

    assert user.has_perm(f"communities.{Perm.CONTRIBUTE}", community)
    assert not user.has_perm(f"communities.{Perm.MODERATE}", community)


def test_a_leader_gets_no_private_content(db):
    leader = UserFactory(platform_role="leader")
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    public = CommunityFactory(visibility=Community.Visibility.PUBLIC)

    assert not permissions.may_read_community(leader, private)
    assert permissions.may_read_community(leader, public)
    assert permissions.is_leader(leader)


def test_an_inactive_account_may_do_nothing(db):
    membership = MembershipFactory(level="core")
    membership.user.is_active = False

    assert not permissions.may_manage_members(membership.user, membership.community)


def test_checks_on_a_prefetched_list_cost_no_query(db, django_assert_num_queries):
    user = UserFactory()
    communities = [MembershipFactory(user=user).community for _ in range(20)]
    user = type(user).objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        permissions.prefetch_for(user, communities)
    with django_assert_num_queries(0):
        assert all(permissions.may_participate(user, c) for c in communities)
        assert not any(permissions.may_moderate(user, c) for c in communities)


def test_listing_filters_hidden_communities_with_one_query(db, django_assert_num_queries):
    user = UserFactory()
    mine = MembershipFactory(user=user, community__visibility="hidden").community
    CommunityFactory(visibility="hidden")
    CommunityFactory(visibility="private")

    with django_assert_num_queries(1):
        listed = set(permissions.communities_listable_by(user).values_list("pk", flat=True))

    assert mine.pk in listed
    assert len(listed) == 2


def test_readable_communities_are_public_ones_and_my_own(db):
    user = UserFactory()
    mine = MembershipFactory(user=user, community__visibility="private").community
    public = CommunityFactory(visibility="public")
    CommunityFactory(visibility="private")
    CommunityFactory(visibility="hidden")

    assert set(permissions.communities_readable_by(user)) == {mine, public}
    assert set(permissions.communities_readable_by(UserFactory(is_superuser=True))) == set(
        Community.objects.all()
    )


def test_a_proposed_community_is_known_only_to_its_founder_and_facilitators(db, settings):
    from communities.services import community_create

    settings.COMMUNITY_CREATION_POLICY = "approval"
    founder = UserFactory()
    community = community_create(
        founder=founder,
        name="Virtual wards",
        purpose="p",
        visibility="public",
        join_policy="open",
    )

    assert community.status == Community.Status.PROPOSED
    assert permissions.may_know_community(founder, community)
    assert permissions.may_know_community(UserFactory(platform_role="facilitator"), community)
    assert not permissions.may_know_community(UserFactory(), community)
    assert community not in permissions.communities_listable_by(founder)
    assert Membership.objects.get(user=founder, community=community).level == "core"
