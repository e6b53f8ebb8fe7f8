"""Joining, leaving, requests, invitations, and core members' member management."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.models import Community
from copplatform.pagination import CURSOR_PARAM, keyset_page_by
from membership import permissions, selectors, services
from membership.forms import InvitationForm, JoinRequestForm, LevelForm, ReasonForm, RoleForm
from membership.models import Invitation, JoinRequest, LevelSuggestion, Membership

INVITATION_SESSION_KEY = "membership.pending_invitation"
MEMBERS_PER_PAGE = 50
AUDIT_PER_PAGE = 50


def _community_for(request, slug) -> Community:
    """The community, or 404 when the user may not know it exists."""
    return permissions.access_community(request.user, slug)


def _managed_community_for(request, slug) -> Community:
    return permissions.access_community(request.user, slug, require=permissions.may_manage_members)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _home(community):
    return redirect("communities:home", community.slug)


# --- joining and leaving ----------------------------------------------------


@login_required
@require_POST
def join(request, slug):
    community = _community_for(request, slug)
    try:
        services.membership_join(user=request.user, community=community)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _home(community)
    messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
    return redirect("membership:welcome", community.slug)


@login_required
@require_POST
def leave(request, slug):
    community = _community_for(request, slug)
    try:
        services.membership_leave(user=request.user, community=community)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _home(community)
    messages.success(request, _("You have left %(name)s.") % {"name": community.name})
    return redirect("home")


@login_required
def request_to_join(request, slug):
    community = _community_for(request, slug)
    pending = selectors.join_request_pending_for(user=request.user, community=community)
    is_member = Membership.objects.filter(user=request.user, community=community).exists()
    if is_member:
        messages.info(request, _("You are already a member of this community."))
        return _home(community)
    form = JoinRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and pending is None:
        if form.is_valid():
            try:
                services.join_request_create(
                    user=request.user,
                    community=community,
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your request was sent. You will get an email when it is answered."),
                )
                return _home(community)
        status = 400
    elif request.method == "POST":
        status = 409
    context = {
        "community": community,
        "form": form,
        "pending": pending,
        "accepts_requests": permissions.may_request_to_join(
            request.user, community, is_member=False
        ),
    }
    return render(request, "membership/joining/request.html", context, status=status)


@login_required
@require_POST
def request_withdraw(request, slug):
    community = _community_for(request, slug)
    pending = selectors.join_request_pending_for(user=request.user, community=community)
    if pending is None:
        raise Http404
    services.join_request_withdraw(join_request=pending, user=request.user)
    messages.success(request, _("Your request to join was withdrawn."))
    return _home(community)


# --- invitations ------------------------------------------------------------


def invitation(request, token):
    """Anyone holding the link may see the invitation; accepting needs an account."""
    found = services.invitation_from_token(token)
    problem = services.invitation_problem(found)
    if problem:
        status = 404 if found is None else 410
        return render(
            request, "membership/joining/invitation.html", {"problem": problem}, status=status
        )
    if not request.user.is_authenticated:
        # Remembered through sign-up, email verification and sign-in (AccountAdapter).
        request.session[INVITATION_SESSION_KEY] = token
    status = 200
    error = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.invitation_accept(token=token, user=request.user)
        except ValidationError as exc:
            error, status = _error_text(exc), 400
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(request, _("Welcome to %(name)s!") % {"name": found.community.name})
            return redirect("membership:welcome", found.community.slug)
    context = {"invitation": found, "community": found.community, "error": error}
    return render(request, "membership/joining/invitation.html", context, status=status)


# --- member management (core members, facilitators, admins) -----------------


@login_required
def manage(request, slug):
    community = _managed_community_for(request, slug)
    return _render_manage(request, community)


def _render_manage(request, community, *, invitation_form=None, status=200):
    members_page = Paginator(
        selectors.members_for_management(community=community), MEMBERS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "requests": list(selectors.join_requests_pending(community=community)),
        "invitations": list(selectors.invitations_open(community=community)),
        "suggestions": list(selectors.suggestions_open(community=community)),
        "members_page": members_page,
        "invitation_form": invitation_form or InvitationForm(),
        "level_choices": Membership.Level.choices,
        "role_choices": Membership.Role.choices,
    }
    return render(request, "membership/joining/manage.html", context, status=status)


@login_required
@require_POST
def request_approve(request, slug, request_id):
    community = _managed_community_for(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=request_id, community=community)
    try:
        services.join_request_approve(join_request=join_request, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s is now a member.") % {"name": join_request.user})
    return redirect("membership:manage", community.slug)


@login_required
@require_POST
def request_decline(request, slug, request_id):
    community = _managed_community_for(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=request_id, community=community)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason when declining: the person asking is told it."))
        return redirect("membership:manage", community.slug)
    try:
        services.join_request_decline(
            join_request=join_request, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The request was declined and the person told why."))
    return redirect("membership:manage", community.slug)


@login_required
@require_POST
def invite(request, slug):
    community = _managed_community_for(request, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(community=community, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("membership:manage", community.slug)
    return _render_manage(request, community, invitation_form=form, status=400)


@login_required
@require_POST
def invitation_revoke(request, slug, invitation_id):
    community = _managed_community_for(request, slug)
    found = get_object_or_404(Invitation, pk=invitation_id, community=community)
    try:
        services.invitation_revoke(invitation=found, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("membership:manage", community.slug)


def _managed_membership(request, slug, membership_id):
    community = _managed_community_for(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "community"),
        pk=membership_id,
        community=community,
    )
    return community, membership


@login_required
@require_POST
def member_level(request, slug, membership_id):
    community, membership = _managed_membership(request, slug, membership_id)
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose core, active or peripheral."))
        return redirect("membership:manage", community.slug)
    services.membership_set_level(
        membership=membership,
        level=form.cleaned_data["level"],
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("%(name)s's level was changed.") % {"name": membership.user})
    return redirect("membership:manage", community.slug)


@login_required
@require_POST
def member_role(request, slug, membership_id):
    community, membership = _managed_membership(request, slug, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                membership=membership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(name)s's role was changed.") % {"name": membership.user})
    else:
        messages.error(request, _("Choose one of the roles offered."))
    return redirect("membership:manage", community.slug)


@login_required
@require_POST
def member_remove(request, slug, membership_id):
    community, membership = _managed_membership(request, slug, membership_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: the person removed is told it."))
        return redirect("membership:manage", community.slug)
    try:
        services.membership_remove(
            membership=membership, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("%(name)s was removed from the community.") % {"name": membership.user}
        )
    return redirect("membership:manage", community.slug)


@login_required
@require_POST
def suggestion_decide(request, slug, suggestion_id, decision):
    community = _managed_community_for(request, slug)
    suggestion = get_object_or_404(
        LevelSuggestion.objects.select_related("membership__user"),
        pk=suggestion_id,
        membership__community=community,
    )
    decide = {
        "accept": services.suggestion_accept,
        "dismiss": services.suggestion_dismiss,
    }.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(suggestion=suggestion, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Suggestion answered."))
    return redirect("membership:manage", community.slug)


@login_required
def audit(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_see_audit_log
    )
    # Keyset pages: a large community's log is long, and page 1,000 must cost what
    # page 1 does (index membership_auditentry (community, -created_at)).
    page = keyset_page_by(
        selectors.audit_entries(community=community),
        request.GET.get(CURSOR_PARAM),
        order=("-created_at", "-pk"),
        per_page=AUDIT_PER_PAGE,
    )
    return render(request, "membership/joining/audit.html", {"community": community, "page": page})


urlpatterns = [
    path("c/<slug:slug>/join/", join, name="join"),
    path("c/<slug:slug>/leave/", leave, name="leave"),
    path("c/<slug:slug>/request/", request_to_join, name="request"),
    path("c/<slug:slug>/request/withdraw/", request_withdraw, name="request_withdraw"),
    path("invitations/<str:token>/", invitation, name="invitation"),
    path("c/<slug:slug>/manage/", manage, name="manage"),
    path(
        "c/<slug:slug>/manage/requests/<int:request_id>/approve/",
        request_approve,
        name="request_approve",
    ),
    path(
        "c/<slug:slug>/manage/requests/<int:request_id>/decline/",
        request_decline,
        name="request_decline",
    ),
    path("c/<slug:slug>/manage/invitations/", invite, name="invite"),
    path(
        "c/<slug:slug>/manage/invitations/<int:invitation_id>/revoke/",
        invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "c/<slug:slug>/manage/members/<int:membership_id>/level/",
        member_level,
        name="member_level",
    ),
    path(
        "c/<slug:slug>/manage/members/<int:membership_id>/role/",
        member_role,
        name="member_role",
    ),
    path(
        "c/<slug:slug>/manage/members/<int:membership_id>/remove/",
        member_remove,
        name="member_remove",
    ),
    path(
        "c/<slug:slug>/manage/suggestions/<int:suggestion_id>/<str:decision>/",
        suggestion_decide,
        name="suggestion_decide",
    ),
    path("c/<slug:slug>/audit/", audit, name="audit"),
]
