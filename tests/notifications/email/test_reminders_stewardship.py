"""Stewardship reminders: join requests waiting, unanswered questions, charter and
knowledge reviews due. Driven by the clock (time_machine), delivered to a real local
SMTP server."""

from datetime import time, timedelta

import pytest
import time_machine

from communities.discussions import services as discussions
from communities.models import Charter, Community, Thread
from facilitation.models import RiskThresholds
from knowledge import services as knowledge_services
from knowledge.tasks import notify_reviews_due
from membership import services as membership_services
from membership.models import DeliveryRecord, Membership, Notification, NotificationSettings
from membership.notifications import delivery
from membership.notifications.reminders import plan_reminders, stewardship

from ...discussions.factories import PostFactory, ThreadFactory
from ...factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from ...knowledge.factories import make_item
from .reminding import (
    at,
    builder_queries,
    opt_out_of_reminders,
    plan_only,
    planner_queries,
    recipients,
    run,
    send_pending,
    text_of,
)

Level = Membership.Level
Status = DeliveryRecord.Status
SET_UP = at("2026-11-30", 9)  # a Monday, a week before the reminders


@pytest.fixture
def world(db):
    """A community by request with a core member, a facilitator, an active and a
    peripheral member."""
    with time_machine.travel(SET_UP, tick=False):
        community = CommunityFactory(
            name="Safer Prescribing", join_policy=Community.JoinPolicy.REQUEST
        )
        people = {
            "core": MembershipFactory(community=community, level=Level.CORE).user,
            "facilitator": FacilitatorAssignmentFactory(community=community).user,
            "active": MembershipFactory(community=community, level=Level.ACTIVE).user,
            "peripheral": MembershipFactory(community=community, level=Level.PERIPHERAL).user,
        }
    return community, people


def _emails(*users):
    return sorted(user.email for user in users)


# --- join requests waiting ------------------------------------------------------------


def _ask(community, when, **user_fields):
    with time_machine.travel(when, tick=False):
        return membership_services.join_request_create(
            user=UserFactory(**user_fields), community=community, message="I work in a GP practice."
        )


def test_join_requests_waiting_two_days_reach_stewards_once_a_day(
    world, smtp_server, django_capture_on_commit_callbacks
):
    community, people = world
    _ask(community, at("2026-12-07", 10), display_name="Ada Applicant")
    plan = stewardship.plan_join_requests
    capture = django_capture_on_commit_callbacks

    assert run(plan, at("2026-12-09", 9, 45), capture) == 0  # not yet two days
    assert run(plan, at("2026-12-09", 10, 15), capture) == 2
    assert recipients(smtp_server) == _emails(people["core"], people["facilitator"])
    body = text_of(smtp_server.messages[0])
    assert "Ada Applicant" in body and f"/c/{community.slug}/manage/" in body
    assert "Safer Prescribing" in str(smtp_server.messages[0]["Subject"])

    # Beat every quarter hour the same day: nothing more.
    for minute in (30, 45):
        assert run(plan, at("2026-12-09", 10, minute), capture) == 0
    assert run(plan, at("2026-12-09", 23, 45), capture) == 0
    # The next day, not before the local digest hour; then once more.
    assert run(plan, at("2026-12-10", 6, 45), capture) == 0
    assert run(plan, at("2026-12-10", 7, 0), capture) == 2
    assert len(smtp_server.messages) == 4
    assert DeliveryRecord.objects.filter(status=Status.SENT).count() == 4


def test_join_requests_answered_before_the_send_are_skipped(world, smtp_server):
    community, people = world
    join_request = _ask(community, at("2026-12-07", 10))
    plan_only(stewardship.plan_join_requests, at("2026-12-09", 11))
    with time_machine.travel(at("2026-12-09", 11, 5), tick=False):
        membership_services.join_request_approve(join_request=join_request, actor=people["core"])

    result = send_pending(stewardship.JOIN_REQUESTS, at("2026-12-09", 11, 10))

    assert (result.sent, result.skipped) == (0, 2)
    assert not smtp_server.messages


