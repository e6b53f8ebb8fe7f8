"""Writes for private messages: start, reply, read, mute, leave, block, report.

Every rule about who may write to whom is asked of membership.permissions. A new
message creates no Notification: the unread badge on Messages is the signal.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from membership import permissions
from membership.models import User

from .models import Block, Conversation, ConversationParticipant, Message, MessageReport

# Small groups only: a conversation with more people belongs in a community thread.
MAX_PARTICIPANTS = 8


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")}, code="empty")
    return body


def _present_seats(conversation: Conversation):
    return ConversationParticipant.objects.filter(conversation=conversation, left_at=None)


def _existing_direct_conversation(starter: User, recipient: User) -> Conversation | None:
    """The one-to-one conversation the two are both still in, if any."""
    candidates = (
        Conversation.objects.filter(participants__user=starter, participants__left_at=None)
        .filter(participants__user=recipient, participants__left_at=None)
        .order_by("-last_message_at")
    )
    for conversation in candidates[:5]:
        if set(conversation.participants.values_list("user_id", flat=True)) == {
            starter.pk,
            recipient.pk,
        }:
            return conversation
    return None


@transaction.atomic
def conversation_start(
    *, starter: User, recipients: Sequence[User], body: str, subject: str = ""
) -> Conversation:
    """Start a conversation (or continue the existing one-to-one) with a first message.

    Each recipient must be someone the starter may message (permissions.may_message).
    """
    body = _clean_body(body)
    people = {person.pk: person for person in recipients if person.pk != starter.pk}
    if not people:
        raise ValidationError({"recipients": _("Choose at least one person.")}, code="none")
    if len(people) + 1 > MAX_PARTICIPANTS:
        raise ValidationError(
            {
                "recipients": _("A conversation can have at most %(count)d people, you included.")
                % {"count": MAX_PARTICIPANTS}
            },
            code="too_many",
        )
    refused = [person for person in people.values() if not permissions.may_message(starter, person)]
    if refused:
        raise ValidationError(
            {
                "recipients": _("You cannot send a message to %(names)s.")
                % {"names": ", ".join(str(person.name) for person in refused)}
            },
            code="not_reachable",
        )
    if len(people) == 1 and not subject.strip():
        existing = _existing_direct_conversation(starter, next(iter(people.values())))
        if existing is not None:
            message_send(conversation=existing, sender=starter, body=body)
            return existing
    now = timezone.now()
    conversation = Conversation.objects.create(
        started_by=starter, subject=subject.strip()[:150], last_message_at=now
    )
    ConversationParticipant.objects.bulk_create(
        [ConversationParticipant(conversation=conversation, user=starter, last_read_at=now)]
        + [
            ConversationParticipant(conversation=conversation, user=person)
            for person in people.values()
        ]
    )
    Message.objects.create(conversation=conversation, sender=starter, body=body, created_at=now)
    return conversation


@transaction.atomic
def message_send(*, conversation: Conversation, sender: User, body: str) -> Message:
    """A reply from a present participant; refused across a block or when alone."""
    body = _clean_body(body)
    seats = list(_present_seats(conversation).select_for_update())
    seat = next((s for s in seats if s.user_id == sender.pk), None)
    others = [s.user_id for s in seats if s.user_id != sender.pk]
    if not permissions.may_reply_in_conversation(sender, seat, others):
        raise ValidationError(
            _("You cannot reply in this conversation any more."), code="not_allowed"
        )
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, sender=sender, body=body, created_at=now
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now, updated_at=now)
    conversation.last_message_at = now
    ConversationParticipant.objects.filter(pk=seat.pk).update(last_read_at=now)
    return message


def conversation_mark_read(*, seat: ConversationParticipant) -> None:
    now = timezone.now()
    ConversationParticipant.objects.filter(pk=seat.pk).update(last_read_at=now)
    seat.last_read_at = now


def conversation_set_muted(*, seat: ConversationParticipant, muted: bool) -> None:
    """A muted conversation shows no unread badge; its messages still arrive."""
    seat.is_muted = muted
    seat.save(update_fields=["is_muted"])


@transaction.atomic
def conversation_leave(*, seat: ConversationParticipant) -> None:
    """Leave for good: the conversation leaves the inbox and can no longer be opened."""
    if seat.left_at is None:
        seat.left_at = timezone.now()
        seat.save(update_fields=["left_at"])


@transaction.atomic
def person_block(*, blocker: User, blocked: User) -> Block:
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."), code="self")
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def person_unblock(*, blocker: User, blocked: User) -> int:
    deleted, _details = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return deleted


@transaction.atomic
def message_report(*, message: Message, reporter: User, reason: str) -> MessageReport:
    """Share one message with the reviewers. Only a present participant other than its
    sender may report it, once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with this message.")}, code="reason")
    seat = ConversationParticipant.objects.filter(
        conversation_id=message.conversation_id, user=reporter, left_at=None
    ).first()
    if not permissions.may_read_conversation(reporter, seat):
        raise ValidationError(_("You cannot report this message."), code="not_allowed")
    if message.sender_id == reporter.pk:
        raise ValidationError(_("You cannot report your own message."), code="own")
    try:
        with transaction.atomic():
            return MessageReport.objects.create(
                message=message,
                reporter=reporter,
                sender_id=message.sender_id,
                message_text=message.body,
                message_sent_at=message.created_at,
                reason=reason,
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this message."), code="duplicate"
        ) from None


@transaction.atomic
def message_report_resolve(*, report: MessageReport, actor: User) -> MessageReport:
    if not permissions.may_review_message_reports(actor):
        raise ValidationError(_("Only facilitators review reported messages."), code="not_allowed")
    if report.status != MessageReport.Status.RESOLVED:
        report.status = MessageReport.Status.RESOLVED
        report.resolved_by, report.resolved_at = actor, timezone.now()
        report.save(update_fields=["status", "resolved_by", "resolved_at"])
    return report
