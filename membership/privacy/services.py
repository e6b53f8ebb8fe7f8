"""Deleting a member's account: their personal data goes, what the community needs
stays as a former member's. Each model's rule is in docs/privacy.md.

`account_delete` runs in one transaction. Before the user row is deleted (which
cascades to their own rows and empties the `SET_NULL` references that keep
community content as "Former member"), it goes through the community services
(memberships, facilitator assignments, meeting places) so counts, permissions,
waiting lists and logs stay right, and it scrubs the few places that copied the
person's name or address as text.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from membership import services as membership_services
from membership.models import AuditEntry, FacilitatorAssignment, Membership, User
from membership.sessions import sessions_end_all

from .export import own_addresses


def account_deletion_blockers(*, user: User) -> list[str]:
    """Why the account cannot be deleted yet (empty: it can). A community must not be
    left without a core member or a facilitator, nor the platform without an admin,
    by one person's click: they hand over first."""
    problems = []
    Level = Membership.Level
    core_here = Membership.objects.filter(user=user, level=Level.CORE).values("community")
    sole_core = (
        Membership.objects.filter(community__in=core_here)
        .values("community", "community__name")
        .annotate(
            cores=Count("pk", filter=Q(level=Level.CORE)),
            members=Count("pk"),
        )
        .filter(cores=1, members__gt=1)
        .order_by("community__name")
    )
    for row in sole_core:
        problems.append(
            _(
                "You are the only core member of %(community)s. Make another member core "
                "there (Manage members) before deleting your account."
            )
            % {"community": row["community__name"]}
        )
    facilitated = FacilitatorAssignment.objects.filter(user=user).values("community")
    sole_facilitator = (
        FacilitatorAssignment.objects.filter(community__in=facilitated, community__status="active")
        .values("community", "community__name")
        .annotate(facilitators=Count("pk"))
        .filter(facilitators=1)
        .order_by("community__name")
    )
    for row in sole_facilitator:
        problems.append(
            _(
                "You are the only facilitator of %(community)s. Ask a platform admin to "
                "assign another facilitator before deleting your account."
            )
            % {"community": row["community__name"]}
        )
    if user.is_superuser:
        others = (
            get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
        )
        if not others.exists():
            problems.append(_("You are the only platform admin. Make someone else an admin first."))
    return problems


def account_deletion_confirmation_matches(*, user: User, typed: str) -> bool:
    """The member typed their own email address (any case, spaces around ignored)."""
    return typed.strip().lower() == user.email.lower()


# --- text that copied the person's name or address --------------------------------


def _mention_pattern(user_id: int) -> re.Pattern:
    return re.compile(r"@\[[^\]\[\n]{1,120}\]\(member:" + str(user_id) + r"\)")


def _scrub_mentions(user: User) -> None:
    """Mentions of them in other people's posts (`@[Name](member:<id>)`, the stored
    form) become "@Former member": the post stays, their name goes."""
    pattern = _mention_pattern(user.pk)
    replacement = "@" + _("Former member")
    token = f"](member:{user.pk})"
    for label, fields in (
        ("communities.Thread", ("body",)),
        ("communities.Post", ("body",)),
        ("communities.Revision", ("body",)),
    ):
        model = apps.get_model(label)
        rows = model.objects.filter(body__contains=token).exclude(
            **({"author": user} if label != "communities.Revision" else {"written_by": user})
        )
        for row in rows.only("pk", *fields):
            for field in fields:
                setattr(row, field, pattern.sub(replacement, getattr(row, field)))
            model.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in fields})


def _scrub_logs(user: User, addresses: list[str]) -> None:
    """Logs that wrote their address or name as text keep the event, not the person."""
    address_match = Q()
    for address in addresses:
        address_match |= Q(detail__iexact=address)
    AuditEntry.objects.filter(address_match).update(detail="")
    WorkLogEntry = apps.get_model("facilitation", "WorkLogEntry")
    JoinRequest = apps.get_model("membership", "JoinRequest")
    sources = [
        f"join-request:{pk}"
        for pk in JoinRequest.objects.filter(user=user).values_list("pk", flat=True)
    ]
    WorkLogEntry.objects.filter(source__in=sources).update(
        description=_("Approved a former member's request to join")
    )
    # The admin site's history of changes to their account names them (object_repr).
    LogEntry = apps.get_model("admin", "LogEntry")
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
    # Invitations sent to their addresses (open, accepted or revoked) hold the address.
    Invitation = apps.get_model("membership", "Invitation")
    to_them = Q(accepted_by=user)
    for address in addresses:
        to_them |= Q(email__iexact=address)
    Invitation.objects.filter(to_them).delete()


