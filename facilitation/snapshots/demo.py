"""Demo data: every community's snapshot computed now, so `make run` shows the
facilitator dashboard's and the leader report's figures at once (beat refreshes them
every hour after that). Runs last among the demo seeders (seed_demo.DEMO_SEEDERS)."""

from communities.models import Community

from .services import SNAPSHOT_BATCH, snapshots_refresh


def seed(users, communities) -> None:
    ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), SNAPSHOT_BATCH):
        snapshots_refresh(community_ids=ids[start : start + SNAPSHOT_BATCH])
