"""Permission matrix entries for the activity URLs (see __init__.py).

The world's community gets feed rows whose titles carry E.SECRET: the community feed
is for its readers, and the personal home feed must never show them to anyone else.
"""

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("activity",)
EXPECTED: dict = {
    "activity:community_feed": E.readers_only,
    "activity:home_feed": E.signed_in,
}
POSTS: dict = {}


def build(world) -> dict:
    from communities.activity.services import activity_record
    from communities.models import Activity

    from ..test_matrix import SECRET

    for verb in (Activity.Verb.THREAD_STARTED, Activity.Verb.ITEM_PUBLISHED):
        activity_record(
            community=world.community,
            actor=world.actors[E.ACTIVE],
            verb=verb,
            target=world.community,
            title=f"{SECRET} {verb}",
            url=f"/c/{world.community.slug}/",
        )
    return {}
