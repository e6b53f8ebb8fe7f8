"""Permission matrix entries for the knowledge URLs (see __init__.py).

The world's item is published in the world's community, written by the active
member, with a file whose bytes hold the secret (so a download to the wrong person
is caught as a leak), and two versions. A question thread is there to turn into an
item. The platform library and sharing are tested in tests/knowledge/.
"""

from django.core.files.base import ContentFile

from communities.models import Thread
from knowledge import services
from knowledge.models import KnowledgeItem

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("knowledge",)
# The same text as test_matrix.SECRET (importing it from there would be circular).
SECRET = "ZEBRA-CROSSING-SECRET"

CONTRIBUTORS = {E.ACTIVE, E.CORE, E.FAC_THIS, E.ADMIN}


def _unknown_or(actor, visibility, answer):
    return answer if actor in E.knowers(visibility) else E.MISSING


def contributors_only(actor, visibility):
    """Add knowledge: active and core members, the community's facilitators, admins."""
    if actor == E.ANON:
        return E.LOGIN
    if actor in CONTRIBUTORS:
        return E.OK
    return _unknown_or(actor, visibility, E.FORBIDDEN)


def authors_and_curators(actor, visibility):
    """The item's author (the active member) and the community's moderators."""
    return contributors_only(actor, visibility)


def sharers(actor, visibility):
    """The author, and facilitators (any, when they may read the item's community)."""
    if actor == E.ANON:
        return E.LOGIN
    if actor in {E.ACTIVE, E.FAC_THIS, E.ADMIN}:
        return E.OK
    if actor == E.FAC_OTHER and visibility == "public":
        return E.OK
    return _unknown_or(actor, visibility, E.FORBIDDEN)


EXPECTED: dict = {
    "knowledge:repertoire": E.readers_only,
    "knowledge:create": contributors_only,
    "knowledge:from_thread": E.managers_only,
    "knowledge:library": E.signed_in,
    "knowledge:item": E.readers_only,
    "knowledge:edit": authors_and_curators,
    "knowledge:download": E.readers_only,
    "knowledge:share": sharers,
    "knowledge:status": E.managers_only,
    "knowledge:feature": E.managers_only,
    "knowledge:review": E.managers_only,
    "knowledge:library_toggle": E.managers_only,
    "knowledge:history": E.readers_only,
    "knowledge:version": E.readers_only,
    "knowledge:version_download": E.readers_only,
    "knowledge:compare": E.readers_only,
}
POSTS: dict = {
    "knowledge:status": {"status": "draft"},
    "knowledge:feature": {"featured": "1"},
    "knowledge:review": {},
    "knowledge:library_toggle": {"in_library": "1"},
}


def build(world) -> dict:
    community = world.community
    author = world.actors[E.ACTIVE]
    item = services.item_create(
        community=community,
        actor=author,
        kind=KnowledgeItem.Kind.DOCUMENT,
        title=f"Protocol {SECRET}",
        summary=f"{SECRET} summary",
        body=f"{SECRET} body",
        upload=ContentFile(f"{SECRET} in the file\n".encode(), name="protocol.txt"),
        submit_for_review=True,
    )
    services.item_set_status(item=item, actor=world.actors[E.CORE], status="published")
    services.item_update(
        item=item,
        actor=author,
        body=f"{SECRET} body, revised",
        upload=ContentFile(f"{SECRET} in the second file\n".encode(), name="protocol.txt"),
        change_note="Second version",
    )
    thread = Thread.objects.create(
        community=community,
        kind=Thread.Kind.QUESTION,
        title="How do you taper?",
        body=f"{SECRET} question",
        author=author,
    )
    world.knowledge_item = item
    return {
        "item_id": item.pk,
        "item_version_id": item.history.order_by("history_id").first().history_id,
        "source_thread_id": thread.pk,
    }


def query_for(world, url_name) -> str:
    if url_name != "knowledge:compare":
        return ""
    ids = list(
        world.knowledge_item.history.order_by("history_id").values_list("history_id", flat=True)
    )
    return f"?from={ids[0]}&to={ids[-1]}"
