"""Threads and replies for tests. Made straight in the database (fast, for lists and
budgets); tests of behaviour go through communities.discussions.services."""

import factory
from django.utils import timezone

from communities.models import Post, Thread, WorkingGroup, WorkingGroupMember

from ..factories import CommunityFactory, UserFactory


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(UserFactory)
    kind = Thread.Kind.DISCUSSION
    title = factory.Sequence(lambda n: f"Thread {n}")
    body = "What works for you?"
    last_activity_at = factory.LazyFunction(timezone.now)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "Here is what we do."


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class WorkingGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroupMember

    group = factory.SubFactory(WorkingGroupFactory)
    user = factory.SubFactory(UserFactory)
