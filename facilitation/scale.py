"""The scale data set: realistic synthetic communities for measuring pages and reports.

`manage.py seed_scale --size XS|S|M|L [--seed N]` calls `seed()`. Everything it makes
is recognisable and replaced on the next run: users' emails end in
@scale.example.org, community slugs start with `scale-`, strategic priorities end in
" (scale)". The demo accounts (@example.org) are never touched.

Reproducible: one `random.Random(seed)` drives every choice and all times are
offsets from `now`, so the same seed and the same `now` give the same rows (ids
aside). Rows are written with bulk COPY/INSERT (facilitation/bulkload.py), and what
the services would keep in step is written alongside: guardian permission rows
exactly as `membership.services.permissions_sync` would leave them, member counts,
reply counts and last-activity times, activity-feed rows, notifications, the audit
log, and a creation version (plus a later edit for some) in each knowledge item's
history. Not generated: working groups, polls, glossary terms, invitations, level
suggestions, charter history.
"""

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from communities.events.models import AgendaItem, Attendance
from communities.events.services import occurrence_times
from communities.models import (
    Action,
    Activity,
    Charter,
    Community,
    Event,
    EventOccurrence,
    Mention,
    Post,
    Reaction,
    Report,
    Rsvp,
    Thread,
    ThreadReadState,
)
from knowledge.models import ItemShare, KnowledgeItem
from membership import permissions
from membership.messaging.models import Conversation, ConversationParticipant, Message
from membership.models import (
    AuditEntry,
    CommunityUserObjectPermission,
    FacilitatorAssignment,
    JoinRequest,
    Membership,
    OnboardingProgress,
    OnboardingStep,
    User,
)
from membership.notifications.models import Notification

from .bulkload import Writer, create_indexes, delete_cascade, drop_secondary_indexes
from .models import (
    BrokerageEvent,
    CommunityLearningStage,
    LearningStage,
    StrategicPriority,
    ValueStory,
    WorkLogEntry,
)

DOMAIN = "scale.example.org"
SLUG_PREFIX = "scale-"
PRIORITY_SUFFIX = " (scale)"
FACILITATOR_EMAIL = f"facilitator@{DOMAIN}"
LEADER_EMAIL = f"leader@{DOMAIN}"
MEMBER_EMAIL = f"member@{DOMAIN}"

Level = Membership.Level
Kind = Thread.Kind
Verb = Activity.Verb
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Size:
    communities: int
    users: int
    replies: int  # Post rows; threads are about a fifth of that
    items: int
    facilitators: int
    known_facilitator_communities: int
    memberships_per_user: float
    largest_community: int | None = None
    events_per_community: float = 6


# S is bigger than issue #8's S (50 communities, 5,000 members): issue #6 measures its
# report on at least 200 communities and 20,000 members.
SIZES = {
    "XS": Size(5, 200, 600, 40, 2, 3, 2.0, events_per_community=3),
    "S": Size(200, 20_000, 50_000, 5_000, 12, 12, 2.5),
    "M": Size(500, 50_000, 500_000, 50_000, 30, 12, 2.5),
    "L": Size(2_500, 200_000, 2_000_000, 100_000, 110, 25, 2.5, largest_community=20_000),
}

# --- words -------------------------------------------------------------------------

FIRST = [
    "Amara",
    "Ben",
    "Chen",
    "Dana",
    "Elif",
    "Farid",
    "Grace",
    "Hana",
    "Ivan",
    "Jia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Yusuf",
    "Zoe",
    "Aidan",
    "Bea",
    "Carlos",
    "Deepa",
    "Ewan",
    "Fatima",
    "Gabe",
    "Helen",
    "Isla",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Pavel",
    "Rania",
    "Sven",
    "Tomas",
    "Uma",
    "Victor",
    "Wanda",
    "Xin",
]
LAST = [
    "Abbott",
    "Baker",
    "Chowdhury",
    "Dubois",
    "Eze",
    "Fraser",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lam",
    "Mensah",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Singh",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Ahmed",
    "Brennan",
    "Costa",
    "Diallo",
    "Evans",
    "Fischer",
    "Gupta",
    "Haddad",
    "Ito",
    "Jones",
    "Kim",
    "Lopez",
    "Murphy",
]
ORGANISATIONS = [
    "Northside Family Health Team",
    "Eastside Hospital",
    "Regional Health Authority",
    "University Health Research Institute",
    "College of Nursing",
    "Lakeview Community Pharmacy",
    "Westgate Mental Health Services",
    "Southern Home Care Cooperative",
    "Patient and Family Advisory Council",
    "Children's Hospital",
    "",
]
STAKEHOLDERS = [
    (User.StakeholderType.CLINICIAN, 45),
    (User.StakeholderType.PATIENT_CARER_PUBLIC, 12),
    (User.StakeholderType.RESEARCHER, 10),
    (User.StakeholderType.MANAGER, 10),
    (User.StakeholderType.EDUCATOR, 8),
    (User.StakeholderType.THIRD_SECTOR, 5),
    (User.StakeholderType.COMMISSIONER, 3),
    (User.StakeholderType.OTHER, 7),
]
TOPICS = [
    "diabetes",
    "heart failure",
    "sepsis",
    "falls prevention",
    "dementia care",
    "opioids",
    "primary care",
    "mental health",
    "maternity",
    "palliative care",
    "stroke",
    "frailty",
    "wound care",
    "antimicrobial stewardship",
    "patient safety",
    "discharge planning",
    "virtual care",
    "health equity",
    "chronic pain",
    "COPD",
    "paediatrics",
    "pharmacy",
    "nursing",
    "quality improvement",
    "patient engagement",
    "rural health",
]
KINDS_OF_GROUP = ["Network", "Community of Practice", "Collaborative", "Forum", "Learning Circle"]
REGIONS = ["North", "South", "East", "West", "Central", "Metro", "Coastal", "Valley"]
EXPERTISE = [*TOPICS, "evaluation", "facilitation", "coaching", "data analysis", "co-design"]
PRIORITIES = [
    "Timely access to care",
    "Safer transitions between hospital and home",
    "Healthy ageing in the community",
    "Mental health and addictions",
    "Reducing health inequities",
    "Sustainable workforce",
    "Digital and virtual care",
    "Value for money",
]
WORDS = [
    "patient",
    "care",
    "team",
    "plan",
    "review",
    "clinic",
    "nurse",
    "ward",
    "family",
    "doctor",
    "medicine",
    "dose",
    "safety",
    "handover",
    "wait",
    "bed",
    "flow",
    "community",
    "letter",
    "referral",
    "carer",
    "audit",
    "pathway",
    "protocol",
    "checklist",
    "training",
    "outcome",
    "measure",
    "data",
    "feedback",
    "meeting",
    "pilot",
    "change",
    "practice",
    "evidence",
    "guideline",
    "risk",
    "harm",
    "access",
    "rural",
    "virtual",
    "home",
    "discharge",
    "follow-up",
    "prescribing",
    "tapering",
    "screening",
    "education",
    "peer",
    "support",
    "equity",
    "cost",
    "workload",
]
MEETING_KINDS = ["huddle", "learning session", "journal club", "case review"]
OPENERS = [
    "Has anyone tried",
    "We are piloting",
    "Sharing our experience with",
    "Looking for advice on",
    "What worked for you with",
    "Notes from our session on",
    "A question about",
    "Update on",
]


