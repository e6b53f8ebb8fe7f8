import pytest
from django.urls import reverse

from communities.models import Community
from membership.models import Membership

from ..factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory

Visibility = Community.Visibility


def _names(response, key):
    return [c.name for c in response.context[key]]


def test_signed_in_home_lists_the_communities_i_belong_to_or_facilitate(client, outsider):
    MembershipFactory(user=outsider, community__name="Alpha", level=Membership.Level.CORE)
    FacilitatorAssignmentFactory(user=outsider, community__name="Beta")
    CommunityFactory(name="Gamma")
    client.force_login(outsider)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert _names(response, "my_communities") == ["Alpha", "Beta"]
    assert "You take part as: Core" in response.content.decode()


def test_signed_in_home_with_no_communities_explains_what_will_appear(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("home"))

    assert "You have not joined a community yet" in response.content.decode()


def test_signed_out_home_shows_only_public_communities(client, db):
    CommunityFactory(name="Open One", visibility=Visibility.PUBLIC)
    CommunityFactory(name="Private One", visibility=Visibility.PRIVATE)
    CommunityFactory(name="Hidden One", visibility=Visibility.HIDDEN)

    response = client.get(reverse("home"))

    assert _names(response, "public_communities") == ["Open One"]
    assert "Hidden One" not in response.content.decode()


def test_member_counts_on_home_are_right(client, outsider):
    community = CommunityFactory(name="Counted")
    MembershipFactory(user=outsider, community=community)
    MembershipFactory.create_batch(3, community=community)
    client.force_login(outsider)

    response = client.get(reverse("home"))

    assert response.context["my_communities"][0].member_count == 4


@pytest.mark.parametrize("rows", [1, 40])
def test_signed_in_home_query_count_is_fixed(client, outsider, django_assert_num_queries, rows):
    for community in CommunityFactory.create_batch(rows):
        MembershipFactory(user=outsider, community=community)
        MembershipFactory.create_batch(2, community=community)
    client.force_login(outsider)

    # session, user, my communities with levels, invitations for me, my pending requests,
    # nav unread counts, new in my communities, my next meetings, my open actions
    with django_assert_num_queries(9):
        response = client.get(reverse("home"))

    assert len(response.context["my_communities"]) == rows


@pytest.mark.parametrize("rows", [1, 40])
def test_signed_out_home_query_count_is_fixed(client, db, django_assert_num_queries, rows):
    for community in CommunityFactory.create_batch(rows):
        MembershipFactory.create_batch(2, community=community)

    # public communities with counts
    with django_assert_num_queries(1):
        client.get(reverse("home"))


def test_home_shows_invitations_waiting_for_me_and_not_expired_or_others(client, outsider):
    from datetime import timedelta

    from django.utils import timezone

    from membership.models import Invitation

    future = timezone.now() + timedelta(days=3)
    mine = CommunityFactory(name="Invited Here", visibility=Visibility.HIDDEN)
    Invitation.objects.create(
        community=mine, email=outsider.email.upper(), nonce="a" * 32, expires_at=future
    )
    expired = CommunityFactory(name="Too Late")
    Invitation.objects.create(
        community=expired,
        email=outsider.email,
        nonce="b" * 32,
        expires_at=timezone.now() - timedelta(days=1),
    )
    others = CommunityFactory(name="Someone Else's")
    Invitation.objects.create(
        community=others, email="else@example.org", nonce="c" * 32, expires_at=future
    )
    client.force_login(outsider)

    html = client.get(reverse("home")).content.decode()

    assert "Join Invited Here" in html
    assert "Too Late" not in html
    assert "Someone Else" not in html


def test_home_shows_my_pending_requests(client, outsider):
    from membership.models import JoinRequest

    community = CommunityFactory(name="Asked Here", visibility=Visibility.PRIVATE)
    JoinRequest.objects.create(user=outsider, community=community)
    client.force_login(outsider)

    html = client.get(reverse("home")).content.decode()

    assert "Asked Here" in html
    assert "waiting for the core members" in html


def test_home_does_not_name_a_community_turned_hidden_to_its_pending_requester(client, outsider):
    from membership.models import JoinRequest

    community = CommunityFactory(name="Gone Quiet", visibility=Visibility.PRIVATE)
    JoinRequest.objects.create(user=outsider, community=community)
    community.visibility = Visibility.HIDDEN
    community.save(update_fields=["visibility"])
    client.force_login(outsider)

    html = client.get(reverse("home")).content.decode()

    assert "Gone Quiet" not in html
