"""Background work for discussions: announcement emails."""

from celery import shared_task

from membership.tasks import EMAIL_RETRY


@shared_task(name="discussions.send_announcement", **EMAIL_RETRY)
def send_announcement(*, thread_id: int):
    """Email an announcement to the community's members (idempotent: see the service)."""
    from .models import Thread
    from .services import announcement_deliver

    thread = (
        Thread.objects.select_related("community", "author")
        .filter(pk=thread_id, kind=Thread.Kind.ANNOUNCEMENT, deleted_at=None, is_hidden=False)
        .first()
    )
    if thread is None:
        return 0
    return announcement_deliver(thread=thread)
