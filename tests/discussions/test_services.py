"""Discussion services: counters, history, soft delete, answers, moderation, moves,
reports and the activity feed they keep honest."""

import pytest
from django.core.exceptions import ValidationError

from communities.discussions import services
from communities.models import Activity, ModerationEntry, Report, Revision, Thread
from membership.notifications.models import Notification

from ..factories import CommunityFactory, FacilitatorAssignmentFactory
from .factories import WorkingGroupFactory, WorkingGroupMemberFactory

Kind = Thread.Kind
Verb = Activity.Verb


def _start(community, author, kind=Kind.DISCUSSION, **extra):
    return services.thread_create(
        community=community, author=author, kind=kind, title="Tapering plans", body="How?", **extra
    )


def _verbs(community):
    return sorted(Activity.objects.filter(community=community).values_list("verb", flat=True))


def test_starting_a_thread_records_activity_and_touches_the_community(community, active):
    thread = _start(community, active, Kind.QUESTION)

    community.refresh_from_db()
    assert community.last_activity_at == thread.last_activity_at
    assert _verbs(community) == [Verb.QUESTION_ASKED]
    assert thread.read_states.get(user=active).last_read_at == thread.last_activity_at


def test_a_peripheral_member_cannot_start_a_thread_but_can_reply(community, active, replier):
    with pytest.raises(ValidationError):
        _start(community, replier)
    thread = _start(community, active)

    post = services.reply_create(thread=thread, author=replier, body="Like this.")

    thread.refresh_from_db()
    community.refresh_from_db()
    assert thread.reply_count == 1
    assert thread.last_activity_at >= post.created_at
    assert community.last_activity_at == thread.last_activity_at
    assert _verbs(community) == [Verb.REPLIED, Verb.THREAD_STARTED]


def test_a_reply_notifies_the_thread_author_but_not_a_self_reply(community, active, replier):
    thread = _start(community, active)
    services.reply_create(thread=thread, author=active, body="Adding detail.")
    assert not Notification.objects.exists()

    services.reply_create(thread=thread, author=replier, body="Thanks!")

    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.actor) == (active, Notification.Kind.REPLY, replier)
    assert f"/discussions/{thread.pk}/" in note.url


def test_a_locked_thread_refuses_replies_except_from_moderators(community, active, replier, core):
    thread = _start(community, active)
    services.thread_set_locked(thread=thread, actor=core, locked=True)

    with pytest.raises(ValidationError, match="locked"):
        services.reply_create(thread=thread, author=replier, body="Too late")
    services.reply_create(thread=thread, author=core, body="Closing note.")
    assert thread.posts.count() == 1


def test_editing_keeps_the_earlier_version(community, active, replier):
    thread = _start(community, active)
    post = services.reply_create(thread=thread, author=replier, body="First try")

    services.thread_edit(thread=thread, editor=active, title="Better title", body="Clearer?")
    services.reply_edit(post=post, editor=replier, body="Second try")

    thread.refresh_from_db()
    assert (thread.title, thread.body) == ("Better title", "Clearer?")
    assert thread.edited_at is not None
    opening = Revision.objects.get(thread=thread, post=None)
    assert (opening.title, opening.body, opening.written_by) == ("Tapering plans", "How?", active)
    assert Revision.objects.get(post=post).body == "First try"


def test_only_the_author_edits_or_deletes(community, active, replier, core):
    thread = _start(community, active)
    for editor in (replier, core):
        with pytest.raises(ValidationError):
            services.thread_edit(thread=thread, editor=editor, title="x", body="y")
        with pytest.raises(ValidationError):
            services.thread_delete(thread=thread, actor=editor)


def test_deleting_a_reply_is_soft_recounts_and_withdraws_it(community, active, replier):
    thread = _start(community, active)
    post = services.reply_create(thread=thread, author=replier, body="Oops")

    services.reply_delete(post=post, actor=replier)

    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.is_removed and post.body == "Oops"
    assert thread.reply_count == 0
    assert _verbs(community) == [Verb.THREAD_STARTED]


def test_deleting_a_thread_takes_it_and_its_replies_out_of_the_feed(community, active, replier):
    thread = _start(community, active)
    services.reply_create(thread=thread, author=replier, body="Reply")

    services.thread_delete(thread=thread, actor=active)

    assert Thread.objects.get(pk=thread.pk).is_removed
    assert _verbs(community) == []


