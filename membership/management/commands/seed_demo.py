"""Demo data for a first run: one account per kind of user, and their communities.

Idempotent: running it again updates the same rows and creates no duplicates.
Refuses to run unless DEBUG is on or --force is given, so the shared demo password
never reaches a real deployment by accident. Writes go through the services, so
permissions, counts and the audit log are what real use would leave.
"""

from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from communities.models import Charter, Community
from communities.services import charter_update
from membership.messaging.demo import seed_joined_activities
from membership.models import Invitation, JoinRequest, Membership, OnboardingStep, User
from membership.services import (
    facilitator_assign,
    invitation_create,
    join_request_create,
    membership_ensure,
    membership_set_role,
    membership_sort_name_sync,
    onboarding_step_set,
    onboarding_steps_create_defaults,
)

DEMO_PASSWORD = "demo-password-2026"

Level = Membership.Level
Role = Membership.Role
PlatformRole = User.PlatformRole
Stakeholder = User.StakeholderType
Visibility = Community.Visibility
JoinPolicy = Community.JoinPolicy
Stage = Community.Stage

# (email, display name, stakeholder type, platform role, is admin, organisation,
#  expertise, what they are for)
DEMO_ACCOUNTS = [
    (
        "admin@example.org",
        "Ada Admin",
        Stakeholder.MANAGER,
        PlatformRole.MEMBER,
        True,
        "Regional Health Authority",
        ["platform administration"],
        "platform admin: the admin site and every community",
    ),
    (
        "facilitator@example.org",
        "Farah Facilitator",
        Stakeholder.MANAGER,
        PlatformRole.FACILITATOR,
        False,
        "Learning Health System Office",
        ["facilitation", "knowledge mobilisation"],
        "facilitator of four communities; approves new ones",
    ),
    (
        "leader@example.org",
        "Lee Leader",
        Stakeholder.MANAGER,
        PlatformRole.LEADER,
        False,
        "Regional Health Authority",
        ["health system strategy"],
        "health-system leader: reports and public content",
    ),
    (
        "core@example.org",
        "Chidi Core",
        Stakeholder.CLINICIAN,
        PlatformRole.MEMBER,
        False,
        "Northside Family Health Team",
        ["opioid tapering", "primary care"],
        "core member and co-chair of Safer Opioid Prescribing",
    ),
    (
        "active@example.org",
        "Aiko Active",
        Stakeholder.RESEARCHER,
        PlatformRole.MEMBER,
        False,
        "University Health Research Institute",
        ["evaluation", "qualitative research"],
        "active member; coordinator of Mental Health Peer Support",
    ),
    (
        "peripheral@example.org",
        "Pat Peripheral",
        Stakeholder.EDUCATOR,
        PlatformRole.MEMBER,
        False,
        "College of Nursing",
        ["simulation teaching"],
        "peripheral member, mostly reading",
    ),
    (
        "patient@example.org",
        "Morgan Patient-Partner",
        Stakeholder.PATIENT_CARER_PUBLIC,
        PlatformRole.MEMBER,
        False,
        "",
        ["living with type 2 diabetes", "peer support"],
        "patient partner who chairs Patient Partners in Diabetes Care",
    ),
    (
        "newcomer@example.org",
        "Noor Newcomer",
        Stakeholder.CLINICIAN,
        PlatformRole.MEMBER,
        False,
        "Eastside Hospital",
        ["emergency nursing"],
        "belongs to no community yet: has an invitation and a pending request",
    ),
]

# (slug, name, visibility, join policy, stage, topics, purpose)
DEMO_COMMUNITIES = [
    (
        "safer-opioid-prescribing",
        "Safer Opioid Prescribing in Primary Care",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        Stage.MATURING,
        ["opioids", "primary care", "pharmacy"],
        "Family physicians, pharmacists and patients sharing ways to taper and prescribe "
        "opioids safely in primary care.",
    ),
    (
        "diabetes-patient-partners",
        "Patient Partners in Diabetes Care",
        Visibility.PUBLIC,
        JoinPolicy.REQUEST,
        Stage.COALESCING,
        ["diabetes", "patient engagement"],
        "People living with diabetes, carers and clinicians co-designing education and "
        "follow-up that works for patients.",
    ),
    (
        "mental-health-peer-support",
        "Mental Health Peer Support Workers",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        Stage.POTENTIAL,
        ["mental health", "peer support"],
        "Peer support workers and the teams around them sharing practice, supervision "
        "models and wellbeing.",
    ),
    (
        "ed-flow-leaders",
        "Emergency Department Flow Leaders",
        Visibility.PRIVATE,
        JoinPolicy.REQUEST,
        Stage.STEWARDSHIP,
        ["emergency care", "patient flow"],
        "Charge nurses and ED physicians comparing what shortens waits and boarding across sites.",
    ),
    (
        "dementia-care-homes",
        "Dementia Care Home Network",
        Visibility.PRIVATE,
        JoinPolicy.INVITATION,
        Stage.COALESCING,
        ["dementia", "long-term care"],
        "Care home managers, nurses and family carers improving daily life for residents "
        "living with dementia.",
    ),
    (
        "regional-quality-team",
        "Regional Quality Team",
        Visibility.HIDDEN,
        JoinPolicy.INVITATION,
        Stage.MATURING,
        ["quality improvement"],
        "The regional quality improvement team's own working space.",
    ),
]

