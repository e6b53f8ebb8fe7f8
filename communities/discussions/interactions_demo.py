"""Demo content for reactions, polls and working groups (called by `seed_demo`).

Idempotent: each step looks for what it would make before making it. Threads are
written here directly (the discussions module's services are not needed for two
demo threads); everything else goes through this feature's services.
"""

from communities.activity.services import activity_record
from communities.models import Activity, Poll, Reaction, Thread, WorkingGroup, WorkingGroupMember

from .interaction_models import WorkingGroupJoinRequest
from .polls import poll_create, poll_vote
from .reactions import reaction_toggle
from .working_groups import (
    thread_path,
    working_group_create,
    working_group_member_add,
    working_group_request_join,
)

COMMUNITY = "safer-opioid-prescribing"
LEAFLET_GROUP = (
    "Patient leaflet on tapering",
    "Write, with patients, a **one-page leaflet** on tapering opioids safely:\n\n"
    "- what to expect week by week\n- who to call when it gets hard\n\n"
    "We aim to finish by the spring meeting.",
    False,
)
AUDIT_GROUP = (
    "Prescribing audit",
    "Compare high-dose prescribing across member practices. Practice-level data stays "
    "inside this group.",
    True,
)
LEAFLET_THREAD = (
    "Draft 2 of the tapering leaflet",
    "Draft 2 is attached in the shared folder. Patients asked for plainer words in the "
    "*withdrawal* section: does the new version read better?",
)
POLL_THREAD = (
    "How often do you review patients on long-term opioids?",
    "We are drafting the community's review guide. Tell us what you do now.",
)
POLL_QUESTION = "How often do you review a patient on long-term opioids?"
POLL_OPTIONS = ["Every month", "Every three months", "Every six months", "Less often"]


def _ensure_group(users, community, owner, name, purpose, is_closed) -> WorkingGroup:
    group = WorkingGroup.objects.filter(community=community, name=name).first()
    if group is None:
        group = working_group_create(
            actor=owner, community=community, name=name, purpose=purpose, is_closed=is_closed
        )
    group.community = community
    return group


def _ensure_member(group, actor, person) -> None:
    if not WorkingGroupMember.objects.filter(group=group, user=person).exists():
        working_group_member_add(actor=actor, group=group, user=person)


def _ensure_thread(community, author, title, body, group=None) -> Thread:
    thread = Thread.objects.filter(community=community, title=title).first()
    if thread is None:
        thread = Thread.objects.create(
            community=community, group=group, author=author, title=title, body=body
        )
        activity_record(
            community=community,
            actor=author,
            verb=Activity.Verb.THREAD_STARTED,
            target=thread,
            title=thread.title,
            url=thread_path(community, thread.pk),
            group=group,
        )
    thread.community = community
    if group is not None:
        thread.group = group
    return thread


def _ensure_reaction(thread, user, kind, post=None) -> None:
    if not Reaction.objects.filter(thread=thread, post=post, user=user, kind=kind).exists():
        reaction_toggle(user=user, thread=thread, kind=kind, post=post)


def seed(users: dict, communities: dict) -> None:
    """users: demo accounts by email; communities: demo communities by slug."""
    community = communities[COMMUNITY]
    core, active = users["core@example.org"], users["active@example.org"]
    patient, peripheral = users["patient@example.org"], users["peripheral@example.org"]

    leaflet = _ensure_group(users, community, core, *LEAFLET_GROUP)
    for person in (active, patient):
        _ensure_member(leaflet, core, person)
    if not WorkingGroupJoinRequest.objects.filter(group=leaflet, user=peripheral).exists():
        working_group_request_join(
            user=peripheral, group=leaflet, message="I teach tapering in our nursing course."
        )
    audit = _ensure_group(users, community, core, *AUDIT_GROUP)
    _ensure_member(audit, core, active)

    thread = _ensure_thread(community, core, *LEAFLET_THREAD, group=leaflet)
    _ensure_reaction(thread, patient, Reaction.Kind.HELPFUL)
    _ensure_reaction(thread, active, Reaction.Kind.HELPFUL)
    _ensure_reaction(thread, active, Reaction.Kind.THANKS)

    poll_thread = _ensure_thread(community, active, *POLL_THREAD)
    _ensure_reaction(poll_thread, core, Reaction.Kind.THANKS)
    poll = Poll.objects.filter(thread=poll_thread).first()
    if poll is None:
        poll = poll_create(
            actor=active, thread=poll_thread, question=POLL_QUESTION, options=POLL_OPTIONS
        )
        options = list(poll.options.all())
        for person, option in ((core, options[1]), (peripheral, options[1]), (patient, options[0])):
            poll_vote(user=person, poll=poll, option_ids=[option.pk])
