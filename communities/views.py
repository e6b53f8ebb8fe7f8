"""Pages about communities: the directory, starting one, approving it, its home,
its settings and its charter.

Each view parses the request, asks membership.permissions, calls one service or
selector, and renders or redirects. Someone who may not know a community exists gets
404; someone who may know it but not do this gets 403.
"""

import difflib
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from facilitation.alignment import selectors as alignment_selectors
from membership import permissions
from membership import selectors as membership_selectors
from membership.models import Membership
from membership.services import invitation_token

from . import selectors, services
from .activity import selectors as activity_selectors
from .discussions.selectors import announcements_for_home
from .events import selectors as events_selectors
from .filters import CommunityDirectoryFilter
from .forms import CharterForm, CommunityCreateForm, CommunitySettingsForm, DeclineForm
from .models import Charter, Community

DIRECTORY_PER_PAGE = 20
REVISIONS_PER_PAGE = 30


def home(request):
    """Signed in: your communities. Signed out: what the platform is, and public ones."""
    if request.user.is_authenticated:
        context = {
            "my_communities": list(selectors.community_list_for_home(user=request.user)),
            "may_approve": permissions.may_approve_communities(request.user),
            "invitations": [
                {"invitation": found, "token": invitation_token(found)}
                for found in membership_selectors.invitations_waiting_for(user=request.user)
            ],
            "pending_requests": list(
                membership_selectors.join_requests_waiting_for(user=request.user)
            ),
            "new_in_my_communities": activity_selectors.home_feed_latest(user=request.user),
            "events_block": events_selectors.home_block(user=request.user),
        }
    else:
        context = {
            "public_communities": list(selectors.community_list_public_showcase(user=request.user))
        }
    return render(request, "communities/home.html", context)


# --- access helpers -----------------------------------------------------------


def _get_community_for_user(request, slug) -> Community:
    """The community, or 404 when the user may not know it exists."""
    return permissions.access_community(request.user, slug)


def _get_readable_community(request, slug) -> Community:
    return permissions.access_community(request.user, slug, require=permissions.may_read_community)


def _get_charter(community: Community) -> Charter:
    charter = selectors.charter_of(community=community)
    if charter is None:
        raise Http404
    return charter


def _add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the directory ------------------------------------------------------------


def directory(request):
    """Every community the viewer may list, searchable, filtered and paginated."""
    filterset = CommunityDirectoryFilter(
        request.GET, queryset=selectors.community_directory(user=request.user)
    )
    page = Paginator(filterset.qs, DIRECTORY_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": filterset.form,
        "is_filtered": filterset.is_filtered,
        "page_obj": page,
        "communities": page.object_list,
        "may_approve": permissions.may_approve_communities(request.user),
    }
    return render(request, "communities/directory.html", context)


# --- starting and approving a community -----------------------------------------


def _status_for(request, form) -> int:
    """Bad input answers 400 with the form and its errors; what was typed is kept."""
    return 400 if request.method == "POST" and form.errors else 200


