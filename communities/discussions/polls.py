"""Polls in a thread: adding one, voting (and changing or withdrawing a vote until
it closes), and what the thread page shows of it, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from membership import permissions

from .interaction_models import Poll, PollOption, PollVote
from .models import Thread

MIN_OPTIONS = 2
MAX_OPTIONS = 10


# --- writes -------------------------------------------------------------------


@transaction.atomic
def poll_create(
    *,
    actor,
    thread: Thread,
    question: str,
    options: list[str],
    allows_multiple: bool = False,
    closes_at: datetime | None = None,
) -> Poll:
    """Add the thread's poll. The author or a moderator may; one poll per thread."""
    if not permissions.may_add_poll(actor, thread):
        raise ValidationError(
            _("Only the person who started the discussion or a moderator can add a poll.")
        )
    if Poll.objects.filter(thread=thread).exists():
        raise ValidationError(_("This discussion already has a poll."))
    labels = [" ".join(label.split()) for label in options]
    labels = [label for label in labels if label]
    errors = {}
    if not question.strip():
        errors["question"] = _("Write the question people will answer.")
    if len(labels) < MIN_OPTIONS:
        errors["options"] = _("Give at least %(count)d answers to choose from.") % {
            "count": MIN_OPTIONS
        }
    elif len(labels) > MAX_OPTIONS:
        errors["options"] = _("Give at most %(count)d answers.") % {"count": MAX_OPTIONS}
    elif len({label.casefold() for label in labels}) != len(labels):
        errors["options"] = _("Each answer must be different.")
    if closes_at is not None and closes_at <= timezone.now():
        errors["closes_at"] = _("Choose a closing time in the future.")
    if errors:
        raise ValidationError(errors)
    poll = Poll.objects.create(
        thread=thread,
        question=question.strip(),
        allows_multiple=allows_multiple,
        closes_at=closes_at,
        created_by=actor,
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, position=index) for index, label in enumerate(labels)
    )
    return poll


@transaction.atomic
def poll_vote(*, user, poll: Poll, option_ids: list[int]) -> list[PollVote]:
    """Record the user's choice, replacing any earlier vote on this poll."""
    # Lock the poll row so two quick submissions cannot both insert a single choice.
    poll = Poll.objects.select_for_update().select_related("thread__community").get(pk=poll.pk)
    if not permissions.may_vote(user, poll):
        raise ValidationError(
            _("This poll has closed.") if poll.is_closed else _("You cannot vote in this poll.")
        )
    chosen = list(PollOption.objects.filter(poll=poll, pk__in=set(option_ids)))
    if not chosen or len(chosen) != len(set(option_ids)):
        raise ValidationError({"options": _("Choose an answer.")})
    if len(chosen) > 1 and not poll.allows_multiple:
        raise ValidationError({"options": _("Choose only one answer.")})
    PollVote.objects.filter(poll=poll, user=user).delete()
    return PollVote.objects.bulk_create(
        PollVote(poll=poll, option=option, user=user) for option in chosen
    )


@transaction.atomic
def poll_vote_withdraw(*, user, poll: Poll) -> int:
    """Take back the user's vote while the poll is open."""
    if not permissions.may_vote(user, poll):
        raise ValidationError(_("This poll has closed; votes can no longer change."))
    deleted, _rows = PollVote.objects.filter(poll=poll, user=user).delete()
    return deleted


# --- reads --------------------------------------------------------------------


@dataclass
class PollOptionResult:
    option: PollOption
    votes: int
    mine: bool
    percent: int


@dataclass
class PollView:
    """What the thread page shows of a poll, for one person."""

    poll: Poll
    options: list[PollOptionResult]
    has_voted: bool
    is_closed: bool
    may_vote: bool
    show_results: bool
    voter_count: int
    my_option_ids: set[int] = field(default_factory=set)


def poll_for_thread(thread: Thread, user) -> PollView | None:
    """The thread's poll as `user` sees it (None when it has none): three queries.

    Results (counts) are only filled in once the user has voted or the poll closed.
    """
    poll = Poll.objects.filter(thread=thread).first()
    if poll is None:
        return None
    poll.thread = thread
    mine = Q(votes__user=user) if user.is_authenticated else Q(pk__in=[])
    options = list(
        PollOption.objects.filter(poll=poll).annotate(
            vote_count=Count("votes"), my_votes=Count("votes", filter=mine)
        )
    )
    my_option_ids = {option.pk for option in options if option.my_votes}
    has_voted = bool(my_option_ids)
    show_results = permissions.may_see_poll_results(user, poll, has_voted=has_voted)
    voter_count = 0
    if show_results:
        voter_count = PollVote.objects.filter(poll=poll).values("user").distinct().count()
    results = [
        PollOptionResult(
            option=option,
            votes=option.vote_count if show_results else 0,
            mine=option.pk in my_option_ids,
            percent=round(100 * option.vote_count / voter_count)
            if show_results and voter_count
            else 0,
        )
        for option in options
    ]
    return PollView(
        poll=poll,
        options=results,
        has_voted=has_voted,
        is_closed=poll.is_closed,
        may_vote=permissions.may_vote(user, poll),
        show_results=show_results,
        voter_count=voter_count,
        my_option_ids=my_option_ids,
    )
