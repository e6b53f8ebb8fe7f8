import pytest

from membership.models import Membership

from ..factories import MembershipFactory


@pytest.fixture
def active(community):
    return MembershipFactory(
        community=community, level=Membership.Level.ACTIVE, user__display_name="Ada Active"
    ).user


@pytest.fixture
def replier(community):
    return MembershipFactory(
        community=community, level=Membership.Level.PERIPHERAL, user__display_name="Pat Reply"
    ).user
