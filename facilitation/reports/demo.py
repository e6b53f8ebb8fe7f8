"""Demo data for facilitation's reports (called last by seed_demo; idempotent).

The demo leader must see a filled report. The other seeders make a handful of
people and this month's content; a report over twelve months would then be flat and
every people count suppressed (fewer than 5). So this adds colleagues to each
community (joined across the past year, of several stakeholder types, most of them
peripheral as in any real community) and a little older discussion, and fills in
priorities, learning-cycle stages, confirmed value stories and work-log entries only
where no other seeder made any. Keyed by email, title and description: a second run
changes nothing.

Older rows are written straight to the database with their past dates: going
through the services would stamp them with today and put them in this week's feeds.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from communities.activity.services import activity_record
from communities.models import Activity, Post, Thread
from facilitation.models import (
    CommunityLearningStage,
    LearningStage,
    StrategicPriority,
    ValueStory,
    WorkLogEntry,
)
from membership.models import Membership, User
from membership.services import membership_ensure

Level = Membership.Level
Type = User.StakeholderType

FIRST = [
    "Amara", "Bashir", "Carmen", "Dmitri", "Efua", "Farid", "Greta", "Hiro", "Ines",
    "Jonas", "Kemi", "Luca", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa",
    "Sami", "Tomas", "Uma", "Viktor", "Wen", "Yara", "Zane",
]  # fmt: skip
LAST = [
    "Abara", "Brennan", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Haddad",
    "Ito", "Jansen", "Kowalski", "Lindqvist", "Mensah", "Novak", "Okafor",
]  # fmt: skip

# slug -> (how many colleagues, stakeholder types they cycle through)
COLLEAGUES = {
    "safer-opioid-prescribing": (26, [Type.CLINICIAN, Type.CLINICIAN, Type.PATIENT_CARER_PUBLIC,
                                      Type.RESEARCHER, Type.CLINICIAN, Type.MANAGER]),
    "diabetes-patient-partners": (18, [Type.PATIENT_CARER_PUBLIC, Type.CLINICIAN,
                                       Type.PATIENT_CARER_PUBLIC, Type.EDUCATOR]),
    "mental-health-peer-support": (12, [Type.THIRD_SECTOR, Type.CLINICIAN, Type.OTHER]),
    "ed-flow-leaders": (20, [Type.CLINICIAN, Type.MANAGER, Type.CLINICIAN, Type.RESEARCHER]),
    "dementia-care-homes": (15, [Type.MANAGER, Type.PATIENT_CARER_PUBLIC, Type.CLINICIAN]),
    "regional-quality-team": (7, [Type.MANAGER, Type.RESEARCHER]),
}  # fmt: skip

# slug -> [(months ago, title, replies)]
EARLIER_THREADS = {
    "safer-opioid-prescribing": [
        (11, "Pharmacy hand-offs when a taper starts", 3),
        (9, "Naloxone kits: who hands them out in your practice?", 4),
        (7, "Audit results from the first six months", 2),
        (5, "Patient leaflet: second draft for comments", 5),
        (3, "Tapering in patients with sickle cell disease", 2),
    ],
    "diabetes-patient-partners": [
        (10, "What we want from a follow-up call", 4),
        (6, "Foot checks: making the letter readable", 3),
        (2, "Co-design day: what went well", 2),
    ],
    "mental-health-peer-support": [
        (8, "Supervision models that work for peer workers", 3),
        (4, "Keeping well after a hard shift", 2),
    ],
    "ed-flow-leaders": [
        (11, "Boarding hours: how each site counts them", 4),
        (8, "Rapid assessment zones, one year on", 3),
        (5, "Winter surge plan comparisons", 4),
        (2, "Discharge lounges: worth it?", 2),
    ],
    "dementia-care-homes": [
        (9, "Music at mealtimes", 3),
        (6, "Family visits after the outbreak rules ended", 2),
    ],
}

PRIORITIES = [
    ("Safer prescribing", ["safer-opioid-prescribing", "dementia-care-homes"]),
    ("Shorter waits in emergency care", ["ed-flow-leaders", "regional-quality-team"]),
    ("Care designed with patients", ["diabetes-patient-partners", "mental-health-peer-support"]),
]
STAGES = {
    "safer-opioid-prescribing": ["generate", "implement", "evaluate", "share"],
    "diabetes-patient-partners": ["identify", "generate"],
    "mental-health-peer-support": ["share"],
    "ed-flow-leaders": ["implement", "evaluate"],
    "dementia-care-homes": ["identify", "implement"],
    "regional-quality-team": ["identify", "evaluate", "share"],
}
# (community, title, value type, what was applied, what changed)
STORIES = [
    (
        "safer-opioid-prescribing",
        "Tapering leaflet adopted by three practices",
        ValueStory.ValueType.APPLIED,
        "The community's patient leaflet, handed out at the first tapering visit.",
        "Fewer patients dropped out of their taper in the first month.",
    ),
    (
        "diabetes-patient-partners",
        "Follow-up calls rewritten with patients",
        ValueStory.ValueType.REALISED,
        "The follow-up script patient partners co-designed.",
        "Missed follow-up appointments fell over the next quarter.",
    ),
    (
        "mental-health-peer-support",
        "A supervision circle for new peer workers",
        ValueStory.ValueType.IMMEDIATE,
        "The supervision model discussed in the community.",
        "New peer workers say they feel less alone in their first weeks.",
    ),
]
# (community or None, kind, description, minutes, months ago)
WORK = [
    ("safer-opioid-prescribing", WorkLogEntry.Kind.MEETING, "Ran the monthly call", 90, 1),
    ("diabetes-patient-partners", WorkLogEntry.Kind.COACHING, "Coached the new chair", 60, 2),
    ("ed-flow-leaders", WorkLogEntry.Kind.BROKERAGE, "Linked two sites' surge plans", 45, 3),
    ("mental-health-peer-support", WorkLogEntry.Kind.ONBOARDING, "Welcomed new members", 30, 4),
    (None, WorkLogEntry.Kind.OTHER, "Facilitation team planning day", 240, 5),
]


def _months_ago(months: int, day_offset: int = 0):
    return timezone.now() - timedelta(days=30 * months + day_offset)


def seed(users, communities):
    colleagues = _seed_colleagues(communities)
    _seed_earlier_threads(communities, colleagues)
    _fill_alignment(communities)
    _fill_value_stories(users, communities)
    _fill_work_log(users, communities)


def _seed_colleagues(communities) -> dict[str, list[User]]:
    """Members joined across the past year (50 to 340 days ago)."""
    made = {}
    serial = 0
    for slug, (count, types) in COLLEAGUES.items():
        community = communities.get(slug)
        if community is None:
            continue
        made[slug] = []
        for index in range(count):
            serial += 1
            email = f"{slug}.colleague{index + 1}@example.org"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(
                    email=email,
                    display_name=f"{FIRST[serial % len(FIRST)]} {LAST[serial % len(LAST)]}",
                    stakeholder_type=types[index % len(types)],
                )
                user.set_unusable_password()
                user.save()
            made[slug].append(user)
            if Membership.objects.filter(user=user, community=community).exists():
                continue
            level = (
                Level.CORE
                if index < 2
                else Level.ACTIVE
                if index < count // 3
                else Level.PERIPHERAL
            )
            membership = membership_ensure(user=user, community=community, level=level)
            joined = timezone.now() - timedelta(days=50 + (index * 290) // count)
            Membership.objects.filter(pk=membership.pk).update(created_at=joined)
            # The feeds' "joined" row, dated when they joined (the messaging seeder
            # adds one to any demo membership without it, undated).
            activity = activity_record(
                community=community,
                actor=user,
                verb=Activity.Verb.MEMBER_JOINED,
                target=membership,
                title=community.name,
                url=reverse("communities:home", args=[community.slug]),
            )
            Activity.objects.filter(pk=activity.pk).update(created_at=joined)
    return made


def _seed_earlier_threads(communities, colleagues) -> None:
    for slug, threads in EARLIER_THREADS.items():
        community, people = communities.get(slug), colleagues.get(slug)
        if community is None or not people:
            continue
        for months, title, replies in threads:
            if Thread.objects.filter(community=community, title=title).exists():
                continue
            when = _months_ago(months)
            thread = Thread.objects.create(
                community=community,
                title=title,
                body="Sharing where we are, and keen to hear how others do it.",
                author=people[months % len(people)],
                reply_count=replies,
                last_activity_at=when + timedelta(days=replies),
            )
            posts = Post.objects.bulk_create(
                [
                    Post(thread=thread, author=people[(months + i + 1) % len(people)], body=body)
                    for i, body in enumerate(
                        ["Same here: we tried it last year.", "Thank you, very useful."] * 3
                    )
                ][:replies]
            )
            Thread.objects.filter(pk=thread.pk).update(created_at=when, updated_at=when)
            for day, post in enumerate(posts, start=1):
                Post.objects.filter(pk=post.pk).update(
                    created_at=when + timedelta(days=day), updated_at=when + timedelta(days=day)
                )


def _fill_alignment(communities) -> None:
    if not StrategicPriority.objects.exists():
        for position, (name, slugs) in enumerate(PRIORITIES):
            priority = StrategicPriority.objects.create(name=name, position=position)
            priority.communities.add(*(communities[s] for s in slugs if s in communities))
    for slug, stages in STAGES.items():
        community = communities.get(slug)
        if community is None or CommunityLearningStage.objects.filter(community=community).exists():
            continue
        CommunityLearningStage.objects.bulk_create(
            [
                CommunityLearningStage(community=community, stage=LearningStage(stage))
                for stage in stages
            ]
        )


def _fill_value_stories(users, communities) -> None:
    if ValueStory.objects.filter(status=ValueStory.Status.CONFIRMED).exists():
        return
    for months, (slug, title, value_type, applied, changed) in enumerate(STORIES, start=1):
        community = communities.get(slug)
        if community is None:
            continue
        story = ValueStory.objects.create(
            community=community,
            author=users.get("active@example.org"),
            title=title,
            applied=applied,
            changed=changed,
            value_type=value_type,
            status=ValueStory.Status.CONFIRMED,
            decided_by=users.get("core@example.org"),
            decided_at=_months_ago(months),
        )
        ValueStory.objects.filter(pk=story.pk).update(created_at=_months_ago(months, 7))


def _fill_work_log(users, communities) -> None:
    facilitator = users.get("facilitator@example.org")
    if facilitator is None:
        return
    for slug, kind, description, minutes, months in WORK:
        if WorkLogEntry.objects.filter(facilitator=facilitator, description=description).exists():
            continue
        WorkLogEntry.objects.create(
            facilitator=facilitator,
            community=communities.get(slug) if slug else None,
            kind=kind,
            description=description,
            minutes=minutes,
            occurred_on=timezone.localdate() - timedelta(days=30 * months),
        )
