"""Work-log entries and a facilitation team for the coordination tests."""

import datetime

import factory

from facilitation.models import WorkLogEntry
from membership.models import User

from ...factories import CommunityFactory, FacilitatorAssignmentFactory, UserFactory


class WorkLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkLogEntry

    facilitator = factory.SubFactory(UserFactory, platform_role=User.PlatformRole.FACILITATOR)
    community = factory.SubFactory(CommunityFactory)
    kind = WorkLogEntry.Kind.COACHING
    description = factory.Sequence(lambda n: f"Coached the chair, session {n}")
    minutes = 30
    occurred_on = factory.LazyFunction(datetime.date.today)


def facilitator_of(*communities, **user_fields):
    """A facilitator assigned to each of these communities."""
    user = UserFactory(platform_role=User.PlatformRole.FACILITATOR, **user_fields)
    for community in communities:
        FacilitatorAssignmentFactory(user=user, community=community)
    return user
