"""What a thread page needs from reactions and polls, in one call.

The thread page (discussions module) calls `thread_interactions(user, thread, posts)`
once and adds the result to its context; its template then includes
`communities/discussions/_poll.html` once and `_reactions.html` per message.
"""

from membership import permissions

from .polls import poll_for_thread
from .reactions import reaction_summaries


def thread_interactions(user, thread, posts) -> dict:
    """Attach `reaction_summaries` to the thread and to each post shown, and return
    the context the two includes read: may_react, poll_view, may_add_poll.

    At most four queries whatever the number of posts (one for reactions, up to three for the
    poll), once the page has asked the authority about this thread.
    """
    reaction_summaries(user, threads=[thread], posts=posts)
    poll_view = poll_for_thread(thread, user)
    return {
        "may_react": permissions.may_react(user, thread),
        "poll_view": poll_view,
        "may_add_poll": poll_view is None and permissions.may_add_poll(user, thread),
    }
