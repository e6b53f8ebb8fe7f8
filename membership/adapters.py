from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from .tasks import send_account_email


def email_domain_allowed(email: str) -> bool:
    """True when sign-up is open to everyone or the address is in an allowed domain."""
    allowed = settings.ACCOUNT_ALLOWED_EMAIL_DOMAINS
    if not allowed:
        return True
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith("." + d) for d in allowed)


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise ValidationError(
                _(
                    "Accounts on this platform are for addresses at %(domains)s. "
                    "Please use your work email address, or ask a facilitator to "
                    "invite you."
                )
                % {"domains": ", ".join(settings.ACCOUNT_ALLOWED_EMAIL_DOMAINS)},
                code="email_domain_not_allowed",
            )
        return email

    def _pending_invitation_url(self, request) -> str | None:
        from .views.joining import INVITATION_SESSION_KEY

        token = request.session.get(INVITATION_SESSION_KEY)
        return reverse("membership:invitation", args=[token]) if token else None

    def get_login_redirect_url(self, request):
        """Someone who opened an invitation before signing in lands back on it."""
        return self._pending_invitation_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """The same after signing up and verifying (allauth's signup login path)."""
        return self._pending_invitation_url(request) or super().get_signup_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        """Render now (the context holds model instances), send from a worker."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mime in getattr(message, "alternatives", [])
                if mime == "text/html"
            ),
            "",
        )
        send_account_email.delay_on_commit(
            subject=message.subject,
            body=message.body,
            html=html,
            to=list(message.to),
            from_email=message.from_email,
        )
