"""Reads for the notification centre: one query per page, whatever its length."""

from datetime import datetime

from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce

from copplatform.pagination import KeysetPage, keyset_page
from membership import permissions
from membership.models import Notification, User

NOTIFICATIONS_PER_PAGE = 20


def notifications_page(*, user: User, cursor: str | None) -> KeysetPage:
    rows = permissions.notifications_visible_to(user).select_related("actor", "community")
    return keyset_page(rows, cursor, per_page=NOTIFICATIONS_PER_PAGE)


def notification_of(*, user: User, notification_id: int) -> Notification | None:
    """The user's own notification, or None (someone else's, or one about a community
    they may no longer read, is as good as missing)."""
    return (
        permissions.notifications_visible_to(user)
        .select_related("actor", "community")
        .filter(pk=notification_id)
        .first()
    )


def unread_count(*, user: User) -> int:
    return permissions.notifications_visible_to(user).filter(read_at=None).count()


def unread_count_and_email_failure(*, user: User) -> tuple[int, datetime | None]:
    """The unread count and, folded into the same query, since when the member's
    address has been refused (None if it works): the centre shows both."""
    unread = (
        permissions.notifications_visible_to(user)
        .filter(read_at=None)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(unread=Coalesce(Subquery(unread[:1]), 0))
        .values_list("unread", "notification_settings__email_failing_since")
        .first()
    )
    return row if row else (0, None)
