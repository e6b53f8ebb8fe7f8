import pytest
from django.urls import reverse

from communities.models import Community

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
