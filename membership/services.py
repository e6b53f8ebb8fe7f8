"""Writes about people and their participation. Views and commands call these."""

from django.db import transaction

from communities.models import Community

from .models import FacilitatorAssignment, Membership, User


@transaction.atomic
def membership_set_level(*, user: User, community: Community, level: str) -> Membership:
    """Make the user a member at the given level, joining them if needed."""
    if level not in Membership.Level.values:
        raise ValueError(f"Unknown participation level: {level!r}")
    membership, created = Membership.objects.get_or_create(
        user=user, community=community, defaults={"level": level}
    )
    if not created and membership.level != level:
        membership.level = level
        membership.save(update_fields=["level", "updated_at"])
    return membership


@transaction.atomic
def facilitator_assign(*, user: User, community: Community) -> FacilitatorAssignment:
    assignment, _ = FacilitatorAssignment.objects.get_or_create(user=user, community=community)
    return assignment
