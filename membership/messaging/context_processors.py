"""The unread counts in the navigation: messages and notifications, in one query."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

from membership import permissions
from membership.models import User

from .selectors import unread_conversations_subquery


def _unread_counts(user) -> dict:
    # Only notifications the person may still see (permissions.notifications_visible_to).
    notifications = (
        permissions.notifications_visible_to(user)
        .filter(read_at=None)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            unread_messages=unread_conversations_subquery(OuterRef("pk")),
            unread_notifications=Coalesce(Subquery(notifications[:1]), 0),
        )
        .values("unread_messages", "unread_notifications")
        .first()
    )
    return {
        "messages": row["unread_messages"] if row else 0,
        "notifications": row["unread_notifications"] if row else 0,
    }


def nav_counts(request):
    """`unread.messages` and `unread.notifications` for signed-in people, computed
    only when a template reads them (htmx fragments that do not, cost nothing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": SimpleLazyObject(lambda: _unread_counts(user))}
