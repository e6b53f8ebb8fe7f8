"""prefetch_for_each: one query loads many recipients' permissions, and the
single-user questions then answer exactly as they would alone, with no query."""

from membership import permissions
from membership.models import Membership, User

from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)

QUESTIONS = (
    permissions.may_read_community,
    permissions.may_participate,
    permissions.may_moderate,
    permissions.may_record_value_story,
)


def test_batch_answers_match_the_single_user_answers_without_further_queries(
    db, django_assert_num_queries
):
    public = CommunityFactory(visibility="public")
    private = CommunityFactory(visibility="private")
    hidden = CommunityFactory(visibility="hidden")
    people = [
        MembershipFactory(community=private, level=Membership.Level.CORE).user,
        MembershipFactory(community=hidden, level=Membership.Level.PERIPHERAL).user,
        MembershipFactory(community=public, level=Membership.Level.ACTIVE).user,
        FacilitatorAssignmentFactory(community=private).user,
        UserFactory(is_superuser=True, is_staff=True),
        UserFactory(),
        UserFactory(is_active=False),
    ]
    communities = [public, private, hidden]
    alone = {
        (person.pk, community.pk, question.__name__): question(
            User.objects.get(pk=person.pk), community
        )
        for person in people
        for community in communities
        for question in QUESTIONS
    }
    # Two instances of the first person, as two delivery records would hold.
    batch = [User.objects.get(pk=person.pk) for person in [*people, people[0]]]

    with django_assert_num_queries(1):
        permissions.prefetch_for_each(batch, communities)
    with django_assert_num_queries(0):
        together = {
            (person.pk, community.pk, question.__name__): question(person, community)
            for person in batch
            for community in communities
            for question in QUESTIONS
        }

    assert together == alone
    assert alone[(people[0].pk, private.pk, "may_moderate")] is True
    assert alone[(people[5].pk, private.pk, "may_read_community")] is False
