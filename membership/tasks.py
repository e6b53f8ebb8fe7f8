import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from communities.models import Community
from copplatform.emails import absolute_url, send_templated_email

logger = logging.getLogger(__name__)

# Every email task retries on a mail-server failure, backing off up to 10 minutes.
EMAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(name="membership.send_account_email", **EMAIL_RETRY)
def send_account_email(*, subject: str, body: str, html: str, to: list[str], from_email: str):
    """Deliver an account email (verification, password reset, security notice).

    allauth renders the message in the request; the worker only delivers it, so a
    slow or failing mail server never slows sign-up. Each message is a one-off
    triggered by the person, so a rare duplicate on retry is harmless.
    """
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    logger.info("account email sent", extra={"recipients": len(to)})


@shared_task(name="membership.notify_join_request_received", **EMAIL_RETRY)
def notify_join_request_received(*, join_request_id: int):
    from .models import JoinRequest
    from .permissions import Perm, users_who_may

    join_request = (
        JoinRequest.objects.select_related("user", "community")
        .filter(pk=join_request_id, status=JoinRequest.Status.PENDING)
        .first()
    )
    if join_request is None:
        return
    community = join_request.community
    recipients = list(users_who_may(Perm.MANAGE_MEMBERS, community).values_list("email", flat=True))
    if not recipients:
        return
    send_templated_email(
        template_prefix="membership/emails/join_request_received",
        to=recipients,
        context={
            "join_request": join_request,
            "community": community,
            "manage_url": absolute_url(reverse("membership:manage", args=[community.slug])),
        },
    )


@shared_task(name="membership.notify_join_decision", **EMAIL_RETRY)
def notify_join_decision(*, join_request_id: int):
    from .models import JoinRequest

    join_request = (
        JoinRequest.objects.select_related("user", "community")
        .filter(pk=join_request_id)
        .exclude(status=JoinRequest.Status.PENDING)
        .first()
    )
    if join_request is None:
        return
    send_templated_email(
        template_prefix="membership/emails/join_request_decided",
        to=[join_request.user.email],
        context={
            "join_request": join_request,
            "community": join_request.community,
            "approved": join_request.status == JoinRequest.Status.APPROVED,
            "community_url": absolute_url(
                reverse("communities:home", args=[join_request.community.slug])
            ),
        },
    )


@shared_task(name="membership.send_invitation", **EMAIL_RETRY)
def send_invitation(*, invitation_id: int):
    from .models import Invitation
    from .services import invitation_token

    invitation = (
        Invitation.objects.select_related("community", "invited_by")
        .filter(pk=invitation_id, accepted_at=None, revoked_at=None)
        .first()
    )
    if invitation is None:
        return
    send_templated_email(
        template_prefix="membership/emails/invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "community": invitation.community,
            "accept_url": absolute_url(
                reverse("membership:invitation", args=[invitation_token(invitation)])
            ),
        },
    )


@shared_task(name="membership.notify_member_removed", **EMAIL_RETRY)
def notify_member_removed(*, user_id: int, community_id: int, reason: str):
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    community = Community.objects.filter(pk=community_id).first()
    if user is None or community is None:
        return
    send_templated_email(
        template_prefix="membership/emails/member_removed",
        to=[user.email],
        context={"person": user, "community": community, "reason": reason},
    )


@shared_task(name="membership.refresh_level_suggestions")
def refresh_level_suggestions():
    """Weekly: raise engagement-based level suggestions in every active community."""
    for community_id in Community.objects.filter(status=Community.Status.ACTIVE).values_list(
        "pk", flat=True
    ):
        refresh_community_level_suggestions.delay(community_id=community_id)


@shared_task(name="membership.refresh_community_level_suggestions")
def refresh_community_level_suggestions(*, community_id: int):
    from .engagement import suggestions_refresh

    community = Community.objects.filter(pk=community_id).first()
    if community is not None:
        suggestions_refresh(community=community)


# The worker discovers `membership.tasks` only: sub-packages' tasks register here.
from .notifications import tasks as notifications_tasks  # noqa: E402, F401
