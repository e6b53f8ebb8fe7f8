"""Writes about people and their participation. Views and commands call these.

Every function is atomic, validates before it writes, records an audit entry,
keeps guardian's object permissions and the community's member count in step, and
enqueues notifications only once the transaction commits.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from communities.models import Community
from copplatform.db import parse_id

from . import permissions, tasks
from .models import (
    AuditEntry,
    CommunityUserObjectPermission,
    FacilitatorAssignment,
    Invitation,
    JoinRequest,
    LevelSuggestion,
    Membership,
    OnboardingProgress,
    OnboardingStep,
    User,
)

Action = AuditEntry.Action


# --- permissions ------------------------------------------------------------


def _permission_ids(codenames) -> dict[str, int]:
    return dict(
        Permission.objects.filter(
            content_type__app_label="communities", codename__in=codenames
        ).values_list("codename", "id")
    )


def permissions_sync(*, user: User, community: Community) -> None:
    """Make guardian's rows for (user, community) match the user's level and role."""
    level = (
        Membership.objects.filter(user=user, community=community)
        .values_list("level", flat=True)
        .first()
    )
    facilitates = FacilitatorAssignment.objects.filter(user=user, community=community).exists()
    wanted = permissions.perms_granted(level=level, facilitates=facilitates)
    current = dict(
        CommunityUserObjectPermission.objects.filter(
            user=user, content_object=community
        ).values_list("permission__codename", "id")
    )
    stale = [row_id for codename, row_id in current.items() if codename not in wanted]
    if stale:
        CommunityUserObjectPermission.objects.filter(id__in=stale).delete()
    missing = wanted - current.keys()
    if missing:
        CommunityUserObjectPermission.objects.bulk_create(
            CommunityUserObjectPermission(
                user=user, content_object=community, permission_id=permission_id
            )
            for permission_id in _permission_ids(missing).values()
        )
    permissions.forget_cached_permissions(user)


def audit_record(community, actor, action, *, subject=None, detail="", reason=""):
    """Write one audit entry: who did what to whom, and why (shown to core members)."""
    AuditEntry.objects.create(
        community=community,
        actor=actor,
        subject=subject,
        action=action,
        detail=detail[:300],
        reason=reason,
    )


def _touch(community: Community) -> None:
    Community.objects.filter(pk=community.pk).update(last_activity_at=timezone.now())


# --- membership -------------------------------------------------------------


def _add_member(*, user, community, level, actor, action, reason="") -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, community=community, level=level, sort_name=user.display_name
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s is already a member of this community.") % {"name": user.name},
            code="already_member",
        ) from exc
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
    permissions_sync(user=user, community=community)
    # A pending request is settled by joining any other way.
    JoinRequest.objects.filter(
        user=user, community=community, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.APPROVED, decided_at=timezone.now(), decided_by=actor)
    audit_record(community, actor, action, subject=user, detail=level, reason=reason)
    _touch(community)
    return membership


@transaction.atomic
def membership_join(*, user: User, community: Community) -> Membership:
    """One-click join of an open community."""
    is_member = Membership.objects.filter(user=user, community=community).exists()
    if is_member:
        raise ValidationError(_("You are already a member of this community."), code="member")
    if not permissions.may_join(user, community, is_member=False):
        raise ValidationError(
            _("This community does not accept members in one click."), code="not_open"
        )
    return _add_member(
        user=user,
        community=community,
        level=Membership.Level.PERIPHERAL,
        actor=user,
        action=Action.JOINED,
    )


@transaction.atomic
def membership_leave(*, user: User, community: Community) -> None:
    membership = Membership.objects.filter(user=user, community=community).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this community."), code="not_member")
    _delete_membership(membership, actor=user, action=Action.LEFT)


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(_("Give a reason: the person removed is told it."), code="reason")
    if membership.user_id == actor.pk:
        raise ValidationError(_("To leave a community, use Leave."), code="self")
    user, community = membership.user, membership.community
    _delete_membership(membership, actor=actor, action=Action.REMOVED, reason=reason)
    tasks.notify_member_removed.delay_on_commit(
        user_id=user.pk, community_id=community.pk, reason=reason
    )


def _delete_membership(membership, *, actor, action, reason=""):
    user, community = membership.user, membership.community
    membership.delete()
    Community.objects.filter(pk=community.pk, member_count__gt=0).update(
        member_count=F("member_count") - 1
    )
    permissions_sync(user=user, community=community)
    audit_record(community, actor, action, subject=user, reason=reason)


def membership_sort_name_sync(*, user: User) -> None:
    """Copy the user's display name onto their memberships, where the member
    directory sorts by it (its pages are ranges of an index on the membership row).
    Call it whenever `display_name` changes; `level_rank` follows `level` by itself."""
    Membership.objects.filter(user=user).exclude(sort_name=user.display_name).update(
        sort_name=user.display_name
    )


@transaction.atomic
def membership_set_level(
    *, membership: Membership, level: str, actor: User | None, reason: str = ""
) -> Membership:
    if level not in Membership.Level.values:
        raise ValidationError(_("Choose core, active or peripheral."), code="level")
    if membership.level == level:
        return membership
    previous = membership.level
    membership.level = level
    membership.save(update_fields=["level", "updated_at"])
    permissions_sync(user=membership.user, community=membership.community)
    audit_record(
        membership.community,
        actor,
        Action.LEVEL_CHANGED,
        subject=membership.user,
        detail=f"{previous} → {level}",
        reason=reason,
    )
    return membership


@transaction.atomic
def membership_set_role(
    *, membership: Membership, role: str, role_title: str, actor: User | None
) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose one of the roles offered."), code="role")
    role_title = role_title.strip()
    if role == Membership.Role.CUSTOM and not role_title:
        raise ValidationError(_("Give the role a title."), code="role_title")
    if role != Membership.Role.CUSTOM:
        role_title = ""
    membership.role, membership.role_title = role, role_title
    membership.save(update_fields=["role", "role_title", "updated_at"])
    audit_record(
        membership.community,
        actor,
        Action.ROLE_CHANGED,
        subject=membership.user,
        detail=membership.role_label or "—",
    )
    return membership


@transaction.atomic
def membership_ensure(
    *, user: User, community: Community, level: str, actor: User | None = None
) -> Membership:
    """Make the user a member at this level, whatever they are now (demo data, admin)."""
    membership = Membership.objects.filter(user=user, community=community).first()
    if membership is None:
        return _add_member(
            user=user, community=community, level=level, actor=actor, action=Action.JOINED
        )
    return membership_set_level(membership=membership, level=level, actor=actor)


# --- join requests ----------------------------------------------------------


@transaction.atomic
def join_request_create(*, user: User, community: Community, message: str) -> JoinRequest:
    is_member = Membership.objects.filter(user=user, community=community).exists()
    if is_member:
        raise ValidationError(_("You are already a member of this community."), code="member")
    if not permissions.may_request_to_join(user, community, is_member=False):
        raise ValidationError(
            _("This community does not take requests to join."), code="no_requests"
        )
    if JoinRequest.objects.filter(
        user=user, community=community, status=JoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("You have already asked to join; the core members will answer soon."),
            code="duplicate",
        )
    join_request = JoinRequest.objects.create(user=user, community=community, message=message)
    audit_record(community, user, Action.REQUESTED, subject=user)
    tasks.notify_join_request_received.delay_on_commit(join_request_id=join_request.pk)
    return join_request


def _pending(join_request: JoinRequest) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."), code="answered")
    return locked


@transaction.atomic
def join_request_approve(*, join_request: JoinRequest, actor: User) -> Membership:
    join_request = _pending(join_request)
    join_request.status = JoinRequest.Status.APPROVED
    join_request.decided_by, join_request.decided_at = actor, timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    membership = _add_member(
        user=join_request.user,
        community=join_request.community,
        level=Membership.Level.PERIPHERAL,
        actor=actor,
        action=Action.REQUEST_APPROVED,
    )
    tasks.notify_join_decision.delay_on_commit(join_request_id=join_request.pk)
    _notify_join_decision(join_request, actor)
    _work_log_approval(join_request, actor)
    return membership


def _work_log_approval(join_request: JoinRequest, actor: User) -> None:
    """A facilitator's approval counts in their work log (once per request)."""
    from facilitation.coordination.services import work_log_record
    from facilitation.models import WorkLogEntry

    work_log_record(
        facilitator=actor,
        community=join_request.community,
        kind=WorkLogEntry.Kind.ONBOARDING,
        description=_("Approved %(name)s's request to join") % {"name": join_request.user.name},
        source=f"join-request:{join_request.pk}",
    )


