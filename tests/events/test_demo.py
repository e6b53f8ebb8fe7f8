"""The events demo: idempotent, and it shows every part of the feature."""

from io import StringIO

from django.core.management import call_command

from communities.events.models import Action, AgendaItem, Attendance, Event, Rsvp


def test_seeding_twice_makes_the_demo_once(db):
    for _ in range(2):
        call_command("seed_demo", force=True, stdout=StringIO())
    assert Event.objects.count() == 2
    assert set(Event.objects.values_list("community__visibility", "recurrence")) == {
        ("public", "monthly_weekday"),
        ("private", "fortnightly"),
    }
    assert Rsvp.objects.filter(response="waiting").count() == 1
    assert Attendance.objects.exists()
    open_action = Action.objects.get(status="open")
    assert open_action.owner.email == "core@example.org"
    proposed = AgendaItem.objects.filter(
        status="proposed", proposed_by__email="peripheral@example.org"
    )
    assert proposed.count() == 2
    assert Event.objects.get(recurrence="monthly_weekday").occurrences.exclude(minutes="").exists()
