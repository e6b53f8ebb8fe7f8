"""Permission matrix entries for a member's own data (see __init__.py).

None is about a community: every signed-in person sees their own "Your data" page
and downloads their own archive (its bytes are checked for the world's secret like
any page: an actor's archive holds only their own data). Deleting an account first
asks allauth to reauthenticate: a signed-in actor is redirected there (OK, not to
the sign-in page); the matrix never POSTs it, which would delete the actor.
"""

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("privacy",)


EXPECTED: dict = {
    "privacy:your_data": E.signed_in,
    "privacy:download": E.signed_in,
    "privacy:delete_account": E.signed_in,
}
POSTS: dict = {}


def build(world) -> dict:
    return {}
