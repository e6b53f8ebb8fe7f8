"""Permission matrix entries for facilitation's alignment URLs (see __init__.py).

The world's community serves a priority (so the priorities page is checked for
naming the hidden community), and holds two value stories with the secret in their
text: a confirmed one, and one told by the peripheral member that waits for a core
member (the one the story URLs point at: only its author and those who confirm may
know it exists).
"""

from facilitation.alignment import services
from facilitation.models import StrategicPriority

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("alignment",)
# The same text as test_matrix.SECRET (importing it from there would be circular).
SECRET = "ZEBRA-CROSSING-SECRET"

AUTHOR = E.PERIPHERAL
CONFIRMERS = {E.CORE, E.FAC_THIS, E.ADMIN}


def admins_only(actor, visibility):
    """Platform-wide: the priorities are no secret, keeping them is for admins."""
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor == E.ADMIN else E.FORBIDDEN


def waiting_story_readers(actor, visibility):
    return E.OK if actor in CONFIRMERS | {AUTHOR} else E.MISSING


def waiting_story_author(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    if actor == AUTHOR:
        return E.OK
    return E.FORBIDDEN if actor in CONFIRMERS else E.MISSING


def waiting_story_confirmers(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    if actor in CONFIRMERS:
        return E.OK
    return E.FORBIDDEN if actor == AUTHOR else E.MISSING


EXPECTED: dict = {
    "alignment:priorities": E.signed_in,
    "alignment:priority_create": admins_only,
    "alignment:priority_edit": admins_only,
    "alignment:priority_move": admins_only,
    "alignment:community_alignment": E.managers_only,
    "alignment:stories": E.readers_only,
    "alignment:story_create": E.members_and_managers,
    "alignment:story": waiting_story_readers,
    "alignment:story_edit": waiting_story_author,
    "alignment:story_decide": waiting_story_confirmers,
    "alignment:suggest": E.signed_in_who_knows,
}
POSTS: dict = {
    "alignment:priority_move": {"direction": "up"},
    "alignment:story_decide": {"decision": "confirm", "note": "Thanks"},
}


def build(world) -> dict:
    community = world.community
    priority = StrategicPriority.objects.create(name="Mental health access", position=1)
    priority.communities.add(community)
    StrategicPriority.objects.create(name="Patient partnership", position=0)
    confirmed = services.story_create(
        community=community,
        actor=world.actors[E.ACTIVE],
        title=f"Story {SECRET}",
        applied=f"{SECRET} applied",
        changed=f"{SECRET} changed",
        value_type="applied",
        priorities=[priority],
    )
    services.story_decide(story=confirmed, actor=world.actors[E.CORE], confirm=True)
    waiting = services.story_create(
        community=community,
        actor=world.actors[AUTHOR],
        title=f"Waiting {SECRET}",
        applied=f"{SECRET} applied",
        changed=f"{SECRET} changed",
        value_type="immediate",
    )
    world.alignment_community = community
    return {"priority_id": priority.pk, "story_id": waiting.pk}


def query_for(world, url_name) -> str:
    if url_name == "alignment:suggest":
        return f"?q=protocol+story&community={world.alignment_community.slug}"
    return ""
