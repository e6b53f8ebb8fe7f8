"""Conversations made through the messaging services, so every rule applies."""

from membership.messaging.services import conversation_start, message_send
from membership.models import Membership

from ..factories import CommunityFactory, MembershipFactory


def people_sharing_a_community(count: int, community=None):
    """`count` members of one community (so they may message each other)."""
    community = community or CommunityFactory()
    return [
        MembershipFactory(community=community, level=Membership.Level.PERIPHERAL).user
        for _ in range(count)
    ]


def conversation_between(starter, recipients, *, body="Hello there", replies=()):
    """A conversation started by `starter`; `replies` are (sender, body) pairs."""
    conversation = conversation_start(starter=starter, recipients=list(recipients), body=body)
    for sender, text in replies:
        message_send(conversation=conversation, sender=sender, body=text)
    return conversation
