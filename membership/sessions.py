"""Sessions: idle and absolute timeouts, and ending a person's sessions.

Signing in stamps the session with the time (`user_logged_in`, sent by allauth and by
Django's own `login`). `SessionTimeoutMiddleware` then signs out a session idle for
longer than SESSION_IDLE_TIMEOUT_SECONDS, or older than SESSION_ABSOLUTE_TIMEOUT_SECONDS
since signing in, whatever its activity. Activity renews the idle stamp (and so the
stored session and its cookie, which last SESSION_COOKIE_AGE = the idle timeout) at
most once every SESSION_ACTIVITY_REFRESH_SECONDS: one session write a minute for a busy
member instead of one per request.

Ending sessions uses allauth.usersessions' record of each person's sessions; Django
also refuses a deactivated account or a session from before a password change on its
next request, so a session the record missed still stops working.
"""

import time

from allauth.account.signals import password_changed, password_reset
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import User

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"


# --- timeouts ------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="membership.sessions.stamp_sign_in")
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def session_timed_out(session, now: float) -> str | None:
    """Why a signed-in session must end now ("idle" or "absolute"), or None."""
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT, signed_in_at)
    if signed_in_at is None:
        # Signed in before timeouts existed: counted from now on.
        return None
    if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
        return "absolute"
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT_SECONDS:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Signs out timed-out sessions; the request then goes on as a signed-out one, so
    a page that needs signing in sends the person to the sign-in page as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = time.time()
        if SIGNED_IN_AT not in session:
            session[SIGNED_IN_AT] = now
            session[SEEN_AT] = now
            return
        reason = session_timed_out(session, now)
        if reason is None:
            if now - session.get(SEEN_AT, 0) >= settings.SESSION_ACTIVITY_REFRESH_SECONDS:
                session[SEEN_AT] = now
            return
        logout(request)
        if reason == "idle":
            text = _("You were signed out after a while without activity. Please sign in again.")
        else:
            text = _("For your security, sessions last a limited time. Please sign in again.")
        messages.info(request, text)


# --- ending sessions -----------------------------------------------------------------


def _end(sessions) -> int:
    ended = 0
    for session in sessions:
        session.end()  # deletes the stored session, then allauth's record of it
        ended += 1
    return ended


def sessions_end_all(*, user: User) -> int:
    """End every recorded session of `user` (each one is signed out at once).

    Returns how many were ended."""
    return _end(UserSession.objects.filter(user_id=user.pk))


def sessions_end_others(*, user: User, current_session_key: str | None) -> int:
    """End every recorded session of `user` except the one making the request."""
    return _end(
        UserSession.objects.filter(user_id=user.pk).exclude(session_key=current_session_key)
    )


@receiver(password_changed, dispatch_uid="membership.sessions.password_changed")
def _end_other_sessions_on_password_change(sender, request, user, **kwargs):
    # Django already refuses the other sessions (their password hash is stale); this
    # deletes them so they leave the member's list of sessions too.
    sessions_end_others(user=user, current_session_key=request.session.session_key)


@receiver(password_reset, dispatch_uid="membership.sessions.password_reset")
def _end_sessions_on_password_reset(sender, request, user, **kwargs):
    # Whoever reset the password by email may be locking out someone who had it.
    sessions_end_all(user=user)


def user_deactivate(*, user: User) -> None:
    """Turn the account off and sign it out everywhere."""
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
    sessions_end_all(user=user)