@transaction.atomic
def join_request_decline(*, join_request: JoinRequest, actor: User, reason: str) -> JoinRequest:
    if not reason.strip():
        raise ValidationError(_("Give a reason: the person asking is told it."), code="reason")
    join_request = _pending(join_request)
    join_request.status = JoinRequest.Status.DECLINED
    join_request.decided_by, join_request.decided_at = actor, timezone.now()
    join_request.reason = reason
    join_request.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    audit_record(
        join_request.community,
        actor,
        Action.REQUEST_DECLINED,
        subject=join_request.user,
        reason=reason,
    )
    tasks.notify_join_decision.delay_on_commit(join_request_id=join_request.pk)
    _notify_join_decision(join_request, actor)
    return join_request


def _notify_join_decision(join_request: JoinRequest, actor: User) -> None:
    """In the requester's notification centre too (the email says which way it went)."""
    from django.urls import reverse

    from .notifications.models import Notification
    from .notifications.services import notify

    community = join_request.community
    notify(
        [join_request.user],
        kind=Notification.Kind.JOIN_DECISION,
        actor=actor,
        title=community.name,
        url=reverse("communities:home", args=[community.slug]),
        community=community,
    )


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user: User) -> None:
    join_request = _pending(join_request)
    if join_request.user_id != user.pk:
        raise ValidationError(_("Only the person who asked can withdraw a request."))
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.save(update_fields=["status", "updated_at"])


