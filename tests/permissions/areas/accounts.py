"""Permission matrix entries for allauth's account and two-factor URLs.

None of them is about a community. Signing in, signing up and resetting a password
are for everyone (a signed-in person is sent on, which counts as ok); the pages about
one's own account (addresses, password, two-factor) send a signed-out visitor to sign
in. Links from emails (confirm an address, set a new password) carry their own
secret, so whoever holds one gets its page; the world makes real ones, for the world's
signed-in non-member. The steps of signing in (a code, a second factor) send a
signed-out visitor with no sign-in under way back to sign in. The world's leader has
a second factor (TOTP and recovery codes); nobody else does, so the pages about one's
own second factor are 404 to them.
"""

from .. import expected as E

NAMESPACES: tuple[str, ...] = ()

anyone = E.unscoped(E.anyone)
signed_in = E.unscoped(E.signed_in)
HAS_SECOND_FACTOR = E.LEADER


def sign_in_under_way(actor, visibility):
    """With no sign-in under way: signed out, back to sign in; signed in, sent on."""
    return E.LOGIN if actor == E.ANON else E.OK


def own_second_factor(actor, visibility):
    """Only someone with a second factor has these pages (the world's leader)."""
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor == HAS_SECOND_FACTOR else E.MISSING


sign_in_under_way = E.unscoped(sign_in_under_way)
own_second_factor = E.unscoped(own_second_factor)

EXPECTED: dict = {
    "account_login": anyone,
    "account_logout": anyone,
    "account_inactive": anyone,
    "account_signup": anyone,
    "account_reauthenticate": signed_in,
    "account_email": signed_in,
    "account_email_verification_sent": anyone,
    "account_change_password": signed_in,
    "account_set_password": signed_in,
    "account_reset_password": anyone,
    "account_confirm_login_code": sign_in_under_way,
    "account_confirm_email": anyone,
    "account_reset_password_from_key_done": anyone,
    "account_reset_password_from_key": anyone,
    "account_reset_password_done": anyone,
    "usersessions_list": signed_in,
    "mfa_index": signed_in,
    "mfa_authenticate": sign_in_under_way,
    "mfa_reauthenticate": signed_in,
    "mfa_activate_totp": signed_in,
    "mfa_deactivate_totp": own_second_factor,
    "mfa_view_recovery_codes": own_second_factor,
    "mfa_generate_recovery_codes": signed_in,
    "mfa_download_recovery_codes": own_second_factor,
}
POSTS: dict = {}


def build(world) -> dict:
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.tokens import default_token_generator

    TOTP.activate(world.actors[HAS_SECOND_FACTOR], generate_totp_secret())
    RecoveryCodes.activate(world.actors[HAS_SECOND_FACTOR])

    holder = world.actors[E.OUTSIDER]
    address, _created = EmailAddress.objects.get_or_create(
        user=holder, email=holder.email, defaults={"primary": True}
    )
    world.account_links = {
        "account_confirm_email": {"key": EmailConfirmationHMAC(address).key},
        "account_reset_password_from_key": {
            "uidb36": user_pk_to_url_str(holder),
            "key": default_token_generator.make_token(holder),
        },
    }
    return {}


def kwargs_for(world, url_name):
    return world.account_links.get(url_name)
