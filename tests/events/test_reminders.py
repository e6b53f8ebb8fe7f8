"""In-app reminders a day before: to those going, once per person per meeting. (The
reminder emails go through the email engine: tests/notifications/email/
test_reminders_events.py.)"""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from communities.events import services
from communities.events.models import ReminderSent
from communities.events.tasks import send_event_reminders
from membership.models import Notification
from membership.services import membership_leave
from tests.factories import MembershipFactory

from .factories import make_event, meeting_of

Kind = Notification.Kind


def _soon(community, organiser, hours):
    start = timezone.now() + timedelta(hours=hours)
    return meeting_of(make_event(community, organiser, starts_at=start))


def test_those_going_in_the_next_day_are_reminded_exactly_once(
    community, core, peripheral, active, django_capture_on_commit_callbacks
):
    tomorrow = _soon(community, core, hours=20)
    later = _soon(community, core, hours=40)
    services.rsvp_set(occurrence=tomorrow, user=peripheral, response="going")
    services.rsvp_set(occurrence=tomorrow, user=active, response="maybe")
    services.rsvp_set(occurrence=later, user=active, response="going")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminders() == 0
        assert services.reminders_send() == 0

    reminders = Notification.objects.filter(kind=Kind.EVENT_REMINDER)
    assert list(reminders.values_list("recipient", flat=True)) == [peripheral.pk]
    assert reminders.get().url == tomorrow.get_absolute_url()
    assert ReminderSent.objects.count() == 1
    # No email from this path: the engine's event_reminder_day sends it, once.
    assert mail.outbox == []


def test_the_later_meeting_is_reminded_when_its_day_comes(community, core, active):
    later = _soon(community, core, hours=40)
    services.rsvp_set(occurrence=later, user=active, response="going")
    assert services.reminders_send() == 0
    assert services.reminders_send(now=timezone.now() + timedelta(hours=20)) == 1


def test_no_reminder_for_a_cancelled_meeting(community, core, peripheral):
    meeting = _soon(community, core, hours=10)
    services.rsvp_set(occurrence=meeting, user=peripheral, response="going")
    services.occurrence_set_cancelled(occurrence=meeting, actor=core, cancelled=True)
    assert services.reminders_send() == 0


def test_no_reminder_after_leaving_a_private_community(private_community, private_member):
    organiser = MembershipFactory(community=private_community, level="core").user
    meeting = _soon(private_community, organiser, hours=10)
    services.rsvp_set(occurrence=meeting, user=private_member, response="going")
    membership_leave(user=private_member, community=private_community)
    assert services.reminders_send() == 0
    assert not Notification.objects.filter(recipient=private_member).exists()


def test_the_reminder_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "events.send_event_reminders" in tasks
