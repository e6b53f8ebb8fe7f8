"""Demo data for a first run: one account per kind of user, and their communities.

Idempotent: running it again updates the same rows and creates no duplicates.
Refuses to run unless DEBUG is on or --force is given, so the shared demo password
never reaches a real deployment by accident.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from communities.models import Community
from membership.models import Membership, User
from membership.services import facilitator_assign, membership_set_level

DEMO_PASSWORD = "demo-password-2026"

Level = Membership.Level
Role = User.PlatformRole
Stakeholder = User.StakeholderType
Visibility = Community.Visibility

# (email, display name, stakeholder type, platform role, is admin, what they are for)
DEMO_ACCOUNTS = [
    (
        "admin@example.org",
        "Ada Admin",
        Stakeholder.MANAGER,
        Role.MEMBER,
        True,
        "platform admin: the admin site and every community",
    ),
    (
        "facilitator@example.org",
        "Farah Facilitator",
        Stakeholder.MANAGER,
        Role.FACILITATOR,
        False,
        "facilitator of three communities",
    ),
    (
        "leader@example.org",
        "Lee Leader",
        Stakeholder.MANAGER,
        Role.LEADER,
        False,
        "health-system leader: reports and public content",
    ),
    (
        "core@example.org",
        "Chidi Core",
        Stakeholder.CLINICIAN,
        Role.MEMBER,
        False,
        "core member of Safer Opioid Prescribing",
    ),
    (
        "active@example.org",
        "Aiko Active",
        Stakeholder.RESEARCHER,
        Role.MEMBER,
        False,
        "active member",
    ),
    (
        "peripheral@example.org",
        "Pat Peripheral",
        Stakeholder.EDUCATOR,
        Role.MEMBER,
        False,
        "peripheral member, mostly reading",
    ),
    (
        "patient@example.org",
        "Morgan Patient-Partner",
        Stakeholder.PATIENT_CARER_PUBLIC,
        Role.MEMBER,
        False,
        "patient partner, core member of Patient Partners in Diabetes Care",
    ),
    (
        "newcomer@example.org",
        "Noor Newcomer",
        Stakeholder.CLINICIAN,
        Role.MEMBER,
        False,
        "signed up, belongs to no community yet",
    ),
]

DEMO_COMMUNITIES = [
    (
        "safer-opioid-prescribing",
        "Safer Opioid Prescribing in Primary Care",
        Visibility.PUBLIC,
        "Family physicians, pharmacists and patients sharing ways to taper and prescribe "
        "opioids safely in primary care.",
    ),
    (
        "diabetes-patient-partners",
        "Patient Partners in Diabetes Care",
        Visibility.PUBLIC,
        "People living with diabetes, carers and clinicians co-designing education and "
        "follow-up that works for patients.",
    ),
    (
        "ed-flow-leaders",
        "Emergency Department Flow Leaders",
        Visibility.PRIVATE,
        "Charge nurses and ED physicians comparing what shortens waits and boarding across sites.",
    ),
    (
        "regional-quality-team",
        "Regional Quality Team",
        Visibility.HIDDEN,
        "The regional quality improvement team's own working space.",
    ),
]

# email -> [(community slug, level)]
DEMO_MEMBERSHIPS = {
    "core@example.org": [
        ("safer-opioid-prescribing", Level.CORE),
        ("ed-flow-leaders", Level.ACTIVE),
    ],
    "active@example.org": [
        ("safer-opioid-prescribing", Level.ACTIVE),
        ("diabetes-patient-partners", Level.ACTIVE),
    ],
    "peripheral@example.org": [
        ("safer-opioid-prescribing", Level.PERIPHERAL),
        ("ed-flow-leaders", Level.PERIPHERAL),
    ],
    "patient@example.org": [
        ("diabetes-patient-partners", Level.CORE),
        ("safer-opioid-prescribing", Level.PERIPHERAL),
    ],
    "facilitator@example.org": [("regional-quality-team", Level.CORE)],
}
DEMO_FACILITATION = {
    "facilitator@example.org": [
        "safer-opioid-prescribing",
        "diabetes-patient-partners",
        "ed-flow-leaders",
    ],
}


class Command(BaseCommand):
    help = "Create or refresh the demo accounts and communities (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "seed_demo creates accounts with a shared, published password. "
                "Run it only with DEBUG=true, or pass --force on a throwaway database."
            )
        with transaction.atomic():
            users = {row[0]: self._ensure_account(*row[:5]) for row in DEMO_ACCOUNTS}
            communities = {row[0]: self._ensure_community(*row) for row in DEMO_COMMUNITIES}
            for email, memberships in DEMO_MEMBERSHIPS.items():
                for slug, level in memberships:
                    membership_set_level(
                        user=users[email], community=communities[slug], level=level
                    )
            for email, slugs in DEMO_FACILITATION.items():
                for slug in slugs:
                    facilitator_assign(user=users[email], community=communities[slug])

        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Every account's password: {DEMO_PASSWORD}")
        )
        for email, _name, _type, _role, _admin, story in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<26} {story}")

    def _ensure_account(self, email, display_name, stakeholder_type, platform_role, is_admin):
        user, _created = User.objects.update_or_create(
            email=email,
            defaults={
                "display_name": display_name,
                "stakeholder_type": stakeholder_type,
                "platform_role": platform_role,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _ensure_community(self, slug, name, visibility, purpose):
        community, _created = Community.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "visibility": visibility,
                "purpose": purpose,
            },
        )
        if community.last_activity_at is None:
            community.last_activity_at = timezone.now()
            community.save(update_fields=["last_activity_at"])
        return community
