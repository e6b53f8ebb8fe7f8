"""Demo content for the shared repertoire, called by `seed_demo` (idempotent).

Each community gets a few realistic items made through the services: documents with
small real PDF and text files generated here, a story, a checklist, answers to
recurring problems, a link, an item shared across communities, a featured item, one
in the platform library, and one edited into a second version (to show its history).
An item that already exists (same community and title) is left as it is.
"""

from django.core.files.base import ContentFile

from . import services
from .files import demo_pdf
from .models import KnowledgeItem

Kind = KnowledgeItem.Kind
Stage = KnowledgeItem.Stage
Status = KnowledgeItem.Status

TAPERING_PLAN = [
    "Opioid tapering plan - template",
    "",
    "1. Agree the goal with the patient: function, not only dose.",
    "2. Reduce by 5-10% of the current dose every 2-4 weeks.",
    "3. Pause, do not reverse, if withdrawal or pain flares.",
    "4. Offer naloxone and review at every step.",
    "5. Record the plan and share it with the pharmacy.",
]

# (community slug, author email, curator email, fields, file (name, bytes) or None,
#  final status, featured, in library)
ITEMS = [
    (
        "safer-opioid-prescribing",
        "core@example.org",
        "core@example.org",
        {
            "kind": Kind.DOCUMENT,
            "title": "Opioid tapering plan template",
            "summary": "A one-page plan to agree with a patient before tapering a long-term "
            "opioid prescription.",
            "body": "Print it, fill it in **together** with the patient, and give a copy to "
            "the pharmacy.\n\n- Goals\n- Steps and dates\n- What to do if pain flares",
            "stage": Stage.IMPLEMENTING,
            "topics": ["opioids", "tapering"],
        },
        ("tapering-plan.pdf", demo_pdf(TAPERING_PLAN)),
        Status.PUBLISHED,
        True,
        True,
    ),
    (
        "safer-opioid-prescribing",
        "active@example.org",
        "core@example.org",
        {
            "kind": Kind.ANSWER,
            "title": "Patients who refuse to taper after years on a high dose",
            "summary": "What members found helps when a patient says no to tapering.",
            "problem": "A patient on a high dose for years refuses any reduction and fears "
            "the pain will come back.",
            "context": "Family practice; patients often inherited the prescription.",
            "solution": "Start with the patient's goals, offer a very slow taper they can "
            "pause, and book a follow-up within two weeks. Involve the pharmacist early.",
            "stage": Stage.IMPLEMENTING,
            "topics": ["opioids", "patient engagement"],
        },
        None,
        Status.PUBLISHED,
        False,
        False,
    ),
    (
        "safer-opioid-prescribing",
        "core@example.org",
        "core@example.org",
        {
            "kind": Kind.CHECKLIST,
            "title": "Before you renew a long-term opioid prescription",
            "summary": "Five checks in under two minutes.",
            "body": "1. Check the provincial drug record.\n2. Ask about function and mood.\n"
            "3. Look for benzodiazepines.\n4. Offer naloxone.\n5. Set the next review date.",
            "stage": Stage.IMPLEMENTING,
            "topics": ["opioids", "primary care"],
        },
        None,
        Status.PUBLISHED,
        False,
        False,
    ),
    (
        "safer-opioid-prescribing",
        "active@example.org",
        "core@example.org",
        {
            "kind": Kind.STORY,
            "title": "How one clinic halved high-dose prescriptions",
            "summary": "A family health team's year of small changes, told by its pharmacist.",
            "body": "We started with a list of patients above 90 mg MED and a monthly huddle.",
            "stage": Stage.EVALUATING,
            "topics": ["opioids", "quality improvement"],
        },
        None,
        Status.IN_REVIEW,
        False,
        False,
    ),
    (
        "safer-opioid-prescribing",
        "core@example.org",
        "core@example.org",
        {
            "kind": Kind.LINK,
            "title": "National guideline on opioids for chronic non-cancer pain",
            "summary": "The guideline the community's tapering plan follows.",
            "url": "https://example.org/guidelines/opioids",
            "stage": Stage.GENERATING,
            "topics": ["opioids", "guidelines"],
        },
        None,
        Status.PUBLISHED,
        False,
        False,
    ),
    (
        "diabetes-patient-partners",
        "patient@example.org",
        "patient@example.org",
        {
            "kind": Kind.STORY,
            "title": "What I wish my diabetes educator had asked",
            "summary": "A patient partner on the questions that would have changed her first year.",
            "body": "Nobody asked what my days looked like. *That* was the question.",
            "stage": Stage.IDENTIFYING,
            "topics": ["diabetes", "patient engagement"],
        },
        None,
        Status.PUBLISHED,
        True,
        False,
    ),
    (
        "diabetes-patient-partners",
        "patient@example.org",
        "patient@example.org",
        {
            "kind": Kind.TOOL,
            "title": "Daily foot check reminder card",
            "summary": "A printable card for people living with diabetes.",
            "stage": Stage.IMPLEMENTING,
            "topics": ["diabetes", "self-care"],
        },
        (
            "foot-check-card.txt",
            b"Daily foot check\n\n- Look at the tops, soles and between the toes.\n"
            b"- Feel for heat or swelling.\n- Call your nurse about any cut that does not "
            b"heal in two days.\n",
        ),
        Status.PUBLISHED,
        False,
        False,
    ),
    (
        "mental-health-peer-support",
        "active@example.org",
        "active@example.org",
        {
            "kind": Kind.GUIDELINE,
            "title": "Peer supervision protocol",
            "summary": "How peer support workers run monthly group supervision.",
            "body": "## Before\nAgree the confidentiality rules.\n\n## During\nOne case each, "
            "ten minutes.\n\n## After\nNote actions, never names.",
            "stage": Stage.IMPLEMENTING,
            "topics": ["peer support", "supervision"],
        },
        None,
        Status.PUBLISHED,
        False,
        False,
    ),
    (
        "ed-flow-leaders",
        "core@example.org",
        "facilitator@example.org",
        {
            "kind": Kind.CHECKLIST,
            "title": "Boarding escalation checklist",
            "summary": "When admitted patients wait in the ED for more than four hours.",
            "body": "- Call the bed manager\n- Open the surge area\n- Tell the site lead",
            "stage": Stage.IMPLEMENTING,
            "topics": ["emergency care", "patient flow"],
        },
        (
            "ed-waits-by-hour.csv",
            b"hour,median_wait_minutes\n08,95\n12,140\n18,210\n22,180\n",
        ),
        Status.PUBLISHED,
        True,
        False,
    ),
    (
        "dementia-care-homes",
        "admin@example.org",
        "admin@example.org",
        {
            "kind": Kind.STORY,
            "title": "Calmer evenings: music before supper",
            "summary": "One home's trial of familiar music in the late afternoon.",
            "body": "Agitation at sundown fell after staff played residents' own music.",
            "stage": Stage.EVALUATING,
            "topics": ["dementia"],
        },
        None,
        Status.PUBLISHED,
        False,
        False,
    ),
    (
        "regional-quality-team",
        "facilitator@example.org",
        "facilitator@example.org",
        {
            "kind": Kind.TOOL,
            "title": "QI project charter template",
            "summary": "The team's template for starting an improvement project.",
            "body": "Aim, measures, change ideas, team, timeline.",
            "stage": Stage.IDENTIFYING,
            "topics": ["quality improvement"],
        },
        ("qi-charter.pdf", demo_pdf(["QI project charter", "Aim:", "Measures:", "Team:"])),
        Status.PUBLISHED,
        False,
        False,
    ),
]
# (community slug, title, sharer email, target community slug, note)
SHARES = [
    (
        "mental-health-peer-support",
        "Peer supervision protocol",
        "active@example.org",
        "safer-opioid-prescribing",
        "Useful for the practices starting peer support for patients who taper.",
    ),
]
# A second version of the featured document: a revised file and a change note.
REVISION = (
    "safer-opioid-prescribing",
    "Opioid tapering plan template",
    "core@example.org",
    "Pharmacists asked for a step on sharing the plan; the file is revised.",
    [*TAPERING_PLAN, "6. Review the plan with the patient at three months."],
)


