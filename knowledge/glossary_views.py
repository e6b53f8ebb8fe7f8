"""Glossary pages: the platform's A to Z, a community's (its own terms and the
platform's), and adding, editing and deleting terms.

Platform terms are kept by facilitators and admins; a community's by its
moderators. membership.permissions answers who may; these views only ask.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from copplatform.markdown import render_markdown
from membership import permissions

from . import glossary
from .glossary_forms import GlossaryTermForm


def _glossary_url(community, term=None) -> str:
    url = (
        reverse("glossary:community", args=[community.slug])
        if community is not None
        else reverse("glossary:platform")
    )
    return f"{url}#term-{term.pk}" if term is not None else url


def _editable_place(request, slug):
    """The community whose glossary is edited (None: the platform's), or 404/403."""
    if slug is None:
        if not permissions.may_edit_platform_glossary(request.user):
            raise PermissionDenied
        return None
    return permissions.access_community(
        request.user, slug, require=permissions.may_edit_community_glossary
    )


def _editable_term(request, slug, term_id):
    community = _editable_place(request, slug)
    term = glossary.glossary_term_in(community=community, term_id=term_id)
    if term is None:
        raise Http404
    return community, term


def _show_service_error(form, error: ValidationError) -> None:
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _render_glossary(request, community, *, may_edit):
    terms = list(glossary.glossary_terms_for(community=community))
    for term in terms:
        term.definition_html = render_markdown(term.definition)
    context = {
        "community": community,
        "groups": glossary.glossary_by_letter(terms),
        "term_count": len(terms),
        "may_edit": may_edit,
        "may_edit_platform": permissions.may_edit_platform_glossary(request.user),
    }
    return render(request, "knowledge/glossary/glossary.html", context)


def platform_glossary(request):
    return _render_glossary(
        request, None, may_edit=permissions.may_edit_platform_glossary(request.user)
    )


def community_glossary(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_read_community
    )
    return _render_glossary(
        request,
        community,
        may_edit=permissions.may_edit_community_glossary(request.user, community),
    )


def _render_form(request, community, form, *, term=None):
    context = {
        "community": community,
        "form": form,
        "term": term,
        "back_url": _glossary_url(community),
    }
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "knowledge/glossary/term_form.html", context, status=status)


@login_required
def term_add(request, slug=None):
    community = _editable_place(request, slug)
    form = GlossaryTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = glossary.glossary_term_create(
                community=community, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, _("Added to the glossary: %(term)s") % {"term": term.term})
            return redirect(_glossary_url(community, term))
    return _render_form(request, community, form)


@login_required
def term_edit(request, term_id, slug=None):
    community, term = _editable_term(request, slug, term_id)
    form = GlossaryTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        try:
            glossary.glossary_term_update(glossary_term=term, **form.cleaned_data)
        except ValidationError as error:
            _show_service_error(form, error)
        else:
            messages.success(request, _("Saved: %(term)s") % {"term": term.term})
            return redirect(_glossary_url(community, term))
    return _render_form(request, community, form, term=term)


@login_required
def term_delete(request, term_id, slug=None):
    community, term = _editable_term(request, slug, term_id)
    if request.method == "POST":
        glossary.glossary_term_delete(glossary_term=term)
        messages.success(request, _("Removed from the glossary: %(term)s") % {"term": term.term})
        return redirect(_glossary_url(community))
    context = {"community": community, "term": term, "back_url": _glossary_url(community, term)}
    return render(request, "knowledge/glossary/term_delete.html", context)


# The platform's and a community's terms are addressed by differently named ids, so
# an address can never mix them up.


def platform_term_edit(request, platform_term_id):
    return term_edit(request, term_id=platform_term_id)


def platform_term_delete(request, platform_term_id):
    return term_delete(request, term_id=platform_term_id)


def community_term_edit(request, slug, glossary_term_id):
    return term_edit(request, term_id=glossary_term_id, slug=slug)


def community_term_delete(request, slug, glossary_term_id):
    return term_delete(request, term_id=glossary_term_id, slug=slug)
