"""Permission matrix entries for Django's admin site (/admin/).

The admin is for staff (platform admins); it is about no community. Its pages are
matched by one rule, `admin:*`: staff get them, anyone else is sent to the admin's
sign-in page. The exceptions are listed by name: the sign-in page itself (through
allauth's: see admin_sign_in);
signing out (staff are signed out, anyone else is sent to the admin's index); the
pages an admin class refuses even to staff (memberships and second factors are
read-only there, and
facilitator assignments are added or unassigned in bulk, never edited or deleted one
by one, so their change page is read-only; there is one set of risk thresholds, so
none can be added once it exists; no admin class uses autocomplete fields, so the
autocomplete endpoint refuses every query); and "view on site", 404 even to staff as
no model in the admin has a page of its own on the site. Object pages are asked about
the world's own objects (its community, its secret member...).
"""

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("admin",)


def staff_only(actor, visibility):
    """Platform admins; everyone else is sent to sign in (as staff)."""
    return E.OK if actor == E.ADMIN else E.LOGIN


def refused_even_to_staff(actor, visibility):
    """The admin class refuses this to everyone: staff get 403, others sign in."""
    return E.FORBIDDEN if actor == E.ADMIN else E.LOGIN


def admin_sign_in(actor, visibility):
    """The admin's sign-in goes through allauth (secure_admin_login): signed out, to
    allauth's sign-in with its rate limits; signed in without staff rights, 403."""
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor == E.ADMIN else E.FORBIDDEN


def missing_even_to_staff(actor, visibility):
    return E.MISSING if actor == E.ADMIN else E.LOGIN


staff_only = E.unscoped(staff_only)
missing_even_to_staff = E.unscoped(missing_even_to_staff)
admin_sign_in = E.unscoped(admin_sign_in)
refused_even_to_staff = E.unscoped(refused_even_to_staff)

EXPECTED: dict = {
    "admin:*": staff_only,
    "admin:login": admin_sign_in,
    "admin:logout": E.unscoped(E.anyone),
    "admin:autocomplete": refused_even_to_staff,
    "admin:membership_membership_add": refused_even_to_staff,
    "admin:mfa_authenticator_add": refused_even_to_staff,
    "admin:membership_membership_delete": refused_even_to_staff,
    "admin:membership_facilitatorassignment_delete": refused_even_to_staff,
    "admin:facilitation_riskthresholds_add": refused_even_to_staff,
    "admin:view_on_site": missing_even_to_staff,
}
POSTS: dict = {"admin:logout": {}}


def build(world) -> dict:
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from taggit.models import Tag

    from facilitation.models import RiskThresholds, StrategicPriority
    from membership.models import FacilitatorAssignment

    target = world.target.user
    address, _created = target.emailaddress_set.get_or_create(
        email=target.email, defaults={"primary": True}
    )
    objects = {
        "community": world.community,
        "user": target,
        "membership": world.target,
        "facilitatorassignment": FacilitatorAssignment.objects.get(
            user=world.actors[E.FAC_THIS], community=world.community
        ),
        # Groups, tags and priorities are platform-wide, seen outside the community:
        # no secret in them.
        "group": Group.objects.create(name="Matrix staff group"),
        "tag": Tag.objects.create(name="matrix-tag"),
        "emailaddress": address,
        "authenticator": Authenticator.objects.create(
            user=target, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "0" * 40}
        ),
        "riskthresholds": RiskThresholds.objects.first() or RiskThresholds.objects.create(),
        "strategicpriority": StrategicPriority.objects.create(name="Matrix priority"),
        "usersession": UserSession.objects.create(
            user=target,
            ip="127.0.0.1",
            session_key="matrix-session",
            user_agent="Matrix browser",
            created_at=timezone.now(),
            last_seen_at=timezone.now(),
        ),
    }
    world.admin_objects = objects
    return {}


def kwargs_for(world, url_name):
    from django.contrib.contenttypes.models import ContentType

    if url_name == "admin:view_on_site":
        community = world.community
        return {
            "content_type_id": ContentType.objects.get_for_model(community).pk,
            "object_id": community.pk,
        }
    if url_name == "admin:app_list":
        return {"app_label": "communities"}
    if url_name == "admin:auth_user_password_change":
        return {"id": world.target.user_id}
    for model, instance in world.admin_objects.items():
        if f"_{model}_" in url_name:
            converters = world.url_converters(url_name)
            return {"object_id": instance.pk} if "object_id" in converters else {}
    return {}
