"""Instant email: a new thread, reply or knowledge item reaches, once, the members who
chose an email for each new item and that kind of news, over a real SMTP server;
what is gone or no longer readable at send time is skipped; quiet hours defer it to
the sweep; planning and building cost the same queries for 3 members as for 30."""

import re
import time
from datetime import UTC, datetime
from datetime import time as clock

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from communities.discussions import services
from communities.models import Community, Thread
from knowledge import services as knowledge
from membership.models import DeliveryRecord, DeliveryRun, Membership, NotificationSettings
from membership.notifications import delivery, instant
from membership.notifications.models import Frequency, NewsKind
from membership.notifications.preferences import read_unsubscribe_token
from membership.services import membership_leave

from ...discussions.factories import (
    PostFactory,
    ThreadFactory,
    WorkingGroupFactory,
    WorkingGroupMemberFactory,
)
from ...factories import CommunityFactory, MembershipFactory, UserFactory
from ...knowledge.factories import curator, make_item

Status = DeliveryRecord.Status
ALL_BUT = lambda *left_out: [k.value for k in NewsKind if k not in left_out]  # noqa: E731


def member(community, level=Membership.Level.ACTIVE, **user_fields):
    fields = {f"user__{name}": value for name, value in user_fields.items()}
    return MembershipFactory(community=community, level=level, **fields).user


def choose(person, frequency=Frequency.INSTANT, *, community=None, **settings):
    """The member's overall choice (or, with `community`, that community's)."""
    if community is not None:
        Membership.objects.filter(user=person, community=community).update(
            email_frequency=frequency
        )
    else:
        NotificationSettings.objects.update_or_create(
            user=person, defaults={"frequency": frequency, **settings}
        )
    return person


def recipients(smtp_server):
    return sorted(message["To"] for message in smtp_server.messages)


def scope_of(message) -> tuple[int, str]:
    token = re.search(r"/email/unsubscribe/([^/]+)/", message["List-Unsubscribe"]).group(1)
    return read_unsubscribe_token(token)


def pending_ids():
    return list(DeliveryRecord.objects.filter(status=Status.PENDING).values_list("pk", flat=True))


@pytest.fixture
def people(community):
    """Who is who in the community, and one person outside it."""
    return {
        "author": member(community),
        "instant": choose(member(community, display_name="Ines Instant")),
        "instant_here": choose(member(community), community=community),
        "weekly": member(community),
        "none_here": choose(choose(member(community)), Frequency.NONE, community=community),
        "no_discussions": choose(
            member(community), news_kinds=ALL_BUT(NewsKind.DISCUSSIONS, NewsKind.KNOWLEDGE)
        ),
        "elsewhere": choose(member(CommunityFactory())),
    }


def post_thread(community, author, capture, **fields):
    fields = {"kind": Thread.Kind.DISCUSSION, "title": "Deprescribing at discharge", **fields}
    with capture(execute=True):
        return services.thread_create(
            community=community, author=author, body="What do you **check** first?", **fields
        )


# --- who receives what ----------------------------------------------------------------


def test_a_new_thread_reaches_only_members_who_chose_instant_discussions(
    community, people, smtp_server, django_capture_on_commit_callbacks
):
    thread = post_thread(community, people["author"], django_capture_on_commit_callbacks)

    assert recipients(smtp_server) == sorted(
        [people["instant"].email, people["instant_here"].email]
    )
    message = next(m for m in smtp_server.messages if m["To"] == people["instant"].email)
    assert "Safer Prescribing: Deprescribing at discharge" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "<strong>check</strong>" in html and f"/discussions/{thread.pk}/" in html
    text = message.get_body(("plain",)).get_content()
    assert "Hello Ines Instant" in text and "started a discussion in Safer Prescribing" in text
    assert "each new post in Safer Prescribing" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert scope_of(message) == (people["instant"].pk, f"community:{community.pk}")


def test_a_reply_reaches_instant_members_and_the_thread_author_who_chose_replies_to_me(
    community, smtp_server, django_capture_on_commit_callbacks
):
    only_my_threads = ALL_BUT(NewsKind.DISCUSSIONS)
    asker = choose(member(community), news_kinds=only_my_threads)
    bystander = choose(member(community), news_kinds=only_my_threads)
    follower = choose(member(community))
    replier = choose(member(community, level=Membership.Level.PERIPHERAL))
    thread = ThreadFactory(community=community, author=asker, kind=Thread.Kind.QUESTION)

    with django_capture_on_commit_callbacks(execute=True):
        post = services.reply_create(thread=thread, author=replier, body="We ask the pharmacist.")

    assert recipients(smtp_server) == sorted([asker.email, follower.email])
    to_asker = next(m for m in smtp_server.messages if m["To"] == asker.email)
    assert "Re: " + thread.title in to_asker["Subject"]
    text = to_asker.get_body(("plain",)).get_content()
    assert "replied to your thread" in text and "We ask the pharmacist." in text
    assert f"#reply-{post.pk}" in text
    assert bystander.email not in recipients(smtp_server)


