"""Working groups: starting and editing one, asking to join, leads deciding, leaving,
and leads adding or removing members (writes); the list and a group's page (reads).

Closed groups list themselves but take no requests; their threads are for members
and the community's moderators (membership.permissions decides).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities.activity.services import activity_record
from communities.models import Activity, Community
from membership import permissions
from membership.models import Membership, User
from membership.notifications.models import Notification
from membership.notifications.services import notify

from .interaction_models import WorkingGroupJoinRequest
from .models import WorkingGroup, WorkingGroupMember

Status = WorkingGroupJoinRequest.Status
# Addresses under /groups/ that are pages, not groups.
RESERVED_SLUGS = {"new"}


def group_url(group: WorkingGroup) -> str:
    return reverse("groups:detail", args=[group.community.slug, group.slug])


def thread_path(community: Community, thread_id: int) -> str:
    return reverse("discussions:thread", args=[community.slug, thread_id])


def new_thread_path(community: Community, group: WorkingGroup) -> str:
    return f"{reverse('discussions:create', args=[community.slug])}?group={group.slug}"


def _unique_slug(community: Community, name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:70] or "group"
    taken = set(
        WorkingGroup.objects.filter(community=community, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    taken |= RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _add_member(group: WorkingGroup, user: User, *, is_lead: bool = False) -> WorkingGroupMember:
    member, created = WorkingGroupMember.objects.get_or_create(
        group=group, user=user, defaults={"is_lead": is_lead}
    )
    if not created and is_lead and not member.is_lead:
        member.is_lead = True
        member.save(update_fields=["is_lead", "updated_at"])
    # Whoever joined may be asked about in the same request.
    permissions.forget_cached_working_groups(user)
    # A pending request is answered by the joining itself.
    WorkingGroupJoinRequest.objects.filter(group=group, user=user, status=Status.PENDING).update(
        status=Status.APPROVED, decided_at=timezone.now()
    )
    return member


# --- writes -------------------------------------------------------------------


@transaction.atomic
def working_group_create(
    *, actor: User, community: Community, name: str, purpose: str, is_closed: bool
) -> WorkingGroup:
    """Start a group; its creator becomes its first lead."""
    if not permissions.may_start_working_group(actor, community):
        raise ValidationError(_("Active and core members start working groups."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    if WorkingGroup.objects.filter(community=community, name__iexact=name).exists():
        raise ValidationError({"name": _("This community already has a group with that name.")})
    group = WorkingGroup.objects.create(
        community=community,
        name=name,
        slug=_unique_slug(community, name),
        purpose=purpose.strip(),
        is_closed=is_closed,
        created_by=actor,
    )
    _add_member(group, actor, is_lead=True)
    activity_record(
        community=community,
        actor=actor,
        verb=Activity.Verb.GROUP_STARTED,
        target=group,
        title=group.name,
        url=group_url(group),
        group=group,
    )
    return group


@transaction.atomic
def working_group_update(
    *, actor: User, group: WorkingGroup, name: str, purpose: str, is_closed: bool
) -> WorkingGroup:
    """Leads and moderators change the name, purpose and whether it is closed. The
    address stays, so links already shared keep working."""
    if not permissions.may_manage_working_group(actor, group):
        raise ValidationError(_("Only the group's leads and moderators can change it."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    clash = WorkingGroup.objects.filter(community=group.community, name__iexact=name)
    if clash.exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("This community already has a group with that name.")})
    group.name, group.purpose, group.is_closed = name, purpose.strip(), is_closed
    group.save(update_fields=["name", "purpose", "is_closed", "updated_at"])
    if is_closed:
        # A closed group takes no requests: the waiting ones are declined.
        WorkingGroupJoinRequest.objects.filter(group=group, status=Status.PENDING).update(
            status=Status.DECLINED, decided_by=actor, decided_at=timezone.now()
        )
    return group


@transaction.atomic
def working_group_request_join(
    *, user: User, group: WorkingGroup, message: str = ""
) -> WorkingGroupJoinRequest | WorkingGroupMember:
    """Ask to join an open group. Its leads and moderators join at once."""
    if permissions.is_working_group_member(user, group):
        raise ValidationError(_("You are already in this group."))
    if group.is_closed:
        raise ValidationError(_("This group is closed and takes no requests to join."))
    if not permissions.may_join_working_group(user, group):
        raise ValidationError(_("Members of the community can ask to join its groups."))
    if permissions.may_manage_working_group(user, group):
        return _add_member(group, user)
    pending = WorkingGroupJoinRequest.objects.filter(group=group, user=user, status=Status.PENDING)
    if pending.exists():
        raise ValidationError(_("Your request is already waiting for a lead."))
    return WorkingGroupJoinRequest.objects.create(group=group, user=user, message=message.strip())


@transaction.atomic
def working_group_request_withdraw(*, user: User, group: WorkingGroup) -> int:
    deleted, _rows = WorkingGroupJoinRequest.objects.filter(
        group=group, user=user, status=Status.PENDING
    ).delete()
    return deleted


def _decide(request: WorkingGroupJoinRequest, actor: User, status: str) -> None:
    group = request.group
    if not permissions.may_manage_working_group(actor, group):
        raise ValidationError(_("Only the group's leads and moderators decide requests."))
    if request.status != Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    request.status, request.decided_by, request.decided_at = status, actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


@transaction.atomic
def working_group_request_approve(
    *, actor: User, request: WorkingGroupJoinRequest
) -> WorkingGroupMember:
    group = request.group
    if group.is_closed:
        raise ValidationError(_("This group is closed; add members from its member page."))
    if not permissions.may_participate(request.user, group.community):
        raise ValidationError(_("This person is no longer a member of the community."))
    _decide(request, actor, Status.APPROVED)
    member = _add_member(group, request.user)
    notify(
        [request.user],
        kind=Notification.Kind.JOIN_DECISION,
        actor=actor,
        title=_("You joined the working group %(name)s") % {"name": group.name},
        url=group_url(group),
        community=group.community,
    )
    return member


@transaction.atomic
def working_group_request_decline(*, actor: User, request: WorkingGroupJoinRequest) -> None:
    _decide(request, actor, Status.DECLINED)
    notify(
        [request.user],
        kind=Notification.Kind.JOIN_DECISION,
        actor=actor,
        title=_("Your request to join %(name)s was not accepted") % {"name": request.group.name},
        url=group_url(request.group),
        community=request.group.community,
    )


@transaction.atomic
def working_group_leave(*, user: User, group: WorkingGroup) -> None:
    if not permissions.may_leave_working_group(user, group):
        raise ValidationError(_("You are not in this group."))
    WorkingGroupMember.objects.filter(group=group, user=user).delete()
    permissions.forget_cached_working_groups(user)


@transaction.atomic
def working_group_member_add(
    *, actor: User, group: WorkingGroup, user: User, is_lead: bool = False
) -> WorkingGroupMember:
    """A lead or moderator adds someone who takes part in the community."""
    if not permissions.may_manage_working_group(actor, group):
        raise ValidationError(_("Only the group's leads and moderators add members."))
    if not permissions.may_be_added_to_working_group(actor, user, group):
        raise ValidationError({"user": _("Only members of the community can join its groups.")})
    if permissions.is_working_group_member(user, group):
        raise ValidationError(
            {"user": _("%(name)s is already in the group.") % {"name": user.name}}
        )
    return _add_member(group, user, is_lead=is_lead)


@transaction.atomic
def working_group_member_remove(*, actor: User, member: WorkingGroupMember) -> None:
    if not permissions.may_manage_working_group(actor, member.group):
        raise ValidationError(_("Only the group's leads and moderators remove members."))
    member.delete()
    permissions.forget_cached_working_groups(member.user)


@transaction.atomic
def working_group_member_set_lead(
    *, actor: User, member: WorkingGroupMember, is_lead: bool
) -> WorkingGroupMember:
    if not permissions.may_manage_working_group(actor, member.group):
        raise ValidationError(_("Only the group's leads and moderators choose leads."))
    if member.is_lead != is_lead:
        member.is_lead = is_lead
        member.save(update_fields=["is_lead", "updated_at"])
    return member


# --- reads --------------------------------------------------------------------


def working_groups_of(*, community: Community, user) -> list[WorkingGroup]:
    """The community's groups (closed ones too) with `member_count` and `is_mine`,
    in one query. The caller has checked that the user may see them."""
    groups = WorkingGroup.objects.filter(community=community).annotate(
        member_count=Count("memberships", distinct=True)
    )
    if user.is_authenticated:
        groups = groups.annotate(
            is_mine=Exists(WorkingGroupMember.objects.filter(group=OuterRef("pk"), user=user))
        )
    groups = list(groups.order_by("name", "pk"))
    for group in groups:
        group.community = community
        group.is_mine = getattr(group, "is_mine", False)
    return groups


def working_group_by_slug(*, community: Community, group_slug: str) -> WorkingGroup | None:
    group = WorkingGroup.objects.filter(community=community, slug=group_slug).first()
    if group is not None:
        group.community = community
    return group


def working_group_members(*, group: WorkingGroup) -> list[WorkingGroupMember]:
    """Leads first, then by name; users loaded with them."""
    return list(
        WorkingGroupMember.objects.filter(group=group)
        .select_related("user")
        .order_by("-is_lead", "user__display_name", "pk")
    )


def working_group_threads(*, group: WorkingGroup, user, limit: int = 50):
    """The group's threads the user may read, newest activity first."""
    return list(
        permissions.threads_readable_by(user)
        .filter(group=group)
        .select_related("author")
        .order_by("-last_activity_at", "-pk")[:limit]
    )


def working_group_pending_requests(*, group: WorkingGroup) -> list[WorkingGroupJoinRequest]:
    return list(
        WorkingGroupJoinRequest.objects.filter(group=group, status=Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def working_group_my_request(*, group: WorkingGroup, user) -> WorkingGroupJoinRequest | None:
    if not user.is_authenticated:
        return None
    return WorkingGroupJoinRequest.objects.filter(
        group=group, user=user, status=Status.PENDING
    ).first()


def working_group_candidates(*, group: WorkingGroup):
    """Community members who could be added: members of the community not yet in it."""
    return (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(community=group.community).values("user_id"),
        )
        .exclude(pk__in=WorkingGroupMember.objects.filter(group=group).values("user_id"))
        .order_by("display_name", "pk")
    )


def working_group_join_request(*, group: WorkingGroup, request_id: int):
    found = (
        WorkingGroupJoinRequest.objects.filter(group=group, pk=request_id, status=Status.PENDING)
        .select_related("user")
        .first()
    )
    if found is not None:
        found.group = group
    return found


def working_group_member(*, group: WorkingGroup, member_id: int):
    found = (
        WorkingGroupMember.objects.filter(group=group, pk=member_id).select_related("user").first()
    )
    if found is not None:
        found.group = group
    return found
