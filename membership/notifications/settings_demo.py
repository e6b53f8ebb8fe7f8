"""Demo email settings, called by `seed_demo`: a few people with varied choices so
the settings page, the failing-address notice and the planners have something to
show. Idempotent: the same rows get the same choices on every run (the failing
address is dated three days before the latest run)."""

from datetime import time, timedelta

from django.utils import timezone

from membership.models import Membership, User

from .models import Frequency, NewsKind, NotificationSettings

# email -> overall choices
DEMO_SETTINGS = {
    # A weekly reader (the digest demo gives them last week's digest) who hears from
    # one community the moment something happens.
    "active@example.org": {"frequency": Frequency.WEEKLY},
    # Quiet hours across midnight, and no reminders or nudges.
    "patient@example.org": {
        "frequency": Frequency.WEEKLY,
        "quiet_start": time(21, 30),
        "quiet_end": time(7, 30),
        "news_kinds": [kind for kind in NewsKind.values if kind != NewsKind.REMINDERS],
    },
    # An address the mail server refused: the settings page asks them about it. The
    # newcomer, who is in no community yet, so the digest demo's readers still get mail.
    "newcomer@example.org": {
        "frequency": Frequency.WEEKLY,
        "email_failing_since": None,  # three days before the seeding, set below
        "email_failure": "550 5.1.1 No such mailbox (newcomer@example.org)",
    },
}
# (email, community slug) -> membership choices
DEMO_MEMBERSHIP_EMAIL = {
    ("active@example.org", "mental-health-peer-support"): {
        "email_frequency": Membership.EmailFrequency.INSTANT
    },
    ("active@example.org", "diabetes-patient-partners"): {"announcement_email": False},
    ("core@example.org", "ed-flow-leaders"): {"email_frequency": Membership.EmailFrequency.NONE},
}
FAILING = "newcomer@example.org"


def seed(users: dict[str, User], communities: dict) -> None:
    for email, values in DEMO_SETTINGS.items():
        if email == FAILING:
            values = {**values, "email_failing_since": timezone.now() - timedelta(days=3)}
        NotificationSettings.objects.update_or_create(user=users[email], defaults=values)
    for (email, slug), values in DEMO_MEMBERSHIP_EMAIL.items():
        Membership.objects.filter(user=users[email], community=communities[slug]).update(**values)
