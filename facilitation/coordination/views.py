"""Cross-community actions for the facilitation team, and their work log.

Every page asks `may_act_across_communities` (or `may_keep_work_log`) first: 403 for
anyone else, since the pages themselves reveal nothing about any community. The
target choices list only communities the user may act on, and the services ask the
per-community question again for each target.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Community
from copplatform.db import parse_id
from copplatform.pagination import CURSOR_PARAM, keyset_page
from facilitation.models import WorkLogEntry
from membership import permissions

from . import bulk_invite, selectors, services
from .forms import (
    AnnouncementForm,
    BulkInviteConfirmForm,
    BulkInviteForm,
    JoinRequestsForm,
    ShareForm,
    WorkLogEntryForm,
    WorkLogFilterForm,
)

WORK_LOG_PER_PAGE = 30


def _is_id(value: str) -> bool:
    return parse_id(value) is not None


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _status(request, *forms) -> int:
    return 400 if request.method == "POST" and any(f.errors for f in forms) else 200


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _ids(communities):
    """A queryset of exactly these communities (the form's only valid choices)."""
    return Community.objects.filter(pk__in=[c.pk for c in communities]).order_by("name")


# --- one announcement to several communities --------------------------------------------


@login_required
def announce(request):
    _require(permissions.may_act_across_communities(request.user))
    targets = selectors.announcement_targets(user=request.user)
    form = AnnouncementForm(
        request.POST if request.method == "POST" else None, targets=_ids(targets)
    )
    if request.method == "POST" and form.is_valid():
        try:
            threads = services.announcement_send_many(
                actor=request.user,
                communities=list(form.cleaned_data["communities"]),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            query = urlencode([("t", thread.pk) for thread in threads])
            return redirect(f"{reverse('coordination:announce_sent')}?{query}")
    context = {"form": form, "targets": targets}
    return render(
        request, "facilitation/coordination/announce.html", context, status=_status(request, form)
    )


@login_required
def announce_sent(request):
    _require(permissions.may_act_across_communities(request.user))
    ids = [value for value in request.GET.getlist("t") if _is_id(value)][:500]
    threads = list(selectors.announcements_by(user=request.user, thread_ids=ids))
    return render(request, "facilitation/coordination/announce_sent.html", {"threads": threads})


# --- share a knowledge item into several communities ----------------------------------------


def _item_from_query(request):
    value = request.GET.get("item") or request.POST.get("item") or ""
    if not value:
        return None
    if not _is_id(value):
        raise Http404
    return permissions.access_item(request.user, int(value), require=permissions.may_share_item)


@login_required
def share(request):
    _require(permissions.may_act_across_communities(request.user))
    item = _item_from_query(request)
    if item is None:
        context = {"items": selectors.shareable_items(user=request.user)}
        return render(request, "facilitation/coordination/share_pick.html", context)
    from knowledge.selectors import share_targets

    targets = share_targets(user=request.user, item=item)
    form = ShareForm(request.POST if request.method == "POST" else None, targets=_ids(targets))
    context = {"item": item, "form": form, "targets": targets}
    if request.method == "POST" and form.is_valid():
        results = services.item_share_many(
            item=item,
            actor=request.user,
            communities=list(form.cleaned_data["communities"]),
            note=form.cleaned_data["note"],
            confirmed=form.cleaned_data["confirm"],
        )
        context["results"] = results
        if results.needs_confirmation:
            # The explicit step, as on the item's own share page: say what becomes
            # readable, and where; the communities already shared are listed as done.
            context["confirm_form"] = ShareForm(
                initial={
                    "communities": [o.community.pk for o in results.needs_confirmation],
                    "note": form.cleaned_data["note"],
                    "confirm": True,
                },
                targets=_ids(targets),
            )
            context["pending"] = [o.community for o in results.needs_confirmation]
        return render(request, "facilitation/coordination/share_results.html", context)
    return render(
        request, "facilitation/coordination/share.html", context, status=_status(request, form)
    )


# --- join requests across communities ----------------------------------------------------


@login_required
def join_requests(request):
    _require(permissions.may_act_across_communities(request.user))
    pending = selectors.join_requests_pending_for(user=request.user)
    form = JoinRequestsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["requests"])
        # Only requests the user may answer are found; others are left alone, unsaid.
        found = list(pending.filter(pk__in=wanted))
        ignored = len(wanted) - len(found)
        decisions = services.join_requests_decide(
            actor=request.user,
            join_requests=found,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
        done = [d for d in decisions if d.ok]
        if done:
            message = (
                _("Approved %(count)s requests.")
                if form.cleaned_data["decision"] == "approve"
                else _("Declined %(count)s requests; the people asking are told why.")
            )
            messages.success(request, message % {"count": len(done)})
        for decision in decisions:
            if not decision.ok:
                messages.error(
                    request,
                    _("%(name)s (%(community)s): %(problem)s")
                    % {
                        "name": decision.join_request.user.name,
                        "community": decision.join_request.community.name,
                        "problem": decision.message,
                    },
                )
        if ignored:
            messages.warning(
                request,
                _(
                    "%(count)s requests were not changed: they are answered already, "
                    "or not yours to answer."
                )
                % {"count": ignored},
            )
        return redirect("coordination:join_requests")
    shown = list(pending[: selectors.JOIN_REQUESTS_SHOWN + 1])
    context = {
        "form": form,
        "requests": shown[: selectors.JOIN_REQUESTS_SHOWN],
        "more": len(shown) > selectors.JOIN_REQUESTS_SHOWN,
        "chosen": {str(v) for v in request.POST.getlist("requests")},
    }
    return render(
        request,
        "facilitation/coordination/join_requests.html",
        context,
        status=_status(request, form),
    )


# --- bulk invitations ------------------------------------------------------------------


@login_required
def bulk_invite_view(request):
    _require(permissions.may_act_across_communities(request.user))
    managed = selectors.managed_communities(user=request.user)
    communities = _ids(managed)
    if request.method == "POST" and "signed" in request.POST:
        return _bulk_invite_confirm(request, communities)
    form = BulkInviteForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        communities=communities,
    )
    context = {"form": form, "has_targets": bool(managed)}
    if request.method == "POST" and form.is_valid():
        community = form.cleaned_data["community"]
        level = form.cleaned_data["default_level"]
        try:
            rows = bulk_invite.parse_upload(form.raw(), community=community, default_level=level)
        except bulk_invite.BulkInviteFileError as error:
            form.add_error("file", str(error))
        else:
            context.update(
                community=community,
                rows=rows,
                valid=[row for row in rows if row.ok],
                confirm_form=BulkInviteConfirmForm(
                    initial={
                        "signed": bulk_invite.rows_sign(
                            rows=rows, community=community, default_level=level
                        )
                    }
                ),
            )
            return render(request, "facilitation/coordination/bulk_invite_preview.html", context)
    return render(
        request,
        "facilitation/coordination/bulk_invite.html",
        context,
        status=_status(request, form),
    )


def _bulk_invite_confirm(request, communities):
    form = BulkInviteConfirmForm(request.POST)
    problem = None
    if form.is_valid():
        try:
            payload = bulk_invite.rows_unsign(form.cleaned_data["signed"])
        except bulk_invite.BulkInviteFileError as error:
            problem = str(error)
    else:
        problem = _("The preview is missing. Upload the list again.")
    if problem is None:
        community = communities.filter(pk=payload["community"]).first()
        if community is None:
            raise PermissionDenied
        rows = bulk_invite.validate_rows(
            payload["rows"], community=community, default_level=payload["default_level"]
        )
        try:
            sent, _skipped = services.bulk_invite_send(
                actor=request.user, community=community, rows=rows
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            context = {
                "community": community,
                "sent": sent,
                "not_sent": [row for row in rows if not row.ok],
            }
            return render(request, "facilitation/coordination/bulk_invite_done.html", context)
    upload_form = BulkInviteForm(communities=communities)
    context = {"form": upload_form, "problem": problem, "has_targets": communities.exists()}
    return render(request, "facilitation/coordination/bulk_invite.html", context, status=400)


# --- the work log ----------------------------------------------------------------------


def _work_log_communities(user, entry=None):
    communities = permissions.communities_facilitated_by(user)
    if entry is not None and entry.community_id:
        communities = Community.objects.filter(
            Q(pk__in=communities.values("pk")) | Q(pk=entry.community_id)
        )
    return communities.order_by("name")


@login_required
def work_log(request):
    _require(permissions.may_keep_work_log(request.user))
    communities = _work_log_communities(request.user)
    filters = WorkLogFilterForm(request.GET or None, communities=communities)
    if request.GET and not filters.is_valid():
        entries = selectors.work_log_for(user=request.user).none()
        status = 400
    else:
        data = filters.cleaned_data if request.GET else {}
        community = data.get("community")
        entries = selectors.work_log_for(
            user=request.user,
            community_id=community.pk if community else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        status = 200
    page = keyset_page(
        entries.select_related("community"),
        request.GET.get(CURSOR_PARAM),
        per_page=WORK_LOG_PER_PAGE,
        field="occurred_on",
    )
    next_query = request.GET.copy()
    if page.next_cursor:
        next_query[CURSOR_PARAM] = page.next_cursor
    context = {
        "filters": filters,
        "page": page,
        "next_query": next_query.urlencode(),
        "totals": selectors.work_log_totals(entries),
    }
    return render(request, "facilitation/coordination/work_log.html", context, status=status)


@login_required
def work_log_add(request):
    _require(permissions.may_keep_work_log(request.user))
    form = WorkLogEntryForm(
        request.POST if request.method == "POST" else None,
        communities=_work_log_communities(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.work_log_entry_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Added to your work log."))
            return redirect("coordination:work_log")
    context = {"form": form, "entry": None}
    return render(
        request,
        "facilitation/coordination/work_log_form.html",
        context,
        status=_status(request, form),
    )


def _own_entry(request, entry_id) -> WorkLogEntry:
    _require(permissions.may_keep_work_log(request.user))
    # Someone else's entry: as if it did not exist.
    entry = get_object_or_404(
        WorkLogEntry.objects.select_related("community"), pk=entry_id, facilitator=request.user
    )
    _require(permissions.may_edit_work_log_entry(request.user, entry))
    return entry


@login_required
def work_log_edit(request, work_log_entry_id):
    entry = _own_entry(request, work_log_entry_id)
    form = WorkLogEntryForm(
        request.POST if request.method == "POST" else None,
        instance=None,
        initial={
            "occurred_on": entry.occurred_on,
            "community": entry.community_id,
            "kind": entry.kind,
            "description": entry.description,
            "minutes": entry.minutes,
        },
        communities=_work_log_communities(request.user, entry),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.work_log_entry_update(entry=entry, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Work log entry saved."))
            return redirect("coordination:work_log")
    context = {"form": form, "entry": entry}
    return render(
        request,
        "facilitation/coordination/work_log_form.html",
        context,
        status=_status(request, form),
    )


@login_required
def work_log_delete(request, work_log_entry_id):
    entry = _own_entry(request, work_log_entry_id)
    if request.method == "POST":
        services.work_log_entry_delete(entry=entry, actor=request.user)
        messages.success(request, _("Work log entry deleted."))
        return redirect("coordination:work_log")
    return render(request, "facilitation/coordination/work_log_delete.html", {"entry": entry})
