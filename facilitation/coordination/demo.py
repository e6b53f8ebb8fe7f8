"""Demo data for facilitation's coordination (called by seed_demo; idempotent).

The demo facilitator's work log over the last four months: some entries recorded
from their actions (automatic, some still without time), some typed in. The demo's
pending join requests (ed-flow-leaders) are left for the cross-community list.
"""

from datetime import timedelta

from django.utils import timezone

from facilitation.models import WorkLogEntry

Kind = WorkLogEntry.Kind
FACILITATOR = "facilitator@example.org"

# (days ago, community slug or None, kind, description, minutes, automatic)
ENTRIES = [
    (3, "safer-opioid-prescribing", Kind.MEETING, "Ran a meeting: Tapering case review", 60, True),
    (5, "ed-flow-leaders", Kind.ONBOARDING, "Approved Nia's request to join", 0, True),
    (9, None, Kind.COMMUNICATION, "Announcement: Spring learning exchange", 0, True),
    (
        12,
        "diabetes-patient-partners",
        Kind.COACHING,
        "Coached the new co-chairs on agendas",
        45,
        False,
    ),
    (18, "mental-health-peer-support", Kind.MODERATION, "Reviewed two reported replies", 20, False),
    (
        26,
        "safer-opioid-prescribing",
        Kind.BROKERAGE,
        "Shared “Tapering plan template” from ED Flow Leaders",
        0,
        True,
    ),
    (33, "ed-flow-leaders", Kind.MEETING, "Ran a meeting: Winter surge huddle", 90, True),
    (
        41,
        "diabetes-patient-partners",
        Kind.ONBOARDING,
        "Welcome calls with three new patient partners",
        75,
        False,
    ),
    (55, None, Kind.OTHER, "Facilitation team planning day", 240, False),
    (
        68,
        "mental-health-peer-support",
        Kind.COACHING,
        "Charter review workshop with the core group",
        120,
        False,
    ),
    (
        84,
        "safer-opioid-prescribing",
        Kind.ONBOARDING,
        "Invited 12 people by bulk invitation",
        30,
        True,
    ),
    (
        101,
        "ed-flow-leaders",
        Kind.BROKERAGE,
        "Linked ED flow leaders with the sepsis network",
        40,
        False,
    ),
]


def seed(users, communities):
    facilitator = users.get(FACILITATOR)
    if facilitator is None:
        return
    # Seeded together, so one marker row says the whole log is there already.
    if WorkLogEntry.objects.filter(facilitator=facilitator, source__startswith="demo").exists():
        return
    today = timezone.localdate()
    rows = []
    for n, (days_ago, slug, kind, description, minutes, automatic) in enumerate(ENTRIES):
        rows.append(
            WorkLogEntry(
                facilitator=facilitator,
                community=communities.get(slug) if slug else None,
                kind=kind,
                description=description,
                minutes=minutes,
                occurred_on=today - timedelta(days=days_ago),
                source=f"demo:{n}" if automatic else "",
            )
        )
    WorkLogEntry.objects.bulk_create(rows)
