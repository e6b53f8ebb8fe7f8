"""Hand-built communities with known signals, at a fixed moment (see test_signals.py
for the answers each one must give)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from communities.events.models import (
    Action,
    AgendaItem,
    Attendance,
    Event,
    EventOccurrence,
)
from communities.models import Charter, Mention, ModerationEntry, Post, Report, Thread
from facilitation.models import WorkLogEntry
from knowledge.models import KnowledgeItem
from membership.models import (
    Conversation,
    ConversationParticipant,
    JoinRequest,
    Membership,
    Message,
    OnboardingProgress,
    OnboardingStep,
    User,
)

from ...factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def ago(days=0, hours=0):
    return NOW - timedelta(days=days, hours=hours)


def backdate(obj, when, field="created_at"):
    type(obj).objects.filter(pk=obj.pk).update(**{field: when})
    setattr(obj, field, when)
    return obj


def member(community, level="peripheral", joined_days=200, **user):
    membership = MembershipFactory(community=community, level=level, user=UserFactory(**user))
    return backdate(membership, ago(joined_days))


def facilitator(community):
    return FacilitatorAssignmentFactory(community=community).user


def thread(community, author, days, kind=Thread.Kind.DISCUSSION, hours=0, **extra):
    t = Thread.objects.create(
        community=community, author=author, kind=kind, title="A thread", body="Text", **extra
    )
    return backdate(t, ago(days, hours))


def reply(thread_, author, days, hours=0):
    return backdate(
        Post.objects.create(thread=thread_, author=author, body="Reply"), ago(days, hours)
    )


def review_charter(community, days):
    Charter.objects.filter(community=community).update(
        last_reviewed_at=None if days is None else ago(days)
    )


@dataclass
class Healthy:
    """Community A: busy, but its core group is weak, a question waits and its
    charter is overdue."""

    community: object
    fac: User
    core1: User
    core2: User
    core3: User
    active1: User
    p1: User
    p3: User


def build_a() -> Healthy:
    c = CommunityFactory(name="Alpha")
    fac = facilitator(c)
    core1 = member(c, "core", stakeholder_type=User.StakeholderType.PATIENT_CARER_PUBLIC).user
    core2 = member(c, "core").user
    core3 = member(c, "core").user
    active1 = member(c, "active", joined_days=100).user
    quiet1 = member(c, "active").user
    p1_membership = member(c, joined_days=10, stakeholder_type=User.StakeholderType.CLINICIAN)
    p2_membership = member(c, joined_days=45)
    Membership.objects.filter(pk=p2_membership.pk).update(onboarding_started_at=ago(44))
    p3_membership = member(c, joined_days=5)
    step = OnboardingStep.objects.create(community=c, title="Say hello")
    OnboardingProgress.objects.create(membership=p3_membership, step=step)
    p1, p3 = p1_membership.user, p3_membership.user

    thread(c, quiet1, 100)
    t1 = thread(c, active1, 20, kind=Thread.Kind.QUESTION)
    r1 = reply(t1, core1, 20, hours=-2)  # two hours after the question
    Mention.objects.create(thread=t1, post=r1, user=core3, created_at=r1.created_at)
    Mention.objects.create(thread=t1, post=r1, user=active1, created_at=r1.created_at)
    t2 = thread(c, p3, 4, kind=Thread.Kind.QUESTION)
    reply(t2, p3, 3)  # the author's own follow-up is no answer
    t3 = thread(c, fac, 2)
    reply(t3, core2, 1)
    t4 = thread(c, core1, 40)
    reply(t4, core2, 39)
    # Removed and hidden posts do not count.
    thread(c, core3, 3, deleted_at=ago(3))
    hidden = reply(t3, core3, 1)
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)

    conversation = Conversation.objects.create(started_by=core3)
    ConversationParticipant.objects.create(conversation=conversation, user=core3)
    ConversationParticipant.objects.create(conversation=conversation, user=p1)
    Message.objects.create(conversation=conversation, sender=core3, body="Hi", created_at=ago(5))
    # A message to someone outside the community is no interaction in it.
    outsider = UserFactory()
    other_conversation = Conversation.objects.create(started_by=core2)
    ConversationParticipant.objects.create(conversation=other_conversation, user=core2)
    ConversationParticipant.objects.create(conversation=other_conversation, user=outsider)
    Message.objects.create(
        conversation=other_conversation, sender=core2, body="Hi", created_at=ago(5)
    )

    item = KnowledgeItem.objects.create(
        community=c, title="Guide", summary="S", status="published", published_at=ago(10)
    )
    KnowledgeItem.objects.create(community=c, title="Draft", summary="S", status="draft")
    assert item.pk

    event = Event.objects.create(community=c, title="Meeting", starts_at=ago(7, 1), ends_at=ago(7))
    held = EventOccurrence.objects.create(event=event, starts_at=ago(7, 1), ends_at=ago(7))
    for person in (core1, core2, core3):
        Attendance.objects.create(occurrence=held, user=person)
    EventOccurrence.objects.create(
        event=event, position=1, starts_at=ago(5, 1), ends_at=ago(5), is_cancelled=True
    )
    EventOccurrence.objects.create(event=event, position=2, starts_at=ago(-5), ends_at=ago(-5, -1))
    with_item = EventOccurrence.objects.create(
        event=event, position=3, starts_at=ago(-6), ends_at=ago(-6, -1)
    )
    AgendaItem.objects.create(occurrence=with_item, title="Leaflet", status="accepted")
    Action.objects.create(
        community=c, occurrence=held, title="Draft leaflet", owner=core1, due_on=ago(1).date()
    )
    Action.objects.create(
        community=c,
        occurrence=held,
        title="Book room",
        owner=core2,
        due_on=ago(3).date(),
        status="done",
    )

    JoinRequest.objects.create(user=UserFactory(), community=c)
    Report.objects.create(community=c, thread=t3, reason="Off topic")
    review_charter(c, 400)
    ModerationEntry.objects.create(community=c, actor=fac, action="pinned", created_at=ago(3))
    WorkLogEntry.objects.create(
        facilitator=fac,
        community=c,
        kind="meeting",
        description="Ran it",
        occurred_on=ago(5).date(),
    )
    return Healthy(c, fac, core1, core2, core3, active1, p1, p3)


def build_b():
    """Community B: its facilitator's last post was 40 days ago; a newcomer has not
    posted; the charter was never agreed."""
    c = CommunityFactory(name="Bravo")
    fac = facilitator(c)
    member(c, "core")
    member(c, "active")
    member(c, joined_days=3)
    thread(c, fac, 40)
    review_charter(c, None)
    return c


def build_c():
    """Community C: the facilitator talks, one member answers: a monologue with no
    member pairs. No facilitator act is older than the threshold."""
    c = CommunityFactory(name="Charlie")
    fac = facilitator(c)
    m = member(c, "active").user
    member(c, "core")
    first = thread(c, fac, 3)
    thread(c, fac, 2)
    thread(c, fac, 1)
    reply(first, m, 1)
    review_charter(c, 10)
    return c


def build_d():
    """Community D: nobody has posted and nobody facilitates it."""
    c = CommunityFactory(name="Delta")
    review_charter(c, 10)
    return c
