from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communities.discussions.interaction_models import Poll, PollVote
from communities.discussions.polls import (
    poll_create,
    poll_for_thread,
    poll_vote,
    poll_vote_withdraw,
)

from ..factories import MembershipFactory, UserFactory
from ..xss import assert_inert
from . import main_of
from .factories import PollFactory, ThreadFactory


@pytest.fixture
def author(community):
    return MembershipFactory(community=community, level="active").user


@pytest.fixture
def thread(community, author):
    return ThreadFactory(community=community, author=author)


@pytest.fixture
def poll(thread):
    return PollFactory(thread=thread)


def _options(poll):
    return list(poll.options.all())


def _url(name, thread):
    return reverse(f"interactions:{name}", args=[thread.community.slug, thread.pk])


# --- adding a poll --------------------------------------------------------------


def test_the_author_adds_a_poll_with_its_answers(thread, author):
    poll = poll_create(
        actor=author,
        thread=thread,
        question="Which leaflet?",
        options=["  Short one ", "", "Long one"],
        allows_multiple=True,
    )
    assert [o.label for o in _options(poll)] == ["Short one", "Long one"]
    assert poll.allows_multiple and poll.created_by == author


def test_a_moderator_adds_a_poll_to_someone_elses_thread(thread, core):
    assert poll_create(actor=core, thread=thread, question="Q?", options=["a", "b"])


def test_other_members_cannot_add_a_poll(thread, peripheral):
    with pytest.raises(ValidationError):
        poll_create(actor=peripheral, thread=thread, question="Q?", options=["a", "b"])


def test_one_poll_per_thread(thread, author, poll):
    with pytest.raises(ValidationError, match="already has a poll"):
        poll_create(actor=author, thread=thread, question="Again?", options=["a", "b"])


@pytest.mark.parametrize(
    "options, closes_in, field",
    [
        (["only one"], None, "options"),
        (["same", "Same"], None, "options"),
        ([str(n) for n in range(11)], None, "options"),
        (["a", "b"], timedelta(hours=-1), "closes_at"),
    ],
)
def test_a_poll_needs_sensible_answers_and_a_future_closing(
    thread, author, options, closes_in, field
):
    closes_at = timezone.now() + closes_in if closes_in else None
    with pytest.raises(ValidationError) as caught:
        poll_create(
            actor=author, thread=thread, question="Q?", options=options, closes_at=closes_at
        )
    assert field in caught.value.error_dict


