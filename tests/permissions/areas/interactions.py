"""Permission matrix entries for reactions, polls and working groups (see __init__.py).

The world gets: a thread started by the active member with a poll (both carrying the
secret), an open working group led by the active member with the peripheral member
and the secret member in it, a waiting request to join from another member, and a
closed group whose purpose and thread carry the secret.
"""

from communities.discussions.interaction_models import Poll, PollOption, WorkingGroupJoinRequest
from communities.models import Thread, WorkingGroup, WorkingGroupMember

from ...factories import MembershipFactory
from .. import expected as E

NAMESPACES = ("interactions", "groups")

THREAD_AUTHOR_OR_MODERATORS = {E.ACTIVE} | E.MANAGERS
CONTRIBUTORS = {E.ACTIVE, E.CORE, E.FAC_THIS, E.ADMIN}
# The open group's lead is the active member; moderators manage every group.
GROUP_MANAGERS = {E.ACTIVE} | E.MANAGERS
GROUP_MEMBERS = {E.ACTIVE, E.PERIPHERAL}


def _signed_in_set(allowed):
    def outcome(actor, visibility):
        if actor == E.ANON:
            return E.LOGIN
        if actor in allowed:
            return E.OK
        return E._unknown_or(actor, visibility, E.FORBIDDEN)

    return outcome


thread_author_or_moderators = _signed_in_set(THREAD_AUTHOR_OR_MODERATORS)
contributors_only = _signed_in_set(CONTRIBUTORS)
group_managers_only = _signed_in_set(GROUP_MANAGERS)
group_members_only = _signed_in_set(GROUP_MEMBERS)
# Those who may take part and are not yet in the group; managers join at once.
group_joiners = _signed_in_set({E.CORE, E.FAC_THIS, E.ADMIN})

EXPECTED = {
    "interactions:react": E.members_and_managers,
    "interactions:poll": E.readers_only,
    "interactions:poll_new": thread_author_or_moderators,
    "interactions:poll_vote": E.members_and_managers,
    "interactions:poll_withdraw": E.members_and_managers,
    "groups:list": E.readers_only,
    "groups:detail": E.readers_only,
    "groups:create": contributors_only,
    "groups:edit": group_managers_only,
    "groups:join": group_joiners,
    "groups:request_withdraw": E.signed_in_readers_only,
    "groups:leave": group_members_only,
    "groups:members": group_managers_only,
    "groups:member_add": group_managers_only,
    "groups:request_approve": group_managers_only,
    "groups:request_decline": group_managers_only,
    "groups:member_remove": group_managers_only,
    "groups:member_lead": group_managers_only,
}
# Ids filled in by build(): the test reads these dicts after the world is built.
POSTS = {
    "interactions:react": {"kind": "helpful"},
    "interactions:poll_vote": {"options": ""},
    "interactions:poll_withdraw": {},
    "groups:join": {"message": "I would like to help."},
    "groups:request_withdraw": {},
    "groups:leave": {},
    "groups:member_add": {"user": ""},
    "groups:request_approve": {},
    "groups:request_decline": {},
    "groups:member_remove": {},
    "groups:member_lead": {"is_lead": "on"},
}


def build(world) -> dict:
    from ..test_matrix import SECRET

    community, actors = world.community, world.actors
    thread = Thread.objects.create(
        community=community,
        author=actors[E.ACTIVE],
        title=f"Review intervals {SECRET}",
        body=SECRET,
    )
    poll = Poll.objects.create(
        thread=thread, question=f"How often? {SECRET}", created_by=actors[E.ACTIVE]
    )
    first = PollOption.objects.create(poll=poll, label=f"Monthly {SECRET}", position=0)
    PollOption.objects.create(poll=poll, label="Quarterly", position=1)
    POSTS["interactions:poll_vote"]["options"] = str(first.pk)

    group = WorkingGroup.objects.create(
        community=community, name="Leaflet group", slug="leaflet", purpose=f"Purpose {SECRET}"
    )
    WorkingGroupMember.objects.create(group=group, user=actors[E.ACTIVE], is_lead=True)
    peripheral = WorkingGroupMember.objects.create(group=group, user=actors[E.PERIPHERAL])
    WorkingGroupMember.objects.create(group=group, user=world.target.user)
    requester = MembershipFactory(community=community, level="peripheral").user
    join_request = WorkingGroupJoinRequest.objects.create(group=group, user=requester)
    POSTS["groups:member_add"]["user"] = str(requester.pk)

    closed = WorkingGroup.objects.create(
        community=community,
        name="Closed audit group",
        slug="closed-audit",
        purpose=f"Closed purpose {SECRET}",
        is_closed=True,
    )
    Thread.objects.create(
        community=community,
        group=closed,
        author=actors[E.CORE],
        title=f"Audit figures {SECRET}",
        body=SECRET,
    )
    return {
        "discussion_id": thread.pk,
        "group_slug": group.slug,
        "group_request_id": join_request.pk,
        "group_member_id": peripheral.pk,
    }
