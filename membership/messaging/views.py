"""Private messages: inbox, conversation, reply, start, mute, leave, block, report.

A conversation is private to its present participants: anyone else (platform admins
included) gets 404 for its address. Reviewers of reported messages see only the
reported text, on their own queue page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copplatform.db import parse_id
from copplatform.pagination import CURSOR_PARAM
from membership import permissions
from membership.models import User

from . import selectors, services
from .forms import ConversationStartForm, ReplyForm, ReportForm
from .models import MessageReport


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _access_seat(request, conversation_id):
    """The user's seat in the conversation; 404 for anyone who is not in it."""
    seat = selectors.seat_of(user=request.user, conversation_id=conversation_id)
    if not permissions.may_read_conversation(request.user, seat):
        raise Http404
    return seat


def _safe_next(request, fallback):
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def inbox(request):
    page = selectors.inbox_page(user=request.user, cursor=request.GET.get(CURSOR_PARAM))
    rows = []
    for conversation in page.items:
        others = [
            seat.user
            for seat in conversation.participants.all()
            if seat.user_id != request.user.pk and seat.left_at is None
        ]
        rows.append({"conversation": conversation, "others": others})
    context = {
        "rows": rows,
        "page": page,
        "may_review_reports": permissions.may_review_message_reports(request.user),
    }
    return render(request, "membership/messaging/inbox.html", context)


def _conversation_context(request, seat, reply_form):
    conversation = seat.conversation
    page = selectors.conversation_messages_page(
        conversation=conversation, cursor=request.GET.get(CURSOR_PARAM)
    )
    participants = selectors.conversation_participants(conversation=conversation)
    others = [p for p in participants if p.user_id != request.user.pk and p.left_at is None]
    may_reply = permissions.may_reply_in_conversation(
        request.user, seat, [p.user_id for p in others]
    )
    return {
        "conversation": conversation,
        "seat": seat,
        "participants": participants,
        "others": others,
        "chat_messages": list(reversed(page.items)),
        "page": page,
        "may_reply": may_reply,
        "reply_form": reply_form,
        "blocked_ids": selectors.blocked_ids_among(
            blocker=request.user, user_ids=[p.user_id for p in others]
        ),
    }


@login_required
def conversation(request, conversation_id):
    seat = _access_seat(request, conversation_id)
    context = _conversation_context(request, seat, ReplyForm())
    # Reading the newest page clears the unread marker; older pages do not.
    if not request.GET.get(CURSOR_PARAM):
        services.conversation_mark_read(seat=seat)
    return render(request, "membership/messaging/conversation.html", context)


@login_required
@require_POST
def reply(request, conversation_id):
    seat = _access_seat(request, conversation_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(
                conversation=seat.conversation, sender=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            return redirect("messaging:conversation", conversation_id)
    context = _conversation_context(request, seat, form)
    return render(request, "membership/messaging/conversation.html", context, status=400)


@login_required
def conversation_new(request):
    reachable = selectors.reachable_people(user=request.user)
    initial = {}
    wanted = parse_id(request.GET.get("to", ""))
    if request.method == "GET" and wanted is not None:
        initial["recipients"] = list(reachable.filter(pk=wanted).values_list("pk", flat=True))
    form = ConversationStartForm(request.POST or None, reachable=reachable, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            started = services.conversation_start(
                starter=request.user,
                recipients=list(form.cleaned_data["recipients"]),
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("messaging:conversation", started.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "has_anyone": reachable.exists()}
    return render(request, "membership/messaging/new.html", context, status=status)


@login_required
@require_POST
def mute(request, conversation_id):
    seat = _access_seat(request, conversation_id)
    muted = request.POST.get("muted") != "0"
    services.conversation_set_muted(seat=seat, muted=muted)
    if muted:
        messages.success(request, _("Conversation muted. It will not show as unread."))
    else:
        messages.success(request, _("Conversation unmuted."))
    return redirect("messaging:conversation", conversation_id)


@login_required
@require_POST
def leave(request, conversation_id):
    seat = _access_seat(request, conversation_id)
    services.conversation_leave(seat=seat)
    messages.success(request, _("You left the conversation."))
    return redirect("messaging:inbox")


@login_required
def report(request, conversation_id, message_id):
    _access_seat(request, conversation_id)
    message = selectors.message_in(conversation_id=conversation_id, message_id=message_id)
    if message is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_report(
                message=message, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("Thank you. The facilitation team will look at this message.")
            )
            return redirect("messaging:conversation", conversation_id)
    status = 400 if form.errors else 200
    context = {"form": form, "message": message, "conversation_id": conversation_id}
    return render(request, "membership/messaging/report.html", context, status=status)


@login_required
def blocked(request):
    context = {"blocks": selectors.blocked_people(user=request.user)}
    return render(request, "membership/messaging/blocked.html", context)


@login_required
@require_POST
def block(request, person_id):
    person = get_object_or_404(User, pk=person_id, is_active=True)
    try:
        services.person_block(blocker=request.user, blocked=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You blocked %(name)s. Neither of you can message the other.")
            % {"name": person.name},
        )
    return redirect(_safe_next(request, "messaging:blocked"))


@login_required
@require_POST
def unblock(request, person_id):
    person = get_object_or_404(User, pk=person_id)
    if services.person_unblock(blocker=request.user, blocked=person):
        messages.success(request, _("You unblocked %(name)s.") % {"name": person.name})
    return redirect(_safe_next(request, "messaging:blocked"))


@login_required
def reports(request):
    if not permissions.may_review_message_reports(request.user):
        raise PermissionDenied
    page = selectors.open_reports_page(cursor=request.GET.get(CURSOR_PARAM))
    return render(request, "membership/messaging/reports.html", {"page": page})


@login_required
@require_POST
def report_resolve(request, message_report_id):
    if not permissions.may_review_message_reports(request.user):
        raise PermissionDenied
    found = get_object_or_404(MessageReport, pk=message_report_id)
    services.message_report_resolve(report=found, actor=request.user)
    messages.success(request, _("Marked as reviewed."))
    return redirect("messaging:reports")