# email -> [(community slug, level, role)]
DEMO_MEMBERSHIPS = {
    "core@example.org": [
        ("safer-opioid-prescribing", Level.CORE, Role.CO_CHAIR),
        ("ed-flow-leaders", Level.ACTIVE, ""),
    ],
    "active@example.org": [
        ("safer-opioid-prescribing", Level.ACTIVE, ""),
        ("diabetes-patient-partners", Level.ACTIVE, ""),
        ("mental-health-peer-support", Level.CORE, Role.COORDINATOR),
    ],
    "peripheral@example.org": [
        ("safer-opioid-prescribing", Level.PERIPHERAL, ""),
        ("ed-flow-leaders", Level.PERIPHERAL, ""),
        ("mental-health-peer-support", Level.PERIPHERAL, ""),
    ],
    "patient@example.org": [
        ("diabetes-patient-partners", Level.CORE, Role.CHAIR),
        ("safer-opioid-prescribing", Level.PERIPHERAL, Role.PATIENT_PARTNER),
        ("dementia-care-homes", Level.ACTIVE, ""),
    ],
    "facilitator@example.org": [("regional-quality-team", Level.CORE, Role.CHAIR)],
    "admin@example.org": [("dementia-care-homes", Level.CORE, "")],
}
DEMO_FACILITATION = {
    "facilitator@example.org": [
        "safer-opioid-prescribing",
        "diabetes-patient-partners",
        "ed-flow-leaders",
        "mental-health-peer-support",
    ],
}
# (email, community slug, message)
DEMO_JOIN_REQUESTS = [
    (
        "newcomer@example.org",
        "ed-flow-leaders",
        "I lead night shifts at Eastside ED and would like to learn from other sites.",
    ),
    ("active@example.org", "ed-flow-leaders", "Evaluating flow interventions for my research."),
]
# (community slug, invited by, email, level)
DEMO_INVITATIONS = [
    ("dementia-care-homes", "admin@example.org", "newcomer@example.org", Level.PERIPHERAL),
    ("regional-quality-team", "facilitator@example.org", "new.colleague@example.org", Level.ACTIVE),
]
CHARTER_REVISIONS = [
    {
        "aims": "Share tapering plans that worked.",
        "change_note": "First aims agreed at the launch meeting.",
    },
    {
        "aims": "Share tapering plans that worked.\nAgree a common patient information "
        "leaflet.\nCut high-dose prescriptions in member practices by a fifth in a year.",
        "audience": "Family physicians, nurse practitioners, pharmacists, and patients "
        "with lived experience of long-term opioid use.",
        "participation": "Monthly online meeting; questions any time; a working group for "
        "the leaflet.",
        "ground_rules": "No patient-identifiable information. Be kind; assume good intent.",
        "change_note": "Aims widened after the first three months, with patients' input.",
    },
]
PROPOSED_COMMUNITY = (
    "virtual-care-nurses",
    "Virtual Care Nurses",
    "active@example.org",
    "Nurses delivering virtual visits sharing what keeps care safe and human.",
)


