"""Discussion pages: a community's threads, a thread with its replies, starting,
replying, editing with history, answers, reports and moderation.

Each view parses, asks membership.permissions, calls one service or selector, and
renders or redirects. A thread the user may not read answers 404; a thing they may
see but not do answers 403. Forms with errors answer 400 and keep what was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copplatform.pagination import CURSOR_PARAM, keyset_page_by
from facilitation.alignment.forms import attach_suggestions
from membership import permissions

from . import selectors, services
from .forms import (
    MoveForm,
    ReplyForm,
    ReportDecisionForm,
    ReportForm,
    ThreadEditForm,
    ThreadForm,
)
from .interaction_selectors import thread_interactions
from .models import Report, Thread

THREADS_PER_PAGE = 20
REPLIES_PER_PAGE = services.REPLIES_PER_PAGE
Kind = Thread.Kind


# --- access helpers -------------------------------------------------------------------


def _readable_community(request, slug):
    return permissions.access_community(request.user, slug, require=permissions.may_read_community)


def _access_thread(request, slug, thread_id, *, require=None):
    """The community and thread: 404 unless the user may read it; 403 if `require`
    (a may_* question about the thread) says no."""
    community = _readable_community(request, slug)
    thread = selectors.thread_for_page(community=community, thread_id=thread_id)
    if thread is None or not permissions.may_read_thread(request.user, thread):
        raise Http404
    if require is not None and not require(request.user, thread):
        raise PermissionDenied
    return community, thread


def _access_reply(request, slug, thread_id, post_id, *, require=None):
    community, thread = _access_thread(request, slug, thread_id)
    post = selectors.reply_in_thread(thread=thread, post_id=post_id)
    if post is None or (
        post.is_hidden and not permissions.may_see_hidden_content(request.user, community)
    ):
        raise Http404
    if require is not None and not require(request.user, post):
        raise PermissionDenied
    return community, thread, post


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _mention_url(community, thread=None, group=None) -> str:
    url = reverse("discussions:mention_suggestions", args=[community.slug])
    group = group if group is not None else getattr(thread, "group", None)
    return f"{url}?group={group.slug}" if group is not None else url


def _thread_url(thread) -> str:
    return reverse("discussions:thread", args=[thread.community.slug, thread.pk])


# --- the list -------------------------------------------------------------------------


def thread_list(request, slug):
    community = _readable_community(request, slug)
    user = request.user
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    threads = selectors.thread_list(user=user, community=community, kind=kind or None)
    # Keyset pages: page 1,000 costs what page 1 does, and nothing counts the threads.
    page = keyset_page_by(
        threads,
        request.GET.get(CURSOR_PARAM),
        order=selectors.THREAD_LIST_ORDER,
        per_page=THREADS_PER_PAGE,
    )
    start_kinds = [k for k in Kind.values if permissions.may_start_thread(user, community, kind=k)]
    context = {
        "community": community,
        "page": page,
        "threads": page.items,
        "kind": kind,
        "kinds": Kind.choices,
        "start_kinds": start_kinds,
        "may_moderate": permissions.may_see_moderation_queue(user, community),
        "track_unread": user.is_authenticated,
    }
    return render(request, "communities/discussions/thread_list.html", context)


# --- starting a thread -------------------------------------------------------------------


@login_required
def thread_create(request, slug):
    community = _readable_community(request, slug)
    user = request.user
    group = None
    group_slug = request.GET.get("group", "")
    if group_slug:
        group = selectors.working_group_of(community=community, slug=group_slug)
        if group is None or not permissions.may_read_working_group_content(user, group):
            raise Http404
    kinds = [
        k for k in Kind.values if permissions.may_start_thread(user, community, kind=k, group=group)
    ]
    if not kinds:
        raise PermissionDenied
    wanted = request.GET.get("kind", "")
    form = ThreadForm(
        request.POST or None,
        kinds=kinds,
        mention_url=_mention_url(community, group=group),
        initial={"kind": wanted if wanted in kinds else kinds[0]},
    )
    # "Similar from other communities" under the title (facilitation/alignment).
    attach_suggestions(form, community)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(
                community=community,
                author=user,
                group=group,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your post is up."))
            return redirect(_thread_url(thread))
    context = {"community": community, "group": group, "form": form}
    return render(
        request,
        "communities/discussions/thread_create.html",
        context,
        status=_status(request, form),
    )


# --- a thread ------------------------------------------------------------------------------


def _render_thread(request, community, thread, *, reply_form=None, status=200, notice=""):
    user = request.user
    is_moderator = permissions.may_moderate_thread(user, thread)
    replies = selectors.thread_replies(thread=thread, include_hidden=is_moderator)
    page = Paginator(replies, REPLIES_PER_PAGE).get_page(request.GET.get("page"))
    may_reply = permissions.may_reply(user, thread)
    if reply_form is None and may_reply:
        reply_form = ReplyForm(mention_url=_mention_url(community, thread))
    accepted = thread.accepted_post
    if accepted is not None and (accepted.is_removed or (accepted.is_hidden and not is_moderator)):
        accepted = None
    context = {
        "community": community,
        "thread": thread,
        "page_obj": page,
        "replies": page.object_list,
        "accepted": accepted,
        "reply_form": reply_form if may_reply else None,
        "may_reply": may_reply,
        "may_moderate": is_moderator,
        "may_accept": permissions.may_accept_answer(user, thread),
        "may_report": permissions.may_report(user, thread),
        "may_edit_thread": permissions.may_edit_post(user, thread),
        "locked_notice": notice,
        "may_turn_into_item": permissions.may_create_item_from_thread(user, thread),
    }
    # Reactions on the opening message and this page's replies, and the thread's poll.
    context.update(thread_interactions(user, thread, page.object_list))
    services.thread_mark_read(user=user, thread=thread)
    return render(request, "communities/discussions/thread.html", context, status=status)


def thread_detail(request, slug, thread_id):
    community, thread = _access_thread(request, slug, thread_id)
    return _render_thread(request, community, thread)


@login_required
@require_POST
def reply_create(request, slug, thread_id):
    community, thread = _access_thread(request, slug, thread_id)
    if not permissions.may_reply(request.user, thread):
        if thread.is_locked and permissions.may_read_thread(request.user, thread):
            notice = _("This thread is locked: it takes no new replies.")
            return _render_thread(request, community, thread, status=403, notice=notice)
        raise PermissionDenied
    form = ReplyForm(request.POST, mention_url=_mention_url(community, thread))
    if form.is_valid():
        try:
            post = services.reply_create(
                thread=thread, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your reply is posted."))
            return redirect(services.post_url(post))
    return _render_thread(request, community, thread, reply_form=form, status=400)


# --- editing, history and deleting ----------------------------------------------------------


@login_required
def thread_edit(request, slug, thread_id):
    community, thread = _access_thread(request, slug, thread_id, require=permissions.may_edit_post)
    form = ThreadEditForm(
        request.POST or None,
        initial={"title": thread.title, "body": thread.body},
        mention_url=_mention_url(community, thread),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_edit(
                thread=thread,
                editor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your changes are saved. The earlier version is kept."))
            return redirect(_thread_url(thread))
    context = {"community": community, "thread": thread, "form": form, "post": None}
    return render(
        request, "communities/discussions/edit.html", context, status=_status(request, form)
    )


@login_required
def reply_edit(request, slug, thread_id, post_id):
    community, thread, post = _access_reply(
        request, slug, thread_id, post_id, require=permissions.may_edit_post
    )
    form = ReplyForm(
        request.POST or None,
        initial={"body": post.body},
        mention_url=_mention_url(community, thread),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_edit(post=post, editor=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your changes are saved. The earlier version is kept."))
            return redirect(services.post_url(post))
    context = {"community": community, "thread": thread, "form": form, "post": post}
    return render(
        request, "communities/discussions/edit.html", context, status=_status(request, form)
    )


def thread_history(request, slug, thread_id):
    community, thread = _access_thread(request, slug, thread_id)
    if thread.is_removed:
        raise Http404
    context = {
        "community": community,
        "thread": thread,
        "post": None,
        "current": {
            "title": thread.title,
            "body": thread.body,
            "by": thread.author,
            "at": thread.edited_at or thread.created_at,
        },
        "revisions": selectors.revisions_of(thread=thread, post=None),
    }
    return render(request, "communities/discussions/history.html", context)


def reply_history(request, slug, thread_id, post_id):
    community, thread, post = _access_reply(request, slug, thread_id, post_id)
    if post.is_removed:
        raise Http404
    context = {
        "community": community,
        "thread": thread,
        "post": post,
        "current": {
            "title": "",
            "body": post.body,
            "by": post.author,
            "at": post.edited_at or post.created_at,
        },
        "revisions": selectors.revisions_of(thread=thread, post=post),
    }
    return render(request, "communities/discussions/history.html", context)


def _confirm_delete(request, community, thread, post=None):
    """Without JavaScript there is no pop-up: a page asks before anything is removed."""
    context = {"community": community, "thread": thread, "post": post}
    return render(request, "communities/discussions/delete.html", context)


@login_required
def thread_delete(request, slug, thread_id):
    community, thread = _access_thread(request, slug, thread_id, require=permissions.may_edit_post)
    if request.method != "POST":
        return _confirm_delete(request, community, thread)
    services.thread_delete(thread=thread, actor=request.user)
    messages.success(request, _("Your thread is removed."))
    return redirect("discussions:list", community.slug)


@login_required
def reply_delete(request, slug, thread_id, post_id):
    community, thread, post = _access_reply(
        request, slug, thread_id, post_id, require=permissions.may_edit_post
    )
    if request.method != "POST":
        return _confirm_delete(request, community, thread, post)
    services.reply_delete(post=post, actor=request.user)
    messages.success(request, _("Your reply is removed."))
    return redirect(_thread_url(thread))


# --- accepted answers ----------------------------------------------------------------------------


@login_required
@require_POST
def accept_answer(request, slug, thread_id, post_id):
    _community, thread, post = _access_reply(request, slug, thread_id, post_id)
    if not permissions.may_accept_answer(request.user, thread):
        raise PermissionDenied
    try:
        services.answer_accept(thread=thread, post=post, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as the accepted answer."))
    return redirect(_thread_url(thread))


@login_required
@require_POST
def unaccept_answer(request, slug, thread_id):
    _community, thread = _access_thread(
        request, slug, thread_id, require=permissions.may_accept_answer
    )
    try:
        services.answer_unaccept(thread=thread, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The answer is no longer marked as accepted."))
    return redirect(_thread_url(thread))


# --- moderation ----------------------------------------------------------------

THREAD_ACTIONS = {
    "pin": (services.thread_set_pinned, "pinned", True, _("The thread is pinned.")),
    "unpin": (services.thread_set_pinned, "pinned", False, _("The thread is unpinned.")),
    "lock": (services.thread_set_locked, "locked", True, _("The thread is locked.")),
    "unlock": (services.thread_set_locked, "locked", False, _("The thread is open again.")),
    "hide": (services.thread_set_hidden, "hidden", True, _("The thread is hidden.")),
    "unhide": (services.thread_set_hidden, "hidden", False, _("The thread is visible again.")),
}


@login_required
@require_POST
def thread_moderate(request, slug, thread_id):
    _community, thread = _access_thread(
        request, slug, thread_id, require=permissions.may_moderate_thread
    )
    action = THREAD_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest(_("Unknown moderation action."))
    service, argument, value, done = action
    service(thread=thread, actor=request.user, **{argument: value})
    messages.success(request, done)
    return redirect(_thread_url(thread))


@login_required
@require_POST
def reply_moderate(request, slug, thread_id, post_id):
    _community, thread, post = _access_reply(request, slug, thread_id, post_id)
    if not permissions.may_moderate_thread(request.user, thread):
        raise PermissionDenied
    action = request.POST.get("action", "")
    if action not in ("hide", "unhide"):
        return HttpResponseBadRequest(_("Unknown moderation action."))
    services.reply_set_hidden(post=post, actor=request.user, hidden=action == "hide")
    messages.success(
        request, _("The reply is hidden.") if action == "hide" else _("The reply is visible again.")
    )
    return redirect(f"{_thread_url(thread)}#reply-{post.pk}")


@login_required
def thread_move(request, slug, thread_id):
    community, thread = _access_thread(
        request, slug, thread_id, require=permissions.may_moderate_thread
    )
    form = MoveForm(
        request.POST or None,
        destinations=selectors.move_destinations(user=request.user),
        initial={"destination": f"g:{thread.group_id}" if thread.group_id else f"c:{community.pk}"},
    )
    if request.method == "POST" and form.is_valid():
        target, group = form.target()
        try:
            services.thread_move(thread=thread, actor=request.user, community=target, group=group)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The thread is moved."))
            return redirect(_thread_url(thread))
    context = {"community": community, "thread": thread, "form": form}
    return render(
        request, "communities/discussions/move.html", context, status=_status(request, form)
    )


def _report(request, community, thread, post=None):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user, thread=thread, post=post, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at your report."))
            return redirect(_thread_url(thread))
    context = {"community": community, "thread": thread, "post": post, "form": form}
    return render(
        request, "communities/discussions/report.html", context, status=_status(request, form)
    )


@login_required
def thread_report(request, slug, thread_id):
    community, thread = _access_thread(request, slug, thread_id, require=permissions.may_report)
    return _report(request, community, thread)


@login_required
def reply_report(request, slug, thread_id, post_id):
    community, thread, post = _access_reply(request, slug, thread_id, post_id)
    if not permissions.may_report(request.user, thread):
        raise PermissionDenied
    return _report(request, community, thread, post)


def _render_queue(request, community, *, failed=None, failed_form=None, status=200):
    rows = [
        {
            "report": report,
            "form": failed_form
            if failed is not None and report.pk == failed.pk
            else ReportDecisionForm(auto_id=f"report-{report.pk}-%s"),
        }
        for report in selectors.open_reports(community=community)
    ]
    context = {
        "community": community,
        "rows": rows,
        "decided": selectors.decided_reports(community=community),
        "hidden_threads": selectors.hidden_threads(community=community),
        "log": selectors.moderation_log(community=community),
    }
    return render(request, "communities/discussions/moderation.html", context, status=status)


@login_required
def moderation_queue(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_see_moderation_queue
    )
    return _render_queue(request, community)


@login_required
@require_POST
def report_decide(request, slug, report_id):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_see_moderation_queue
    )
    report = (
        Report.objects.select_related("thread", "post")
        .filter(community=community, pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    form = ReportDecisionForm(request.POST, auto_id=f"report-{report.pk}-%s")
    if form.is_valid():
        try:
            services.report_decide(
                report=report,
                actor=request.user,
                resolve=form.cleaned_data["decision"] == "resolve",
                hide_content=form.cleaned_data["hide_content"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The report is dealt with."))
        return redirect("discussions:moderation", community.slug)
    return _render_queue(request, community, failed=report, failed_form=form, status=400)


# --- mention suggestions ------------------------------------------------------------------------


@login_required
def mention_suggestions(request, slug):
    """People the author may mention, as JSON for static/js/mentions.js."""
    community = permissions.access_community(
        request.user, slug, require=permissions.may_suggest_mentions
    )
    group = None
    group_slug = request.GET.get("group", "")
    if group_slug:
        group = selectors.working_group_of(community=community, slug=group_slug)
        if group is None or not permissions.may_read_working_group_content(request.user, group):
            raise Http404
    people = selectors.mention_suggestions(
        community=community, group=group, text=request.GET.get("q", "")
    )
    return JsonResponse({"results": [{"id": person.pk, "name": person.name} for person in people]})
