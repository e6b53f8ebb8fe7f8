"""Pages of the shared repertoire: a community's items, the platform library, an
item with its history, versions and comparisons, creating and editing (with a file),
sharing, curating and downloading.

Items have one address each (knowledge/<id>/) wherever they are read from: a shared
item stays one item, shown with its provenance. Someone who may not learn the item's
community exists gets 404; someone who may know it but not read the item gets 403.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communities.models import Thread
from communities.views import text_diff
from copplatform.pagination import CURSOR_PARAM, keyset_page_by
from facilitation.alignment.forms import attach_suggestions
from membership import permissions

from . import selectors, services
from .files import download_filename, serve_file
from .forms import FilterForm, ItemForm, ShareForm
from .models import KnowledgeItem

ITEMS_PER_PAGE = 20
VERSIONS_PER_PAGE = 30
# Obvious robots, link previewers and scripts are not readers.
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|monitor|curl|wget|python|httpx|java/|go-http|headless",
    re.IGNORECASE,
)
SEEN_LIMIT = 500


def _status_for(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _count_once(request, item: KnowledgeItem, what: str) -> bool:
    """Count a reader once per session per item; never robots. The count does not say
    who (a signed-in member's first download is kept apart, for their own "did you
    apply it?" reminders: services.item_download_record)."""
    agent = request.headers.get("User-Agent", "")
    if not agent or BOT_AGENTS.search(agent):
        return False
    key = f"knowledge_{what}"
    seen = request.session.get(key, [])
    if item.pk in seen:
        return False
    request.session[key] = [*seen, item.pk][-SEEN_LIMIT:]
    return True


# --- lists ---------------------------------------------------------------------------


def _mark_known_homes(user, items) -> list:
    """Name an item's home community only to those who may know it exists."""
    items = list(items)
    permissions.prefetch_for(user, {item.community for item in items})
    for item in items:
        item.home_known = permissions.may_know_community(user, item.community)
    return items


def repertoire(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_read_community
    )
    may_curate = permissions.may_moderate(request.user, community)
    shared_ids = selectors.shared_item_ids(community=community)
    readable = permissions.items_readable_by(request.user)
    base = selectors.repertoire_base(
        community=community, user=request.user, shared_ids=shared_ids, readable=readable
    )
    topics = selectors.repertoire_topics(community=community, user=request.user, base=base)
    filter_form = FilterForm(request.GET or None, topics=topics, may_curate=may_curate)
    items = selectors.repertoire(
        community=community, user=request.user, filters=filter_form.filters(), base=base
    )
    # Keyset pages: page 1,000 costs what page 1 does, and nothing counts the items;
    # read by parts, a page costs the same however many items the community has.
    page = keyset_page_by(
        items,
        request.GET.get(CURSOR_PARAM),
        order=selectors.REPERTOIRE_ORDER,
        per_page=ITEMS_PER_PAGE,
        within=selectors.repertoire_parts(
            community=community,
            user=request.user,
            filters=filter_form.filters(),
            shared_ids=shared_ids,
            readable=readable,
        ),
    )
    context = {
        "community": community,
        "filter_form": filter_form,
        "is_filtered": bool(filter_form.filters()),
        "page": page,
        "items": _mark_known_homes(request.user, page.items),
        "may_contribute": permissions.may_contribute_knowledge(request.user, community),
        "may_curate": may_curate,
    }
    return render(request, "knowledge/repertoire.html", context)


@login_required
def library(request):
    items = selectors.library(user=request.user)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "items": _mark_known_homes(request.user, page.object_list)}
    return render(request, "knowledge/library.html", context)


# --- one item ------------------------------------------------------------------------


def _item(request, item_id, *, require=None) -> KnowledgeItem:
    found = permissions.access_item(request.user, item_id, require=require)
    return selectors.item_detail(item_id=found.pk)


def _provenance(user, item: KnowledgeItem) -> dict:
    home_known = permissions.may_know_community(user, item.community)
    shares = [
        share
        for share in item.shares.all()
        if permissions.may_know_community(user, share.community)
    ]
    return {"home_known": home_known, "shares": shares}


def item_detail(request, item_id):
    item = _item(request, item_id)
    user = request.user
    if _count_once(request, item, "viewed"):
        services.item_count_view(item=item)
        item.view_count += 1
    thread = item.source_thread
    context = {
        "item": item,
        "community": item.community,
        **_provenance(user, item),
        "source_thread": thread
        if thread is not None and permissions.may_read_thread(user, thread)
        else None,
        "may_edit": permissions.may_edit_item(user, item),
        "may_curate": permissions.may_curate_item(user, item),
        "may_share": permissions.may_share_item(user, item),
        "may_submit": permissions.may_set_item_status(user, item, KnowledgeItem.Status.IN_REVIEW),
        "may_withdraw": item.status == KnowledgeItem.Status.IN_REVIEW
        and permissions.may_set_item_status(user, item, KnowledgeItem.Status.DRAFT),
        "may_read_home": permissions.may_read_community(user, item.community),
    }
    return render(request, "knowledge/item_detail.html", context)


