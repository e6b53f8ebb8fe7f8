"""Permission matrix entries for facilitation's dashboard URLs (see __init__.py).

The dashboard is for the facilitation team: a facilitator sees the communities they
are assigned to (so the facilitator of another community gets the page, without this
one on it), platform admins see all. The drill-down is for the community's
facilitators and admins. Only admins edit the thresholds. The world's community gets an
unanswered question holding the secret, so the signals have something to count and a
leak of its text would be caught.
"""

from communities.models import Thread

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("dashboard",)
SECRET = "ZEBRA-CROSSING-SECRET"


def facilitation_team(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor in {E.FAC_OTHER, E.FAC_THIS, E.ADMIN} else E.FORBIDDEN


def community_facilitators(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    if actor in {E.FAC_THIS, E.ADMIN}:
        return E.OK
    return E.FORBIDDEN if actor in E.knowers(visibility) else E.MISSING


def admins_only(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor == E.ADMIN else E.FORBIDDEN


EXPECTED: dict = {
    "dashboard:index": facilitation_team,
    "dashboard:community": community_facilitators,
    "dashboard:thresholds": admins_only,
}
POSTS: dict = {}


def build(world):
    Thread.objects.create(
        community=world.community,
        kind=Thread.Kind.QUESTION,
        title=f"Dashboard question {SECRET}",
        body=f"{SECRET} body",
        author=world.actors[E.ACTIVE],
    )
    return {}
