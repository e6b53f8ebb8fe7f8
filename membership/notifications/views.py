"""The notification centre: newest first, mark one or all read, follow one.

Every view answers a plain request with a page or a redirect and an htmx request
with a fragment (copplatform.htmx), so it all works without JavaScript too.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from copplatform.htmx import render_page_or_fragment, wants_fragment
from copplatform.pagination import CURSOR_PARAM

from . import selectors
from .services import notifications_mark_read


def _own(request, notification_id):
    found = selectors.notification_of(user=request.user, notification_id=notification_id)
    if found is None:
        raise Http404
    return found


def is_local_path(url: str) -> bool:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    return (
        bool(url)
        and url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


def _list_context(request, *, cursor=None):
    page = selectors.notifications_page(user=request.user, cursor=cursor)
    return {
        "page": page,
        "notifications": page.items,
        "unread_count": selectors.unread_count(user=request.user),
    }


@login_required
def notification_list(request):
    cursor = request.GET.get(CURSOR_PARAM)
    page = selectors.notifications_page(user=request.user, cursor=cursor)
    unread, email_failing_since = selectors.unread_count_and_email_failure(user=request.user)
    context = {
        "page": page,
        "notifications": page.items,
        "unread_count": unread,
        "email_failing_since": email_failing_since,
    }
    # "Show more" asks for the next page's rows only, appended below the others.
    return render_page_or_fragment(
        request,
        "membership/notifications/list.html",
        "membership/notifications/_items_fragment.html",
        context,
    )


@login_required
def notification_open(request, notification_id):
    """Follow a notification: it is marked read, then the reader goes where it points."""
    found = _own(request, notification_id)
    notifications_mark_read(recipient=request.user, notification_ids=[found.pk])
    return redirect(found.url if is_local_path(found.url) else "notifications:list")


@login_required
@require_POST
def notification_mark_read(request, notification_id):
    found = _own(request, notification_id)
    notifications_mark_read(recipient=request.user, notification_ids=[found.pk])
    if not wants_fragment(request):
        return redirect("notifications:list")
    found.refresh_from_db(fields=["read_at"])
    context = {
        "notification": found,
        "unread_count": selectors.unread_count(user=request.user),
        "oob_badge": True,
    }
    return render_page_or_fragment(
        request,
        "membership/notifications/list.html",
        "membership/notifications/_item_fragment.html",
        context,
    )


@login_required
@require_POST
def notification_mark_all_read(request):
    notifications_mark_read(recipient=request.user)
    if not wants_fragment(request):
        return redirect("notifications:list")
    context = {**_list_context(request), "oob_badge": True, "all_read_now": True}
    return render_page_or_fragment(
        request,
        "membership/notifications/list.html",
        "membership/notifications/_list_fragment.html",
        context,
    )
