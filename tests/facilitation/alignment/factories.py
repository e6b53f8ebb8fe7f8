"""Priorities and value stories for tests; stories go through the services."""

import factory

from facilitation.alignment import services
from facilitation.models import StrategicPriority, ValueStory

from ...factories import MembershipFactory


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicPriority

    name = factory.Sequence(lambda n: f"Priority {n}")
    position = factory.Sequence(lambda n: n)


def member(community, level="peripheral"):
    return MembershipFactory(community=community, level=level).user


def make_story(community, *, author=None, status=ValueStory.Status.RECORDED, **fields):
    """A story told by a member; confirmed or declined by a core member if asked."""
    author = author or member(community)
    fields.setdefault("title", "Fewer falls on ward 7")
    fields.setdefault("applied", "The falls checklist, on ward 7.")
    fields.setdefault("changed", "Falls halved in three months.")
    fields.setdefault("value_type", ValueStory.ValueType.REALISED)
    story = services.story_create(community=community, actor=author, **fields)
    if status != ValueStory.Status.RECORDED:
        services.story_decide(
            story=story,
            actor=member(community, "core"),
            confirm=status == ValueStory.Status.CONFIRMED,
        )
    return story
