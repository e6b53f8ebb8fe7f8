import pytest

from tests.factories import CommunityFactory, MembershipFactory


@pytest.fixture
def active(community):
    return MembershipFactory(community=community, level="active").user


@pytest.fixture
def private_community(db):
    return CommunityFactory(name="Quiet Room", slug="quiet-room", visibility="private")


@pytest.fixture
def private_member(private_community):
    return MembershipFactory(community=private_community, level="active").user
