from celery import shared_task
from django.urls import reverse

from copplatform.emails import absolute_url, send_templated_email
from membership.tasks import EMAIL_RETRY

from .models import Community


@shared_task(name="communities.notify_community_decision", **EMAIL_RETRY)
def notify_community_decision(*, community_id: int, reason: str = ""):
    """Tell the founder whether a facilitator approved the community they proposed."""
    community = (
        Community.objects.select_related("created_by")
        .filter(pk=community_id)
        .exclude(status=Community.Status.PROPOSED)
        .first()
    )
    if community is None or community.created_by is None or not community.created_by.is_active:
        return
    send_templated_email(
        template_prefix="communities/emails/community_decided",
        to=[community.created_by.email],
        context={
            "community": community,
            "approved": community.status == Community.Status.ACTIVE,
            "reason": reason,
            "community_url": absolute_url(reverse("communities:home", args=[community.slug])),
        },
    )
