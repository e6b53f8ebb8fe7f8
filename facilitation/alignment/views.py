"""Alignment pages: the health system's priorities, a community's alignment, value
stories, and the "similar from other communities" fragment.

Each view parses, asks membership.permissions, calls one service or selector and
renders or redirects. Something the user may not know exists answers 404; something
they may see but not do answers 403; a form with errors answers 400 and keeps what
was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copplatform.htmx import render_page_or_fragment
from copplatform.pagination import CURSOR_PARAM, keyset_page
from facilitation.models import StrategicPriority, ValueStory
from membership import permissions

from . import selectors, services
from .forms import AlignmentForm, DecisionForm, MoveForm, PriorityForm, ValueStoryForm
from .suggestions import similar_content

STORIES_PER_PAGE = 20


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- strategic priorities ----------------------------------------------------------------


@login_required
def priority_list(request):
    may_edit = permissions.may_edit_priorities(request.user)
    priorities = selectors.priorities_for_page(user=request.user, include_retired=may_edit)
    context = {
        "current": [p for p in priorities if p.is_active],
        "retired": [p for p in priorities if not p.is_active],
        "may_edit": may_edit,
    }
    return render(request, "facilitation/alignment/priorities.html", context)


def _require_priority_editor(request) -> None:
    if not permissions.may_edit_priorities(request.user):
        raise PermissionDenied


@login_required
def priority_create(request):
    _require_priority_editor(request)
    form = PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.priority_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("“%(name)s” is now a priority.") % {"name": priority.name})
            return redirect("alignment:priorities")
    return render(
        request,
        "facilitation/alignment/priority_form.html",
        {"form": form, "priority": None},
        status=_status(request, form),
    )


@login_required
def priority_edit(request, priority_id):
    _require_priority_editor(request)
    priority = get_object_or_404(StrategicPriority, pk=priority_id)
    initial = {
        "name": priority.name,
        "description": priority.description,
        "is_active": priority.is_active,
    }
    form = PriorityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_update(priority=priority, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("alignment:priorities")
    return render(
        request,
        "facilitation/alignment/priority_form.html",
        {"form": form, "priority": priority},
        status=_status(request, form),
    )


@login_required
@require_POST
def priority_move(request, priority_id):
    _require_priority_editor(request)
    priority = get_object_or_404(StrategicPriority, pk=priority_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose up or down."))
    services.priority_move(
        priority=priority, actor=request.user, direction=form.cleaned_data["direction"]
    )
    return redirect(reverse("alignment:priorities") + f"#priority-{priority.pk}")


# --- a community's alignment -------------------------------------------------------------


@login_required
def community_alignment(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_set_alignment
    )
    declared = selectors.community_alignment(community=community)
    form = AlignmentForm(
        request.POST or None,
        priorities=selectors.active_priorities(),
        initial={
            "priorities": declared["priorities"],
            "stages": [value for value, _label in declared["stages"]],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.alignment_set(
                community=community,
                actor=request.user,
                priorities=form.cleaned_data["priorities"],
                stages=form.cleaned_data["stages"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The community's alignment is saved."))
            return redirect("communities:home", community.slug)
    return render(
        request,
        "facilitation/alignment/community_alignment.html",
        {"community": community, "form": form},
        status=_status(request, form),
    )


# --- value stories -----------------------------------------------------------------------


def _readable_community(request, slug):
    return permissions.access_community(request.user, slug, require=permissions.may_read_community)


def story_list(request, slug):
    community = _readable_community(request, slug)
    page = keyset_page(
        selectors.stories_of(user=request.user, community=community),
        request.GET.get(CURSOR_PARAM),
        per_page=STORIES_PER_PAGE,
    )
    context = {
        "community": community,
        "page": page,
        "may_record": permissions.may_record_value_story(request.user, community),
        "types": ValueStory.ValueType.choices,
    }
    return render(request, "facilitation/alignment/story_list.html", context)


def _story_form(request, community, *, initial=None):
    return ValueStoryForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        items=selectors.story_item_choices(user=request.user, community=community),
        priorities=selectors.active_priorities(),
    )


@login_required
def story_create(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_record_value_story
    )
    form = _story_form(request, community)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_create(
                community=community, actor=request.user, **form.story_fields()
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("Thank you. A core member will confirm the story for the reports.")
            )
            return redirect("alignment:story", community.slug, story.pk)
    return render(
        request,
        "facilitation/alignment/story_form.html",
        {"community": community, "form": form, "story": None},
        status=_status(request, form),
    )


def _access_story(request, slug, story_id):
    """The community and the story: 404 unless the user may read the story."""
    community = permissions.access_community(request.user, slug)
    story = selectors.story_for_page(user=request.user, community=community, story_id=story_id)
    if story is None:
        raise Http404
    return community, story


def _render_story(request, community, story, *, decision_form=None, status=200):
    may_decide = permissions.may_decide_value_story(request.user, story)
    context = {
        "community": community,
        "story": story,
        **selectors.story_links(user=request.user, story=story),
        "may_edit": permissions.may_edit_value_story(request.user, story),
        "may_decide": may_decide,
        "decision_form": decision_form or (DecisionForm() if may_decide else None),
    }
    return render(request, "facilitation/alignment/story_detail.html", context, status=status)


def story_detail(request, slug, story_id):
    community, story = _access_story(request, slug, story_id)
    return _render_story(request, community, story)


@login_required
def story_edit(request, slug, story_id):
    community, story = _access_story(request, slug, story_id)
    if not permissions.may_edit_value_story(request.user, story):
        raise PermissionDenied
    form = _story_form(
        request,
        community,
        initial={
            "title": story.title,
            "applied": story.applied,
            "changed": story.changed,
            "value_type": story.value_type,
            "items": list(story.items.all()),
            "priorities": list(story.priorities.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.story_update(story=story, actor=request.user, **form.story_fields())
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("alignment:story", community.slug, story.pk)
    return render(
        request,
        "facilitation/alignment/story_form.html",
        {"community": community, "form": form, "story": story},
        status=_status(request, form),
    )


@login_required
@require_POST
def story_decide(request, slug, story_id):
    community, story = _access_story(request, slug, story_id)
    if not permissions.may_decide_value_story(request.user, story):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.story_decide(
                story=story,
                actor=request.user,
                confirm=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Confirmed: the story counts in the reports.")
                if story.status == ValueStory.Status.CONFIRMED
                else _("Not confirmed. The author has been told."),
            )
            return redirect("alignment:story", community.slug, story.pk)
    return _render_story(request, community, story, decision_form=form, status=400)


# --- similar from other communities --------------------------------------------------------


@login_required
def suggest(request):
    """The fragment under a title field: never more than the user may read, and never
    the community they are writing in."""
    slug = request.GET.get("community", "")
    if not slug:
        return HttpResponseBadRequest(_("Say which community you are writing in."))
    community = permissions.access_community(
        request.user, slug, require=permissions.may_see_similar_content
    )
    text = request.GET.get("q") or request.GET.get("title") or ""
    context = {
        "community": community,
        "suggestions": similar_content(user=request.user, community=community, text=text),
    }
    return render_page_or_fragment(
        request,
        "facilitation/alignment/suggestions_page.html",
        "facilitation/alignment/_suggestions.html",
        context,
    )
