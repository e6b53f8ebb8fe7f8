from io import StringIO

from django.core.management import call_command

from communities.discussions.interaction_models import (
    Poll,
    PollVote,
    Reaction,
    WorkingGroupJoinRequest,
)
from communities.models import Thread, WorkingGroup, WorkingGroupMember


def _counts():
    return [
        model.objects.count()
        for model in (
            WorkingGroup,
            WorkingGroupMember,
            WorkingGroupJoinRequest,
            Thread,
            Reaction,
            Poll,
            PollVote,
        )
    ]


def test_the_demo_has_groups_reactions_and_a_poll_and_seeding_twice_adds_nothing(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    before = _counts()

    leaflet = WorkingGroup.objects.get(slug="patient-leaflet-on-tapering")
    assert leaflet.memberships.filter(is_lead=True, user__email="core@example.org").exists()
    assert leaflet.threads.exists()
    assert WorkingGroupJoinRequest.objects.filter(
        group=leaflet, user__email="peripheral@example.org", status="pending"
    ).exists()
    assert WorkingGroup.objects.filter(is_closed=True).exists()
    assert Reaction.objects.count() >= 3
    assert PollVote.objects.count() == 3

    call_command("seed_demo", force=True, stdout=StringIO())
    assert _counts() == before