def _sentences(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return out


class Text:
    """A pool of sentences to build bodies from: fast, varied enough for search."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pool = _sentences(rng, 3000)

    def body(self, low=1, high=4) -> str:
        rng, pool = self.rng, self.pool
        return " ".join(pool[int(rng.random() * 3000)] for _ in range(rng.randint(low, high)))

    def title(self, topic: str) -> str:
        rng = self.rng
        return f"{rng.choice(OPENERS)} {topic}: {rng.choice(WORDS)} {rng.choice(WORDS)}"[:200]


# --- deleting the previous set --------------------------------------------------------


def clear() -> Counter:
    """Delete every row of a previous scale set (and nothing else)."""
    counts = Counter()
    delete_cascade(Community, f"{_q('slug')} LIKE %s", [f"{SLUG_PREFIX}%"], counts)
    # Conversations would only lose a departed person (SET_NULL): the set's own go
    # whole. Their ids first, as deleting them deletes the participants too.
    conversation_ids = list(
        ConversationParticipant.objects.filter(user__email__endswith=f"@{DOMAIN}")
        .values_list("conversation_id", flat=True)
        .distinct()
    )
    for start in range(0, len(conversation_ids), 500):
        chunk = conversation_ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        delete_cascade(Conversation, f"{_q('id')} IN ({marks})", chunk, counts)
    delete_cascade(User, f"{_q('email')} LIKE %s", [f"%@{DOMAIN}"], counts)
    delete_cascade(StrategicPriority, f"{_q('name')} LIKE %s", [f"%{PRIORITY_SUFFIX}"], counts)
    return counts


def _q(name):
    return connection.ops.quote_name(name)


# --- the generator ---------------------------------------------------------------------


@dataclass
class Comm:
    id: int
    slug: str
    topic: str
    visibility: str
    join_policy: str
    status: str
    created_at: datetime
    end: datetime  # no activity after this (dormant communities end early)
    liveliness: float
    monologue: bool
    members: list  # user ids
    weights: list  # cumulative author weights, parallel to members
    levels: dict  # user id -> level
    core: list
    facilitators: list
    threads: list  # (thread id, author id, created_at)
    items: list  # published item ids
    priorities: list
    last_activity: datetime | None = None


class Generator:
    def __init__(self, size: Size, seed: int, now: datetime, log=None):
        self.size = size
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not security
        self.now = now
        self.start = now - timedelta(days=730)
        self.log = log or (lambda message: None)
        self.text = Text(self.rng)
        self.writer = Writer(now)
        self.phases: list[tuple[str, float]] = []
        self.known: dict[str, int] = {}

    # small helpers
    def between(self, low: datetime, high: datetime) -> datetime:
        if high <= low:
            return low
        return low + (high - low) * self.rng.random()

    def pick(self, comm: Comm) -> int:
        return self.rng.choices(comm.members, cum_weights=comm.weights)[0]

    def phase(self, name, fn):
        started = time.perf_counter()
        fn()
        self.phases.append((name, time.perf_counter() - started))
        self.log(f"  {name:<34} {self.phases[-1][1]:7.1f} s")

    def run(self) -> dict[str, int]:
        self.phase("users", self.users)
        self.phase("communities", self.communities)
        self.phase("memberships and permissions", self.memberships)
        self.phase("threads, replies, reactions", self.discussions)
        self.phase("events, RSVPs, attendance, actions", self.events)
        self.phase("knowledge items, shares", self.knowledge)
        self.phase("alignment, value stories, work log", self.facilitation)
        self.phase("join requests, messages", self.requests_and_messages)
        self.phase("community counters", self.community_rows)
        self.phase("flush", self.writer.finish)
        return {table.model._meta.label: table.count for table in self.writer.tables.values()}

    # --- people -------------------------------------------------------------------------

    def users(self):
        rng, size = self.rng, self.size
        self.password = make_password(None)  # unusable, and hashed once for everyone
        table = self.writer.table(
            User,
            [
                "id",
                "email",
                "password",
                "display_name",
                "first_name",
                "last_name",
                "stakeholder_type",
                "platform_role",
                "organisation",
                "date_joined",
            ],
        )
        kinds = [kind for kind, _weight in STAKEHOLDERS]
        cum = _cumulative([weight for _kind, weight in STAKEHOLDERS])
        self.user_ids, self.user_names, self.user_kinds = [], {}, {}
        self.facilitator_ids, self.patients, self.user_joined = [], set(), {}
        self.user_table, self.user_rows = table, []
        specials = [
            (FACILITATOR_EMAIL, "Fran Scale-Facilitator", User.PlatformRole.FACILITATOR),
            (LEADER_EMAIL, "Lou Scale-Leader", User.PlatformRole.LEADER),
            (MEMBER_EMAIL, "Max Scale-Member", User.PlatformRole.MEMBER),
        ]
        specials += [
            (f"facilitator{n}@{DOMAIN}", None, User.PlatformRole.FACILITATOR)
            for n in range(2, size.facilitators + 1)
        ]
        for n in range(size.users):
            if n < len(specials):
                email, name, role = specials[n]
            else:
                email, name, role = f"member{n}@{DOMAIN}", None, User.PlatformRole.MEMBER
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = name or f"{first} {last}"
            kind = rng.choices(kinds, cum_weights=cum)[0]
            user_id = table.new_id()
            # Moved earlier in memberships(): nobody joins a community before signing up.
            joined = self.start if n < len(specials) else self.between(self.start, self.now)
            self.user_rows.append(
                [
                    user_id,
                    email,
                    self.password,
                    name,
                    first,
                    last,
                    kind,
                    role,
                    rng.choice(ORGANISATIONS),
                ]
            )
            self.user_ids.append(user_id)
            self.user_joined[user_id] = joined
            self.user_names[user_id] = name
            self.user_kinds[user_id] = kind
            if kind == User.StakeholderType.PATIENT_CARER_PUBLIC:
                self.patients.add(user_id)
            if role == User.PlatformRole.FACILITATOR:
                self.facilitator_ids.append(user_id)
            if n < 3:
                self.known[email] = user_id
        self.leader_id = self.known[LEADER_EMAIL]
        # Expertise tags for about a third of the people.
        self.tags = {name: Tag.objects.get_or_create(name=name)[0].pk for name in EXPERTISE}
        self.tagged = self.writer.table(
            TaggedItem, ["id", "tag_id", "content_type_id", "object_id"]
        )
        user_type = ContentType.objects.get_for_model(User).pk
        for user_id in self.user_ids:
            if rng.random() < 0.33:
                for name in rng.sample(EXPERTISE, rng.randint(1, 3)):
                    self.tagged.add(self.tagged.new_id(), self.tags[name], user_type, user_id)

    # --- communities --------------------------------------------------------------------

    def communities(self):
        rng, size, now = self.rng, self.size, self.now
        self.comm_table = self.writer.table(
            Community,
            [
                "id",
                "name",
                "slug",
                "purpose",
                "description",
                "visibility",
                "join_policy",
                "stage",
                "status",
                "welcome_message",
                "created_by_id",
                "created_at",
                "updated_at",
                "last_activity_at",
                "member_count",
            ],
        )
        charters = self.writer.table(
            Charter,
            [
                "id",
                "community_id",
                "purpose",
                "aims",
                "audience",
                "participation",
                "ground_rules",
                "last_reviewed_at",
                "created_at",
                "updated_at",
            ],
        )
        steps = self.writer.table(
            OnboardingStep, ["id", "community_id", "title", "position", "created_at", "updated_at"]
        )
        self.audit = self.writer.table(
            AuditEntry, ["id", "community_id", "actor_id", "subject_id", "action", "created_at"]
        )
        from membership.services import DEFAULT_ONBOARDING_STEPS

        community_type = ContentType.objects.get_for_model(Community).pk
        stages = list(Community.Stage.values)
        self.comms: list[Comm] = []
        self.comm_rows: dict[int, list] = {}
        self.steps: dict[int, list[int]] = {}
        for n in range(size.communities):
            topic = TOPICS[n % len(TOPICS)]
            name = (
                f"{topic[0].upper()}{topic[1:]} {rng.choice(KINDS_OF_GROUP)} "
                f"{REGIONS[(n // len(TOPICS)) % len(REGIONS)]} {n + 1}"
            )
            roll = rng.random()
            visibility = "public" if roll < 0.6 else "private" if roll < 0.9 else "hidden"
            if n < 3:  # the first (and largest) public; every visibility among the first few
                visibility = ("public", "private", "hidden")[n]
            if visibility == "public":
                policy = "open" if rng.random() < 0.7 else "request"
            elif visibility == "private":
                policy = "request" if rng.random() < 0.7 else "invitation"
            else:
                policy = "invitation"
            roll = rng.random()
            status = "active" if roll < 0.96 or n < 5 else "proposed" if roll < 0.99 else "declined"
            # Most communities are well established: creation dates lean early.
            created = self.start + (now - timedelta(days=60) - self.start) * rng.random() ** 1.5
            if status != "active":
                created = self.between(now - timedelta(days=60), now - DAY)
            liveliness = rng.lognormvariate(0, 0.6)
            end = now
            if n >= 5 and rng.random() < 0.12:  # dormant: went quiet a while ago
                end = self.between(
                    max(created, now - timedelta(days=400)), now - timedelta(days=31)
                )
            comm = Comm(
                id=self.comm_table.new_id(),
                slug=f"{SLUG_PREFIX}{n + 1:04d}",
                topic=topic,
                visibility=visibility,
                join_policy=policy,
                status=status,
                created_at=created,
                end=end,
                liveliness=liveliness,
                monologue=n >= 5 and rng.random() < 0.08,
                members=[],
                weights=[],
                levels={},
                core=[],
                facilitators=[],
                threads=[],
                items=[],
                priorities=[],
            )
            self.comms.append(comm)
            purpose = (
                f"Clinicians, patients and managers improving {topic} care across the "
                f"{REGIONS[n % len(REGIONS)].lower()} region. {self.text.body(1, 1)}"
            )
            self.comm_rows[comm.id] = [
                comm.id,
                name[:120],
                comm.slug,
                purpose[:600],
                self.text.body(2, 5),
                visibility,
                policy,
                rng.choice(stages),
                status,
                "Welcome! Start with the getting-started checklist.",
                None,
                created,
                created,
            ]
            for name_ in dict.fromkeys([topic, rng.choice(TOPICS)]):
                self.tagged.add(self.tagged.new_id(), self.tags[name_], community_type, comm.id)
            if status != "active":
                continue
            if rng.random() < 0.85:
                roll = rng.random()
                reviewed = (
                    self.between(now - timedelta(days=330), now)
                    if roll < 0.7
                    else self.between(created, now - timedelta(days=400))
                    if roll < 0.85
                    else None
                )
                charters.add(
                    charters.new_id(),
                    comm.id,
                    purpose[:600],
                    self.text.body(2, 4),
                    f"Anyone working on {topic}, and the patients and carers it concerns.",
                    "Monthly online meetings, discussions between them.",
                    "Be kind. Share what you can. Keep patients' details out.",
                    reviewed,
                    created,
                    reviewed or created,
                )
            self.steps[comm.id] = []
            for position, title in enumerate(DEFAULT_ONBOARDING_STEPS):
                step_id = steps.new_id()
                steps.add(step_id, comm.id, title, position, created, created)
                self.steps[comm.id].append(step_id)
            self.audit.add(self.audit.new_id(), comm.id, None, None, "created", created)

    # --- memberships --------------------------------------------------------------------

    def memberships(self):
        rng, size, now = self.rng, self.size, self.now
        table = self.writer.table(
            Membership,
            [
                "id",
                "user_id",
                "community_id",
                "level",
                "sort_name",
                "role",
                "onboarding_started_at",
                "created_at",
                "updated_at",
            ],
        )
        progress = self.writer.table(
            OnboardingProgress, ["id", "membership_id", "step_id", "created_at", "updated_at"]
        )
        assignments = self.writer.table(
            FacilitatorAssignment, ["id", "user_id", "community_id", "created_at", "updated_at"]
        )
        perms = self.writer.table(
            CommunityUserObjectPermission, ["id", "permission_id", "user_id", "content_object_id"]
        )
        perm_ids = dict(
            Permission.objects.filter(
                content_type__app_label="communities", codename__in=permissions.ALL_PERMS
            ).values_list("codename", "id")
        )
        # Community sizes: Zipf-like, the first the largest.
        active = [comm for comm in self.comms if comm.status == "active"]
        total = size.users * size.memberships_per_user
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(active))]
        scale = total / sum(weights)
        pool = self.user_ids[3 + size.facilitators - 1 :] or self.user_ids
        for rank, comm in enumerate(active):
            wanted = max(8, round(weights[rank] * scale))
            if size.largest_community:  # one community of that size, the others smaller
                wanted = (
                    size.largest_community
                    if rank == 0
                    else min(wanted, size.largest_community * 6 // 10)
                )
            comm.members = rng.sample(pool, min(wanted, len(pool)))
        for comm in self.comms:
            if comm.status != "active":
                comm.members = rng.sample(pool, rng.randint(1, 3))
        # Facilitators: the known one runs `known_facilitator_communities`, the others
        # share the rest; about one community in twelve has nobody.
        known_facilitator = self.known[FACILITATOR_EMAIL]
        for comm in active[: size.known_facilitator_communities]:
            comm.facilitators.append(known_facilitator)
        others = self.facilitator_ids[1:] or [known_facilitator]
        for index, comm in enumerate(active[size.known_facilitator_communities :]):
            if rng.random() < 0.92:
                comm.facilitators.append(others[index % len(others)])
        # The known member belongs to six communities at every level.
        member = self.known[MEMBER_EMAIL]
        levels = [Level.CORE, Level.ACTIVE, Level.ACTIVE, *[Level.PERIPHERAL] * 3]
        for comm, level in zip(active[1:7], levels, strict=False):
            comm.members.append(member)
            comm.levels[member] = level
        # The known facilitator is also a core member of two of their communities.
        for comm in active[:2]:
            if known_facilitator not in comm.members:
                comm.members.append(known_facilitator)
            comm.levels[known_facilitator] = Level.CORE
        # The leader belongs to one public community, to read like anyone else.
        active[0].members.append(self.leader_id)
        active[0].levels[self.leader_id] = Level.PERIPHERAL

        level_weight = {Level.CORE: 12.0, Level.ACTIVE: 4.0, Level.PERIPHERAL: 0.3}
        self.memberships_of: dict[int, list[int]] = defaultdict(list)
        self.joined: dict[tuple[int, int], datetime] = {}
        for comm in self.comms:
            founders = max(1, len(comm.members) // 40)
            weights, total_weight = [], 0.0
            for position, user_id in enumerate(comm.members):
                level = comm.levels.get(user_id)
                if level is None:
                    roll = rng.random()
                    level = (
                        Level.CORE if roll < 0.1 else Level.ACTIVE if roll < 0.3 else "peripheral"
                    )
                    comm.levels[user_id] = level
                if level == Level.CORE:
                    comm.core.append(user_id)
                joined = (
                    comm.created_at + rng.random() * DAY
                    if position < founders
                    # Joining slows as a community matures; core members came early.
                    else comm.created_at
                    + (now - HOUR - comm.created_at)
                    * rng.random() ** (2.5 if level == Level.CORE else 1.3)
                )
                joined = min(joined, now - HOUR)
                signed_up = joined - rng.random() * 20 * DAY
                if signed_up < self.user_joined[user_id]:
                    self.user_joined[user_id] = signed_up
                role = ""
                if level == Level.CORE and len(comm.core) == 1:
                    role = "chair"
                elif level == Level.CORE and user_id in self.patients and rng.random() < 0.3:
                    role = "patient_partner"
                started = joined + rng.random() * 3 * DAY if rng.random() < 0.6 else None
                if started and started > now:
                    started = None
                membership_id = table.new_id()
                table.add(
                    membership_id,
                    user_id,
                    comm.id,
                    level,
                    self.user_names[user_id],  # the directory's sort key: their display name
                    role,
                    started,
                    joined,
                    joined,
                )
                self.joined[(user_id, comm.id)] = joined
                self.memberships_of[user_id].append(comm.id)
                if started and comm.id in self.steps:
                    for step_id in self.steps[comm.id][: rng.randint(1, 5)]:
                        progress.add(progress.new_id(), membership_id, step_id, started, started)
                self.audit.add(self.audit.new_id(), comm.id, user_id, user_id, "joined", joined)
                facilitates = user_id in comm.facilitators
                for codename in permissions.perms_granted(level=level, facilitates=facilitates):
                    perms.add(perms.new_id(), perm_ids[codename], user_id, comm.id)
                weight = level_weight[level]
                if user_id in comm.facilitators:
                    weight = 25.0 * len(comm.members) ** 0.5 if comm.monologue else 3.0
                total_weight += weight
                weights.append(total_weight)
            comm.weights = weights
            for user_id in comm.facilitators:
                assigned = comm.created_at + DAY
                assignments.add(assignments.new_id(), user_id, comm.id, assigned, assigned)
                self.audit.add(
                    self.audit.new_id(), comm.id, None, user_id, "facilitator_assigned", assigned
                )
                if user_id not in comm.levels:
                    for codename in permissions.perms_granted(level=None, facilitates=True):
                        perms.add(perms.new_id(), perm_ids[codename], user_id, comm.id)
            if not comm.core:
                comm.core = comm.facilitators[:] or comm.members[:1]
        for row in self.user_rows:
            self.user_table.add(*row, self.user_joined[row[0]])
        self.user_rows = []

    # --- discussions --------------------------------------------------------------------

    def discussions(self):
        rng, size, now, text = self.rng, self.size, self.now, self.text
        threads = self.writer.table(
            Thread,
            [
                "id",
                "community_id",
                "kind",
                "title",
                "body",
                "author_id",
                "is_pinned",
                "is_hidden",
                "accepted_post_id",
                "reply_count",
                "last_activity_at",
                "created_at",
                "updated_at",
            ],
        )
        posts = self.writer.table(
            Post,
            [
                "id",
                "thread_id",
                "author_id",
                "body",
                "is_hidden",
                "deleted_at",
                "created_at",
                "updated_at",
            ],
        )
        reactions = self.writer.table(
            Reaction, ["id", "user_id", "thread_id", "post_id", "kind", "created_at"]
        )
        mentions = self.writer.table(
            Mention, ["id", "thread_id", "post_id", "user_id", "created_at"]
        )
        reads = self.writer.table(ThreadReadState, ["id", "user_id", "thread_id", "last_read_at"])
        reports = self.writer.table(
            Report,
            [
                "id",
                "community_id",
                "thread_id",
                "post_id",
                "reporter_id",
                "reason",
                "status",
                "created_at",
            ],
        )
        self.activity = self.writer.table(
            Activity,
            [
                "id",
                "community_id",
                "actor_id",
                "verb",
                "target_type_id",
                "target_id",
                "title",
                "url",
                "created_at",
            ],
        )
        self.notes = self.writer.table(
            Notification,
            [
                "id",
                "recipient_id",
                "kind",
                "actor_id",
                "community_id",
                "title",
                "url",
                "created_at",
                "read_at",
            ],
        )
        self.brokerage = self.writer.table(
            BrokerageEvent,
            [
                "id",
                "kind",
                "actor_id",
                "source_community_id",
                "target_community_id",
                "item_id",
                "thread_id",
                "created_at",
            ],
        )
        thread_type = ContentType.objects.get_for_model(Thread).pk
        post_type = ContentType.objects.get_for_model(Post).pk
        url_of = _url_maker("discussions:thread", 2)
        verb_for = {
            Kind.DISCUSSION: Verb.THREAD_STARTED,
            Kind.QUESTION: Verb.QUESTION_ASKED,
            Kind.ANNOUNCEMENT: Verb.ANNOUNCED,
        }
        active = [comm for comm in self.comms if comm.status == "active"]
        thread_total = max(len(active), size.replies // 5)
        shares = [_weight(comm) for comm in active]
        scale = thread_total / sum(shares)
        # Cross-community announcements by facilitators, recorded as brokerage.
        announcements = []
        by_facilitator = defaultdict(list)
        for comm in active:
            for user_id in comm.facilitators:
                by_facilitator[user_id].append(comm)
        for user_id, comms in by_facilitator.items():
            if len(comms) < 2:
                continue
            for _ in range(max(1, len(comms) // 2)):
                when = self.between(now - timedelta(days=600), now - HOUR)
                targets = rng.sample(comms, min(len(comms), rng.randint(2, 5)))
                title = f"From the facilitation team: {rng.choice(WORDS)} {rng.choice(WORDS)}"
                announcements.extend((comm, user_id, when, title) for comm in targets)
        planned = []
        for comm, share in zip(active, shares, strict=True):
            count = max(1, round(share * scale))
            for _ in range(count):
                planned.append((comm, None, None, None))
        planned.extend(announcements)
        for comm, announcer, when, title in planned:
            if announcer is None:
                roll = rng.random()
                kind = (
                    Kind.QUESTION
                    if roll < 0.3
                    else Kind.DISCUSSION
                    if roll < 0.93
                    else Kind.ANNOUNCEMENT
                )
                author = self.pick(comm) if kind != Kind.ANNOUNCEMENT else rng.choice(comm.core)
                when = self.between(comm.created_at, comm.end)
                joined = self.joined.get((author, comm.id), comm.created_at)
                if joined > when:  # nobody posts before joining
                    when = self.between(joined, max(joined, comm.end))
                title = text.title(comm.topic)
            else:
                kind, author = Kind.ANNOUNCEMENT, announcer
            thread_id = threads.new_id()
            url = url_of(comm.slug, thread_id)
            # Replies: most threads get a few, some none, a few become long.
            replies = (
                int(rng.uniform(20, 120)) if rng.random() < 0.03 else int(rng.expovariate(1 / 5))
            )
            if kind == Kind.ANNOUNCEMENT:
                replies = min(replies, 2)
            moment, last, visible, accepted = when, when, 0, None
            read = {author: when}
            for position in range(replies):
                gap = rng.expovariate(1 / (6 if position == 0 else 20))
                moment = moment + timedelta(hours=gap)
                if moment >= now:
                    break
                replier = author if position and rng.random() < 0.2 else self.pick(comm)
                post_id = posts.new_id()
                body = text.body(1, 3)
                if rng.random() < 0.04:
                    other = rng.choice(comm.members)
                    body += f" @[{self.user_names[other]}](member:{other})"
                    mentions.add(mentions.new_id(), thread_id, post_id, other, moment)
                    self._notify(other, "mention", replier, comm.id, title, url, moment)
                roll = rng.random()
                hidden = roll < 0.003
                deleted = moment + HOUR if 0.003 <= roll < 0.006 else None
                posts.add(post_id, thread_id, replier, body, hidden, deleted, moment, moment)
                if not hidden and deleted is None:
                    page = f"?page={visible // 30 + 1}" if visible >= 30 else ""
                    reply_url = f"{url}{page}#reply-{post_id}"
                    visible += 1
                    last = moment
                    self.activity.add(
                        self.activity.new_id(),
                        comm.id,
                        replier,
                        Verb.REPLIED,
                        post_type,
                        post_id,
                        title,
                        reply_url,
                        moment,
                    )
                    if replier != author:
                        self._notify(author, "reply", replier, comm.id, title, reply_url, moment)
                    if (
                        kind == Kind.QUESTION
                        and accepted is None
                        and replier != author
                        and rng.random() < 0.4
                    ):
                        accepted = post_id
                read[replier] = moment
                self._react(reactions, comm, thread_id, post_id, moment)
                if rng.random() < 0.002:
                    reports.add(
                        reports.new_id(),
                        comm.id,
                        thread_id,
                        post_id,
                        self.pick(comm),
                        "Off topic or unkind.",
                        "open" if rng.random() < 0.3 else "resolved",
                        moment + HOUR,
                    )
            thread_hidden = rng.random() < 0.002
            threads.add(
                thread_id,
                comm.id,
                kind,
                title,
                text.body(2, 5),
                author,
                rng.random() < 0.01,
                thread_hidden,
                accepted,
                visible,
                last,
                when,
                when,
            )
            comm.threads.append((thread_id, author, when))
            comm.last_activity = max(comm.last_activity or last, last)
            if not thread_hidden:  # hidden content is withdrawn from the feeds
                self.activity.add(
                    self.activity.new_id(),
                    comm.id,
                    author,
                    verb_for[kind],
                    thread_type,
                    thread_id,
                    title,
                    url,
                    when,
                )
            self._react(reactions, comm, thread_id, None, when)
            for user_id, moment in read.items():
                reads.add(reads.new_id(), user_id, thread_id, moment)
            if announcer is not None:
                self.brokerage.add(
                    self.brokerage.new_id(),
                    BrokerageEvent.Kind.ANNOUNCEMENT,
                    author,
                    None,
                    comm.id,
                    None,
                    thread_id,
                    when,
                )

    def _react(self, reactions, comm, thread_id, post_id, moment):
        rng = self.rng
        count = int(rng.expovariate(1 / 0.6))
        if not count:
            return
        seen = set()
        for _ in range(count):
            user_id, kind = self.pick(comm), "helpful" if rng.random() < 0.6 else "thanks"
            if (user_id, kind) in seen:
                continue
            seen.add((user_id, kind))
            when = moment + timedelta(hours=rng.expovariate(1 / 12))
            reactions.add(
                reactions.new_id(), user_id, thread_id, post_id, kind, min(when, self.now)
            )

    def _notify(self, recipient, kind, actor, community_id, title, url, moment):
        read = moment + timedelta(hours=self.rng.expovariate(1 / 30))
        self.notes.add(
            self.notes.new_id(),
            recipient,
            kind,
            actor,
            community_id,
            title,
            url,
            moment,
            read if read < self.now - 2 * DAY else None,
        )

    # --- events -------------------------------------------------------------------------

    def events(self):
        rng, now, text = self.rng, self.now, self.text
        events = self.writer.table(
            Event,
            [
                "id",
                "community_id",
                "title",
                "agenda",
                "organiser_id",
                "starts_at",
                "ends_at",
                "place",
                "online_url",
                "recurrence",
                "repeat_count",
                "cancelled_at",
                "created_at",
                "updated_at",
            ],
        )
        occurrences = self.writer.table(
            EventOccurrence,
            [
                "id",
                "event_id",
                "position",
                "starts_at",
                "ends_at",
                "is_cancelled",
                "minutes",
                "minutes_updated_at",
                "attendance_recorded_at",
                "created_at",
                "updated_at",
            ],
        )
        rsvps = self.writer.table(
            Rsvp, ["id", "occurrence_id", "user_id", "response", "created_at", "updated_at"]
        )
        attendance = self.writer.table(
            Attendance, ["id", "occurrence_id", "user_id", "recorded_by_id", "created_at"]
        )
        agenda = self.writer.table(
            AgendaItem,
            [
                "id",
                "occurrence_id",
                "title",
                "proposed_by_id",
                "status",
                "position",
                "created_at",
                "updated_at",
            ],
        )
        actions = self.writer.table(
            Action,
            [
                "id",
                "community_id",
                "occurrence_id",
                "title",
                "owner_id",
                "due_on",
                "status",
                "created_by_id",
                "completed_at",
                "created_at",
                "updated_at",
            ],
        )
        event_type = ContentType.objects.get_for_model(Event).pk
        url_of = _url_maker("events:detail", 2)
        recurrences = ["none"] * 5 + [
            "weekly",
            "fortnightly",
            "fortnightly",
            "monthly_weekday",
            "monthly_weekday",
        ]
        time_zone = timezone.get_default_timezone_name()
        for comm in self.comms:
            if comm.status != "active":
                continue
            count = int(self.size.events_per_community * comm.liveliness * rng.uniform(0.5, 1.5))
            for _ in range(count):
                organiser = rng.choice(comm.core + comm.facilitators)
                starts = self.between(comm.created_at + 7 * DAY, min(comm.end, now) + 45 * DAY)
                starts = starts.replace(minute=0, second=0, microsecond=0)
                recurrence = rng.choice(recurrences)
                repeat_count = rng.randint(3, 8) if recurrence != "none" else None
                event_id = events.new_id()
                title = f"{comm.topic.capitalize()} {rng.choice(MEETING_KINDS)}"
                created = starts - timedelta(days=rng.uniform(3, 30))
                cancelled = created + DAY if rng.random() < 0.02 else None
                events.add(
                    event_id,
                    comm.id,
                    title,
                    text.body(1, 3) if rng.random() < 0.6 else "",
                    organiser,
                    starts,
                    starts + HOUR,
                    "",
                    "https://meet.example.org/scale",
                    recurrence,
                    repeat_count,
                    cancelled,
                    created,
                    created,
                )
                self.activity.add(
                    self.activity.new_id(),
                    comm.id,
                    organiser,
                    Verb.EVENT_SCHEDULED,
                    event_type,
                    event_id,
                    title,
                    url_of(comm.slug, event_id),
                    created,
                )
                times = occurrence_times(
                    starts_at=starts,
                    ends_at=starts + HOUR,
                    time_zone=time_zone,
                    recurrence=recurrence,
                    repeat_until=None,
                    repeat_count=repeat_count,
                )
                invited = max(
                    2, min(len(comm.members), int(len(comm.members) ** 0.5 * rng.uniform(0.5, 1.5)))
                )
                for position, (begin, end) in enumerate(times):
                    occurrence_id = occurrences.new_id()
                    past = end < now
                    off = rng.random() < 0.03
                    recorded = end + DAY if past and not off and rng.random() < 0.7 else None
                    if recorded and recorded > now:
                        recorded = None
                    minutes = text.body(2, 4) if recorded and rng.random() < 0.6 else ""
                    occurrences.add(
                        occurrence_id,
                        event_id,
                        position,
                        begin,
                        end,
                        off,
                        minutes,
                        recorded if minutes else None,
                        recorded,
                        created,
                        created,
                    )
                    for user_id in set(
                        rng.choices(comm.members, cum_weights=comm.weights, k=invited)
                    ):
                        roll = rng.random()
                        response = "going" if roll < 0.6 else "maybe" if roll < 0.8 else "not_going"
                        answered = min(self.between(created, begin), now)
                        rsvps.add(
                            rsvps.new_id(), occurrence_id, user_id, response, answered, answered
                        )
                        if recorded and response == "going" and rng.random() < 0.8:
                            attendance.add(
                                attendance.new_id(), occurrence_id, user_id, organiser, recorded
                            )
                    if not past and rng.random() < 0.5:
                        for item in range(rng.randint(1, 3)):
                            agenda.add(
                                agenda.new_id(),
                                occurrence_id,
                                text.title(comm.topic)[:200],
                                self.pick(comm),
                                "accepted" if rng.random() < 0.6 else "proposed",
                                item,
                                created,
                                created,
                            )
                    if recorded:
                        for _ in range(rng.randint(0, 3)):
                            due = (end + timedelta(days=rng.randint(7, 45))).date()
                            overdue = due < now.date()
                            roll = rng.random()
                            status = (
                                "done"
                                if overdue and roll < 0.6
                                else "dropped"
                                if overdue and roll < 0.7
                                else "open"
                            )
                            completed = (
                                datetime.combine(due, end.timetz()) if status == "done" else None
                            )
                            actions.add(
                                actions.new_id(),
                                comm.id,
                                occurrence_id,
                                text.title(comm.topic)[:200],
                                rng.choice(comm.members),
                                due,
                                status,
                                organiser,
                                min(completed, now) if completed else None,
                                recorded,
                                recorded,
                            )

    # --- knowledge ----------------------------------------------------------------------

    def knowledge(self):
        rng, size, now, text = self.rng, self.size, self.now, self.text
        history_model = KnowledgeItem.history.model
        columns = [
            "id",
            "community_id",
            "kind",
            "title",
            "summary",
            "body",
            "created_by_id",
            "updated_by_id",
            "stage",
            "status",
            "is_featured",
            "in_library",
            "published_at",
            "last_reviewed_at",
            "review_due_at",
            "view_count",
            "download_count",
            "source_thread_id",
            "change_note",
            "created_at",
            "updated_at",
        ]
        items = self.writer.table(KnowledgeItem, columns)
        history_columns = [
            name
            for name in columns
            if name not in ("view_count", "download_count", "created_at", "updated_at")
        ]
        history = self.writer.table(
            history_model,
            ["history_id", *history_columns, "history_date", "history_type", "history_user_id"],
        )
        authors = self.writer.table(
            KnowledgeItem.authors.through, ["id", "knowledgeitem_id", "user_id"]
        )
        shares = self.writer.table(
            ItemShare, ["id", "item_id", "community_id", "shared_by_id", "shared_at", "note"]
        )
        item_type = ContentType.objects.get_for_model(KnowledgeItem).pk
        url_of = _url_maker("knowledge:item", 1)
        kinds, stages = list(KnowledgeItem.Kind.values), ["", *KnowledgeItem.Stage.values]
        active = [comm for comm in self.comms if comm.status == "active"]
        by_id = {comm.id: comm for comm in active}
        shares_of = [_weight(comm) for comm in active]
        scale = size.items / sum(shares_of)
        for comm, share in zip(active, shares_of, strict=True):
            for _ in range(max(1, round(share * scale))):
                item_id = items.new_id()
                author = self.pick(comm)
                created = self.between(comm.created_at, comm.end)
                roll = rng.random()
                status = "published" if roll < 0.85 else "draft" if roll < 0.95 else "in_review"
                published = (
                    created + timedelta(days=rng.uniform(0, 10)) if status == "published" else None
                )
                if published and published > now:
                    published = now
                updated = (
                    self.between(published or created, now)
                    if rng.random() < 0.25
                    else (published or created)
                )
                source = (
                    rng.choice(comm.threads)[0] if comm.threads and rng.random() < 0.1 else None
                )
                title = text.title(comm.topic)
                row = [
                    item_id,
                    comm.id,
                    rng.choice(kinds),
                    title,
                    text.body(1, 2),
                    text.body(3, 8),
                    author,
                    author,
                    rng.choice(stages),
                    status,
                    rng.random() < 0.05,
                    status == "published" and rng.random() < 0.05,
                    published,
                    published,
                    published + timedelta(days=365) if published else None,
                    int(rng.expovariate(1 / 40)),
                    int(rng.expovariate(1 / 5)),
                    source,
                    "",
                    created,
                    updated,
                ]
                items.add(*row)
                values = dict(zip(columns, row, strict=True))
                kept = [values[name] for name in history_columns]
                history.add(history.new_id(), *kept[:-1], "", created, "+", author)
                if updated != (published or created):
                    history.add(
                        history.new_id(), *kept[:-1], "Updated the summary", updated, "~", author
                    )
                authors.add(authors.new_id(), item_id, author)
                if rng.random() < 0.3:
                    other = self.pick(comm)
                    if other != author:
                        authors.add(authors.new_id(), item_id, other)
                if status != "published":
                    continue
                comm.items.append(item_id)
                url = url_of(item_id)
                self.activity.add(
                    self.activity.new_id(),
                    comm.id,
                    author,
                    Verb.ITEM_PUBLISHED,
                    item_type,
                    item_id,
                    title,
                    url,
                    published,
                )
                if rng.random() < 0.08 and len(active) > 1:
                    picked = dict.fromkeys(rng.choice(active).id for _ in range(rng.randint(1, 2)))
                    for target in [by_id[key] for key in picked if key != comm.id]:
                        sharer = (comm.facilitators or [author])[0]
                        when = self.between(published, now)
                        shares.add(
                            shares.new_id(), item_id, target.id, sharer, when, "Worth a look."
                        )
                        self.brokerage.add(
                            self.brokerage.new_id(),
                            "share",
                            sharer,
                            comm.id,
                            target.id,
                            item_id,
                            None,
                            when,
                        )
                        self.activity.add(
                            self.activity.new_id(),
                            target.id,
                            sharer,
                            Verb.ITEM_SHARED,
                            item_type,
                            item_id,
                            title,
                            url,
                            when,
                        )
                        self._notify(author, "item_shared", sharer, target.id, title, url, when)
        # Threads linked from another community.
        for comm in active:
            if comm.threads and rng.random() < 0.3:
                target = rng.choice(active)
                if target is not comm:
                    thread_id, _author, when = rng.choice(comm.threads)
                    self.brokerage.add(
                        self.brokerage.new_id(),
                        "link",
                        self.pick(target),
                        comm.id,
                        target.id,
                        None,
                        thread_id,
                        self.between(when, now),
                    )

    # --- facilitation -------------------------------------------------------------------

    def facilitation(self):
        rng, now, text = self.rng, self.now, self.text
        priorities = self.writer.table(
            StrategicPriority,
            ["id", "name", "description", "is_active", "position", "created_at", "updated_at"],
        )
        serves = self.writer.table(
            StrategicPriority.communities.through, ["id", "strategicpriority_id", "community_id"]
        )
        stages = self.writer.table(CommunityLearningStage, ["id", "community_id", "stage"])
        stories = self.writer.table(
            ValueStory,
            [
                "id",
                "community_id",
                "author_id",
                "title",
                "applied",
                "changed",
                "value_type",
                "status",
                "decided_by_id",
                "decided_at",
                "created_at",
                "updated_at",
            ],
        )
        story_items = self.writer.table(
            ValueStory.items.through, ["id", "valuestory_id", "knowledgeitem_id"]
        )
        story_priorities = self.writer.table(
            ValueStory.priorities.through, ["id", "valuestory_id", "strategicpriority_id"]
        )
        work_log = self.writer.table(
            WorkLogEntry,
            [
                "id",
                "facilitator_id",
                "community_id",
                "kind",
                "description",
                "minutes",
                "occurred_on",
                "source",
                "created_at",
                "updated_at",
            ],
        )
        priority_ids = []
        for position, name in enumerate(PRIORITIES):
            priority_id = priorities.new_id()
            priorities.add(
                priority_id,
                f"{name}{PRIORITY_SUFFIX}",
                text.body(1, 2),
                position < 7,
                position,
                self.start,
                self.start,
            )
            priority_ids.append(priority_id)
        value_types = list(ValueStory.ValueType.values)
        for comm in self.comms:
            if comm.status != "active":
                continue
            comm.priorities = rng.sample(priority_ids, rng.choice([0, 1, 1, 2, 2, 3]))
            for priority_id in comm.priorities:
                serves.add(serves.new_id(), priority_id, comm.id)
            if rng.random() < 0.75:
                for stage in rng.sample(list(LearningStage.values), rng.randint(1, 4)):
                    stages.add(stages.new_id(), comm.id, stage)
            for _ in range(int(len(comm.members) ** 0.35 * comm.liveliness * rng.uniform(0, 1.2))):
                created = self.between(comm.created_at, comm.end)
                roll = rng.random()
                status = "confirmed" if roll < 0.5 else "recorded" if roll < 0.85 else "declined"
                decided = self.between(created, now) if status != "recorded" else None
                story_id = stories.new_id()
                stories.add(
                    story_id,
                    comm.id,
                    self.pick(comm),
                    text.title(comm.topic),
                    text.body(2, 4),
                    text.body(1, 3),
                    rng.choice(value_types),
                    status,
                    rng.choice(comm.core) if decided else None,
                    decided,
                    created,
                    decided or created,
                )
                for item_id in rng.sample(comm.items, min(len(comm.items), rng.randint(0, 2))):
                    story_items.add(story_items.new_id(), story_id, item_id)
                for priority_id in rng.sample(
                    comm.priorities, min(len(comm.priorities), rng.randint(0, 2))
                ):
                    story_priorities.add(story_priorities.new_id(), story_id, priority_id)
        runs = defaultdict(list)
        for comm in self.comms:
            for user_id in comm.facilitators:
                runs[user_id].append(comm)
        kinds = list(WorkLogEntry.Kind.values)
        for user_id, comms in runs.items():
            day = self.start.date()
            while day < now.date():
                day += timedelta(days=rng.randint(1, 6))
                comm = rng.choice(comms)
                if comm.created_at.date() > day or day > now.date():
                    continue
                entry_id = work_log.new_id()
                automatic = rng.random() < 0.3
                moment = datetime.combine(day, now.timetz())
                work_log.add(
                    entry_id,
                    user_id,
                    comm.id,
                    rng.choice(kinds),
                    text.title(comm.topic)[:300],
                    rng.choice([15, 30, 45, 60, 90, 120, 240]),
                    day,
                    f"scale:{entry_id}" if automatic else "",
                    moment,
                    moment,
                )

    # --- join requests and messages -------------------------------------------------------

    def requests_and_messages(self):
        rng, now, text = self.rng, self.now, self.text
        requests = self.writer.table(
            JoinRequest,
            [
                "id",
                "user_id",
                "community_id",
                "message",
                "status",
                "decided_by_id",
                "decided_at",
                "created_at",
                "updated_at",
            ],
        )
        for comm in self.comms:
            if comm.status != "active" or comm.join_policy != "request":
                continue
            members = set(comm.members)
            for _ in range(rng.randint(0, 6)):
                user_id = rng.choice(self.user_ids)
                if user_id in members:
                    continue
                members.add(user_id)
                created = self.between(max(comm.created_at, now - timedelta(days=120)), now - HOUR)
                pending = rng.random() < 0.5
                decided = None if pending else self.between(created, now)
                requests.add(
                    requests.new_id(),
                    user_id,
                    comm.id,
                    "I would like to join.",
                    "pending" if pending else "declined",
                    None if pending else rng.choice(comm.core),
                    decided,
                    created,
                    decided or created,
                )
        conversations = self.writer.table(
            Conversation,
            ["id", "started_by_id", "subject", "last_message_at", "created_at", "updated_at"],
        )
        participants = self.writer.table(
            ConversationParticipant,
            ["id", "conversation_id", "user_id", "joined_at", "last_read_at"],
        )
        messages = self.writer.table(
            Message, ["id", "conversation_id", "sender_id", "body", "created_at"]
        )
        active = [comm for comm in self.comms if comm.status == "active" and len(comm.members) > 2]
        for _ in range(self.size.users // 8):
            comm = rng.choice(active)
            first, second = self.pick(comm), self.pick(comm)
            if first == second:
                continue
            started = self.between(comm.created_at, now - HOUR)
            conversation_id = conversations.new_id()
            moment = started
            for _ in range(rng.randint(1, 6)):
                messages.add(
                    messages.new_id(),
                    conversation_id,
                    rng.choice((first, second)),
                    text.body(1, 2),
                    moment,
                )
                last = moment
                moment = min(moment + timedelta(hours=rng.expovariate(1 / 10)), now)
            conversations.add(conversation_id, first, "", last, started, last)
            participants.add(participants.new_id(), conversation_id, first, started, last)
            participants.add(
                participants.new_id(),
                conversation_id,
                second,
                started,
                None if rng.random() < 0.3 else last,
            )

    # --- counters -----------------------------------------------------------------------

    def community_rows(self):
        for comm in self.comms:
            row = self.comm_rows[comm.id]
            self.comm_table.add(*row, comm.last_activity, len(comm.members))


def _weight(comm: Comm) -> float:
    """A community's share of the content: bigger, livelier and older ones write more."""
    active_days = (comm.end - comm.created_at).total_seconds() / 86400
    return len(comm.members) ** 0.7 * comm.liveliness * max(0.05, active_days / 730)


def _cumulative(weights):
    out, total = [], 0.0
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _url_maker(name: str, arity: int):
    """A fast reverse() for millions of rows: reverse once with markers, then format."""
    if arity == 1:
        pattern = reverse(name, args=[987654321]).replace("987654321", "{0}")
    else:
        pattern = reverse(name, args=["scale-slug-marker", 987654321])
        pattern = pattern.replace("scale-slug-marker", "{0}").replace("987654321", "{1}")
    return pattern.format


# The tables with 10^5-10^6 rows at M: their secondary indexes are rebuilt after the
# load on PostgreSQL instead of being updated row by row.
BIG_MODELS = [
    Activity,
    AuditEntry,
    CommunityUserObjectPermission,
    KnowledgeItem,
    KnowledgeItem.history.model,
    Membership,
    Mention,
    Notification,
    OnboardingProgress,
    Post,
    Reaction,
    Rsvp,
    Thread,
    ThreadReadState,
]


def fk_checks_skippable() -> bool:
    """On PostgreSQL a superuser may load without firing foreign-key triggers."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _quick_session(fast: bool, log) -> None:
    if fast and fk_checks_skippable():
        # The generator's rows are consistent by construction (the test suite checks
        # them with foreign keys on); checking millions of deferred keys at commit
        # would take longer than writing them.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")


def seed(size_name: str, seed: int = 2026, now: datetime | None = None, log=None) -> dict:
    """Replace the scale data set with a new one of `size_name`; returns rows per table
    and the time of each phase."""
    size = SIZES[size_name]
    log = log or (lambda message: None)
    now = now or timezone.now()
    started = time.perf_counter()
    # Run as a command (not inside a caller's transaction) on PostgreSQL, the load
    # takes the bulk-load shortcuts: the old set is deleted and vacuumed first, in
    # its own transaction; then the new one is written with foreign-key triggers off
    # (superuser only) and secondary indexes dropped and rebuilt at the end.
    fast = not connection.in_atomic_block and connection.vendor == "postgresql"
    with transaction.atomic():
        _quick_session(fast, log)
        deleted = clear()
    if fast and deleted:
        with connection.cursor() as cursor:
            for model in BIG_MODELS:
                cursor.execute(f"VACUUM {_q(model._meta.db_table)}")
    cleared = time.perf_counter() - started
    log(f"  {'delete previous scale data':<34} {cleared:7.1f} s")
    with transaction.atomic():
        _quick_session(fast, log)
        generator = Generator(size, seed, now, log)
        indexes = drop_secondary_indexes(BIG_MODELS) if fast else []
        counts = generator.run()
        if indexes:
            generator.phase(f"rebuild {len(indexes)} indexes", lambda: create_indexes(indexes))
        committing = time.perf_counter()
    committed = time.perf_counter() - committing
    log(f"  {'commit':<34} {committed:7.1f} s")
    analyzing = time.perf_counter()
    if fast:
        # VACUUM too: a live database's autovacuum would have set the visibility maps
        # (index-only scans then skip the heap), and it may be off where this runs.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    analyzed = time.perf_counter() - analyzing
    log(f"  {'analyze':<34} {analyzed:7.1f} s")
    return {
        "counts": counts,
        "deleted": deleted,
        "phases": [
            ("delete previous", cleared),
            *generator.phases,
            ("commit", committed),
            ("analyze", analyzed),
        ],
        "tables": {
            t.model._meta.label: (t.count, t.seconds) for t in generator.writer.tables.values()
        },
        "known": generator.known,
        "seconds": time.perf_counter() - started,
    }
