"""Profiles, member directories, expertise search and onboarding."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities import selectors as community_selectors
from communities.models import Community
from copplatform.pagination import CURSOR_PARAM, keyset_page_by
from membership import people_selectors, people_services, permissions, services
from membership.people_forms import ExpertiseSearchForm, MemberFilterForm, ProfileForm

PEOPLE_PER_PAGE = 30
STEP_DONE_VALUES = {"1": True, "0": False}


def _page(request, queryset):
    return Paginator(queryset, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))


# --- profiles ---------------------------------------------------------------


@login_required
def profile_edit(request):
    form = ProfileForm(
        request.POST or None, initial=people_selectors.profile_initial(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("membership:profile", request.user.pk)
    status = 400 if form.errors else 200
    return render(request, "membership/people/profile_edit.html", {"form": form}, status=status)


@login_required
def profile(request, user_id):
    person = people_selectors.profile_person(user_id=user_id)
    if person is None or not permissions.may_view_profile(request.user, person):
        raise Http404
    context = {
        "profile": people_selectors.shared_profile(viewer=request.user, person=person),
        "memberships": people_selectors.profile_memberships(viewer=request.user, person=person),
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "membership/people/profile.html", context)


# --- a community's members ----------------------------------------------------


@login_required
def members(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_see_members
    )
    form = MemberFilterForm(request.GET)
    filters = form.filters()
    # Keyset pages: nothing counts a community of thousands; the unfiltered total is
    # the community's member count, kept by the membership services.
    page = keyset_page_by(
        people_selectors.member_directory(viewer=request.user, community=community, **filters),
        request.GET.get(CURSOR_PARAM),
        order=people_selectors.MEMBER_DIRECTORY_ORDER,
        per_page=PEOPLE_PER_PAGE,
    )
    context = {
        "community": community,
        "form": form,
        "page": page,
        "member_total": None if any(filters.values()) else community.member_count,
        "rows": people_selectors.member_rows(viewer=request.user, memberships=page.items),
    }
    return render(request, "membership/people/members.html", context)


@login_required
def find_expertise(request):
    form = ExpertiseSearchForm(request.GET)
    filters = form.filters()
    people = people_selectors.people_with_expertise(
        viewer=request.user,
        text=filters["q"],
        level=filters["level"],
        stakeholder_type=filters["stakeholder_type"],
    )
    # Keyset pages: nothing counts the people of every readable community.
    page = keyset_page_by(
        people,
        request.GET.get(CURSOR_PARAM),
        order=people_selectors.PEOPLE_ORDER,
        per_page=PEOPLE_PER_PAGE,
    )
    context = {
        "form": form,
        "searching": any(filters.values()),
        "page": page,
        "rows": people_selectors.person_rows(viewer=request.user, people=page.items),
    }
    return render(request, "membership/people/find_expertise.html", context)


# --- onboarding -------------------------------------------------------------


def _welcome_community_for(request, slug) -> Community:
    return permissions.access_community(request.user, slug, require=permissions.may_participate)


def _checklist_context(community, membership) -> dict:
    steps = people_selectors.onboarding_checklist(community=community, membership=membership)
    return {
        "community": community,
        "membership": membership,
        "steps": steps,
        "steps_done": sum(step.is_done for step in steps),
    }


@login_required
def welcome(request, slug):
    community = _welcome_community_for(request, slug)
    membership = community_selectors.membership_of(user=request.user, community=community)
    context = {
        **_checklist_context(community, membership),
        "charter": community_selectors.charter_of(community=community),
        "may_manage_members": permissions.may_manage_members(request.user, community),
    }
    return render(request, "membership/people/welcome.html", context)


@login_required
@require_POST
def onboarding_step(request, slug, step_id):
    community = _welcome_community_for(request, slug)
    membership = community_selectors.membership_of(user=request.user, community=community)
    if membership is None:
        # Facilitators and admins who are not members have no checklist of their own.
        raise PermissionDenied
    step = people_selectors.onboarding_step_of(community=community, step_id=step_id)
    if step is None:
        raise Http404
    done = STEP_DONE_VALUES.get(request.POST.get("done", ""))
    if done is None:
        return HttpResponseBadRequest(_("Say whether the step is done: 1 or 0."))
    try:
        services.onboarding_step_set(membership=membership, step=step, done=done)
    except ValidationError:
        return HttpResponseBadRequest(_("That step belongs to another community."))
    if request.htmx:
        context = _checklist_context(community, membership)
        context["step"] = next(item for item in context["steps"] if item.pk == step.pk)
        context["update_summary"] = True
        return render(request, "membership/people/_step_fragment.html", context)
    if done:
        messages.success(request, _("Marked as done: %(step)s") % {"step": step.title})
    else:
        messages.success(request, _("Marked as not done: %(step)s") % {"step": step.title})
    return redirect(reverse("membership:welcome", args=[community.slug]) + f"#step-{step.pk}")


@login_required
def onboarding_progress(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_manage_members
    )
    context = {
        "community": community,
        "summary": people_selectors.onboarding_summary(community=community),
        "page_obj": _page(request, people_selectors.onboarding_progress(community=community)),
    }
    return render(request, "membership/people/onboarding_progress.html", context)


urlpatterns = [
    path("me/profile/", profile_edit, name="profile_edit"),
    path("people/", find_expertise, name="find_expertise"),
    path("people/<int:user_id>/", profile, name="profile"),
    path("c/<slug:slug>/members/", members, name="members"),
    path("c/<slug:slug>/welcome/", welcome, name="welcome"),
    path(
        "c/<slug:slug>/welcome/steps/<int:step_id>/",
        onboarding_step,
        name="onboarding_step",
    ),
    path("c/<slug:slug>/welcome/progress/", onboarding_progress, name="onboarding_progress"),
]