def test_the_thread_author_who_chose_a_digest_gets_no_instant_email_of_a_reply(
    community, smtp_server, django_capture_on_commit_callbacks
):
    asker = member(community)  # weekly digest, the default
    thread = ThreadFactory(community=community, author=asker)

    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(thread=thread, author=member(community), body="Here is how.")

    assert smtp_server.messages == []


def test_in_a_private_community_only_its_members_hear_of_it(
    db, smtp_server, django_capture_on_commit_callbacks
):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    inside = choose(member(private))
    outsider = choose(UserFactory())
    author = member(private)

    post_thread(private, author, django_capture_on_commit_callbacks)

    assert recipients(smtp_server) == [inside.email]
    assert not DeliveryRecord.objects.filter(user=outsider).exists()


def test_a_closed_working_group_thread_reaches_only_its_members_and_moderators(
    community, smtp_server, django_capture_on_commit_callbacks
):
    group = WorkingGroupFactory(community=community, is_closed=True)
    author, in_group = member(community), choose(member(community))
    outside_group = choose(member(community))
    moderator = choose(member(community, level=Membership.Level.CORE))
    for person in (author, in_group):
        WorkingGroupMemberFactory(group=group, user=person)

    post_thread(community, author, django_capture_on_commit_callbacks, group=group)

    assert recipients(smtp_server) == sorted([in_group.email, moderator.email])
    assert outside_group.email not in recipients(smtp_server)


def test_published_then_featured_knowledge_reaches_members_who_chose_it(
    community, people, smtp_server, django_capture_on_commit_callbacks
):
    publisher = choose(curator(community))
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(community, author=people["author"], publisher=publisher)
    published = recipients(smtp_server)
    with django_capture_on_commit_callbacks(execute=True):
        knowledge.item_set_featured(item=item, actor=publisher, featured=True)

    expected = sorted([people["instant"].email, people["instant_here"].email])
    assert published == expected  # never the publisher, who did it
    subjects = sorted(
        m["Subject"].split("] ", 1)[-1] for m in smtp_server.messages if m["To"] == expected[0]
    )
    assert subjects == [
        f"Featured in Safer Prescribing: {item.title}",
        f"New in Safer Prescribing: {item.title}",
    ]
    assert f"/knowledge/{item.pk}/" in smtp_server.messages[0].get_body(("plain",)).get_content()

    # Back to draft and published again, featured again: nobody hears twice.
    with django_capture_on_commit_callbacks(execute=True):
        knowledge.item_set_status(item=item, actor=publisher, status="draft")
        knowledge.item_set_status(item=item, actor=publisher, status="published")
        knowledge.item_set_featured(item=item, actor=publisher, featured=True)
    assert len(smtp_server.messages) == 4


def test_a_reply_past_the_first_page_links_to_the_page_that_shows_it(community):
    follower = choose(member(community))
    thread = ThreadFactory(community=community)
    replies = [PostFactory(thread=thread) for _ in range(services.REPLIES_PER_PAGE + 1)]
    instant.plan_instant(event=instant.Event.REPLY, object_id=replies[-1].pk)
    records = list(DeliveryRecord.objects.filter(user=follower).select_related("user"))

    email = delivery.builder_for(instant.REPLY)(records)[records[0].pk]

    assert email.context["post_url"].endswith(services.post_url(replies[-1]))
    assert "?page=2#reply-" in email.context["post_url"]


# --- exactly once, and only what is still there -----------------------------------------