DEMO_SEEDERS = [
    "communities.discussions.demo",
    "communities.events.demo",
    "membership.messaging.demo",
    "knowledge.demo",
    "knowledge.glossary_demo",
    "communities.discussions.interactions_demo",
    "facilitation.alignment.demo",
    "facilitation.coordination.demo",
    "facilitation.dashboard.demo",
    "facilitation.reports.demo",
    "membership.notifications.demo",
    "membership.notifications.settings_demo",
    # Last: the dashboard's and the report's precomputed figures, from all the above.
    "facilitation.snapshots.demo",
]


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
            users = {row[0]: self._ensure_account(*row[:7]) for row in DEMO_ACCOUNTS}
            communities = {row[0]: self._ensure_community(*row) for row in DEMO_COMMUNITIES}
            for email, slugs in DEMO_FACILITATION.items():
                for slug in slugs:
                    facilitator_assign(user=users[email], community=communities[slug], actor=None)
            for email, rows in DEMO_MEMBERSHIPS.items():
                for slug, level, role in rows:
                    membership = membership_ensure(
                        user=users[email], community=communities[slug], level=level
                    )
                    if membership.role != role:
                        membership_set_role(
                            membership=membership, role=role, role_title="", actor=None
                        )
            self._ensure_onboarding(users, communities)
            self._ensure_charter_history(
                communities["safer-opioid-prescribing"], users["core@example.org"]
            )
            for email, slug, message in DEMO_JOIN_REQUESTS:
                if not JoinRequest.objects.filter(
                    user=users[email], community=communities[slug]
                ).exists():
                    join_request_create(
                        user=users[email], community=communities[slug], message=message
                    )
            for slug, inviter, email, level in DEMO_INVITATIONS:
                if not Invitation.objects.filter(community=communities[slug], email=email).exists():
                    invitation_create(
                        community=communities[slug],
                        email=email,
                        level=level,
                        message="We would value your experience.",
                        actor=users[inviter],
                    )
            self._ensure_proposed_community(users)
            # Each feature seeds its own demo content: seed(users, communities), keyed
            # by email and slug, idempotent like the rest.
            for seeder in DEMO_SEEDERS:
                import_module(seeder).seed(users, communities)
            # Later seeders add members too: their "joined" feed rows are written now,
            # so a second run finds nothing left to add.
            seed_joined_activities(communities)

        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Every account's password: {DEMO_PASSWORD}")
        )
        for email, *_rest, story in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<26} {story}")

    def _ensure_account(
        self,
        email,
        display_name,
        stakeholder_type,
        platform_role,
        is_admin,
        organisation,
        expertise,
    ):
        user, created = User.objects.update_or_create(
            email=email,
            defaults={
                "display_name": display_name,
                "stakeholder_type": stakeholder_type,
                "platform_role": platform_role,
                "organisation": organisation,
                "bio": f"{display_name} takes part in the demo communities.",
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.expertise.set(expertise)
        if not created:  # the demo name may have been edited and is now put back
            membership_sort_name_sync(user=user)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _ensure_community(self, slug, name, visibility, join_policy, stage, topics, purpose):
        community, _created = Community.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "visibility": visibility,
                "join_policy": join_policy,
                "stage": stage,
                "purpose": purpose,
                "status": Community.Status.ACTIVE,
                "welcome_message": f"Welcome to {name}! Start with the charter, then say hello.",
            },
        )
        if community.last_activity_at is None:
            community.last_activity_at = timezone.now()
            community.save(update_fields=["last_activity_at"])
        community.topics.set(topics)
        Charter.objects.get_or_create(community=community, defaults={"purpose": purpose})
        if not OnboardingStep.objects.filter(community=community).exists():
            onboarding_steps_create_defaults(community=community)
        return community

    def _ensure_onboarding(self, users, communities):
        # The core member has finished the first steps; the others have not started.
        membership = Membership.objects.get(
            user=users["core@example.org"], community=communities["safer-opioid-prescribing"]
        )
        for step in OnboardingStep.objects.filter(community=membership.community)[:3]:
            onboarding_step_set(membership=membership, step=step, done=True)

    def _ensure_charter_history(self, community, author):
        charter = community.charter
        if charter.history.count() > len(CHARTER_REVISIONS):
            return
        for revision in CHARTER_REVISIONS:
            sections = {k: v for k, v in revision.items() if k != "change_note"}
            charter_update(
                charter=charter,
                actor=author,
                sections=sections,
                change_note=revision["change_note"],
                reviewed=True,
            )

    def _ensure_proposed_community(self, users):
        from communities.services import community_create

        slug, name, founder, purpose = PROPOSED_COMMUNITY
        if not Community.objects.filter(slug=slug).exists():
            community_create(
                founder=users[founder],
                name=name,
                purpose=purpose,
                visibility=Visibility.PUBLIC,
                join_policy=JoinPolicy.OPEN,
                topics=["virtual care", "nursing"],
            )
