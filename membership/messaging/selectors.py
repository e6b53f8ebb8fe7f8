"""Reads for private messages. Every list is built in a fixed number of queries."""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from copplatform.pagination import KeysetPage, keyset_page
from membership import permissions
from membership.models import User

from .models import (
    Block,
    Conversation,
    ConversationParticipant,
    Message,
    MessageReport,
    unread_filter,
)

INBOX_PER_PAGE = 20
MESSAGES_PER_PAGE = 30
REPORTS_PER_PAGE = 20


def seat_of(*, user: User, conversation_id: int) -> ConversationParticipant | None:
    """The user's present seat in the conversation, with the conversation, or None."""
    if not user.is_authenticated:
        return None
    return (
        ConversationParticipant.objects.select_related("conversation")
        .filter(user=user, conversation_id=conversation_id, left_at=None)
        .first()
    )


def _participants_prefetch() -> Prefetch:
    return Prefetch(
        "participants",
        queryset=ConversationParticipant.objects.select_related("user").order_by("joined_at", "pk"),
    )


def inbox_page(*, user: User, cursor: str | None) -> KeysetPage:
    """The user's conversations, latest message first, each with `is_unread`,
    `is_muted`, the newest message's text and its participants (3 queries)."""
    mine = ConversationParticipant.objects.filter(conversation=OuterRef("pk"), user=user)
    newest = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    conversations = (
        Conversation.objects.filter(
            Exists(mine.filter(left_at=None)),
        )
        .annotate(
            is_unread=Exists(mine.filter(unread_filter())),
            is_muted=Exists(mine.filter(is_muted=True)),
            last_body=Subquery(newest.values("body")[:1]),
            last_sender_id=Subquery(newest.values("sender_id")[:1]),
        )
        .prefetch_related(_participants_prefetch())
    )
    return keyset_page(conversations, cursor, per_page=INBOX_PER_PAGE, field="last_message_at")


def conversation_messages_page(*, conversation: Conversation, cursor: str | None) -> KeysetPage:
    """One page of messages, newest first; the page shows them oldest first."""
    messages = Message.objects.filter(conversation=conversation).select_related("sender")
    return keyset_page(messages, cursor, per_page=MESSAGES_PER_PAGE)


def conversation_participants(*, conversation: Conversation) -> list[ConversationParticipant]:
    """Everyone who has been in it, present ones first."""
    return list(
        ConversationParticipant.objects.filter(conversation=conversation)
        .select_related("user")
        .order_by(
            ExpressionWrapper(Q(left_at=None), output_field=BooleanField()).desc(),
            "joined_at",
            "pk",
        )
    )


def unread_conversation_count(*, user: User) -> int:
    return (
        ConversationParticipant.objects.filter(user=user, left_at=None, is_muted=False)
        .filter(unread_filter())
        .count()
    )


def unread_conversations_subquery(user_ref: OuterRef):
    """The unread, unmuted conversation count for a user, as a subquery."""
    rows = (
        ConversationParticipant.objects.filter(user=user_ref, left_at=None, is_muted=False)
        .filter(unread_filter())
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows[:1]), 0)


def reachable_people(*, user: User) -> QuerySet[User]:
    """The recipient picker's choices."""
    return permissions.people_reachable_by(user).order_by("display_name", "pk")


def blocked_people(*, user: User) -> list[Block]:
    return list(
        Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")
    )


def has_blocked(*, blocker: User, person: User) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=person).exists()


def blocked_ids_among(*, blocker: User, user_ids: list[int]) -> set[int]:
    return set(
        Block.objects.filter(blocker=blocker, blocked_id__in=user_ids).values_list(
            "blocked_id", flat=True
        )
    )


def message_in(*, conversation_id: int, message_id: int) -> Message | None:
    return (
        Message.objects.filter(pk=message_id, conversation_id=conversation_id)
        .select_related("sender")
        .first()
    )


def open_reports_page(*, cursor: str | None) -> KeysetPage:
    reports = MessageReport.objects.filter(status=MessageReport.Status.OPEN).select_related(
        "reporter", "sender"
    )
    return keyset_page(reports, cursor, per_page=REPORTS_PER_PAGE)
