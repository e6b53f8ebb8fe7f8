import factory
from allauth.account.models import EmailAddress

from communities.models import Charter, Community
from membership.models import FacilitatorAssignment, Membership, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users can sign in unless a test asks for an unverified one."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    purpose = "Sharing what works."
    visibility = Community.Visibility.PUBLIC
    charter = factory.RelatedFactory(
        "tests.factories.CharterFactory", factory_related_name="community"
    )


class CharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charter

    community = None
    purpose = "Sharing what works."


class MembershipFactory(factory.django.DjangoModelFactory):
    """Made through the membership service, so permissions and counts follow."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    level = Membership.Level.PERIPHERAL

    @classmethod
    def _create(cls, model_class, *, user, community, level, **extra):
        from membership.services import membership_ensure, membership_set_role

        membership = membership_ensure(user=user, community=community, level=level)
        if extra.get("role"):
            membership_set_role(
                membership=membership,
                role=extra["role"],
                role_title=extra.get("role_title", ""),
                actor=None,
            )
        return membership


class FacilitatorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitatorAssignment

    user = factory.SubFactory(UserFactory, platform_role=User.PlatformRole.FACILITATOR)
    community = factory.SubFactory(CommunityFactory)

    @classmethod
    def _create(cls, model_class, *, user, community, **extra):
        from membership.services import facilitator_assign

        facilitator_assign(user=user, community=community, actor=None)
        return FacilitatorAssignment.objects.get(user=user, community=community)
