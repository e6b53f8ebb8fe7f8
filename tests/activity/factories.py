import factory
from django.contrib.contenttypes.models import ContentType

from communities.models import Activity

from ..factories import CommunityFactory, UserFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    """A feed row; its target is the community itself (the feeds never load targets)."""

    class Meta:
        model = Activity

    community = factory.SubFactory(CommunityFactory)
    actor = factory.SubFactory(UserFactory)
    verb = Activity.Verb.THREAD_STARTED
    target_type = factory.LazyFunction(
        lambda: ContentType.objects.get_by_natural_key("communities", "community")
    )
    target_id = factory.SelfAttribute("community.pk")
    title = factory.Sequence(lambda n: f"Discussion {n}")
    url = factory.LazyAttribute(lambda row: f"/c/{row.community.slug}/")
