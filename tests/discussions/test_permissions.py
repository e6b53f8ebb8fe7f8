"""The discussion questions added to membership/permissions.py."""

from django.contrib.auth.models import AnonymousUser

from membership import permissions

from ..factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory
from .factories import PostFactory, ThreadFactory, WorkingGroupFactory, WorkingGroupMemberFactory


def test_accepting_is_for_the_asker_and_moderators_on_open_questions(
    community, active, replier, core, outsider
):
    question = ThreadFactory(community=community, author=active, kind="question")
    discussion = ThreadFactory(community=community, author=active)

    assert permissions.may_accept_answer(active, question)
    assert permissions.may_accept_answer(core, question)
    assert not permissions.may_accept_answer(replier, question)
    assert not permissions.may_accept_answer(outsider, question)
    assert not permissions.may_accept_answer(active, discussion)


def test_reporting_needs_sign_in_and_the_right_to_read(community, replier, outsider):
    private = CommunityFactory(visibility="private")
    secret = ThreadFactory(community=private)
    public = ThreadFactory(community=community)

    assert permissions.may_report(replier, public)
    assert permissions.may_report(outsider, public)
    assert not permissions.may_report(AnonymousUser(), public)
    assert not permissions.may_report(outsider, secret)


def test_mentionable_people_are_members_and_group_members_only(community, active, replier):
    stranger = MembershipFactory(community=CommunityFactory()).user
    group = WorkingGroupFactory(community=community)
    WorkingGroupMemberFactory(group=group, user=replier)

    assert set(permissions.users_mentionable_in(community)) == {active, replier}
    assert stranger not in permissions.users_mentionable_in(community)
    assert list(permissions.users_mentionable_in(community, group=group)) == [replier]


def test_moves_go_only_to_communities_the_person_moderates(community, core):
    facilitator = FacilitatorAssignmentFactory(community=community).user
    other = CommunityFactory()
    FacilitatorAssignmentFactory(community=other, user=facilitator)
    CommunityFactory()

    assert set(permissions.communities_moderated_by(facilitator)) == {community, other}
    assert list(permissions.communities_moderated_by(core)) == [community]


def test_a_closed_groups_thread_is_for_its_members_and_moderators(community, active, core):
    group = WorkingGroupFactory(community=community, is_closed=True)
    thread = ThreadFactory(community=community, group=group)
    PostFactory(thread=thread)

    assert not permissions.may_read_thread(active, thread)
    assert permissions.may_read_thread(core, thread)
    WorkingGroupMemberFactory(group=group, user=active)
    active.__dict__.pop("_working_group_ids", None)
    assert permissions.may_read_thread(active, thread)