def download(request, item_id):
    item = _item(request, item_id)
    if not item.file:
        raise Http404
    if _count_once(request, item, "downloaded"):
        services.item_count_download(item=item)
    services.item_download_record(item=item, user=request.user)
    return serve_file(
        stored_name=item.file.name,
        filename=download_filename(item.title, item.file.name, item.file_name),
        content_type=item.file_type,
    )


# --- creating and editing ------------------------------------------------------------


def _render_item_form(request, *, community, form, item=None, source_thread=None):
    context = {
        "community": community,
        "form": form,
        "item": item,
        "source_thread": source_thread,
        "may_publish_later": permissions.may_moderate(request.user, community),
    }
    return render(request, "knowledge/item_form.html", context, status=_status_for(request, form))


def _create(request, community, *, source_thread=None, initial=None):
    form = ItemForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        co_author_choices=selectors.co_author_choices(community=community).exclude(
            pk=request.user.pk
        ),
    )
    # "Similar from other communities" under the title (facilitation/alignment).
    attach_suggestions(form, community)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                community=community,
                actor=request.user,
                upload=form.cleaned_data["file"],
                stage=form.cleaned_data["stage"],
                topics=form.cleaned_data["topics"],
                co_authors=form.cleaned_data.get("co_authors"),
                source_thread=source_thread,
                submit_for_review=request.POST.get("intent") == "review",
                **form.item_fields(),
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Saved. It is in review: a moderator will publish it.")
                if item.status == KnowledgeItem.Status.IN_REVIEW
                else _("Saved as a draft. Only its authors and the moderators can see it."),
            )
            return redirect(item.get_absolute_url())
    return _render_item_form(request, community=community, form=form, source_thread=source_thread)


@login_required
def item_create(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_contribute_knowledge
    )
    return _create(request, community)


@login_required
def item_from_thread(request, slug, source_thread_id):
    """A moderator turns a discussion into a knowledge item, pre-filled from it."""
    community = permissions.access_community(request.user, slug, require=permissions.may_moderate)
    thread = get_object_or_404(
        Thread.objects.select_related("community", "group"),
        pk=source_thread_id,
        community=community,
        deleted_at=None,
    )
    if not permissions.may_create_item_from_thread(request.user, thread):
        raise PermissionDenied
    return _create(
        request, community, source_thread=thread, initial=selectors.thread_prefill(thread=thread)
    )


