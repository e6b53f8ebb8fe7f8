"""The demo seeder for messages, notifications and joined activities is idempotent."""

from io import StringIO

from django.core.management import call_command

from communities.models import Activity
from membership.messaging import selectors
from membership.models import Conversation, Message, Notification, User


def _counts():
    return (
        Conversation.objects.count(),
        Message.objects.count(),
        Notification.objects.count(),
        Activity.objects.filter(verb=Activity.Verb.MEMBER_JOINED).count(),
    )


def test_demo_gives_core_unread_messages_and_notifications_once(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    before = _counts()
    call_command("seed_demo", force=True, stdout=StringIO())

    core = User.objects.get(email="core@example.org")
    assert _counts() == before
    assert selectors.unread_conversation_count(user=core) == 2
    assert Notification.objects.filter(recipient=core, read_at=None).count() >= 3
    assert before[3] > 0