def test_the_asker_accepts_an_answer_which_notifies_its_author(community, active, replier):
    thread = _start(community, active, Kind.QUESTION)
    post = services.reply_create(thread=thread, author=replier, body="Answer")
    Notification.objects.all().delete()

    services.answer_accept(thread=thread, post=post, actor=active)

    thread.refresh_from_db()
    assert thread.accepted_post == post
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (replier, Notification.Kind.ACCEPTED_ANSWER)
    assert Verb.ANSWER_ACCEPTED in _verbs(community)

    services.answer_unaccept(thread=thread, actor=active)

    thread.refresh_from_db()
    assert thread.accepted_post is None
    assert Verb.ANSWER_ACCEPTED not in _verbs(community)


def test_only_the_asker_or_a_moderator_accepts_and_only_on_questions(
    community, active, replier, core
):
    question = _start(community, active, Kind.QUESTION)
    post = services.reply_create(thread=question, author=replier, body="Answer")
    with pytest.raises(ValidationError):
        services.answer_accept(thread=question, post=post, actor=replier)
    services.answer_accept(thread=question, post=post, actor=core)

    discussion = _start(community, active)
    other = services.reply_create(thread=discussion, author=replier, body="Reply")
    with pytest.raises(ValidationError):
        services.answer_accept(thread=discussion, post=other, actor=active)


def test_hiding_a_thread_withdraws_it_and_unhiding_brings_it_back(community, active, replier, core):
    thread = _start(community, active)
    services.reply_create(thread=thread, author=replier, body="Reply")

    services.thread_set_hidden(thread=thread, actor=core, hidden=True)
    assert _verbs(community) == []
    assert not services.permissions.threads_readable_by(replier).filter(pk=thread.pk).exists()

    services.thread_set_hidden(thread=thread, actor=core, hidden=False)
    assert _verbs(community) == [Verb.REPLIED, Verb.THREAD_STARTED]
    started = Activity.objects.get(verb=Verb.THREAD_STARTED)
    assert started.created_at == thread.created_at
    assert list(
        ModerationEntry.objects.filter(community=community).values_list("action", flat=True)
    ) == ["hidden", "unhidden"]


def test_hiding_a_reply_recounts_and_only_moderators_may(community, active, replier, core):
    thread = _start(community, active)
    post = services.reply_create(thread=thread, author=replier, body="Rude")
    with pytest.raises(ValidationError):
        services.reply_set_hidden(post=post, actor=active, hidden=True)

    services.reply_set_hidden(post=post, actor=core, hidden=True)
    thread.refresh_from_db()
    assert thread.reply_count == 0
    assert _verbs(community) == [Verb.THREAD_STARTED]

    services.reply_set_hidden(post=post, actor=core, hidden=False)
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_pinning_is_for_moderators_and_logged(community, active, core):
    thread = _start(community, active)
    with pytest.raises(ValidationError):
        services.thread_set_pinned(thread=thread, actor=active, pinned=True)
    services.thread_set_pinned(thread=thread, actor=core, pinned=True)
    assert Thread.objects.get(pk=thread.pk).is_pinned
    entry = ModerationEntry.objects.get()
    assert (entry.actor, entry.action) == (core, "pinned")


def test_a_moderator_moves_a_thread_to_another_community_they_moderate(community, active):
    facilitator = FacilitatorAssignmentFactory(community=community).user
    elsewhere = CommunityFactory(name="Elsewhere")
    not_mine = CommunityFactory(name="Not mine")
    FacilitatorAssignmentFactory(community=elsewhere, user=facilitator)
    thread = _start(community, active)

    with pytest.raises(ValidationError):
        services.thread_move(thread=thread, actor=facilitator, community=not_mine)
    services.thread_move(thread=thread, actor=facilitator, community=elsewhere)

    thread.refresh_from_db()
    assert thread.community == elsewhere
    assert _verbs(community) == []
    assert _verbs(elsewhere) == [Verb.THREAD_STARTED]


