import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


@shared_task(
    name="membership.send_account_email",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
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
