"""The community activity feed and the personal "New in my communities" feed.

Newest first, keyset-paginated (?before=); "Show more" appends the next rows with
htmx and is a plain link without JavaScript.
"""

from django.contrib.auth.decorators import login_required

from copplatform.htmx import render_page_or_fragment
from copplatform.pagination import CURSOR_PARAM
from membership import permissions

from . import selectors

FRAGMENT = "communities/activity/_items_fragment.html"


def community_feed(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_read_community
    )
    page = selectors.community_feed_page(
        user=request.user, community=community, cursor=request.GET.get(CURSOR_PARAM)
    )
    context = {"community": community, "page": page, "activities": page.items}
    return render_page_or_fragment(
        request, "communities/activity/community_feed.html", FRAGMENT, context
    )


@login_required
def home_feed(request):
    page = selectors.home_feed_page(user=request.user, cursor=request.GET.get(CURSOR_PARAM))
    context = {"page": page, "activities": page.items}
    return render_page_or_fragment(
        request, "communities/activity/home_feed.html", FRAGMENT, context
    )
