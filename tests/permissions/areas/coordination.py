"""Permission matrix entries for facilitation's coordination URLs (see __init__.py).

Cross-community actions and the work log are the facilitation team's own pages, not
a community's: every facilitator and admin opens them (listing only the communities
they may act on), everyone else gets a 403. A work-log entry belongs to the
world's facilitator: anyone else on the team gets a 404 for it.
"""

from facilitation.models import WorkLogEntry

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("coordination",)
# The same text as test_matrix.SECRET (importing it from there would be circular).
SECRET = "ZEBRA-CROSSING-SECRET"


def own_entry_only(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    if actor == E.FAC_THIS:
        return E.OK
    if actor in {E.FAC_OTHER, E.ADMIN}:
        return E.MISSING
    return E.FORBIDDEN


EXPECTED: dict = {
    "coordination:announce": E.facilitators_only,
    "coordination:announce_sent": E.facilitators_only,
    "coordination:share": E.facilitators_only,
    "coordination:join_requests": E.facilitators_only,
    "coordination:bulk_invite": E.facilitators_only,
    "coordination:work_log": E.facilitators_only,
    "coordination:work_log_add": E.facilitators_only,
    "coordination:work_log_edit": own_entry_only,
    "coordination:work_log_delete": own_entry_only,
}
POSTS: dict = {}


def build(world) -> dict:
    entry = WorkLogEntry.objects.create(
        facilitator=world.actors[E.FAC_THIS],
        community=world.community,
        kind=WorkLogEntry.Kind.COACHING,
        description=f"Coached the chair {SECRET}",
        minutes=45,
    )
    return {"work_log_entry_id": entry.pk}
