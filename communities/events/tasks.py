"""Celery tasks for events: the in-app reminder sweep (beat). Reminder emails go
through the email engine (membership/notifications/reminders/events.py)."""

from celery import shared_task


@shared_task(name="events.send_event_reminders")
def send_event_reminders():
    """Every 15 minutes (beat): remind those going to a meeting in the next 24 hours,
    in the app.

    Takes no arguments; safe to run as often as wanted (each reminder is claimed once).
    """
    from .services import reminders_send

    return reminders_send()