def _leave_everything(user: User) -> None:
    """Leave every community and facilitation through the services, so member counts,
    permissions and the communities' logs follow; give up places at meetings to come
    so the waiting list moves."""
    from communities.events.services import rsvp_set

    for membership in Membership.objects.filter(user=user).select_related("community"):
        membership_services.membership_leave(user=user, community=membership.community)
    for assignment in FacilitatorAssignment.objects.filter(user=user).select_related("community"):
        membership_services.facilitator_unassign(
            user=user, community=assignment.community, actor=user
        )
    Rsvp = apps.get_model("communities", "Rsvp")
    upcoming = Rsvp.objects.filter(
        user=user,
        response=Rsvp.Response.GOING,
        occurrence__ends_at__gt=timezone.now(),
        occurrence__is_cancelled=False,
        occurrence__event__cancelled_at=None,
    ).select_related("occurrence")
    for rsvp in upcoming:
        rsvp_set(occurrence=rsvp.occurrence, user=user, response=Rsvp.Response.NOT_GOING)


def _delete_messages(user: User) -> None:
    """Their private messages go; a conversation nobody else is still in goes whole.
    Reports of their messages keep the reported text for the reviewers (a safety
    record), as a former member's."""
    Message = apps.get_model("membership", "Message")
    Participant = apps.get_model("membership", "ConversationParticipant")
    Conversation = apps.get_model("membership", "Conversation")
    conversation_ids = list(
        Participant.objects.filter(user=user).values_list("conversation_id", flat=True)
    )
    Message.objects.filter(sender=user).delete()
    still_read = Participant.objects.filter(
        conversation_id__in=conversation_ids, left_at=None
    ).exclude(user=user)
    Conversation.objects.filter(pk__in=conversation_ids).exclude(
        pk__in=still_read.values("conversation_id")
    ).delete()


def _clear_history_references(user: User) -> None:
    """simple_history's copies of `created_by`/`updated_by` have no database
    constraint: empty them, as the live rows' SET_NULL does."""
    for label, fields in (
        ("knowledge.HistoricalKnowledgeItem", ("created_by", "updated_by")),
        ("communities.HistoricalCharter", ("updated_by",)),
    ):
        model = apps.get_model(label)
        for field in fields:
            model.objects.filter(**{field: user}).update(**{field: None})


def _drop_expertise(user: User) -> None:
    Tag = apps.get_model("taggit", "Tag")
    tag_ids = list(user.expertise.values_list("pk", flat=True))
    user.expertise.clear()
    Tag.objects.filter(pk__in=tag_ids, taggit_taggeditem_items=None).delete()


@transaction.atomic
def account_delete(*, user: User, confirmation: str) -> None:
    """Delete the member's account and personal data; keep, as a former member's,
    the community content others rely on.

    Preconditions: the member reauthenticated just now (the view asks allauth) and
    is deleting their own account. Raises ValidationError when the typed
    confirmation is not their address or when deleting would leave a community
    without its only core member or facilitator (see account_deletion_blockers)."""
    if not account_deletion_confirmation_matches(user=user, typed=confirmation):
        raise ValidationError(
            {"confirmation": _("Type your email address exactly to confirm.")},
            code="confirmation",
        )
    blockers = account_deletion_blockers(user=user)
    if blockers:
        raise ValidationError(blockers, code="handover")
    addresses = own_addresses(user)
    _leave_everything(user)
    _scrub_mentions(user)
    _scrub_logs(user, addresses)
    _delete_messages(user)
    _clear_history_references(user)
    _drop_expertise(user)
    sessions_end_all(user=user)
    user.delete()
