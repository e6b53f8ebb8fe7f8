from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Activity


def activity_record(
    *, community, actor, verb: str, target: models.Model, title: str, url: str, group=None
) -> Activity:
    """Log something worth seeing in the community feed and members' home feeds."""
    return Activity.objects.create(
        community=community,
        group=group,
        actor=actor,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        title=title[:200],
        url=url,
    )


def activity_withdraw(*, target: models.Model) -> int:
    """Take a target's rows out of every feed (it was hidden, deleted or moved away)."""
    deleted, _ = Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).delete()
    return deleted
