"""Two-factor authentication required for privileged roles (MFA_REQUIRED_FOR_ROLES).

A signed-in person whose role requires it (permissions.must_use_mfa) and who has no
authenticator app yet is sent to set one up before any other page; only the pages of
that set-up (re-entering the password, the recovery codes), signing out and the
language switcher stay open. Once set up, allauth asks for a code at every sign-in,
and the adapter keeps such a person from removing it.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import permissions

# Named URLs a person who must set up two-factor may still open.
SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "set_language",
        "healthz",
    }
)


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def _is_setup_page(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).url_name in SETUP_URL_NAMES
    except Resolver404:
        return False


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = request.user
        if (
            user.is_authenticated
            and permissions.must_use_mfa(user)
            and not _is_setup_page(request)
            and not has_authenticator_app(user)
        ):
            url = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            messages.warning(
                request,
                _(
                    "Your role on this platform requires two-factor authentication. "
                    "Set up an authenticator app to continue."
                ),
            )
            return redirect(url)
        return self.get_response(request)


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Those who must use two-factor keep their authenticator app."""
        if authenticator.type == Authenticator.Type.TOTP and permissions.must_use_mfa(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
