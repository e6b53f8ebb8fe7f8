"""The parts that need more than one filter, or a few queries."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, F, OuterRef, Q

from membership import permissions
from membership.models import User

from .rows import COMMUNITY, by, only_if, rows_of


def profile_rows(user: User) -> list[dict]:
    EmailAddress = apps.get_model("account", "EmailAddress")
    Authenticator = apps.get_model("mfa", "Authenticator")
    profile = (
        User.objects.filter(pk=user.pk)
        .values(
            "email",
            "display_name",
            "first_name",
            "last_name",
            "stakeholder_type",
            "platform_role",
            "organisation",
            "bio",
            "share_organisation",
            "share_stakeholder_type",
            "share_bio",
            "share_expertise",
            "time_zone",
            "date_joined",
            "last_login",
            "is_staff",
            "is_superuser",
        )
        .get()
    )
    profile["expertise"] = sorted(user.expertise.names())
    profile["email_addresses"] = list(
        EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
    )
    # The kind of second factor and when it was used: never its secret.
    profile["two_factor_methods"] = list(
        Authenticator.objects.filter(user=user).values("type", "created_at", "last_used_at")
    )
    # Their signed-in sessions (allauth.usersessions): never the session key, which
    # would let whoever reads the archive act as them.
    UserSession = apps.get_model("usersessions", "UserSession")
    profile["sessions"] = list(
        UserSession.objects.filter(user=user)
        .order_by("created_at")
        .values("created_at", "last_seen_at", "ip", "user_agent")
    )
    profile["groups"] = list(user.groups.values_list("name", flat=True))
    profile["permissions"] = list(user.user_permissions.values_list("codename", flat=True))
    return [profile]


def own_addresses(user: User) -> list[str]:
    EmailAddress = apps.get_model("account", "EmailAddress")
    addresses = {user.email.lower()}
    addresses |= {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    return sorted(addresses)


def invitations_received(user: User) -> list[dict]:
    Invitation = apps.get_model("membership", "Invitation")
    to_me = Q(accepted_by=user)
    for address in own_addresses(user):
        to_me |= Q(email__iexact=address)
    return list(
        Invitation.objects.filter(to_me)
        .order_by("pk")
        .values(
            "email",
            "level",
            "message",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            **COMMUNITY,
        )
    )


def conversations(user: User) -> list[dict]:
    """Their conversations, with the messages they sent and received there (up to
    when they left): each one's other participants are named, as in the inbox."""
    Participant = apps.get_model("membership", "ConversationParticipant")
    Message = apps.get_model("membership", "Message")
    seats = list(
        Participant.objects.filter(user=user)
        .select_related("conversation")
        .order_by("conversation_id")
    )
    by_conversation = {seat.conversation_id: seat for seat in seats}
    others: dict[int, list[str]] = {pk: [] for pk in by_conversation}
    for seat in (
        Participant.objects.filter(conversation_id__in=by_conversation)
        .exclude(user=user)
        .select_related("user")
        .order_by("pk")
    ):
        others[seat.conversation_id].append(seat.user.name)
    messages: dict[int, list[dict]] = {pk: [] for pk in by_conversation}
    for message in (
        Message.objects.filter(conversation_id__in=by_conversation)
        .select_related("sender")
        .order_by("created_at", "pk")
    ):
        seat = by_conversation[message.conversation_id]
        if seat.left_at is not None and message.created_at > seat.left_at:
            continue
        messages[message.conversation_id].append(
            {
                "from_me": message.sender_id == user.pk,
                "sender": message.sender.name if message.sender else None,
                "body": message.body,
                "sent_at": message.created_at,
            }
        )
    return [
        {
            "conversation": seat.conversation_id,
            "subject": seat.conversation.subject,
            "started_by_me": seat.conversation.started_by_id == user.pk,
            "with": others[seat.conversation_id],
            "joined_at": seat.joined_at,
            "last_read_at": seat.last_read_at,
            "muted": seat.is_muted,
            "left_at": seat.left_at,
            "messages": messages[seat.conversation_id],
        }
        for seat in seats
    ]


