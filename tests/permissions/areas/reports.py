"""Permission matrix entries for facilitation's reports URLs (see __init__.py).

The report is platform-wide: leaders, facilitators and admins read it whatever the
world's community's visibility; members get 403. The world's community holds a
thread, a confirmed value story and a work-log entry whose titles carry the secret,
so a report that names private content to a leader (or to the facilitator of another
community) fails as a leak, and the hidden community must appear only as a count.
The CSV asked for is the value stories' one: the only table that tells titles.
"""

from communities.models import Thread
from facilitation.models import (
    CommunityLearningStage,
    StrategicPriority,
    ValueStory,
    WorkLogEntry,
)

from .. import expected as E

NAMESPACES: tuple[str, ...] = ("reports",)
# The same text as test_matrix.SECRET (importing it from there would be circular).
SECRET = "ZEBRA-CROSSING-SECRET"
REPORT_READERS = {E.LEADER, E.FAC_OTHER, E.FAC_THIS, E.ADMIN}


def report_readers(actor, visibility):
    if actor == E.ANON:
        return E.LOGIN
    return E.OK if actor in REPORT_READERS else E.FORBIDDEN


EXPECTED: dict = {
    "reports:report": report_readers,
    "reports:print": report_readers,
    "reports:export": report_readers,
}
POSTS: dict = {}


def build(world) -> dict:
    community = world.community
    core = world.actors[E.CORE]
    Thread.objects.create(
        community=community, title=f"Thread {SECRET}", body=f"{SECRET} body", author=core
    )
    priority, _created = StrategicPriority.objects.get_or_create(name="Shorter waits")
    priority.communities.add(community)
    CommunityLearningStage.objects.create(community=community, stage="generate")
    ValueStory.objects.create(
        community=community,
        author=core,
        title=f"Story {SECRET}",
        applied=f"{SECRET} applied",
        changed=f"{SECRET} changed",
        value_type=ValueStory.ValueType.APPLIED,
        status=ValueStory.Status.CONFIRMED,
    )
    WorkLogEntry.objects.create(
        facilitator=world.actors[E.FAC_THIS],
        community=community,
        kind=WorkLogEntry.Kind.MEETING,
        description=f"Ran {SECRET} meeting",
        minutes=90,
    )
    return {"table": "stories"}
