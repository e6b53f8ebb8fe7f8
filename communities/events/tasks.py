"""Celery tasks for events: the reminder sweep (beat) and reminder emails."""

from celery import shared_task
from django.utils import timezone

from copplatform.emails import absolute_url, send_templated_email
from membership.tasks import EMAIL_RETRY


@shared_task(name="events.send_event_reminders")
def send_event_reminders():
    """Every 15 minutes (beat): remind those going to a meeting in the next 24 hours.

    Takes no arguments; safe to run as often as wanted (each reminder is claimed once).
    """
    from .services import reminders_send

    return reminders_send()


@shared_task(name="events.send_reminder_email", **EMAIL_RETRY)
def send_reminder_email(*, reminder_id: int):
    from membership import permissions

    from .models import ReminderSent

    reminder = (
        ReminderSent.objects.select_related("occurrence__event__community", "user")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return
    occurrence, person = reminder.occurrence, reminder.user
    if occurrence.is_off or not person.is_active:
        return
    if not permissions.may_read_event(person, occurrence.event):
        return
    with timezone.override(person.time_zone):
        send_templated_email(
            template_prefix="communities/events/emails/reminder",
            to=[person.email],
            context={
                "person": person,
                "occurrence": occurrence,
                "event": occurrence.event,
                "community": occurrence.event.community,
                "time_zone": person.time_zone,
                "occurrence_url": absolute_url(occurrence.get_absolute_url()),
            },
        )
