"""The one permission authority: who may see or do what, where.

Views, templates, feeds, search, digests and reports ask here and never compare
levels or visibility themselves. The communities-and-membership issue moves the
per-object answers onto django-guardian permissions kept in step by the membership
services; the questions asked here stay the same.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from communities.models import Community

from .models import FacilitatorAssignment, Membership

Visibility = Community.Visibility


def is_platform_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def _involved_filter(user) -> Q:
    """Communities the user belongs to or facilitates, as one filter on Community."""
    return Q(Exists(Membership.objects.filter(community=OuterRef("pk"), user=user))) | Q(
        Exists(FacilitatorAssignment.objects.filter(community=OuterRef("pk"), user=user))
    )


def communities_listable_by(user) -> QuerySet[Community]:
    """Communities whose name and purpose the user may see in a list.

    Public and private ones are listed to everyone; hidden ones only to their
    members, their facilitators and platform admins.
    """
    communities = Community.objects.all()
    if is_platform_admin(user):
        return communities
    listed = Q(visibility__in=[Visibility.PUBLIC, Visibility.PRIVATE])
    if not user.is_authenticated:
        return communities.filter(listed)
    return communities.filter(listed | _involved_filter(user))


def communities_involving(user) -> QuerySet[Community]:
    """Communities the user is a member or facilitator of."""
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(_involved_filter(user))


def may_know_community(user, community: Community) -> bool:
    """False means the user must get a 404: they may not learn it exists."""
    if community.visibility != Visibility.HIDDEN:
        return True
    return is_platform_admin(user) or _is_involved(user, community)


def may_read_community(user, community: Community) -> bool:
    """May the user read the community's content (not just its name and purpose)?"""
    if community.visibility == Visibility.PUBLIC:
        return True
    return is_platform_admin(user) or _is_involved(user, community)


def _is_involved(user, community: Community) -> bool:
    if not user.is_authenticated:
        return False
    return communities_involving(user).filter(pk=community.pk).exists()