def _ensure_item(users, communities, row) -> KnowledgeItem | None:
    slug, author, curator, fields, attachment, status, featured, in_library = row
    community = communities.get(slug)
    if community is None:
        return None
    existing = KnowledgeItem.objects.filter(community=community, title=fields["title"]).first()
    if existing is not None:
        return existing
    fields = dict(fields)
    upload = ContentFile(attachment[1], name=attachment[0]) if attachment else None
    item = services.item_create(
        community=community,
        actor=users[author],
        upload=upload,
        stage=fields.pop("stage", ""),
        topics=fields.pop("topics", []),
        change_note="First version",
        submit_for_review=status != Status.DRAFT,
        **fields,
    )
    if status == Status.PUBLISHED:
        services.item_set_status(item=item, actor=users[curator], status=Status.PUBLISHED)
    if featured:
        services.item_set_featured(item=item, actor=users[curator], featured=True)
    if in_library:
        services.item_set_in_library(item=item, actor=users[curator], in_library=True)
    return item


def seed(users: dict, communities: dict) -> None:
    """users: demo accounts by email; communities: demo communities by slug."""
    for row in ITEMS:
        _ensure_item(users, communities, row)
    slug, title, editor, note, lines = REVISION
    item = KnowledgeItem.objects.filter(community__slug=slug, title=title).first()
    if item is not None and not item.history.filter(change_note=note).exists():
        services.item_update(
            item=item,
            actor=users[editor],
            upload=ContentFile(demo_pdf(lines), name="tapering-plan.pdf"),
            change_note=note,
        )
    for slug, title, sharer, target, note in SHARES:
        item = KnowledgeItem.objects.filter(community__slug=slug, title=title).first()
        if item is None or target not in communities:
            continue
        if item.shares.filter(community=communities[target]).exists():
            continue
        services.item_share(
            item=item,
            actor=users[sharer],
            community=communities[target],
            note=note,
            confirmed=True,
        )
