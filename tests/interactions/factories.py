"""Factories for threads, replies, polls and working groups as this area's tests need
them (the discussions module's own factories live with its tests)."""

import factory

from communities.discussions.interaction_models import Poll, PollOption, Reaction
from communities.models import Post, Thread, WorkingGroup, WorkingGroupMember

from ..factories import CommunityFactory, UserFactory


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Discussion {n}")
    body = "What has worked for you?"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "This worked for us."


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    purpose = "Write the leaflet."


class WorkingGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroupMember

    group = factory.SubFactory(WorkingGroupFactory)
    user = factory.SubFactory(UserFactory)
    is_lead = False


class PollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Poll
        skip_postgeneration_save = True

    thread = factory.SubFactory(ThreadFactory)
    question = "How often do you review?"
    allows_multiple = False

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        if create:
            for position, label in enumerate(extracted or ["Monthly", "Quarterly", "Yearly"]):
                PollOption.objects.create(poll=self, label=label, position=position)


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    thread = factory.SubFactory(ThreadFactory)
    user = factory.SubFactory(UserFactory)
    kind = Reaction.Kind.HELPFUL
