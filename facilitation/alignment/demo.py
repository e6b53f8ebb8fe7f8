"""Demo data for facilitation's alignment (called by seed_demo; idempotent).

The health system's priorities, what each demo community declares it serves, value
stories of every kind (most confirmed; one waits for the demo core member, Chidi
Core), and knowledge brokerage: two more shares and two links between communities.
Everything goes through the services, so notifications and brokerage events are what
real use would leave. Rows are found again by name or title, so a second run adds
nothing.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from communities.discussions import services as discussions
from communities.models import Post, Thread
from facilitation.models import StrategicPriority, ValueStory
from knowledge import services as knowledge
from knowledge.models import KnowledgeItem

from . import services

ED_WAITS = "Reduce emergency department wait times"
TRANSITIONS = "Safer transitions of care"
MENTAL_HEALTH = "Mental health and addictions access"
PARTNERSHIP = "Patient and family partnership"
MEDICATION = "Safer medication use"
AGEING = "Healthy ageing and dementia care"

# (name, description), in the order the health system ranks them.
PRIORITIES = [
    (
        ED_WAITS,
        "Fewer hours from arrival to a decision, and no one boarding in the emergency "
        "department for more than four hours.",
    ),
    (
        TRANSITIONS,
        "Safe handovers between hospital, primary care, home and long-term care: "
        "medicines, plans and information travel with the person.",
    ),
    (
        MENTAL_HEALTH,
        "Timely mental health and addictions care close to home, including peer support.",
    ),
    (
        PARTNERSHIP,
        "Patients, families and carers as partners in designing and improving care.",
    ),
    (MEDICATION, "Fewer harms from high-risk medicines such as opioids and anticoagulants."),
    (AGEING, "Living well with frailty and dementia, at home or in care homes."),
]

# community slug -> (priorities, learning-cycle stages)
ALIGNMENT = {
    "safer-opioid-prescribing": (
        [MEDICATION, PARTNERSHIP, MENTAL_HEALTH],
        ["generate", "implement", "evaluate", "share"],
    ),
    "diabetes-patient-partners": ([PARTNERSHIP, TRANSITIONS], ["identify", "generate"]),
    "mental-health-peer-support": ([MENTAL_HEALTH], ["generate", "share"]),
    "ed-flow-leaders": ([ED_WAITS, TRANSITIONS], ["implement", "evaluate"]),
    "dementia-care-homes": ([AGEING, TRANSITIONS, PARTNERSHIP], ["implement"]),
    "regional-quality-team": ([ED_WAITS, TRANSITIONS], ["identify", "evaluate", "share"]),
}

Type = ValueStory.ValueType
# (community slug, author, decided by (None: waiting), value type, days ago, title,
#  applied, changed, item titles, priorities)
STORIES = [
    (
        "safer-opioid-prescribing",
        "active@example.org",
        "core@example.org",
        Type.REALISED,
        150,
        "High-dose prescriptions down by a fifth in member practices",
        "The tapering plan template and the renewal checklist, in six member practices "
        "over a year.",
        "Prescriptions above 90 mg morphine equivalent a day fell from 212 to 168 "
        "patients; no rise in emergency visits for pain.",
        ["Opioid tapering plan template", "Before you renew a long-term opioid prescription"],
        [MEDICATION],
    ),
    (
        "safer-opioid-prescribing",
        "patient@example.org",
        "core@example.org",
        Type.IMMEDIATE,
        110,
        "A taper plan I could agree to",
        "The community's advice on opening the tapering conversation, used by my own "
        "family doctor.",
        "For the first time I felt the plan was made with me: I knew what would happen "
        "if the pain came back.",
        [],
        [PARTNERSHIP, MEDICATION],
    ),
    (
        "safer-opioid-prescribing",
        "peripheral@example.org",
        None,
        Type.APPLIED,
        6,
        "Practice nurses now start every taper with the plan template",
        "The tapering plan template, at the College of Nursing's teaching clinic.",
        "Nurses prepare the plan before the doctor's visit, so the visit is about the "
        "patient's goals instead of paperwork.",
        ["Opioid tapering plan template"],
        [MEDICATION],
    ),
    (
        "diabetes-patient-partners",
        "active@example.org",
        "patient@example.org",
        Type.REFRAMING,
        90,
        "Success is what patients say matters, not only HbA1c",
        "The patient partners' list of what people wish their educator had asked, in "
        "our evaluation of the education programme.",
        "The programme's evaluation now measures confidence and daily life as well as "
        "HbA1c; the board agreed to report both.",
        ["What I wish my diabetes educator had asked"],
        [PARTNERSHIP],
    ),
    (
        "diabetes-patient-partners",
        "patient@example.org",
        "facilitator@example.org",
        Type.POTENTIAL,
        60,
        "A foot check card ready for two more clinics",
        "The daily foot check reminder card, reviewed with two diabetes clinics.",
        "Both clinics will hand it out from next quarter; their podiatrists joined the community.",
        ["Daily foot check reminder card"],
        [PARTNERSHIP, TRANSITIONS],
    ),
    (
        "mental-health-peer-support",
        "peripheral@example.org",
        "active@example.org",
        Type.APPLIED,
        75,
        "Monthly peer-led reflective practice for our peer workers",
        "The peer supervision protocol, in a community mental health team.",
        "Peer workers meet monthly with a clinical supervisor every third session; two "
        "who planned to leave have stayed.",
        ["Peer supervision protocol"],
        [MENTAL_HEALTH],
    ),
    (
        "ed-flow-leaders",
        "core@example.org",
        "facilitator@example.org",
        Type.REALISED,
        40,
        "Discharge lounge with pharmacy cut morning boarding",
        "Other sites' experience of discharge lounges, at Northside's emergency "
        "department: pharmacy now works from the lounge.",
        "Morning boarding fell by about 40 minutes on average over eight weeks.",
        ["Boarding escalation checklist"],
        [ED_WAITS, TRANSITIONS],
    ),
    (
        "dementia-care-homes",
        "patient@example.org",
        "admin@example.org",
        Type.IMMEDIATE,
        20,
        "Calmer evenings for my mother",
        "Familiar music before supper, as another home in the network tried it.",
        "My mother is calmer at sundown and staff have time to sit with residents.",
        ["Calmer evenings: music before supper"],
        [AGEING],
    ),
]

# Shares by the demo facilitator: (home slug, item title, target slug, note).
SHARES = [
    (
        "mental-health-peer-support",
        "Peer supervision protocol",
        "diabetes-patient-partners",
        "For the patient partners starting peer support groups.",
    ),
    (
        "safer-opioid-prescribing",
        "Opioid tapering plan template",
        "mental-health-peer-support",
        "Peer workers asked how clinics plan a taper with the patient.",
    ),
]

# Replies that link to another community's content: (community slug, thread title,
# author, text with {url}, linked thing: ("item", title) or ("thread", slug, title)).
LINKS = [
    (
        "safer-opioid-prescribing",
        "How do you open the tapering conversation with long-term patients?",
        "active@example.org",
        "The diabetes patient partners wrote about the questions they wish they had been "
        "asked; much of it fits here too: [What I wish my diabetes educator had asked]({url})",
        ("item", "What I wish my diabetes educator had asked"),
    ),
    (
        "diabetes-patient-partners",
        "What should a first education session cover?",
        "patient@example.org",
        "The opioid prescribing community has a good discussion on opening hard "
        "conversations: {url}",
        (
            "thread",
            "safer-opioid-prescribing",
            "How do you open the tapering conversation with long-term patients?",
        ),
    ),
]


def _ensure_priorities() -> dict[str, StrategicPriority]:
    found = {}
    for position, (name, description) in enumerate(PRIORITIES):
        priority, _created = StrategicPriority.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
        found[name] = priority
    return found


def _ensure_stories(users, communities, priorities) -> None:
    now = timezone.now()
    for row in STORIES:
        slug, author, decider, value_type, days, title, applied, changed, items, wanted = row
        community = communities.get(slug)
        if (
            community is None
            or ValueStory.objects.filter(community=community, title=title).exists()
        ):
            continue
        story = services.story_create(
            community=community,
            actor=users[author],
            title=title,
            applied=applied,
            changed=changed,
            value_type=value_type,
            items=list(
                KnowledgeItem.objects.filter(
                    community=community, title__in=items, status=KnowledgeItem.Status.PUBLISHED
                )
            ),
            priorities=[priorities[name] for name in wanted],
        )
        if decider is not None:
            services.story_decide(story=story, actor=users[decider], confirm=True)
        # Spread over the past months, so the reports have something to chart.
        told = now - timedelta(days=days)
        ValueStory.objects.filter(pk=story.pk).update(
            created_at=told,
            decided_at=told + timedelta(days=3) if decider is not None else None,
        )


def _ensure_shares(users, communities) -> None:
    facilitator = users["facilitator@example.org"]
    for slug, title, target, note in SHARES:
        item = KnowledgeItem.objects.filter(community__slug=slug, title=title).first()
        if item is None or target not in communities:
            continue
        if item.shares.filter(community=communities[target]).exists():
            continue
        knowledge.item_share(
            item=item, actor=facilitator, community=communities[target], note=note, confirmed=True
        )


def _ensure_links(users, communities) -> None:
    for slug, thread_title, author, text, linked in LINKS:
        thread = Thread.objects.filter(community__slug=slug, title=thread_title).first()
        if thread is None:
            continue
        if linked[0] == "item":
            target = KnowledgeItem.objects.filter(title=linked[1]).first()
            url = target.get_absolute_url() if target else None
        else:
            target = Thread.objects.filter(community__slug=linked[1], title=linked[2]).first()
            url = reverse("discussions:thread", args=[linked[1], target.pk]) if target else None
        if url is None:
            continue
        body = text.format(url=url)
        if Post.objects.filter(thread=thread, body=body).exists():
            continue
        discussions.reply_create(thread=thread, author=users[author], body=body)


def seed(users, communities):
    priorities = _ensure_priorities()
    admin = users["admin@example.org"]
    for slug, (names, stages) in ALIGNMENT.items():
        if slug in communities:
            services.alignment_set(
                community=communities[slug],
                actor=admin,
                priorities=[priorities[name] for name in names],
                stages=stages,
            )
    _ensure_stories(users, communities, priorities)
    _ensure_shares(users, communities)
    _ensure_links(users, communities)