@login_required
def item_edit(request, item_id):
    item = _item(request, item_id, require=permissions.may_edit_item)
    form = ItemForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        item=item,
        co_author_choices=selectors.co_author_choices(community=item.community).exclude(
            pk__in=[author.pk for author in item.authors.all()]
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=item,
                actor=request.user,
                upload=form.cleaned_data["file"],
                stage=form.cleaned_data["stage"],
                topics=form.cleaned_data["topics"],
                co_authors=form.cleaned_data.get("co_authors"),
                change_note=form.cleaned_data["change_note"],
                **form.item_fields(),
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Saved. The history keeps the earlier version."))
            return redirect(item.get_absolute_url())
    return _render_item_form(request, community=item.community, form=form, item=item)


# --- curation ------------------------------------------------------------------------


def _curation(request, item_id, action):
    item = permissions.access_item(request.user, item_id)
    try:
        action(item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(item.get_absolute_url())


@login_required
@require_POST
def item_status(request, item_id):
    status = request.POST.get("status", "")
    item = permissions.access_item(request.user, item_id)
    if not permissions.may_set_item_status(request.user, item, status):
        raise PermissionDenied
    messages_for = {
        KnowledgeItem.Status.DRAFT: _("The item is a draft again."),
        KnowledgeItem.Status.IN_REVIEW: _("Submitted for review. A moderator will publish it."),
        KnowledgeItem.Status.PUBLISHED: _("Published: the community's readers can see it now."),
    }

    def act(found):
        services.item_set_status(item=found, actor=request.user, status=status)
        messages.success(request, messages_for[status])

    return _curation(request, item_id, act)


def _curator_post(request, item_id, action):
    item = permissions.access_item(request.user, item_id)
    if not permissions.may_curate_item(request.user, item):
        raise PermissionDenied
    return _curation(request, item_id, action)


@login_required
@require_POST
def item_feature(request, item_id):
    featured = request.POST.get("featured") == "1"

    def act(item):
        services.item_set_featured(item=item, actor=request.user, featured=featured)
        messages.success(
            request, _("Featured: it is shown first.") if featured else _("No longer featured.")
        )

    return _curator_post(request, item_id, act)


@login_required
@require_POST
def item_review(request, item_id):
    def act(item):
        services.item_mark_reviewed(item=item, actor=request.user)
        messages.success(request, _("Marked as reviewed."))

    return _curator_post(request, item_id, act)


@login_required
@require_POST
def item_library(request, item_id):
    in_library = request.POST.get("in_library") == "1"

    def act(item):
        services.item_set_in_library(item=item, actor=request.user, in_library=in_library)
        messages.success(
            request,
            _("In the platform library: every signed-in member can read it.")
            if in_library
            else _("Taken out of the platform library."),
        )

    return _curator_post(request, item_id, act)


# --- sharing -------------------------------------------------------------------------


@login_required
def item_share(request, item_id):
    item = _item(request, item_id, require=permissions.may_share_item)
    targets = selectors.share_targets(user=request.user, item=item)
    form = ShareForm(request.POST if request.method == "POST" else None, targets=targets)
    context = {"item": item, "community": item.community, "form": form, "targets": targets}
    if request.method == "POST" and form.is_valid():
        target = form.target()
        confirmed = form.cleaned_data["confirm"]
        if permissions.share_needs_confirmation(item, target) and not confirmed:
            # The explicit step: say what becomes readable, and by whom.
            confirm_form = ShareForm(
                initial={**form.cleaned_data, "confirm": True}, targets=targets
            )
            context.update(confirm_form=confirm_form, target=target)
            return render(request, "knowledge/share_confirm.html", context)
        try:
            services.item_share(
                item=item,
                actor=request.user,
                community=target,
                note=form.cleaned_data["note"],
                confirmed=confirmed,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Shared into %(name)s.") % {"name": target.name})
            return redirect(item.get_absolute_url())
    return render(request, "knowledge/share.html", context, status=_status_for(request, form))


# --- history, versions, comparison ---------------------------------------------------


def item_history(request, item_id):
    item = _item(request, item_id)
    versions = selectors.item_versions(item=item)
    page = Paginator(versions, VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
    shown, on_page = [], 0
    if page.paginator.count:
        # One more than the page holds, so its oldest version links to its changes.
        shown = list(versions[page.start_index() - 1 : page.end_index() + 1])
        on_page = page.end_index() - page.start_index() + 1
    rows = [
        {
            "version": version,
            "previous": shown[i + 1] if i + 1 < len(shown) else None,
            "new_file": bool(version.file)
            and (i + 1 >= len(shown) or str(shown[i + 1].file) != str(version.file)),
        }
        for i, version in enumerate(shown[:on_page])
    ]
    context = {"item": item, "community": item.community, "page_obj": page, "rows": rows}
    return render(request, "knowledge/item_history.html", context)


def _version(item, version_id):
    version = selectors.item_versions(item=item).filter(history_id=version_id).first()
    if version is None:
        raise Http404
    return version


def item_version(request, item_id, item_version_id):
    item = _item(request, item_id)
    version = _version(item, item_version_id)
    context = {"item": item, "community": item.community, "version": version}
    return render(request, "knowledge/item_version.html", context)


def version_download(request, item_id, item_version_id):
    item = _item(request, item_id)
    version = _version(item, item_version_id)
    if not version.file:
        raise Http404
    services.item_download_record(item=item, user=request.user)
    return serve_file(
        # History keeps the stored name as text (the file itself is never deleted).
        stored_name=str(version.file),
        filename=download_filename(version.title, str(version.file), version.file_name),
        content_type=version.file_type,
    )


def _version_ids(*raw: str) -> list[int]:
    if not all(value.isascii() and value.isdigit() for value in raw):
        raise Http404
    return [int(value) for value in raw]


COMPARED_FIELDS = [
    ("title", gettext_lazy("Title")),
    ("summary", gettext_lazy("Summary")),
    ("body", gettext_lazy("Body")),
    ("problem", gettext_lazy("Problem")),
    ("context", gettext_lazy("Context")),
    ("solution", gettext_lazy("Solution")),
    ("url", gettext_lazy("Web address")),
    ("file_name", gettext_lazy("File")),
]


def item_compare(request, item_id):
    item = _item(request, item_id)
    raw_from = request.GET.get("from", "").strip()
    raw_to = request.GET.get("to", "").strip()
    context = {"item": item, "community": item.community}
    if not raw_from or not raw_to:
        context["problem"] = _("Choose two versions to compare, from the item's history.")
        return render(request, "knowledge/item_compare.html", context, status=400)
    from_id, to_id = _version_ids(raw_from, raw_to)
    found = {
        version.history_id: version
        for version in selectors.item_versions(item=item).filter(history_id__in=[from_id, to_id])
    }
    if from_id not in found or to_id not in found:
        raise Http404
    older, newer = found[from_id], found[to_id]
    fields = []
    for name, label in COMPARED_FIELDS:
        before, after = getattr(older, name) or "", getattr(newer, name) or ""
        if name == "file_name" and str(older.file) != str(newer.file) and before == after:
            after = _("%(name)s (a new file)") % {"name": after}
        fields.append(
            {
                "name": name,
                "label": label,
                "changed": before != after,
                "parts": text_diff(before, after),
            }
        )
    unchanged = [str(field["label"]) for field in fields if not field["changed"]]
    context.update(older=older, newer=newer, fields=fields, unchanged=unchanged)
    return render(request, "knowledge/item_compare.html", context)
