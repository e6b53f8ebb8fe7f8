"""Demo discussions, called by `seed_demo` (idempotent: a thread whose title already
exists in its community is left as it is). Everything goes through the services, so
counters, activity, notifications and the announcement email are what real use leaves.
"""

from communities.models import Report, Thread

from . import services

Kind = Thread.Kind

# (community slug, author, kind, title, body, [(reply author, reply body)], extras)
DEMO_THREADS = [
    (
        "safer-opioid-prescribing",
        "core@example.org",
        Kind.DISCUSSION,
        "Welcome: introduce yourself",
        "Tell us who you are, where you work and what you hope to learn here. "
        "I'm a family physician at Northside and co-chair of this community.",
        [
            (
                "active@example.org",
                "Hello! I evaluate deprescribing programmes at the "
                "University Health Research Institute.",
            ),
            (
                "patient@example.org",
                "I live with chronic pain and took part in a taper "
                "two years ago. Happy to share the patient side.",
            ),
        ],
        {"pin": True},
    ),
    (
        "safer-opioid-prescribing",
        "active@example.org",
        Kind.QUESTION,
        "How do you open the tapering conversation with long-term patients?",
        "Patients on opioids for years often hear *taper* as *abandonment*. "
        "What words or steps have worked for you in the first conversation?",
        [
            (
                "peripheral@example.org",
                "We start by asking what the patient wants their "
                "life to look like in a year, before any talk of doses.",
            ),
            (
                "core@example.org",
                "Three things that work in our practice:\n\n"
                "1. Promise not to stop suddenly, and say it out loud.\n"
                "2. Agree the pace together and write it down.\n"
                "3. Book the next visit before they leave.\n\n"
                "Our [shared leaflet](https://example.org/leaflet) helps too.",
            ),
            (
                "patient@example.org",
                "As a patient, hearing that I would not be left without support mattered most.",
            ),
        ],
        {"accept": 1},
    ),
    (
        "safer-opioid-prescribing",
        "core@example.org",
        Kind.DISCUSSION,
        "Our practice's tapering protocol, for comments",
        "We have drafted a one-page protocol. @Aiko Active, could you look at how we "
        "might evaluate it? Everyone else: what is missing?",
        [
            (
                "active@example.org",
                "Gladly. A before-and-after audit of doses plus a few "
                "patient interviews would be a good start.",
            ),
            (
                "peripheral@example.org",
                "Just switch everyone to buprenorphine and be done with it.",
            ),
        ],
        {
            "report": (
                1,
                "patient@example.org",
                "This reads as blanket clinical advice "
                "without context. Could a moderator look at it?",
            )
        },
    ),
    (
        "safer-opioid-prescribing",
        "core@example.org",
        Kind.ANNOUNCEMENT,
        "Next community call: Thursday 4 December, 12:30",
        "Our monthly call is on **Thursday 4 December at 12:30**. We will review the "
        "protocol draft and hear from two practices that cut high-dose prescriptions.",
        [],
        {},
    ),
    (
        "mental-health-peer-support",
        "active@example.org",
        Kind.DISCUSSION,
        "Supervision models that work for peer workers",
        "Group supervision, one-to-one, or peer-led reflective practice? "
        "What does your team use, and how often?",
        [
            (
                "peripheral@example.org",
                "Monthly peer-led reflective practice, with a "
                "clinical supervisor joining every third session.",
            ),
        ],
        {},
    ),
    (
        "ed-flow-leaders",
        "core@example.org",
        Kind.QUESTION,
        "Has a discharge lounge cut your boarding times?",
        "We are considering a discharge lounge to free beds earlier in the day. "
        "Did it change boarding times in your ED?",
        [
            (
                "peripheral@example.org",
                "Ours cut morning boarding by about 40 minutes, "
                "but only once pharmacy started working from the lounge.",
            ),
            (
                "facilitator@example.org",
                "Two other sites reported the same: the lounge "
                "alone did little until medicines were ready earlier.",
            ),
        ],
        {"accept": 0},
    ),
    (
        "diabetes-patient-partners",
        "patient@example.org",
        Kind.DISCUSSION,
        "What should a first education session cover?",
        "We are co-designing the first session for people newly diagnosed. "
        "What do you wish someone had told you in week one?",
        [
            ("active@example.org", "That a high reading is information, not failure."),
        ],
        {},
    ),
]


def seed(users: dict, communities: dict) -> None:
    """users: demo accounts by email; communities: demo communities by slug."""
    for slug, author, kind, title, body, replies, extras in DEMO_THREADS:
        community = communities[slug]
        if Thread.objects.filter(community=community, title=title).exists():
            continue
        thread = services.thread_create(
            community=community, author=users[author], kind=kind, title=title, body=body
        )
        posts = [
            services.reply_create(thread=thread, author=users[email], body=text)
            for email, text in replies
        ]
        moderator = users["facilitator@example.org"]
        if extras.get("pin"):
            services.thread_set_pinned(thread=thread, actor=moderator, pinned=True)
        if "accept" in extras:
            services.answer_accept(thread=thread, post=posts[extras["accept"]], actor=users[author])
        if "report" in extras:
            index, reporter, reason = extras["report"]
            if not Report.objects.filter(thread=thread, status=Report.Status.OPEN).exists():
                services.report_create(
                    reporter=users[reporter], thread=thread, post=posts[index], reason=reason
                )
