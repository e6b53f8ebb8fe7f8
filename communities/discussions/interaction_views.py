"""Reactions and polls on a thread. Without JavaScript every form posts and
redirects back; with htmx the view answers with the fragment to swap in.

The thread page itself belongs to the discussions module: after a plain POST these
views go back to `next` (when it is on this site) or to the thread's address.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copplatform.htmx import render_page_or_fragment, wants_fragment
from copplatform.markdown import render_markdown
from membership import permissions

from .interaction_forms import PollCreateForm, PollVoteForm, ReactionForm
from .models import Post, Thread
from .polls import poll_create, poll_for_thread, poll_vote, poll_vote_withdraw
from .reactions import reaction_summaries, reaction_toggle
from .working_groups import thread_path


def _access_thread(request, slug, discussion_id) -> Thread:
    """The thread, or 404 when it does not exist, was removed, or the user may not
    read it; 403 when they may know the community but not read it."""
    community = permissions.access_community(
        request.user, slug, require=permissions.may_read_community
    )
    thread = (
        Thread.objects.filter(community=community, pk=discussion_id, deleted_at=None)
        .select_related("group", "author")
        .first()
    )
    if thread is None:
        raise Http404
    thread.community = community
    if thread.group is not None:
        thread.group.community = community
    if not permissions.may_read_thread(request.user, thread):
        raise Http404
    return thread


def _back(request, thread: Thread, anchor: str = ""):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target + anchor)
    return redirect(thread_path(thread.community, thread.pk) + anchor)


# --- reactions ------------------------------------------------------------------


@login_required
@require_POST
def react(request, slug, discussion_id):
    thread = _access_thread(request, slug, discussion_id)
    if not permissions.may_react(request.user, thread):
        raise PermissionDenied
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return render(
            request, "400.html", {"exception": _("Choose a reaction from the list.")}, status=400
        )
    post = None
    if form.cleaned_data["post_id"]:
        post = Post.objects.filter(thread=thread, pk=form.cleaned_data["post_id"]).first()
        # Removed and hidden replies show no reactions, so none can be given to them.
        if post is None or post.is_removed or post.is_hidden:
            raise Http404
    try:
        given = reaction_toggle(
            user=request.user, thread=thread, post=post, kind=form.cleaned_data["kind"]
        )
    except ValidationError as error:
        refusal = " ".join(error.messages)
        if not wants_fragment(request):
            messages.error(request, refusal)
            return _back(request, thread)
        # htmx leaves 4xx answers unswapped: the refusal is said in the status instead.
        return _reactions_fragment(request, thread, post, announcement=refusal)
    if not wants_fragment(request):
        target = post or thread
        # The thread page's anchors: "opening" for the first message, "reply-<id>".
        return _back(request, thread, f"#reply-{target.pk}" if post else "#opening")
    label = dict(form.fields["kind"].choices)[form.cleaned_data["kind"]]
    said = _("You reacted: %(label)s.") if given else _("Reaction taken back: %(label)s.")
    return _reactions_fragment(request, thread, post, announcement=said % {"label": label})


def _reactions_fragment(request, thread, post, *, announcement):
    reaction_summaries(request.user, threads=[] if post else [thread], posts=[post] if post else [])
    context = {
        "community": thread.community,
        "thread": thread,
        "target": post or thread,
        "may_react": permissions.may_react(request.user, thread),
        "announcement": announcement,
    }
    response = render(request, "communities/discussions/_reactions_update.html", context)
    response["Vary"] = "HX-Request"
    return response


# --- polls ------------------------------------------------------------------------


def _poll_context(request, thread, *, poll_view=None, vote_form=None, announcement=""):
    poll_view = poll_view or poll_for_thread(thread, request.user)
    if poll_view is None:
        raise Http404
    return {
        "community": thread.community,
        "thread": thread,
        "poll_view": poll_view,
        "vote_errors": vote_form.errors.get("options") if vote_form is not None else None,
        "announcement": announcement,
    }


def poll(request, slug, discussion_id):
    """The thread's poll on a page of its own, under the opening message it belongs
    to (with its reactions); the thread page shows the same two includes."""
    thread = _access_thread(request, slug, discussion_id)
    context = _poll_context(request, thread)
    reaction_summaries(request.user, threads=[thread])
    context.update(
        thread_url=thread_path(thread.community, thread.pk),
        opening_html=render_markdown(thread.body),
        target=thread,
        may_react=permissions.may_react(request.user, thread),
    )
    return render(request, "communities/discussions/poll.html", context)


@login_required
def poll_new(request, slug, discussion_id):
    thread = _access_thread(request, slug, discussion_id)
    if not permissions.may_add_poll(request.user, thread):
        raise PermissionDenied
    if hasattr(thread, "poll"):
        messages.info(request, _("This discussion already has a poll."))
        return redirect("interactions:poll", thread.community.slug, thread.pk)
    form = PollCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll_create(actor=request.user, thread=thread, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The poll is open."))
            return redirect("interactions:poll", thread.community.slug, thread.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "community": thread.community,
        "thread": thread,
        "form": form,
        "thread_url": thread_path(thread.community, thread.pk),
    }
    return render(request, "communities/discussions/poll_new.html", context, status=status)


def _render_poll(request, thread, context, *, status=200):
    if not wants_fragment(request):
        # The whole page (a form error without JavaScript) shows the opening message too.
        reaction_summaries(request.user, threads=[thread])
        context.update(
            opening_html=render_markdown(thread.body),
            target=thread,
            may_react=permissions.may_react(request.user, thread),
        )
    context["thread_url"] = thread_path(thread.community, thread.pk)
    if status == 400 and wants_fragment(request):
        # htmx 2 does not swap 4xx answers, so the errors would never be seen: the
        # fragment carrying them answers 200. Without JavaScript the page answers 400.
        status = 200
        context["announcement"] = " ".join(str(e) for e in context.get("vote_errors") or [])
    return render_page_or_fragment(
        request,
        "communities/discussions/poll.html",
        "communities/discussions/_poll_update.html",
        context,
        status=status,
    )


@login_required
@require_POST
def poll_vote_view(request, slug, discussion_id):
    thread = _access_thread(request, slug, discussion_id)
    poll_view = poll_for_thread(thread, request.user)
    if poll_view is None:
        raise Http404
    if not permissions.may_reply(request.user, thread):
        raise PermissionDenied
    form = PollVoteForm(request.POST, poll_view=poll_view)
    if form.is_valid():
        try:
            poll_vote(user=request.user, poll=poll_view.poll, option_ids=form.option_ids())
        except ValidationError as error:
            form.add_error("options" if hasattr(error, "error_dict") else None, error)
        else:
            if not wants_fragment(request):
                messages.success(request, _("Your vote is counted."))
                return _back(request, thread, f"#poll-{thread.pk}")
            context = _poll_context(request, thread, announcement=_("Your vote is counted."))
            return _render_poll(request, thread, context)
    context = _poll_context(request, thread, poll_view=poll_view, vote_form=form)
    if form.non_field_errors():
        context["vote_errors"] = form.non_field_errors()
    return _render_poll(request, thread, context, status=400)


@login_required
@require_POST
def poll_withdraw(request, slug, discussion_id):
    thread = _access_thread(request, slug, discussion_id)
    poll_view = poll_for_thread(thread, request.user)
    if poll_view is None:
        raise Http404
    if not permissions.may_reply(request.user, thread):
        raise PermissionDenied
    try:
        poll_vote_withdraw(user=request.user, poll=poll_view.poll)
    except ValidationError as error:
        context = _poll_context(request, thread, poll_view=poll_view)
        context["vote_errors"] = error.messages
        return _render_poll(request, thread, context, status=400)
    if not wants_fragment(request):
        messages.success(request, _("Your vote is withdrawn."))
        return _back(request, thread, f"#poll-{thread.pk}")
    context = _poll_context(request, thread, announcement=_("Your vote is withdrawn."))
    return _render_poll(request, thread, context)