def test_join_requests_skip_those_who_opted_out_or_lost_the_right(world, smtp_server):
    community, people = world
    _ask(community, at("2026-12-07", 10))
    opt_out_of_reminders(people["facilitator"])
    assert plan_only(stewardship.plan_join_requests, at("2026-12-09", 11)) == 1  # core only

    # Demoted between the plan and the send: no longer manages members.
    with time_machine.travel(at("2026-12-09", 11, 5), tick=False):
        membership_services.membership_set_level(
            membership=Membership.objects.get(user=people["core"]),
            level=Level.ACTIVE,
            actor=people["facilitator"],
        )
    result = send_pending(stewardship.JOIN_REQUESTS, at("2026-12-09", 11, 10))

    assert result.skipped == 1 and not smtp_server.messages


def test_quiet_hours_hold_a_reminder_until_they_end(
    world, smtp_server, django_capture_on_commit_callbacks
):
    community, people = world
    _ask(community, at("2026-12-07", 10))
    NotificationSettings.objects.create(
        user=people["core"], quiet_start=time(9), quiet_end=time(12)
    )

    assert (
        run(
            stewardship.plan_join_requests,
            at("2026-12-09", 10, 15),
            django_capture_on_commit_callbacks,
        )
        == 2
    )
    assert recipients(smtp_server) == [people["facilitator"].email]
    with time_machine.travel(at("2026-12-09", 11, 55), tick=False):
        delivery.sweep()
    assert len(smtp_server.messages) == 1
    with time_machine.travel(at("2026-12-09", 12, 5), tick=False):
        delivery.sweep()
    assert recipients(smtp_server) == _emails(people["core"], people["facilitator"])


def test_join_requests_builder_spends_the_same_queries_for_3_and_30(db):
    with time_machine.travel(SET_UP, tick=False):
        for _ in range(30):
            community = CommunityFactory(join_policy=Community.JoinPolicy.REQUEST)
            MembershipFactory(community=community, level=Level.CORE)
    for community in Community.objects.all():
        _ask(community, at("2026-12-07", 10))
    assert plan_only(stewardship.plan_join_requests, at("2026-12-09", 11)) == 30

    few, many = builder_queries(stewardship.JOIN_REQUESTS, at("2026-12-09", 11))

    assert few == many == 2


# --- unanswered questions ---------------------------------------------------------------


def _question(community, author, when, title="How do you deprescribe safely?"):
    with time_machine.travel(when, tick=False):
        return ThreadFactory(
            community=community, author=author, kind=Thread.Kind.QUESTION, title=title
        )


def test_unanswered_questions_reach_moderators_at_most_weekly(
    world, smtp_server, django_capture_on_commit_callbacks
):
    community, people = world
    asker = people["peripheral"]
    _question(community, asker, at("2026-12-03", 9), title="Waiting question")
    answered = _question(community, asker, at("2026-12-03", 9), title="Answered question")
    with time_machine.travel(at("2026-12-04", 9), tick=False):
        PostFactory(thread=answered, author=people["active"])
        # The asker's own follow-up is not an answer.
        PostFactory(thread=Thread.objects.get(title="Waiting question"), author=asker)
    plan = stewardship.plan_unanswered
    capture = django_capture_on_commit_callbacks

    assert run(plan, at("2026-12-06", 8), capture) == 0  # asked under three days ago
    assert run(plan, at("2026-12-07", 8), capture) == 2
    assert recipients(smtp_server) == _emails(people["core"], people["facilitator"])
    body = text_of(smtp_server.messages[0])
    assert "Waiting question" in body and "Answered question" not in body

    # The rest of the ISO week: nothing more; the next week, again.
    for day in ("2026-12-08", "2026-12-11", "2026-12-13"):
        assert run(plan, at(day, 12), capture) == 0
    assert run(plan, at("2026-12-14", 8), capture) == 2
    assert len(smtp_server.messages) == 4


