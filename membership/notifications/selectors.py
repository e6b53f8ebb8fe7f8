"""Reads for the notification centre: one query per page, whatever its length."""

from copplatform.pagination import KeysetPage, keyset_page
from membership.models import Notification, User

NOTIFICATIONS_PER_PAGE = 20


def notifications_page(*, user: User, cursor: str | None) -> KeysetPage:
    rows = Notification.objects.filter(recipient=user).select_related("actor", "community")
    return keyset_page(rows, cursor, per_page=NOTIFICATIONS_PER_PAGE)


def notification_of(*, user: User, notification_id: int) -> Notification | None:
    """The user's own notification, or None (someone else's is as good as missing)."""
    if not user.is_authenticated:
        return None
    return (
        Notification.objects.select_related("actor", "community")
        .filter(pk=notification_id, recipient=user)
        .first()
    )


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()