def test_running_the_task_twice_sends_each_email_once(
    community, people, smtp_server, django_capture_on_commit_callbacks
):
    thread = post_thread(community, people["author"], django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        from membership.notifications.tasks import plan_instant

        plan_instant.delay(event=instant.Event.THREAD, object_id=thread.pk)
    delivery.sweep()

    assert len(smtp_server.messages) == 2
    assert DeliveryRun.objects.filter(kind=instant.THREAD).count() == 1
    assert DeliveryRecord.objects.filter(status=Status.SENT).count() == 2


def test_a_thread_or_reply_hidden_before_sending_is_skipped(community, people, smtp_server):
    author = people["author"]
    thread = services.thread_create(
        community=community, author=author, kind="discussion", title="Ward rounds", body="?"
    )
    post = services.reply_create(thread=thread, author=people["weekly"], body="Mornings.")
    instant.plan_instant(event=instant.Event.THREAD, object_id=thread.pk)
    instant.plan_instant(event=instant.Event.REPLY, object_id=post.pk)
    moderator = member(community, level=Membership.Level.CORE)
    services.reply_set_hidden(post=post, actor=moderator, hidden=True)
    services.thread_set_hidden(thread=thread, actor=moderator, hidden=True)

    result = delivery.send_batch(pending_ids())

    assert (result.sent, result.skipped) == (0, 4)
    assert smtp_server.messages == []


def test_a_member_who_left_or_changed_their_mind_before_sending_is_skipped(
    community, people, smtp_server
):
    thread = ThreadFactory(community=community, author=people["author"])
    instant.plan_instant(event=instant.Event.THREAD, object_id=thread.pk)
    membership_leave(user=people["instant"], community=community)
    choose(people["instant_here"], Frequency.DAILY, community=community)

    result = delivery.send_batch(pending_ids())

    assert (result.sent, result.skipped) == (0, 2)


def test_a_private_community_member_removed_before_sending_is_skipped(db, smtp_server):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    staying, leaving = choose(member(private)), choose(member(private))
    thread = ThreadFactory(community=private, author=member(private))
    instant.plan_instant(event=instant.Event.THREAD, object_id=thread.pk)
    membership_leave(user=leaving, community=private)

    delivery.send_batch(pending_ids())

    assert recipients(smtp_server) == [staying.email]
    assert DeliveryRecord.objects.get(user=leaving).status == Status.SKIPPED


# --- quiet hours ------------------------------------------------------------------------


def test_quiet_hours_hold_the_email_until_the_sweep_after_they_end(
    community, smtp_server, django_capture_on_commit_callbacks
):
    late_evening = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    sleeper = choose(
        member(community, time_zone="UTC"), quiet_start=clock(22, 0), quiet_end=clock(7, 0)
    )
    awake = choose(member(community, time_zone="UTC"))

    with time_machine.travel(late_evening, tick=False):
        post_thread(community, member(community), django_capture_on_commit_callbacks)
        delivery.sweep()
    assert recipients(smtp_server) == [awake.email]
    held = DeliveryRecord.objects.get(user=sleeper)
    assert held.status == Status.PENDING
    assert held.not_before == datetime(2026, 12, 8, 7, 0, tzinfo=UTC)

    with time_machine.travel(datetime(2026, 12, 8, 7, 1, tzinfo=UTC), tick=False):
        delivery.sweep()
    assert recipients(smtp_server) == sorted([awake.email, sleeper.email])


# --- on commit only ---------------------------------------------------------------------


def test_a_rolled_back_post_enqueues_nothing(
    community, people, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    planned = []
    real_plan = instant.plan_instant
    monkeypatch.setattr(
        instant, "plan_instant", lambda **kwargs: planned.append(kwargs) or real_plan(**kwargs)
    )

    def post(title):
        return services.thread_create(
            community=community, author=people["author"], kind="discussion", title=title, body="B"
        )

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        post("Rolled back")
        raise RuntimeError("the request failed after the thread was saved")

    assert callbacks == [] and planned == []
    assert not DeliveryRun.objects.exists() and smtp_server.messages == []

    # The same post, committed, is planned once and sent.
    with django_capture_on_commit_callbacks(execute=True):
        thread = post("Committed")
    assert [call["object_id"] for call in planned] == [thread.pk]
    assert len(smtp_server.messages) == 2


def test_a_broker_that_cannot_take_the_task_does_not_fail_the_post_nor_lose_its_emails(
    community, people, smtp_server, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from membership.notifications import tasks

    def broker_down(**kwargs):
        raise ConnectionError("broker unreachable")

    for task in (tasks.plan_instant, tasks.dispatch_run, tasks.send_batch):
        monkeypatch.setattr(task, "delay", broker_down)
    thread = post_thread(community, people["author"], django_capture_on_commit_callbacks)

    assert Thread.objects.filter(pk=thread.pk).exists()
    assert "broker unreachable" in caplog.text
    # Planned in the request, waiting for the broker: nothing sent, nothing enqueued.
    waiting = DeliveryRecord.objects.filter(status=Status.PENDING, enqueued_at=None)
    assert {record.user_id for record in waiting} == {
        people["instant"].pk,
        people["instant_here"].pk,
    }
    assert smtp_server.messages == []

    monkeypatch.undo()  # the broker is back: the next sweep sends them, once
    delivery.sweep()
    delivery.sweep()

    assert recipients(smtp_server) == sorted(
        [people["instant"].email, people["instant_here"].email]
    )


def test_the_hook_costs_the_request_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        instant.instant_email_on_commit(event=instant.Event.REPLY, object_id=1)


# --- queries: the same for 3 members as for 30 --------------------------------------------


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def _scenario(size: int, event: str):
    """A community with `size` members who want everything instantly (some in their
    quiet hours), and one new thing of this event's kind."""
    community = CommunityFactory()
    group = WorkingGroupFactory(community=community, is_closed=True)
    author = member(community, level=Membership.Level.CORE)
    for index in range(size):
        person = choose(
            member(community),
            quiet_start=clock(0, 0) if index % 2 else None,
            quiet_end=clock(23, 59) if index % 2 else None,
        )
        if index % 3 != 1:
            WorkingGroupMemberFactory(group=group, user=person)
    if event == instant.Event.THREAD:
        return ThreadFactory(community=community, author=author, group=group).pk
    if event == instant.Event.REPLY:
        thread = ThreadFactory(community=community, author=author, group=group)
        return PostFactory(thread=thread, author=author).pk
    if event == instant.Event.ANNOUNCEMENT:
        return ThreadFactory(community=community, author=author, kind="announcement").pk
    return make_item(community, author=author, publisher=author).pk


# The thing itself, its members (readable, with their choices), and for a closed
# working group its members and the community's moderators; then the engine's plan
# (run, one INSERT of records, count, update, and their savepoints: 9).
PLANNING_QUERIES = {
    instant.Event.THREAD: 4 + 9,
    instant.Event.REPLY: 4 + 9,
    instant.Event.ITEM_PUBLISHED: 2 + 9,
    instant.Event.ANNOUNCEMENT: 2 + 9,
}


@pytest.mark.parametrize("event", list(PLANNING_QUERIES))
def test_planning_costs_the_same_queries_for_3_members_as_for_30(db, event):
    few, many = _scenario(3, event), _scenario(30, event)

    counts = [
        _queries(lambda pk=pk: instant.plan_instant(event=event, object_id=pk))
        for pk in (few, many)
    ]

    assert counts == [PLANNING_QUERIES[event]] * 2
    # Threads are in a closed working group: two in three members are in it.
    in_closed_group = event in (instant.Event.THREAD, instant.Event.REPLY)
    assert DeliveryRecord.objects.count() == (2 + 20 if in_closed_group else 3 + 30)


def _records_for(size: int, kind: str) -> list[DeliveryRecord]:
    """`size` records of one kind, each about a different thing (half of the threads
    in closed working groups), loaded as send_batch loads them."""
    event = {
        instant.THREAD: instant.Event.THREAD,
        instant.REPLY: instant.Event.REPLY,
        instant.ITEM: instant.Event.ITEM_PUBLISHED,
        instant.ANNOUNCEMENT: instant.Event.ANNOUNCEMENT,
    }[kind]
    for _ in range(size):
        instant.plan_instant(event=event, object_id=_scenario(1, event))
    return list(
        DeliveryRecord.objects.filter(kind=kind)
        .select_related("user", "user__notification_settings")
        .order_by("pk")
    )


BUILDING_QUERIES = {instant.THREAD: 4, instant.REPLY: 4, instant.ITEM: 2, instant.ANNOUNCEMENT: 2}


@pytest.mark.parametrize("kind", list(BUILDING_QUERIES))
def test_building_a_batch_costs_the_same_queries_for_3_records_as_for_30(db, kind):
    builder = delivery.builder_for(kind)
    few = _records_for(3, kind)
    DeliveryRecord.objects.all().delete()
    many = _records_for(30, kind)
    assert len(few) == 3 and len(many) == 30

    built = []
    counts = [_queries(lambda r=records: built.append(builder(r))) for records in (few, many)]

    assert counts == [BUILDING_QUERIES[kind]] * 2
    assert all(email is not None for emails in built for email in emails.values())


# --- a real worker ----------------------------------------------------------------------


@pytest.mark.services
def test_a_reply_is_emailed_by_a_real_worker_once_it_commits(celery_worker, smtp_server):
    community = CommunityFactory()
    asker = choose(member(community), news_kinds=[NewsKind.REPLIES_TO_ME])
    thread = ThreadFactory(community=community, author=asker)

    services.reply_create(thread=thread, author=member(community), body="From the worker.")

    deadline = time.monotonic() + 30
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert recipients(smtp_server) == [asker.email]
    assert "From the worker." in smtp_server.messages[0].get_body(("plain",)).get_content()
