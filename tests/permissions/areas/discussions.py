"""Permission matrix entries for the discussions URLs (see __init__.py).

The world's thread is a question started by the active member, with a reply by the
peripheral member, both carrying the secret; a report waits in the queue.
"""

from communities.discussions import services
from communities.models import Report

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("discussions",)

PARTICIPANTS = {E.PERIPHERAL, E.ACTIVE, E.CORE, E.FAC_THIS, E.ADMIN}
CONTRIBUTORS = {E.ACTIVE, E.CORE, E.FAC_THIS, E.ADMIN}
THREAD_AUTHOR = E.ACTIVE
REPLY_AUTHOR = E.PERIPHERAL


def _signed_in_and(allowed):
    def outcome(actor, visibility):
        if actor == E.ANON:
            return E.LOGIN
        if actor in allowed:
            return E.OK
        return E._unknown_or(actor, visibility, E.FORBIDDEN)

    return outcome


participants_only = _signed_in_and(PARTICIPANTS)
contributors_only = _signed_in_and(CONTRIBUTORS)
thread_author_only = _signed_in_and({THREAD_AUTHOR})
reply_author_only = _signed_in_and({REPLY_AUTHOR})
asker_and_moderators = _signed_in_and({THREAD_AUTHOR} | E.MANAGERS)

EXPECTED = {
    "discussions:list": E.readers_only,
    "discussions:create": contributors_only,
    "discussions:mention_suggestions": participants_only,
    "discussions:thread": E.readers_only,
    "discussions:reply": participants_only,
    "discussions:thread_edit": thread_author_only,
    "discussions:thread_delete": thread_author_only,
    "discussions:thread_history": E.readers_only,
    "discussions:unaccept_answer": asker_and_moderators,
    "discussions:thread_moderate": E.managers_only,
    "discussions:thread_move": E.managers_only,
    "discussions:thread_report": E.signed_in_readers_only,
    "discussions:reply_edit": reply_author_only,
    "discussions:reply_delete": reply_author_only,
    "discussions:reply_history": E.readers_only,
    "discussions:accept_answer": asker_and_moderators,
    "discussions:reply_moderate": E.managers_only,
    "discussions:reply_report": E.signed_in_readers_only,
    "discussions:moderation": E.managers_only,
    "discussions:report_decide": E.managers_only,
}
POSTS: dict = {
    "discussions:create": {"kind": "discussion", "title": "A new thread", "body": "Hello."},
    "discussions:reply": {"body": "Thanks for this."},
    "discussions:thread_edit": {"title": "Edited title", "body": "Edited body."},
    "discussions:thread_delete": {},
    "discussions:unaccept_answer": {},
    "discussions:thread_moderate": {"action": "pin"},
    "discussions:thread_report": {"reason": "Off topic."},
    "discussions:reply_edit": {"body": "Edited reply."},
    "discussions:reply_delete": {},
    "discussions:accept_answer": {},
    "discussions:reply_moderate": {"action": "hide"},
    "discussions:reply_report": {"reason": "Rude."},
    "discussions:report_decide": {"decision": "dismiss"},
}


def query_for(world, url_name) -> str:
    return "?q=Se" if url_name == "discussions:mention_suggestions" else ""


def build(world) -> dict:
    from ..test_matrix import SECRET

    community = world.community
    asker = world.actors[THREAD_AUTHOR]
    thread = services.thread_create(
        community=community,
        author=asker,
        kind="question",
        title=f"Question about {SECRET}",
        body=f"What do you do about {SECRET}?",
    )
    reply = services.reply_create(
        thread=thread, author=world.actors[REPLY_AUTHOR], body=f"We tried {SECRET} answers."
    )
    # Edited once each, so the history pages have an earlier version to show.
    services.thread_edit(
        thread=thread, editor=asker, title=thread.title, body=f"{thread.body} (edited {SECRET})"
    )
    services.reply_edit(
        post=reply, editor=world.actors[REPLY_AUTHOR], body=f"{reply.body} (edited {SECRET})"
    )
    services.answer_accept(thread=thread, post=reply, actor=asker)
    report = Report.objects.create(
        community=community,
        thread=thread,
        post=reply,
        reporter=world.target.user,
        reason=f"Please check {SECRET}",
    )
    return {"thread_id": thread.pk, "post_id": reply.pk, "report_id": report.pk}