def test_unanswered_questions_answered_before_the_send_are_skipped(world, smtp_server):
    community, people = world
    question = _question(community, people["peripheral"], at("2026-12-01", 9))
    assert plan_only(stewardship.plan_unanswered, at("2026-12-07", 8)) == 2
    with time_machine.travel(at("2026-12-07", 8, 5), tick=False):
        discussions.reply_create(thread=question, author=people["active"], body="Start low.")

    result = send_pending(stewardship.UNANSWERED, at("2026-12-07", 8, 10))

    assert result.skipped == 2 and not smtp_server.messages


def test_unanswered_questions_builder_spends_the_same_queries_for_3_and_30(db):
    with time_machine.travel(SET_UP, tick=False):
        for _ in range(30):
            community = CommunityFactory()
            MembershipFactory(community=community, level=Level.CORE)
            ThreadFactory(community=community, kind=Thread.Kind.QUESTION)
    assert plan_only(stewardship.plan_unanswered, at("2026-12-07", 8)) == 30

    few, many = builder_queries(stewardship.UNANSWERED, at("2026-12-07", 8))

    assert few == many == 2


# --- charter review due ----------------------------------------------------------------


def _reviewed(community, when):
    Charter.objects.filter(community=community).update(last_reviewed_at=when)


def test_charter_review_due_reaches_its_editors_once_per_cycle(
    world, smtp_server, django_capture_on_commit_callbacks
):
    community, people = world
    _reviewed(community, at("2025-12-01", 10))  # the interval is 365 days
    plan = stewardship.plan_charter_reviews
    capture = django_capture_on_commit_callbacks

    assert run(plan, at("2026-11-30", 12), capture) == 0  # 364 days
    assert run(plan, at("2026-12-02", 12), capture) == 2
    assert recipients(smtp_server) == _emails(people["core"], people["facilitator"])
    assert "1 December 2025" in text_of(smtp_server.messages[0])
    for day in ("2026-12-03", "2026-12-20", "2027-01-15"):
        assert run(plan, at(day, 12), capture) == 0
    assert len(smtp_server.messages) == 2

    # Reviewed: not due until a year later, then a new cycle.
    _reviewed(community, at("2027-01-20", 10))
    assert run(plan, at("2027-06-01", 12), capture) == 0
    assert run(plan, at("2028-01-21", 12), capture) == 2
    assert len(smtp_server.messages) == 4


def test_a_charter_never_reviewed_is_due_after_a_grace_month(
    world, smtp_server, django_capture_on_commit_callbacks
):
    plan = stewardship.plan_charter_reviews
    capture = django_capture_on_commit_callbacks
    assert run(plan, at("2026-12-20", 12), capture) == 0  # made on 30 November
    assert run(plan, at("2027-01-01", 12), capture) == 2
    assert "never been marked as reviewed" in text_of(smtp_server.messages[0])


def test_a_charter_reviewed_before_the_send_is_skipped(world, smtp_server):
    community, _people = world
    _reviewed(community, at("2025-06-01", 10))
    assert plan_only(stewardship.plan_charter_reviews, at("2026-12-07", 12)) == 2
    _reviewed(community, at("2026-12-07", 12, 1))

    result = send_pending(stewardship.CHARTER_REVIEW, at("2026-12-07", 12, 5))

    assert result.skipped == 2 and not smtp_server.messages


def test_charter_builder_spends_the_same_queries_for_3_and_30(db):
    with time_machine.travel(SET_UP, tick=False):
        for _ in range(30):
            MembershipFactory(community=CommunityFactory(), level=Level.CORE)
    Charter.objects.update(last_reviewed_at=at("2025-01-01", 9))
    assert plan_only(stewardship.plan_charter_reviews, at("2026-12-07", 8)) == 30

    few, many = builder_queries(stewardship.CHARTER_REVIEW, at("2026-12-07", 8))

    assert few == many == 3


# --- knowledge review due -------------------------------------------------------------


def _item_due(community, due_at, **fields):
    with time_machine.travel(SET_UP, tick=False):
        item = make_item(community, **fields)
    type(item).objects.filter(pk=item.pk).update(review_due_at=due_at)
    item.refresh_from_db()
    return item


