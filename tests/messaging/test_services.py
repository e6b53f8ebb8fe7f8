"""The messaging rules: who may write to whom, blocks, mutes, leaving, reports."""

import pytest
from django.core.exceptions import ValidationError

from membership import permissions
from membership.messaging import selectors, services
from membership.messaging.services import MAX_PARTICIPANTS
from membership.models import Conversation, ConversationParticipant, Message, Notification

from ..factories import FacilitatorAssignmentFactory, MembershipFactory, UserFactory
from .factories import conversation_between, people_sharing_a_community


def _seat(user, conversation):
    return ConversationParticipant.objects.get(user=user, conversation=conversation)


def test_strangers_cannot_message_each_other(db):
    stranger, member = UserFactory(), people_sharing_a_community(1)[0]

    assert not permissions.may_message(stranger, member)
    assert not permissions.may_message(member, stranger)
    with pytest.raises(ValidationError, match="cannot send a message"):
        services.conversation_start(starter=stranger, recipients=[member], body="Hi")
    assert not Conversation.objects.exists()


def test_members_of_a_shared_community_and_its_facilitators_may_message(
    community, peripheral, core
):
    facilitator = FacilitatorAssignmentFactory(community=community).user

    assert permissions.may_message(peripheral, core)
    assert permissions.may_message(facilitator, peripheral)
    assert permissions.may_message(peripheral, facilitator)
    assert not permissions.may_message(peripheral, peripheral)


def test_inactive_people_cannot_be_messaged(community, peripheral, core):
    core.is_active = False
    core.save(update_fields=["is_active"])

    assert not permissions.may_message(peripheral, core)


def test_starting_a_conversation_leaves_it_unread_for_the_recipient_only(peripheral, core):
    conversation = conversation_between(peripheral, [core], body="First words")

    assert selectors.unread_conversation_count(user=core) == 1
    assert selectors.unread_conversation_count(user=peripheral) == 0
    assert conversation.messages.get().body == "First words"


def test_a_new_message_creates_no_notification(peripheral, core):
    conversation_between(peripheral, [core], replies=[(core, "Back to you")])

    assert not Notification.objects.exists()


def test_reading_clears_the_unread_marker_and_a_reply_brings_it_back(peripheral, core):
    conversation = conversation_between(peripheral, [core])
    services.conversation_mark_read(seat=_seat(core, conversation))
    assert selectors.unread_conversation_count(user=core) == 0

    services.message_send(conversation=conversation, sender=peripheral, body="One more")

    assert selectors.unread_conversation_count(user=core) == 1


def test_a_second_direct_message_continues_the_same_conversation(peripheral, core):
    first = conversation_between(peripheral, [core])

    again = services.conversation_start(starter=core, recipients=[peripheral], body="Still here")

    assert again.pk == first.pk
    assert Message.objects.filter(conversation=first).count() == 2


def test_blocking_stops_new_conversations_both_ways(peripheral, core):
    services.person_block(blocker=core, blocked=peripheral)

    assert not permissions.may_message(peripheral, core)
    assert not permissions.may_message(core, peripheral)
    assert peripheral not in permissions.people_reachable_by(core)
    assert core not in permissions.people_reachable_by(peripheral)
    with pytest.raises(ValidationError):
        services.conversation_start(starter=peripheral, recipients=[core], body="Hello?")


def test_blocking_stops_replies_in_an_existing_conversation(peripheral, core):
    conversation = conversation_between(peripheral, [core])
    services.person_block(blocker=core, blocked=peripheral)

    with pytest.raises(ValidationError, match="cannot reply"):
        services.message_send(conversation=conversation, sender=peripheral, body="Please answer")
    assert conversation.messages.count() == 1


def test_unblocking_lets_them_write_again(peripheral, core):
    services.person_block(blocker=core, blocked=peripheral)
    services.person_unblock(blocker=core, blocked=peripheral)

    assert permissions.may_message(peripheral, core)


def test_nobody_can_block_themselves(peripheral):
    with pytest.raises(ValidationError):
        services.person_block(blocker=peripheral, blocked=peripheral)


