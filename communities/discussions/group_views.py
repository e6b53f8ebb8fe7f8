"""Working groups' pages: the list, a group's page, starting and editing one,
asking to join, leaving, and leads looking after members and requests.

Anyone who may read the community sees its groups (closed ones too); a closed
group's discussions are for its members and the community's moderators.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copplatform.markdown import plain_excerpt, render_markdown
from membership import permissions

from . import working_groups as groups
from .interaction_forms import (
    GroupJoinRequestForm,
    GroupMemberAddForm,
    GroupMemberLeadForm,
    WorkingGroupForm,
)
from .models import Thread


def _readable_community(request, slug):
    return permissions.access_community(request.user, slug, require=permissions.may_read_community)


def _access_group(request, slug, group_slug, *, require=None):
    """The group, or 404; 403 when `require(user, group)` says no."""
    community = _readable_community(request, slug)
    group = groups.working_group_by_slug(community=community, group_slug=group_slug)
    if group is None or not permissions.may_see_working_group(request.user, group):
        raise Http404
    if require is not None and not require(request.user, group):
        raise PermissionDenied
    return group


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- the list and a group's page -----------------------------------------------------


def group_list(request, slug):
    community = _readable_community(request, slug)
    found = groups.working_groups_of(community=community, user=request.user)
    for group in found:
        group.purpose_excerpt = plain_excerpt(group.purpose, 240)
    context = {
        "community": community,
        "groups": found,
        "may_start_group": permissions.may_start_working_group(request.user, community),
    }
    return render(request, "communities/groups/list.html", context)


def group_detail(request, slug, group_slug):
    group = _access_group(request, slug, group_slug)
    community, user = group.community, request.user
    may_read_content = permissions.may_read_working_group_content(user, group)
    is_member = permissions.is_working_group_member(user, group)
    may_join = permissions.may_join_working_group(user, group)
    may_manage = permissions.may_manage_working_group(user, group)
    context = {
        "community": community,
        "group": group,
        "purpose_html": render_markdown(group.purpose),
        "members": groups.working_group_members(group=group)
        if permissions.may_see_members(user, community)
        else None,
        "may_read_content": may_read_content,
        "threads": groups.working_group_threads(group=group, user=user) if may_read_content else [],
        "is_member": is_member,
        "may_join": may_join,
        "my_request": groups.working_group_my_request(group=group, user=user) if may_join else None,
        "join_form": GroupJoinRequestForm(auto_id="join-%s") if may_join else None,
        "may_manage": may_manage,
        "pending_count": len(groups.working_group_pending_requests(group=group))
        if may_manage
        else 0,
        "may_start_thread": permissions.may_start_thread(
            user, community, kind=Thread.Kind.DISCUSSION, group=group
        ),
        "new_thread_url": groups.new_thread_path(community, group),
    }
    for thread in context["threads"]:
        thread.url = groups.thread_path(community, thread.pk)
    return render(request, "communities/groups/detail.html", context)


# --- starting and editing ---------------------------------------------------------------


@login_required
def group_create(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_start_working_group
    )
    form = WorkingGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = groups.working_group_create(
                actor=request.user, community=community, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is started. You are its lead.") % {"name": group.name}
            )
            return redirect("groups:detail", community.slug, group.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "communities/groups/form.html",
        {"community": community, "form": form, "group": None},
        status=status,
    )


@login_required
def group_edit(request, slug, group_slug):
    group = _access_group(request, slug, group_slug, require=permissions.may_manage_working_group)
    form = WorkingGroupForm(
        request.POST or None,
        initial={"name": group.name, "purpose": group.purpose, "is_closed": group.is_closed},
    )
    if request.method == "POST" and form.is_valid():
        try:
            groups.working_group_update(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The group is updated."))
            return redirect("groups:detail", group.community.slug, group.slug)
    status = 400 if request.method == "POST" else 200
    context = {"community": group.community, "form": form, "group": group}
    return render(request, "communities/groups/form.html", context, status=status)


# --- joining and leaving ------------------------------------------------------------------


@login_required
@require_POST
def group_join(request, slug, group_slug):
    group = _access_group(request, slug, group_slug, require=permissions.may_join_working_group)
    form = GroupJoinRequestForm(request.POST, auto_id="join-%s")
    if not form.is_valid():
        context = {"community": group.community, "group": group, "form": form}
        return render(request, "communities/groups/join.html", context, status=400)
    try:
        outcome = groups.working_group_request_join(
            user=request.user, group=group, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        if isinstance(outcome, groups.WorkingGroupMember):
            messages.success(request, _("You joined %(name)s.") % {"name": group.name})
        else:
            messages.success(
                request, _("Your request is with the group's leads. We will let you know.")
            )
    return redirect("groups:detail", group.community.slug, group.slug)


@login_required
@require_POST
def group_request_withdraw(request, slug, group_slug):
    group = _access_group(request, slug, group_slug)
    if groups.working_group_request_withdraw(user=request.user, group=group):
        messages.success(request, _("Your request to join is withdrawn."))
    else:
        messages.info(request, _("You had no request waiting."))
    return redirect("groups:detail", group.community.slug, group.slug)


@login_required
@require_POST
def group_leave(request, slug, group_slug):
    group = _access_group(request, slug, group_slug, require=permissions.may_leave_working_group)
    groups.working_group_leave(user=request.user, group=group)
    messages.success(request, _("You left %(name)s.") % {"name": group.name})
    return redirect("groups:detail", group.community.slug, group.slug)


# --- leads look after members -------------------------------------------------------------


def _render_members(request, group, *, add_form=None, status=200):
    members = groups.working_group_members(group=group)
    context = {
        "community": group.community,
        "group": group,
        "members": members,
        "lead_count": sum(1 for member in members if member.is_lead),
        "requests": groups.working_group_pending_requests(group=group),
        "add_form": add_form
        or GroupMemberAddForm(candidates=groups.working_group_candidates(group=group)),
    }
    return render(request, "communities/groups/members.html", context, status=status)


@login_required
def group_members(request, slug, group_slug):
    group = _access_group(request, slug, group_slug, require=permissions.may_manage_working_group)
    return _render_members(request, group)


@login_required
@require_POST
def group_member_add(request, slug, group_slug):
    group = _access_group(request, slug, group_slug, require=permissions.may_manage_working_group)
    form = GroupMemberAddForm(request.POST, candidates=groups.working_group_candidates(group=group))
    if form.is_valid():
        try:
            member = groups.working_group_member_add(
                actor=request.user,
                group=group,
                user=form.cleaned_data["user"],
                is_lead=form.cleaned_data["is_lead"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s is in the group.") % {"name": member.user.name})
            return redirect("groups:members", group.community.slug, group.slug)
    return _render_members(request, group, add_form=form, status=400)


def _pending_request(group, request_id):
    found = groups.working_group_join_request(group=group, request_id=request_id)
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def group_request_approve(request, slug, group_slug, group_request_id):
    group = _access_group(request, slug, group_slug, require=permissions.may_manage_working_group)
    join_request = _pending_request(group, group_request_id)
    try:
        groups.working_group_request_approve(actor=request.user, request=join_request)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request, _("%(name)s joined the group.") % {"name": join_request.user.name}
        )
    return redirect("groups:members", group.community.slug, group.slug)


@login_required
@require_POST
def group_request_decline(request, slug, group_slug, group_request_id):
    group = _access_group(request, slug, group_slug, require=permissions.may_manage_working_group)
    join_request = _pending_request(group, group_request_id)
    try:
        groups.working_group_request_decline(actor=request.user, request=join_request)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The request is declined."))
    return redirect("groups:members", group.community.slug, group.slug)


def _member(group, member_id):
    found = groups.working_group_member(group=group, member_id=member_id)
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def group_member_remove(request, slug, group_slug, group_member_id):
    group = _access_group(request, slug, group_slug, require=permissions.may_manage_working_group)
    member = _member(group, group_member_id)
    groups.working_group_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(name)s is no longer in the group.") % {"name": member.user.name})
    if member.user_id == request.user.pk and not permissions.may_manage_working_group(
        request.user, group
    ):
        return redirect("groups:detail", group.community.slug, group.slug)
    return redirect("groups:members", group.community.slug, group.slug)


@login_required
@require_POST
def group_member_lead(request, slug, group_slug, group_member_id):
    group = _access_group(request, slug, group_slug, require=permissions.may_manage_working_group)
    member = _member(group, group_member_id)
    form = GroupMemberLeadForm(request.POST)
    form.is_valid()  # A checkbox: absent means "not a lead"; nothing else can be wrong.
    groups.working_group_member_set_lead(
        actor=request.user, member=member, is_lead=form.cleaned_data.get("is_lead", False)
    )
    if form.cleaned_data.get("is_lead"):
        messages.success(request, _("%(name)s is now a lead.") % {"name": member.user.name})
    else:
        messages.success(request, _("%(name)s is no longer a lead.") % {"name": member.user.name})
    if not permissions.may_manage_working_group(request.user, group):
        return redirect("groups:detail", group.community.slug, group.slug)
    return redirect("groups:members", group.community.slug, group.slug)