def test_knowledge_review_due_emails_moderators_once_per_item_and_due_date(
    world, smtp_server, django_capture_on_commit_callbacks
):
    community, people = world
    item = _item_due(community, at("2026-12-08", 9), title="Deprescribing guide")
    moderators = set(
        Membership.objects.filter(community=community, level=Level.CORE).values_list(
            "user__email", flat=True
        )
    ) | {people["facilitator"].email}
    plan = stewardship.plan_knowledge_reviews
    capture = django_capture_on_commit_callbacks

    assert run(plan, at("2026-12-08", 8), capture) == 0  # not due yet
    assert run(plan, at("2026-12-08", 9, 15), capture) == len(moderators)
    assert recipients(smtp_server) == sorted(moderators)
    assert "Deprescribing guide" in str(smtp_server.messages[0]["Subject"])
    assert run(plan, at("2026-12-09", 9), capture) == 0

    # The in-app notification is still made, beside the email.
    with time_machine.travel(at("2026-12-09", 9, 5), tick=False):
        notify_reviews_due()
    assert Notification.objects.filter(kind=Notification.Kind.REVIEW_DUE).count() == len(moderators)

    # Reviewed, then due again a year later: a new email.
    with time_machine.travel(at("2026-12-10", 9), tick=False):
        knowledge_services.item_mark_reviewed(item=item, actor=people["core"])
    item.refresh_from_db()
    assert run(plan, at("2027-06-10", 9), capture) == 0
    assert run(plan, item.review_due_at + timedelta(hours=12), capture) == len(moderators)
    assert len(smtp_server.messages) == 2 * len(moderators)


def test_a_knowledge_item_reviewed_before_the_send_is_skipped(world, smtp_server):
    community, people = world
    item = _item_due(community, at("2026-12-01", 9))
    opt_out_of_reminders(people["facilitator"])
    planned = plan_only(stewardship.plan_knowledge_reviews, at("2026-12-07", 9))
    assert planned >= 1
    assert not DeliveryRecord.objects.filter(user=people["facilitator"]).exists()
    with time_machine.travel(at("2026-12-07", 9, 5), tick=False):
        knowledge_services.item_mark_reviewed(item=item, actor=people["core"])

    result = send_pending(stewardship.KNOWLEDGE_REVIEW, at("2026-12-07", 9, 10))

    assert result.skipped == planned and not smtp_server.messages


def test_knowledge_builder_spends_the_same_queries_for_3_and_30(db):
    for _ in range(30):
        # make_item publishes through a new core member: one moderator per item.
        _item_due(CommunityFactory(), at("2026-12-01", 9))
    assert plan_only(stewardship.plan_knowledge_reviews, at("2026-12-07", 9)) == 30

    few, many = builder_queries(stewardship.KNOWLEDGE_REVIEW, at("2026-12-07", 9))

    assert few == many == 2


# --- wiring ----------------------------------------------------------------------------


def test_beat_plans_stewardship_reminders(world, smtp_server, django_capture_on_commit_callbacks):
    community, _people = world
    _ask(community, at("2026-12-07", 10))
    assert run(plan_reminders, at("2026-12-09", 11), django_capture_on_commit_callbacks) >= 2
    assert {r.kind for r in DeliveryRecord.objects.all()} >= {stewardship.JOIN_REQUESTS}


def _stewarded_communities(n):
    """Communities each with everything due: a request waiting, a question
    unanswered, the charter and an item overdue for review."""
    for _ in range(n):
        with time_machine.travel(SET_UP, tick=False):
            community = CommunityFactory(join_policy=Community.JoinPolicy.REQUEST)
            MembershipFactory(community=community, level=Level.CORE)
            ThreadFactory(community=community, kind=Thread.Kind.QUESTION)
        _ask(community, at("2026-12-01", 10))
        _item_due(community, at("2026-12-01", 9))
        _reviewed(community, at("2025-01-01", 9))


def test_planning_spends_the_same_queries_for_3_and_30_communities(db):
    RiskThresholds.current()  # made once, on first use
    _stewarded_communities(3)
    few_planned, few = planner_queries(stewardship.plan, at("2026-12-07", 9))
    _stewarded_communities(27)
    many_planned, many = planner_queries(stewardship.plan, at("2026-12-07", 9))

    assert many_planned == 10 * few_planned
    assert few == many