def test_muting_hides_the_unread_count(peripheral, core):
    conversation = conversation_between(peripheral, [core])

    services.conversation_set_muted(seat=_seat(core, conversation), muted=True)

    assert selectors.unread_conversation_count(user=core) == 0
    services.message_send(conversation=conversation, sender=peripheral, body="Still muted?")
    assert selectors.unread_conversation_count(user=core) == 0


def test_a_group_may_have_up_to_the_cap_everyone_included(db):
    starter, *others = people_sharing_a_community(MAX_PARTICIPANTS)

    conversation = conversation_between(starter, others)

    assert conversation.participants.count() == MAX_PARTICIPANTS


def test_a_group_over_the_cap_is_refused(db):
    starter, *others = people_sharing_a_community(MAX_PARTICIPANTS + 1)

    with pytest.raises(ValidationError, match="at most"):
        services.conversation_start(starter=starter, recipients=others, body="Too many")
    assert not Conversation.objects.exists()


def test_a_group_with_one_unreachable_person_is_refused_whole(db):
    starter, friend = people_sharing_a_community(2)
    stranger = UserFactory(display_name="Sam Stranger")

    with pytest.raises(ValidationError, match="Sam Stranger"):
        services.conversation_start(starter=starter, recipients=[friend, stranger], body="Hi")
    assert not Conversation.objects.exists()


def test_group_members_reply_to_each_other_even_without_a_shared_community(db):
    starter, friend = people_sharing_a_community(2)
    other_friend = MembershipFactory(user=UserFactory()).user
    MembershipFactory(user=starter, community=other_friend.memberships.get().community)
    conversation = conversation_between(starter, [friend, other_friend])

    services.message_send(conversation=conversation, sender=friend, body="Hello both")

    assert conversation.messages.count() == 2


def test_leaving_removes_the_seat_and_the_right_to_reply(peripheral, core):
    conversation = conversation_between(peripheral, [core])
    seat = _seat(core, conversation)

    services.conversation_leave(seat=seat)

    assert selectors.seat_of(user=core, conversation_id=conversation.pk) is None
    with pytest.raises(ValidationError):
        services.message_send(conversation=conversation, sender=core, body="Back")
    # Alone now: the other person cannot write into the void either.
    with pytest.raises(ValidationError):
        services.message_send(conversation=conversation, sender=peripheral, body="Hello?")


def test_a_report_copies_only_the_reported_message(peripheral, core):
    conversation = conversation_between(
        peripheral, [core], body="Nice to meet you", replies=[(peripheral, "Unkind words")]
    )
    unkind = conversation.messages.get(body="Unkind words")

    report = services.message_report(message=unkind, reporter=core, reason="Rude")

    assert report.message_text == "Unkind words"
    assert report.sender == peripheral
    assert report.reason == "Rude"


def test_own_messages_cannot_be_reported_and_nothing_is_reported_twice(peripheral, core):
    conversation = conversation_between(peripheral, [core], body="Mine")
    message = conversation.messages.get()

    with pytest.raises(ValidationError, match="your own"):
        services.message_report(message=message, reporter=peripheral, reason="Oops")
    services.message_report(message=message, reporter=core, reason="Rude")
    with pytest.raises(ValidationError, match="already"):
        services.message_report(message=message, reporter=core, reason="Rude again")


def test_outsiders_cannot_report_a_message_they_never_received(peripheral, core, outsider):
    message = conversation_between(peripheral, [core]).messages.get()

    with pytest.raises(ValidationError):
        services.message_report(message=message, reporter=outsider, reason="Curious")


def test_only_facilitators_resolve_reports(peripheral, core, facilitator):
    message = conversation_between(peripheral, [core]).messages.get()
    report = services.message_report(message=message, reporter=core, reason="Rude")

    with pytest.raises(ValidationError):
        services.message_report_resolve(report=report, actor=core)
    services.message_report_resolve(report=report, actor=facilitator)

    report.refresh_from_db()
    assert report.status == report.Status.RESOLVED
    assert report.resolved_by == facilitator
