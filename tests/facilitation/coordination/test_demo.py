"""The coordination demo: a work log for the demo facilitator, and join requests
waiting in a community they facilitate; made once."""

from io import StringIO

from django.core.management import call_command

from facilitation.coordination import selectors
from facilitation.models import WorkLogEntry
from membership.models import User


def test_demo_work_log_is_filled_once(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("seed_demo", force=True, stdout=StringIO())
    facilitator = User.objects.get(email="facilitator@example.org")
    entries = WorkLogEntry.objects.filter(facilitator=facilitator)
    automatic = entries.exclude(source="")
    assert automatic.exists() and entries.filter(source="").exists()
    assert automatic.filter(minutes=0).exists()
    assert entries.count() >= 10
    assert entries.values("occurred_on__month").distinct().count() >= 3
    assert selectors.join_requests_pending_for(user=facilitator).exists()
