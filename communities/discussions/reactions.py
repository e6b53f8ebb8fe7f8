"""Reactions on a thread's opening message and on its replies: the toggle (a write)
and the summaries a page of posts shows (a read in one query).

A reaction on the opening message has `post=None`; on a reply it has the reply.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from membership import permissions

from .interaction_models import Reaction
from .models import Post, Thread

Kind = Reaction.Kind


@dataclass(frozen=True)
class ReactionSummary:
    kind: str
    label: str
    count: int
    mine: bool


# --- writes -------------------------------------------------------------------


@transaction.atomic
def reaction_toggle(*, user, thread: Thread, kind: str, post: Post | None = None) -> bool:
    """Give the reaction if the user has not yet, take it back if they have.

    Returns True when the reaction is now given. Refuses anyone who may not reply to
    the thread, a reply from another thread, and a removed or hidden reply.
    """
    if kind not in Kind.values:
        raise ValidationError(_("Choose a reaction from the list."), code="kind")
    if not permissions.may_react(user, thread):
        raise ValidationError(_("You cannot react in this discussion."), code="forbidden")
    if post is not None and (post.thread_id != thread.pk or post.is_removed or post.is_hidden):
        raise ValidationError(_("This reply cannot take reactions."), code="post")
    existing = Reaction.objects.filter(user=user, thread=thread, post=post, kind=kind)
    if existing.delete()[0]:
        return False
    try:
        # A double click races the same insert: the unique constraint keeps one.
        with transaction.atomic():
            Reaction.objects.create(user=user, thread=thread, post=post, kind=kind)
    except IntegrityError:
        pass
    return True


# --- reads --------------------------------------------------------------------


def _summaries(counts: dict[str, tuple[int, bool]]) -> list[ReactionSummary]:
    return [
        ReactionSummary(kind=kind, label=label, count=counts.get(kind, (0, False))[0],
                        mine=counts.get(kind, (0, False))[1])
        for kind, label in Kind.choices
    ]  # fmt: skip


def reaction_summaries(user, *, threads=(), posts=()) -> None:
    """Attach `reaction_summaries` (one ReactionSummary per kind, in a fixed order) to
    every thread (its opening message) and post given, in one query whatever their
    number. `mine` says whether `user` gave that reaction."""
    threads, posts = list(threads), list(posts)
    found: dict[tuple[str, int], dict[str, tuple[int, bool]]] = {}
    if threads or posts:
        where = Q(pk__in=[])
        if threads:
            where |= Q(thread__in=[t.pk for t in threads], post=None)
        if posts:
            where |= Q(post__in=[p.pk for p in posts])
        mine = Q(user=user) if user.is_authenticated else Q(pk__in=[])
        rows = (
            Reaction.objects.filter(where)
            .values("thread_id", "post_id", "kind")
            .annotate(count=Count("id"), mine=Count("id", filter=mine))
            .order_by()
        )
        for row in rows:
            key = ("post", row["post_id"]) if row["post_id"] else ("thread", row["thread_id"])
            found.setdefault(key, {})[row["kind"]] = (row["count"], row["mine"] > 0)
    for thread in threads:
        thread.reaction_summaries = _summaries(found.get(("thread", thread.pk), {}))
    for post in posts:
        post.reaction_summaries = _summaries(found.get(("post", post.pk), {}))
