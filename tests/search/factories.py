import factory

from communities.models import Post, Thread
from knowledge.models import GlossaryTerm

from ..factories import CommunityFactory


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Thread {n}")
    body = "An opening message."
    author = None


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    body = "A reply."
    author = None


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    term = factory.Sequence(lambda n: f"Term {n}")
    definition = "A plain-language definition."
    community = None