def blocks_made(user: User) -> list[dict]:
    Block = apps.get_model("membership", "Block")
    return [
        {"blocked": block.blocked.name, "since": block.created_at}
        for block in Block.objects.filter(blocker=user).select_related("blocked").order_by("pk")
    ]


def notifications(user: User) -> list[dict]:
    """Their notifications. One about a community they may no longer read keeps its
    kind and dates, not its title or address (those are that community's now)."""
    Notification = apps.get_model("membership", "Notification")
    visible = permissions.notifications_visible_to(user).values("pk")
    still = Q(pk__in=visible)
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("pk")
        .values(
            "kind",
            "created_at",
            "read_at",
            title_now=only_if(still, "title"),
            url_now=only_if(still, "url"),
            community_name=only_if(still, "community__name"),
        )
    )


def knowledge_items(user: User) -> list[dict]:
    """Items they author, started or last changed, as they are now, while they may
    read them: after that, others' later edits are not theirs to take (what they
    wrote themselves is in knowledge_versions)."""
    KnowledgeItem = apps.get_model("knowledge", "KnowledgeItem")
    mine = Q(authors=user) | Q(created_by=user) | Q(updated_by=user)
    return list(
        permissions.items_readable_by(user)
        .filter(pk__in=KnowledgeItem.objects.filter(mine).values("pk"))
        .order_by("pk")
        .values(
            "id",
            "kind",
            "title",
            "summary",
            "body",
            "problem",
            "context",
            "solution",
            "url",
            "file_name",
            "stage",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            **COMMUNITY,
            i_am_author=Exists(
                KnowledgeItem.authors.through.objects.filter(
                    knowledgeitem=OuterRef("pk"), user=user
                )
            ),
        )
    )


def knowledge_versions(user: User) -> list[dict]:
    """The versions they saved, each with its file (in files/)."""
    History = apps.get_model("knowledge", "HistoricalKnowledgeItem")
    return list(
        History.objects.filter(history_user=user)
        .order_by("history_id")
        .values(
            "id",
            "history_id",
            "history_date",
            "history_type",
            "title",
            "summary",
            "body",
            "problem",
            "context",
            "solution",
            "url",
            "file",
            "file_name",
            "change_note",
            "status",
        )
    )


def item_downloads(user: User) -> list[dict]:
    return rows_of(
        "knowledge.ItemDownload",
        by("user"),
        "item_id",
        "downloaded_at",
        item_title=F("item__title"),
    )(user)


def level_suggestions(user: User) -> list[dict]:
    """Suggestions about them (a move up, or "gone quiet"), and those they decided."""
    Suggestion = apps.get_model("membership", "LevelSuggestion")
    return list(
        Suggestion.objects.filter(Q(membership__user=user) | Q(decided_by=user))
        .order_by("pk")
        .values(
            "kind",
            "status",
            "created_at",
            "decided_at",
            community_name=F("membership__community__name"),
            about_me=Q(membership__user=user),
            reason_given=only_if(Q(membership__user=user), "reason"),
            decided_by_me=Q(decided_by=user),
        )
    )


def audit_rows(user: User) -> list[dict]:
    """What they did in communities' logs, and what was done about them (not by whom,
    nor to whom: that names other people)."""
    AuditEntry = apps.get_model("membership", "AuditEntry")
    return list(
        AuditEntry.objects.filter(Q(actor=user) | Q(subject=user))
        .order_by("pk")
        .values(
            "action",
            "created_at",
            **COMMUNITY,
            done_by_me=Q(actor=user),
            about_me=Q(subject=user),
            reason_given=only_if(Q(subject=user), "reason"),
        )
    )


def onboarding(user: User) -> list[dict]:
    return rows_of(
        "membership.OnboardingProgress",
        by("membership__user"),
        "created_at",
        step_title=F("step__title"),
        community_name=F("membership__community__name"),
    )(user)
