"""The questions this area added to membership.permissions."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from membership import permissions

from .factories import PollFactory, ThreadFactory, WorkingGroupFactory, WorkingGroupMemberFactory


def test_the_author_adds_a_poll_until_the_thread_is_locked_and_moderators_always(
    community, peripheral, core
):
    thread = ThreadFactory(community=community, author=peripheral)
    assert permissions.may_add_poll(peripheral, thread)
    assert permissions.may_add_poll(core, thread)
    thread.is_locked = True
    assert not permissions.may_add_poll(peripheral, thread)
    assert permissions.may_add_poll(core, thread)
    assert not permissions.may_add_poll(AnonymousUser(), thread)


def test_a_removed_thread_takes_no_poll(community, core):
    thread = ThreadFactory(community=community, deleted_at=timezone.now())
    assert not permissions.may_add_poll(core, thread)


def test_votes_stop_when_the_poll_closes(community, peripheral):
    poll = PollFactory(thread=ThreadFactory(community=community))
    assert permissions.may_vote(peripheral, poll)
    poll.closes_at = timezone.now() - timedelta(seconds=1)
    assert not permissions.may_vote(peripheral, poll)


def test_results_follow_a_vote_or_the_closing(community, outsider):
    poll = PollFactory(thread=ThreadFactory(community=community))
    assert not permissions.may_see_poll_results(outsider, poll, has_voted=False)
    assert permissions.may_see_poll_results(outsider, poll, has_voted=True)
    poll.closes_at = timezone.now() - timedelta(seconds=1)
    assert permissions.may_see_poll_results(outsider, poll, has_voted=False)


def test_leaving_is_for_members_and_the_cache_forgets_on_request(community, peripheral):
    group = WorkingGroupFactory(community=community)
    assert not permissions.may_leave_working_group(peripheral, group)
    WorkingGroupMemberFactory(group=group, user=peripheral)
    assert not permissions.may_leave_working_group(peripheral, group)  # cached for the request
    permissions.forget_cached_working_groups(peripheral)
    assert permissions.may_leave_working_group(peripheral, group)


def test_only_people_taking_part_in_the_community_may_be_added(
    community, core, peripheral, outsider, leader
):
    group = WorkingGroupFactory(community=community)
    assert permissions.may_be_added_to_working_group(core, peripheral, group)
    assert not permissions.may_be_added_to_working_group(core, outsider, group)
    assert not permissions.may_be_added_to_working_group(core, leader, group)
    assert not permissions.may_be_added_to_working_group(peripheral, peripheral, group)
