import factory

from membership.models import Notification

from ..factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    actor = factory.SubFactory(UserFactory)
    kind = Notification.Kind.REPLY
    title = factory.Sequence(lambda n: f"Thread {n}")
    url = "/communities/"
