from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from communities.models import Community

from . import permissions
from .models import AuditEntry, Invitation, JoinRequest, LevelSuggestion, Membership


def join_requests_pending(*, community: Community) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(community=community, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def join_request_pending_for(*, user, community: Community) -> JoinRequest | None:
    if not user.is_authenticated:
        return None
    return JoinRequest.objects.filter(
        user=user, community=community, status=JoinRequest.Status.PENDING
    ).first()


def invitations_open(*, community: Community) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(community=community, accepted_at=None, revoked_at=None)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def members_for_management(*, community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(community=community)
        .select_related("user")
        .order_by("level", "user__display_name", "user__email")
    )


def suggestions_open(*, community: Community) -> QuerySet[LevelSuggestion]:
    return (
        LevelSuggestion.objects.filter(
            membership__community=community, status=LevelSuggestion.Status.OPEN
        )
        .select_related("membership__user")
        .order_by("kind", "created_at")
    )


def audit_entries(*, community: Community) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(community=community).select_related("actor", "subject")


def invitations_waiting_for(*, user) -> QuerySet[Invitation]:
    """Open, unexpired invitations to any of the user's verified addresses."""
    verified = EmailAddress.objects.filter(
        user=user, verified=True, email__iexact=OuterRef("email")
    )
    return (
        Invitation.objects.filter(
            Q(email__iexact=user.email) | Q(Exists(verified)),
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
            community__status=Community.Status.ACTIVE,
        )
        .select_related("community")
        .order_by("-created_at")
    )


def join_requests_waiting_for(*, user) -> QuerySet[JoinRequest]:
    """The user's pending requests to communities they may still know of: one turned
    hidden since the request is no longer named to them."""
    return (
        JoinRequest.objects.filter(
            user=user,
            status=JoinRequest.Status.PENDING,
            community__in=permissions.communities_named_to(user),
        )
        .select_related("community")
        .order_by("-created_at")
    )
