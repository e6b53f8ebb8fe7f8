"""Demo data for facilitation's dashboard (called by seed_demo; idempotent).

The demo facilitator runs four communities. Two are shaped so the dashboard has a
story to tell:
- Safer Opioid Prescribing is healthy: three core members who take part every week,
  members replying to each other, an agreed charter.
- Mental Health Peer Support is at risk: only the facilitator talks (monologue), a
  newcomer's question has waited five days, its core member has gone silent, nobody
  replies to anyone and the charter was never agreed.

Rows are written through the services, then backdated with queryset updates, so a
second run finds them (by thread title, or author and text) and only moves the dates
back to the same distance from now.
"""

from datetime import timedelta

from django.utils import timezone

from communities.discussions import services as discussions
from communities.models import Post, Thread
from membership.models import Membership, User
from membership.services import membership_ensure

HEALTHY = "safer-opioid-prescribing"
AT_RISK = "mental-health-peer-support"

# Two more core members for the healthy community (with the demo core member, three).
EXTRA_CORE = [
    ("kofi.pharmacist@example.org", "Kofi Mensah", User.StakeholderType.CLINICIAN),
    ("rita.nurse@example.org", "Rita Okafor", User.StakeholderType.CLINICIAN),
]
WEEKLY_NOTES = [
    "Tried the taper calendar with two more patients this week; both kept to it.",
    "Our pharmacist now reviews every dose above 90 MME before renewal.",
    "Shared the leaflet draft at our team huddle: they want a large-print version.",
    "A patient partner suggested we ask about sleep before each step down.",
    "We logged three fewer early-refill requests than last month.",
    "Booked the evaluation interviews for the protocol pilot.",
]
FACILITATOR_THREADS = [
    (16, "Welcome to new members: how this community works"),
    (9, "Reminder: share one thing that helped your team this month"),
    (2, "Please add your ideas for the next meeting"),
]
QUESTION = "How do other teams handle supervision after a difficult shift?"
NEWCOMER = (
    "jo.peerworker@example.org",
    "Jo Peer-Worker",
    User.StakeholderType.PATIENT_CARER_PUBLIC,
)


def _backdate(model, pk, when, **more):
    model.objects.filter(pk=pk).update(created_at=when, **more)


def seed(users, communities):
    now = timezone.now()
    _healthy(users, communities[HEALTHY], now)
    _at_risk(users, communities[AT_RISK], now)


def _person(email, name, stakeholder) -> User:
    """A demo member nobody signs in as."""
    person, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "stakeholder_type": stakeholder}
    )
    if created:
        person.set_unusable_password()
        person.save(update_fields=["password"])
    return person


def _healthy(users, community, now):
    core = [users["core@example.org"]]
    for row in EXTRA_CORE:
        person = _person(*row)
        membership_ensure(user=person, community=community, level=Membership.Level.CORE)
        core.append(person)
    # Members joined months ago: they are not newcomers.
    Membership.objects.filter(community=community).update(created_at=now - timedelta(days=180))
    threads = list(Thread.objects.filter(community=community, deleted_at=None).order_by("pk"))
    if not threads:
        return
    # Threads started a week apart (the oldest before the six weeks), so each weekly
    # reply below comes after the thread it answers.
    started = {}
    for index, thread in enumerate(threads):
        started[thread.pk] = now - timedelta(days=min(7 * index + 2, 43))
        _backdate(Thread, thread.pk, started[thread.pk])
    # Each core member replies once a week for the last six weeks, in a thread someone
    # else started: an active core group, talking to each other.
    for week, note in enumerate(WEEKLY_NOTES):
        for index, person in enumerate(core):
            when = now - timedelta(days=7 * week + 1, hours=index + 1)
            earlier = [t for t in threads if started[t.pk] < when]
            thread = next((t for t in earlier if t.author_id != person.pk), earlier[-1])
            text = f"{note} ({person.name})"
            post = Post.objects.filter(
                thread__community=community, author=person, body=text
            ).first()
            if post is None:
                post = discussions.reply_create(thread=thread, author=person, body=text)
            _backdate(Post, post.pk, when)


def _at_risk(users, community, now):
    facilitator = users["facilitator@example.org"]
    Membership.objects.filter(community=community).update(created_at=now - timedelta(days=120))
    newcomer = _person(*NEWCOMER)
    membership = membership_ensure(
        user=newcomer, community=community, level=Membership.Level.ACTIVE
    )
    _backdate(Membership, membership.pk, now - timedelta(days=6))
    # What the community said before went quiet: more than six weeks ago.
    for thread in Thread.objects.filter(community=community).exclude(author=facilitator):
        if thread.title == QUESTION:
            continue
        old = now - timedelta(days=50)
        _backdate(Thread, thread.pk, old, last_activity_at=old)
        Post.objects.filter(thread=thread).update(created_at=old + timedelta(hours=3))
    for days, title in FACILITATOR_THREADS:
        thread = Thread.objects.filter(community=community, title=title).first()
        if thread is None:
            thread = discussions.thread_create(
                community=community,
                author=facilitator,
                kind=Thread.Kind.DISCUSSION,
                title=title,
                body="Everyone is welcome to post here: questions, ideas and stories.",
            )
        when = now - timedelta(days=days)
        _backdate(Thread, thread.pk, when, last_activity_at=when)
    question = Thread.objects.filter(community=community, title=QUESTION).first()
    if question is None:
        question = discussions.thread_create(
            community=community,
            author=newcomer,
            kind=Thread.Kind.QUESTION,
            title=QUESTION,
            body="I am new to peer work and would value hearing what others do.",
        )
    when = now - timedelta(days=5)
    _backdate(Thread, question.pk, when, last_activity_at=when)
    # The charter was never agreed.
    community.charter.__class__.objects.filter(community=community).update(last_reviewed_at=None)
