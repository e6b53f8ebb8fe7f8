from django.http import Http404
from django.shortcuts import get_object_or_404, render

from membership.permissions import may_know_community, may_read_community

from . import selectors
from .models import Community


def home(request):
    """Signed in: your communities. Signed out: what the platform is, and public ones."""
    if request.user.is_authenticated:
        context = {"my_communities": list(selectors.community_list_for_home(user=request.user))}
    else:
        context = {
            "public_communities": list(selectors.community_list_public_showcase(user=request.user))
        }
    return render(request, "communities/home.html", context)


def _get_community_for_user(request, slug) -> Community:
    community = get_object_or_404(Community, slug=slug)
    if not may_know_community(request.user, community):
        raise Http404
    return community


def community_home(request, slug):
    community = _get_community_for_user(request, slug)
    context = {
        "community": community,
        "may_read": may_read_community(request.user, community),
        "member_count": community.member_count,
    }
    return render(request, "communities/community_home.html", context)
