"""Demo glossary: platform-wide terms and a few of each community's own (idempotent)."""

from .glossary import glossary_term_ensure

PLATFORM_TERMS = [
    (
        "Community of practice",
        "A group of people who share a concern or a passion for something they do, and "
        "learn how to do it better by talking and working together regularly.",
    ),
    (
        "Learning health system",
        "A health system that learns from its own everyday care: it gathers what happens, "
        "studies it, and feeds what it learns back into care, again and again.",
    ),
    (
        "Patient partner",
        "A patient, carer or member of the public who works **alongside** staff to plan, "
        "improve or study care, bringing the experience of living with a condition.",
    ),
    (
        "Deprescribing",
        "Reducing or stopping a medicine that may no longer help, or may now do more harm "
        "than good, planned together with the person who takes it.",
    ),
    (
        "HbA1c",
        "A blood test that shows your average blood sugar over the last two to three months. "
        "It is often written as a percentage or in mmol/mol.",
    ),
    (
        "Quality improvement",
        "Making care better in small, tested steps: try a change, measure what happens, "
        "keep what works. Often shortened to *QI*.",
    ),
    (
        "Peripheral member",
        "Someone who mostly reads and listens in a community. A welcome way to take part: "
        "many people learn most this way.",
    ),
    (
        "Co-production",
        "Patients, carers and staff designing and delivering something together as equals, "
        "from the first idea to the finished work.",
    ),
]

# community slug -> (term, definition)
COMMUNITY_TERMS = {
    "safer-opioid-prescribing": [
        (
            "Tapering",
            "Lowering the dose of a medicine slowly, in planned steps, so the body can adjust.",
        ),
        (
            "MME",
            "Morphine milligram equivalents: a way to compare the strength of different "
            "opioids by converting each dose to the matching dose of morphine.",
        ),
        (
            "Naloxone",
            "A medicine that quickly reverses an opioid overdose. Kits are free from many "
            "pharmacies.",
        ),
    ],
    "diabetes-patient-partners": [
        (
            "Hypo",
            "Short for hypoglycaemia: blood sugar that has dropped too low. Signs include "
            "shaking, sweating and confusion.",
        ),
        (
            "Time in range",
            "How much of the day your sugar levels stay within the target range your team "
            "agreed with you.",
        ),
    ],
    "mental-health-peer-support": [
        (
            "Lived experience",
            "What someone knows from having been through something themselves, such as "
            "mental illness or recovery.",
        ),
    ],
    "ed-flow-leaders": [
        (
            "Boarding",
            "When a patient admitted to hospital waits in the emergency department because "
            "no ward bed is free.",
        ),
    ],
    "dementia-care-homes": [
        (
            "Person-centred care",
            "Care planned around the resident's own history, likes and routines, not around "
            "the home's timetable.",
        ),
    ],
    "regional-quality-team": [
        (
            "PDSA cycle",
            "Plan, Do, Study, Act: the four steps of testing one small change.",
        ),
    ],
}

# Who keeps each community's glossary in the demo (a core member or its facilitator).
KEEPERS = {
    "safer-opioid-prescribing": "core@example.org",
    "diabetes-patient-partners": "patient@example.org",
    "mental-health-peer-support": "active@example.org",
    "ed-flow-leaders": "facilitator@example.org",
    "dementia-care-homes": "admin@example.org",
    "regional-quality-team": "facilitator@example.org",
}


def seed(users: dict, communities: dict) -> None:
    """users: demo accounts by email; communities: demo communities by slug."""
    facilitator = users.get("facilitator@example.org")
    for term, definition in PLATFORM_TERMS:
        glossary_term_ensure(community=None, term=term, definition=definition, actor=facilitator)
    for slug, terms in COMMUNITY_TERMS.items():
        community = communities.get(slug)
        if community is None:
            continue
        keeper = users.get(KEEPERS[slug])
        for term, definition in terms:
            glossary_term_ensure(
                community=community, term=term, definition=definition, actor=keeper
            )