@login_required
def community_create(request):
    form = CommunityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(founder=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            if community.status == Community.Status.PROPOSED:
                messages.info(
                    request,
                    _(
                        "Thank you. A facilitator will review %(name)s before it opens. "
                        "Until then only you and the facilitators can see it."
                    )
                    % {"name": community.name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s is open. You are its first core member.")
                    % {"name": community.name},
                )
            return redirect("communities:home", community.slug)
    context = {
        "form": form,
        "needs_approval": permissions.community_needs_approval(request.user),
    }
    return render(
        request, "communities/community_create.html", context, status=_status_for(request, form)
    )


def _render_queue(
    request, *, declining: Community | None = None, decline_form=None, status: int = 200
):
    proposals = (
        permissions.communities_pending_approval_for(request.user)
        .select_related("created_by")
        .prefetch_related("topics")
        .order_by("created_at", "pk")
    )
    rows = [
        {
            "community": community,
            "decline_form": decline_form
            if declining is not None and community.pk == declining.pk
            else DeclineForm(auto_id=f"decline-{community.pk}-%s"),
        }
        for community in proposals
    ]
    return render(request, "communities/proposed.html", {"rows": rows}, status=status)


@login_required
def proposed(request):
    """Facilitators' queue of communities waiting for approval."""
    if not permissions.may_approve_communities(request.user):
        raise PermissionDenied
    return _render_queue(request)


def _community_to_decide(request, slug) -> Community:
    """Facilitation work, not a page of the community: anyone else is refused before the
    address is looked up, so the answer never tells them whether the community exists."""
    if not permissions.may_approve_communities(request.user):
        raise PermissionDenied
    # Facilitators may know every proposal; for any other community the service
    # refuses with "not waiting for approval", which names nothing.
    return get_object_or_404(Community, slug=slug)


@login_required
@require_POST
def approve(request, slug):
    community = _community_to_decide(request, slug)
    try:
        services.community_approve(community=community, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s is approved and open.") % {"name": community.name})
    return redirect("communities:proposed")


@login_required
@require_POST
def decline(request, slug):
    community = _community_to_decide(request, slug)
    form = DeclineForm(request.POST, auto_id=f"decline-{community.pk}-%s")
    if form.is_valid():
        try:
            services.community_decline(
                community=community, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(name)s was not approved.") % {"name": community.name})
        return redirect("communities:proposed")
    return _render_queue(request, declining=community, decline_form=form, status=400)


# --- a community's home -------------------------------------------------------------


def community_home(request, slug):
    community = _get_community_for_user(request, slug)
    user = request.user
    membership, charter, topics = selectors.home_membership_and_charter(
        user=user, community=community
    )
    is_member = membership is not None
    may_read = permissions.may_read_community(user, community)
    context = {
        "community": community,
        "may_read": may_read,
        "member_count": community.member_count,
        "membership": membership,
        "is_member": is_member,
        "charter": charter if may_read else None,
        "topics": topics,
        "member_groups": _member_groups(community)
        if permissions.may_see_members(user, community)
        else None,
        "may_join": permissions.may_join(user, community, is_member=is_member),
        "may_request_to_join": permissions.may_request_to_join(
            user, community, is_member=is_member
        ),
        "may_manage_settings": permissions.may_manage_settings(user, community),
        "may_manage_members": permissions.may_manage_members(user, community),
        "may_see_audit_log": permissions.may_see_audit_log(user, community),
        "may_edit_charter": permissions.may_edit_charter(user, community),
        "may_approve": permissions.may_approve_communities(user),
        "announcements": announcements_for_home(user=user, community=community),
        "latest_activities": activity_selectors.community_feed_latest(
            user=user, community=community
        )
        if may_read
        else None,
        "events_block": events_selectors.community_home_block(community=community, viewer=user)
        if may_read and community.status == Community.Status.ACTIVE
        else None,
        # facilitation/alignment: priorities and learning-cycle stages (two queries).
        "alignment": alignment_selectors.community_alignment(community=community),
        "may_set_alignment": permissions.may_set_alignment(user, community),
    }
    return render(request, "communities/community_home.html", context)


def _member_groups(community: Community) -> list[dict]:
    groups = selectors.community_members_by_level(community=community)
    return [
        {"level": level, "label": Membership.Level(level).label, "count": count, "members": members}
        for level, (count, members) in groups.items()
    ]


# --- settings ----------------------------------------------------------------------


@login_required
def community_settings(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_manage_settings
    )
    form = CommunitySettingsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        community=community,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update_settings(
                community=community,
                actor=request.user,
                changes=form.changes(),
                topics=form.cleaned_data["topics"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The community's settings are saved."))
            return redirect("communities:home", community.slug)
    return render(
        request,
        "communities/community_settings.html",
        {"community": community, "form": form},
        status=_status_for(request, form),
    )


# --- the charter ----------------------------------------------------------------------


def _section_label(name: str) -> str:
    return capfirst(Charter._meta.get_field(name).verbose_name)


def charter(request, slug):
    community = _get_readable_community(request, slug)
    found = _get_charter(community)
    context = {
        "community": community,
        "charter": found,
        "sections": [
            {"name": name, "label": _section_label(name), "text": getattr(found, name)}
            for name in Charter.SECTIONS
        ],
        "may_edit_charter": permissions.may_edit_charter(request.user, community),
    }
    return render(request, "communities/charter.html", context)


@login_required
def charter_edit(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_edit_charter
    )
    found = _get_charter(community)
    form = CharterForm(request.POST or None, charter=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.charter_update(
                charter=found,
                actor=request.user,
                sections=form.sections(),
                change_note=form.cleaned_data["change_note"],
                reviewed=form.cleaned_data["reviewed"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The charter is saved. Its history keeps this version."))
            return redirect("communities:charter", community.slug)
    return render(
        request,
        "communities/charter_edit.html",
        {"community": community, "charter": found, "form": form},
        status=_status_for(request, form),
    )


def charter_history(request, slug):
    community = _get_readable_community(request, slug)
    revisions = selectors.charter_revisions(charter=_get_charter(community))
    page = Paginator(revisions, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    # One more than the page holds, so the page's oldest revision can link to its changes.
    shown, on_page = [], 0
    if page.paginator.count:
        shown = list(revisions[page.start_index() - 1 : page.end_index() + 1])
        on_page = page.end_index() - page.start_index() + 1
    rows = [
        {"revision": revision, "previous": shown[i + 1] if i + 1 < len(shown) else None}
        for i, revision in enumerate(shown[:on_page])
    ]
    context = {"community": community, "page_obj": page, "rows": rows}
    return render(request, "communities/charter_history.html", context)


def _revision_ids(*raw: str) -> list[int]:
    """Revision ids from the address; anything that cannot be one is not found."""
    if not all(value.isascii() and value.isdigit() for value in raw):
        raise Http404
    return [int(value) for value in raw]


def charter_revision(request, slug, history_id):
    community = _get_readable_community(request, slug)
    revision = (
        selectors.charter_revisions(charter=_get_charter(community))
        .filter(history_id=history_id)
        .first()
    )
    if revision is None:
        raise Http404
    context = {
        "community": community,
        "revision": revision,
        "sections": [
            {"name": name, "label": _section_label(name), "text": getattr(revision, name)}
            for name in Charter.SECTIONS
        ],
    }
    return render(request, "communities/charter_revision.html", context)


def charter_compare(request, slug):
    community = _get_readable_community(request, slug)
    found = _get_charter(community)
    raw_from = request.GET.get("from", "").strip()
    raw_to = request.GET.get("to", "").strip()
    if not raw_from or not raw_to:
        context = {
            "community": community,
            "problem": _("Choose two versions of the charter to compare, from its history."),
        }
        return render(request, "communities/charter_compare.html", context, status=400)
    from_id, to_id = _revision_ids(raw_from, raw_to)
    # Looked up among this charter's revisions only: another community's id is not found.
    found_revisions = {
        revision.history_id: revision
        for revision in selectors.charter_revisions(charter=found).filter(
            history_id__in=[from_id, to_id]
        )
    }
    if from_id not in found_revisions or to_id not in found_revisions:
        raise Http404
    older, newer = found_revisions[from_id], found_revisions[to_id]
    sections = []
    for name in Charter.SECTIONS:
        before, after = getattr(older, name), getattr(newer, name)
        sections.append(
            {
                "name": name,
                "label": _section_label(name),
                "changed": before != after,
                "parts": text_diff(before, after),
            }
        )
    context = {"community": community, "older": older, "newer": newer, "sections": sections}
    return render(request, "communities/charter_compare.html", context)


_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change from one text to another as (kind, text) parts, word by word.

    Kinds are "equal", "delete" and "insert". The text is returned as typed: the
    template escapes it inside <del> and <ins>, so nothing here is marked safe.
    """
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(("delete", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("insert", "".join(new[j1:j2])))
    return parts
