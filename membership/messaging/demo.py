"""Demo content for messages, notifications and the feeds, called by `seed_demo`.

Idempotent: each conversation is recognised by its first message, each notification
by its recipient and title, each "joined" activity by its membership.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from communities.activity.services import activity_record
from communities.models import Activity
from membership.models import Membership, Message, Notification
from membership.notifications.services import notify

from .services import conversation_start, message_send

DIRECT_OPENING = (
    "Hi Chidi, could I borrow the tapering plan template you mentioned at the last "
    "meeting? I would like to try it with two patients."
)
DIRECT_REPLIES = [
    ("core@example.org", "Of course. I will tidy it up and send it over this week."),
    (
        "active@example.org",
        "Thank you! One more question: do you share it with patients **before** the "
        "first review, or during it?",
    ),
    ("active@example.org", "No rush at all, whenever you have a moment."),
]
GROUP_SUBJECT = "Patient leaflet: plain-language check"
GROUP_OPENING = (
    "I have marked the paragraphs that still read like a prescribing guideline. "
    "Could you both look at sections 2 and 3?"
)
GROUP_REPLIES = [
    ("core@example.org", "Will do. Section 3 needs a line about what happens if pain gets worse."),
    (
        "peripheral@example.org",
        "I tried it with my students: they stumbled on *tolerance*. Maybe a short glossary?",
    ),
]


def _seed_conversations(users) -> None:
    core, active = users["core@example.org"], users["active@example.org"]
    patient, peripheral = users["patient@example.org"], users["peripheral@example.org"]
    if not Message.objects.filter(sender=active, body=DIRECT_OPENING).exists():
        direct = conversation_start(starter=active, recipients=[core], body=DIRECT_OPENING)
        for email, body in DIRECT_REPLIES:
            message_send(conversation=direct, sender=users[email], body=body)
    if not Message.objects.filter(sender=patient, body=GROUP_OPENING).exists():
        group = conversation_start(
            starter=patient,
            recipients=[core, peripheral],
            subject=GROUP_SUBJECT,
            body=GROUP_OPENING,
        )
        for email, body in GROUP_REPLIES:
            message_send(conversation=group, sender=users[email], body=body)


def _seed_notifications(users, communities) -> None:
    core = users["core@example.org"]
    opioids = communities["safer-opioid-prescribing"]
    home = reverse("communities:home", args=[opioids.slug])
    charter = reverse("communities:charter", args=[opioids.slug])
    rows = [
        (
            Notification.Kind.MENTION,
            users["active@example.org"],
            "Tapering plans that worked",
            home,
        ),
        (
            Notification.Kind.ANNOUNCEMENT,
            users["facilitator@example.org"],
            "Spring online meeting",
            home,
        ),
        (Notification.Kind.REVIEW_DUE, None, "Charter of Safer Opioid Prescribing", charter),
    ]
    for kind, actor, title, url in rows:
        if not Notification.objects.filter(recipient=core, kind=kind, title=title).exists():
            notify([core], kind=kind, actor=actor, title=title, url=url, community=opioids)


def seed_joined_activities(communities) -> None:
    """One "joined" row per demo membership, for the feeds to have something to show."""
    membership_type = ContentType.objects.get_for_model(Membership)
    recorded = set(
        Activity.objects.filter(
            target_type=membership_type, verb=Activity.Verb.MEMBER_JOINED
        ).values_list("target_id", flat=True)
    )
    memberships = (
        Membership.objects.filter(community__in=list(communities.values()))
        .select_related("user", "community")
        .order_by("created_at", "pk")
    )
    for membership in memberships:
        if membership.pk in recorded:
            continue
        community = membership.community
        activity_record(
            community=community,
            actor=membership.user,
            verb=Activity.Verb.MEMBER_JOINED,
            target=membership,
            title=community.name,
            url=reverse("communities:home", args=[community.slug]),
        )


def seed(users: dict, communities: dict) -> None:
    """users: demo accounts by email; communities: demo communities by slug."""
    _seed_conversations(users)
    _seed_notifications(users, communities)
    seed_joined_activities(communities)
