"""Background work for knowledge items: reminding moderators of reviews that are due."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from membership.models import Notification
from membership.notifications.services import notify
from membership.permissions import Perm, users_who_may


@shared_task(name="knowledge.notify_reviews_due")
def notify_reviews_due() -> int:
    """Tell each community's moderators about its items due for review, once per item
    and due date (run daily by beat; running it twice notifies no one twice)."""
    from .selectors import items_due_for_review

    sent = 0
    for item in items_due_for_review(now=timezone.now()):
        url = item.get_absolute_url()
        already = set(
            Notification.objects.filter(
                kind=Notification.Kind.REVIEW_DUE,
                url=url,
                created_at__gte=item.review_due_at,
            ).values_list("recipient_id", flat=True)
        )
        recipients = [
            person
            for person in users_who_may(Perm.MODERATE, item.community)
            if person.pk not in already
        ]
        with transaction.atomic():
            sent += len(
                notify(
                    recipients,
                    kind=Notification.Kind.REVIEW_DUE,
                    actor=None,
                    title=item.title,
                    url=url,
                    community=item.community,
                )
            )
    return sent
