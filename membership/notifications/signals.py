"""A new or re-confirmed primary address ends the "failing address" pause: the member
has given us an address that works (allauth sends these signals)."""

from allauth.account.signals import email_changed, email_confirmed
from django.dispatch import receiver

from .preferences import email_failure_clear


@receiver(email_changed, dispatch_uid="email_failure_clear_on_change")
def _primary_address_changed(sender, request, user, to_email_address, **kwargs):
    if to_email_address is not None:
        email_failure_clear(user=user)


@receiver(email_confirmed, dispatch_uid="email_failure_clear_on_confirm")
def _address_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user
    # Confirming a second address that is not (yet) where mail goes changes nothing.
    if email_address.primary or email_address.email.lower() == (user.email or "").lower():
        email_failure_clear(user=user)
