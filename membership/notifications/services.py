from collections.abc import Iterable

from django.utils import timezone

from .models import Notification


def notify(
    recipients: Iterable,
    *,
    kind: str,
    actor,
    title: str,
    url: str,
    community=None,
) -> list[Notification]:
    """Notify each recipient once; the actor is never notified of their own doing.

    Callers pass only people who may see what the notification points to: the
    notification repeats its title, so it must not reach anyone who may not read it.
    """
    seen, rows = set(), []
    actor_id = getattr(actor, "pk", None)
    for person in recipients:
        if person.pk in seen or person.pk == actor_id or not person.is_active:
            continue
        seen.add(person.pk)
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                actor=actor,
                community=community,
                title=title[:200],
                url=url,
            )
        )
    return Notification.objects.bulk_create(rows)


def notifications_mark_read(*, recipient, notification_ids=None) -> int:
    """Mark some (or, with no ids, all) of a person's notifications read."""
    unread = Notification.objects.filter(recipient=recipient, read_at=None)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