# --- invitations ------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    digest = salted_hmac("membership.invitation", invitation.nonce, algorithm="sha256")
    return f"{invitation.pk}.{digest.hexdigest()}"


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation the token names, or None if the token is not genuine."""
    invitation_id = parse_id(token.partition(".")[0])
    if invitation_id is None:
        return None
    invitation = (
        Invitation.objects.select_related("community", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not constant_time_compare(invitation_token(invitation), token):
        return None
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why the invitation cannot be used, in words for the person holding it."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    if invitation.revoked_at:
        return _("This invitation was withdrawn. Ask the person who invited you for a new one.")
    if invitation.accepted_at:
        return _("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the person who invited you for a new one.")
    if invitation.community.status != Community.Status.ACTIVE:
        return _("This community is not open yet.")
    return None


@transaction.atomic
def invitation_create(
    *, community: Community, email: str, level: str, message: str, actor: User
) -> Invitation:
    email = User.objects.normalize_email(email).strip()
    if Membership.objects.filter(community=community, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email}, code="member")
    if level == Membership.Level.CORE and not permissions.may_manage_members(actor, community):
        raise ValidationError(_("You cannot invite core members."), code="level")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                community=community,
                email=email,
                level=level,
                message=message,
                invited_by=actor,
                nonce=secrets.token_hex(16),
                expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(email)s already has an open invitation.") % {"email": email}, code="duplicate"
        ) from exc
    audit_record(community, actor, Action.INVITED, detail=email)
    tasks.send_invitation.delay_on_commit(invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation is no longer open."), code="closed")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(invitation.community, actor, Action.INVITATION_REVOKED, detail=invitation.email)


def _user_owns_email(user: User, email: str) -> bool:
    if user.email.lower() == email.lower():
        return True
    return user.emailaddress_set.filter(email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = invitation_from_token(token)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem, code="invalid")
    if not _user_owns_email(user, invitation.email):
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s. Sign in with that address, or add "
                "and verify it in your account settings."
            )
            % {"email": invitation.email},
            code="wrong_account",
        )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    existing = Membership.objects.filter(user=user, community=invitation.community).first()
    if existing:
        return existing
    return _add_member(
        user=user,
        community=invitation.community,
        level=invitation.level,
        actor=user,
        action=Action.INVITATION_ACCEPTED,
    )


# --- facilitators -----------------------------------------------------------


@transaction.atomic
def facilitator_assign(*, user: User, community: Community, actor: User | None) -> None:
    _assignment, created = FacilitatorAssignment.objects.get_or_create(
        user=user, community=community
    )
    if created:
        permissions_sync(user=user, community=community)
        audit_record(community, actor, Action.FACILITATOR_ASSIGNED, subject=user)


@transaction.atomic
def facilitator_unassign(*, user: User, community: Community, actor: User | None) -> None:
    deleted, _rows = FacilitatorAssignment.objects.filter(user=user, community=community).delete()
    if deleted:
        permissions_sync(user=user, community=community)
        audit_record(community, actor, Action.FACILITATOR_UNASSIGNED, subject=user)


# --- onboarding and level suggestions ---------------------------------------


DEFAULT_ONBOARDING_STEPS = [
    "Read the community's purpose and aims",
    "Read the ground rules",
    "Fill in your profile and the expertise you bring",
    "Introduce yourself to the community",
    "Look through the glossary of terms",
]


def onboarding_steps_create_defaults(*, community: Community) -> None:
    # Stored in English as data; core members edit them in their own language.
    OnboardingStep.objects.bulk_create(
        OnboardingStep(community=community, title=title, position=index)
        for index, title in enumerate(DEFAULT_ONBOARDING_STEPS)
    )


@transaction.atomic
def onboarding_step_set(*, membership: Membership, step: OnboardingStep, done: bool) -> None:
    if step.community_id != membership.community_id:
        raise ValidationError(_("That step belongs to another community."))
    if done:
        OnboardingProgress.objects.get_or_create(membership=membership, step=step)
        if membership.onboarding_started_at is None:
            membership.onboarding_started_at = timezone.now()
            membership.save(update_fields=["onboarding_started_at", "updated_at"])
    else:
        OnboardingProgress.objects.filter(membership=membership, step=step).delete()


@transaction.atomic
def suggestion_accept(*, suggestion: LevelSuggestion, actor: User) -> None:
    if suggestion.status != LevelSuggestion.Status.OPEN:
        raise ValidationError(_("This suggestion has already been answered."))
    target = {
        LevelSuggestion.Kind.PROMOTE_TO_ACTIVE: Membership.Level.ACTIVE,
        LevelSuggestion.Kind.PROMOTE_TO_CORE: Membership.Level.CORE,
    }.get(suggestion.kind)
    if target:
        membership_set_level(
            membership=suggestion.membership,
            level=target,
            actor=actor,
            reason=suggestion.reason,
        )
    suggestion.status = LevelSuggestion.Status.ACCEPTED
    suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


@transaction.atomic
def suggestion_dismiss(*, suggestion: LevelSuggestion, actor: User) -> None:
    if suggestion.status != LevelSuggestion.Status.OPEN:
        raise ValidationError(_("This suggestion has already been answered."))
    suggestion.status = LevelSuggestion.Status.DISMISSED
    suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
