"""The demo seeder gives a few demo people varied email settings, idempotently."""

from io import StringIO

from django.core.management import call_command

from membership.models import Membership, NotificationSettings


def _snapshot():
    rows = {
        row.user.email: (row.frequency, tuple(row.news_kinds), row.quiet_start, row.quiet_end)
        for row in NotificationSettings.objects.select_related("user")
    }
    memberships = set(
        Membership.objects.exclude(email_frequency="", announcement_email=True).values_list(
            "user__email", "community__slug", "email_frequency", "announcement_email"
        )
    )
    return rows, memberships


def test_demo_people_get_varied_email_settings_once(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    first = _snapshot()
    call_command("seed_demo", force=True, stdout=StringIO())

    rows, memberships = _snapshot()
    assert (rows, memberships) == first
    assert rows["active@example.org"][0] == "weekly"
    assert ("active@example.org", "mental-health-peer-support", "instant", True) in memberships
    assert ("active@example.org", "diabetes-patient-partners", "", False) in memberships
    assert (
        rows["patient@example.org"][2] is not None
        and "reminders" not in rows["patient@example.org"][1]
    )
    failing = NotificationSettings.objects.exclude(email_failing_since=None)
    assert [row.user.email for row in failing] == ["newcomer@example.org"]