def test_moving_into_and_out_of_a_working_group(community, active, core):
    group = WorkingGroupFactory(community=community)
    other_group = WorkingGroupFactory()
    thread = _start(community, active)

    with pytest.raises(ValidationError):
        services.thread_move(thread=thread, actor=core, community=community, group=other_group)
    services.thread_move(thread=thread, actor=core, community=community, group=group)
    assert Activity.objects.get().group == group

    services.thread_move(thread=thread, actor=core, community=community, group=None)
    thread.refresh_from_db()
    assert thread.group is None
    with pytest.raises(ValidationError, match="already"):
        services.thread_move(thread=thread, actor=core, community=community)


def test_a_thread_in_a_working_group_needs_group_membership(community, active):
    group = WorkingGroupFactory(community=community)
    with pytest.raises(ValidationError):
        _start(community, active, group=group)
    WorkingGroupMemberFactory(group=group, user=active)
    active.__dict__.pop("_working_group_ids", None)

    thread = _start(community, active, group=group)

    assert thread.group == group
    assert Activity.objects.get().group == group


def test_one_open_report_per_person_per_item(community, active, replier, core):
    thread = _start(community, active)
    post = services.reply_create(thread=thread, author=active, body="Reply")
    services.report_create(reporter=replier, thread=thread, reason="Spam")
    services.report_create(reporter=replier, thread=thread, post=post, reason="Spam too")
    with pytest.raises(ValidationError, match="already reported"):
        services.report_create(reporter=replier, thread=thread, reason="Again")
    with pytest.raises(ValidationError):
        services.report_create(reporter=replier, thread=thread, reason="   ")

    report = Report.objects.get(post=None)
    services.report_decide(report=report, actor=core, resolve=False)
    # Once dealt with, the same person may report it again.
    services.report_create(reporter=replier, thread=thread, reason="Still spam")
    assert Report.objects.filter(status="open").count() == 2


def test_resolving_a_report_can_hide_the_content_and_records_who(community, active, replier, core):
    thread = _start(community, active)
    post = services.reply_create(thread=thread, author=active, body="Rude")
    report = services.report_create(reporter=replier, thread=thread, post=post, reason="Rude")

    with pytest.raises(ValidationError):
        services.report_decide(report=report, actor=replier, resolve=True)
    services.report_decide(report=report, actor=core, resolve=True, hide_content=True, note="ok")

    report.refresh_from_db()
    post.refresh_from_db()
    assert (report.status, report.decided_by, report.content_hidden) == ("resolved", core, True)
    assert report.decided_at is not None
    assert post.is_hidden
    with pytest.raises(ValidationError, match="already"):
        services.report_decide(report=report, actor=core, resolve=False)


def test_an_announcement_is_only_for_those_who_may_post_one(community, active, core, replier):
    with pytest.raises(ValidationError):
        _start(community, active, Kind.ANNOUNCEMENT)

    services.thread_create(
        community=community, author=core, kind=Kind.ANNOUNCEMENT, title="Meeting", body="Tue"
    )

    notified = set(
        Notification.objects.filter(kind=Notification.Kind.ANNOUNCEMENT).values_list(
            "recipient", flat=True
        )
    )
    assert notified == {active.pk, replier.pk}
    assert _verbs(community) == [Verb.ANNOUNCED]


def test_engagement_counts_threads_and_replies(community, active, replier):
    from datetime import timedelta

    from django.utils import timezone

    from membership.engagement import contributions_by_member

    thread = _start(community, active)
    services.reply_create(thread=thread, author=replier, body="One")
    removed = services.reply_create(thread=thread, author=replier, body="Two")
    services.reply_delete(post=removed, actor=replier)

    counts = contributions_by_member(community, timezone.now() - timedelta(days=90))
    assert counts[active.pk] == 1
    assert counts[replier.pk] == 1


def test_marking_a_thread_read_inserts_once_then_costs_one_update(
    community, active, replier, django_assert_num_queries
):
    from communities.models import ThreadReadState

    thread = services.thread_create(
        community=community, author=active, kind=Thread.Kind.DISCUSSION, title="Hi", body="Hi"
    )
    services.thread_mark_read(user=replier, thread=thread)
    first = ThreadReadState.objects.get(user=replier, thread=thread).last_read_at

    # A return visit: one UPDATE, no read first and no transaction around it.
    with django_assert_num_queries(1):
        services.thread_mark_read(user=replier, thread=thread)

    again = ThreadReadState.objects.get(user=replier, thread=thread).last_read_at
    assert again >= first
    assert ThreadReadState.objects.filter(thread=thread, user=replier).count() == 1