def test_the_form_answers_400_and_keeps_what_was_typed(client, thread, author):
    client.force_login(author)
    response = client.post(
        _url("poll_new", thread), {"question": "Which leaflet do you use?", "options": "Only one"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Which leaflet do you use?" in html and "Only one" in html
    assert "at least 2 answers" in html
    assert not Poll.objects.exists()


def test_the_form_opens_the_poll_and_shows_it(client, thread, author):
    client.force_login(author)
    response = client.post(
        _url("poll_new", thread),
        {"question": "Which leaflet?", "options": "Short\nLong", "closes_at": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("poll", thread)
    assert [o.label for o in _options(thread.poll)] == ["Short", "Long"]


def test_a_poll_question_and_answers_are_shown_as_text(client, thread, author):
    payload = "<img src=x onerror=alert(1)>"
    poll_create(actor=author, thread=thread, question=payload, options=[payload, "b"])
    html = main_of(client.get(_url("poll", thread)))
    assert_inert(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- voting ---------------------------------------------------------------------


def test_a_single_choice_poll_takes_one_answer(poll, peripheral):
    first, second, _third = _options(poll)
    with pytest.raises(ValidationError, match="only one"):
        poll_vote(user=peripheral, poll=poll, option_ids=[first.pk, second.pk])
    poll_vote(user=peripheral, poll=poll, option_ids=[first.pk])
    assert list(PollVote.objects.values_list("option", flat=True)) == [first.pk]


def test_a_multiple_choice_poll_takes_several(thread, peripheral):
    poll = PollFactory(thread=thread, allows_multiple=True)
    first, second, _third = _options(poll)
    poll_vote(user=peripheral, poll=poll, option_ids=[first.pk, second.pk])
    assert PollVote.objects.filter(user=peripheral).count() == 2


def test_voting_again_changes_the_vote(poll, peripheral):
    first, second, _third = _options(poll)
    poll_vote(user=peripheral, poll=poll, option_ids=[first.pk])
    poll_vote(user=peripheral, poll=poll, option_ids=[second.pk])
    assert list(PollVote.objects.values_list("option", flat=True)) == [second.pk]


def test_a_vote_can_be_withdrawn_while_open(poll, peripheral):
    poll_vote(user=peripheral, poll=poll, option_ids=[_options(poll)[0].pk])
    assert poll_vote_withdraw(user=peripheral, poll=poll) == 1
    assert not PollVote.objects.exists()


def test_an_answer_from_another_poll_is_refused(poll, peripheral, community):
    other = PollFactory(thread=ThreadFactory(community=community))
    with pytest.raises(ValidationError):
        poll_vote(user=peripheral, poll=poll, option_ids=[_options(other)[0].pk])


def test_a_closed_poll_refuses_votes_and_withdrawals(poll, peripheral):
    first = _options(poll)[0]
    poll_vote(user=peripheral, poll=poll, option_ids=[first.pk])
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()

    with pytest.raises(ValidationError, match="closed"):
        poll_vote(user=peripheral, poll=poll, option_ids=[_options(poll)[1].pk])
    with pytest.raises(ValidationError, match="closed"):
        poll_vote_withdraw(user=peripheral, poll=poll)
    assert list(PollVote.objects.values_list("option", flat=True)) == [first.pk]


@pytest.mark.parametrize("who", ["outsider", "leader"])
def test_people_who_may_not_reply_cannot_vote(poll, who, request):
    with pytest.raises(ValidationError):
        poll_vote(user=request.getfixturevalue(who), poll=poll, option_ids=[_options(poll)[0].pk])


# --- what people see ------------------------------------------------------------------


def test_results_are_hidden_until_the_person_votes(poll, peripheral, core):
    first = _options(poll)[0]
    poll_vote(user=core, poll=poll, option_ids=[first.pk])

    before = poll_for_thread(poll.thread, peripheral)
    assert not before.show_results and before.may_vote
    assert [result.votes for result in before.options] == [0, 0, 0]

    poll_vote(user=peripheral, poll=poll, option_ids=[first.pk])
    after = poll_for_thread(poll.thread, peripheral)
    assert after.show_results and after.has_voted
    chosen = after.options[0]
    assert (chosen.votes, chosen.percent, chosen.mine) == (2, 100, True)
    assert after.voter_count == 2


def test_results_show_to_everyone_once_the_poll_closes(poll, core, outsider):
    poll_vote(user=core, poll=poll, option_ids=[_options(poll)[1].pk])
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    seen = poll_for_thread(poll.thread, outsider)
    assert seen.is_closed and seen.show_results and not seen.may_vote
    assert [r.votes for r in seen.options] == [0, 1, 0]


def test_the_page_shows_no_counts_before_voting(client, poll, peripheral, core):
    poll_vote(user=core, poll=poll, option_ids=[_options(poll)[0].pk])
    client.force_login(peripheral)
    html = client.get(_url("poll", poll.thread)).content.decode()
    assert "Results show once you have voted" in html
    assert "1 vote" not in html and "person voted" not in html
    assert 'type="radio"' in html


@pytest.mark.parametrize("voters", [3, 30])
def test_poll_for_thread_costs_a_fixed_number_of_queries(
    poll, peripheral, voters, django_assert_num_queries
):
    options = _options(poll)
    for n in range(voters):
        PollVote.objects.create(poll=poll, option=options[n % 3], user=UserFactory())
    PollVote.objects.create(poll=poll, option=options[0], user=peripheral)
    thread = poll.thread
    thread.community.refresh_from_db()
    from membership.permissions import may_reply

    may_reply(peripheral, thread)  # the page has asked this already

    with django_assert_num_queries(3):
        seen = poll_for_thread(thread, peripheral)

    assert seen.voter_count == voters + 1


def test_an_htmx_vote_answers_with_the_results(client, poll, peripheral):
    client.force_login(peripheral)
    response = client.post(
        _url("poll_vote", poll.thread), {"options": _options(poll)[1].pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "1 person voted." in html and "Your choice" in html
    assert 'hx-swap-oob="innerHTML"' in html and "Your vote is counted." in html


def test_a_vote_with_no_answer_answers_400(client, poll, peripheral):
    client.force_login(peripheral)
    response = client.post(_url("poll_vote", poll.thread), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_without_javascript_a_vote_goes_back_to_the_thread(client, poll, peripheral):
    client.force_login(peripheral)
    response = client.post(_url("poll_vote", poll.thread), {"options": _options(poll)[0].pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/discussions/{poll.thread.pk}/#poll-{poll.thread.pk}")


def test_a_vote_on_a_closed_poll_answers_400_with_the_reason(client, poll, peripheral):
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(peripheral)
    response = client.post(_url("poll_vote", poll.thread), {"options": _options(poll)[0].pk})
    assert response.status_code == 400
    assert "This poll has closed." in response.content.decode()
    assert not PollVote.objects.exists()


def test_withdrawing_by_htmx_hides_the_results_again(client, poll, peripheral):
    poll_vote(user=peripheral, poll=poll, option_ids=[_options(poll)[0].pk])
    client.force_login(peripheral)
    response = client.post(_url("poll_withdraw", poll.thread), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Your vote is withdrawn." in html and "Results show once you have voted" in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_thread_page_context_costs_the_same_with_many_replies(
    thread, author, rows, django_assert_num_queries
):
    from communities.discussions.interaction_selectors import thread_interactions
    from membership.permissions import may_reply

    from .factories import PostFactory, ReactionFactory

    poll = PollFactory(thread=thread)
    poll_vote(user=author, poll=poll, option_ids=[_options(poll)[0].pk])  # results shown too
    posts = [PostFactory(thread=thread) for _ in range(rows)]
    for post in posts:
        ReactionFactory(thread=thread, post=post, user=UserFactory())
    may_reply(author, thread)  # the thread page has asked the authority already

    with django_assert_num_queries(4):
        context = thread_interactions(author, thread, posts)

    assert context["may_react"] and context["poll_view"] and not context["may_add_poll"]
    assert all(post.reaction_summaries[0].count == 1 for post in posts)


def test_with_no_poll_the_include_offers_the_author_to_add_one(rf, thread, author, peripheral):
    from django.template.loader import render_to_string

    from communities.discussions.interaction_selectors import thread_interactions

    for person, offered in ((author, True), (peripheral, False)):
        context = thread_interactions(person, thread, [])
        context.update(community=thread.community, thread=thread)
        html = render_to_string("communities/discussions/_poll.html", context)
        assert ("Add a poll to this discussion" in html) is offered
        assert (_url("poll_new", thread) in html) is offered


def test_an_htmx_vote_with_no_answer_shows_the_error_in_the_fragment(client, poll, peripheral):
    client.force_login(peripheral)
    response = client.post(_url("poll_vote", poll.thread), {}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    # htmx would not swap a 400: the fragment answers 200 and carries the error.
    assert response.status_code == 200 and "<html" not in html
    assert "This field is required" in html
    assert not PollVote.objects.exists()
