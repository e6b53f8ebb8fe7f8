"""Background work for facilitation: keeping the community snapshots fresh."""

from celery import shared_task

from communities.models import Community

from .snapshots.services import (
    SNAPSHOT_BATCH,
    platform_people_refresh,
    report_period_refresh,
    snapshots_refresh,
)


@shared_task(name="facilitation.refresh_snapshots")
def refresh_snapshots(community_ids: list[int]) -> int:
    """Compute these communities' snapshots now (idempotent: a second run replaces
    them with the same figures; ids of deleted communities are ignored)."""
    return len(snapshots_refresh(community_ids=community_ids))


@shared_task(name="facilitation.refresh_platform_snapshot")
def refresh_platform_snapshot() -> None:
    """Compute the platform-wide figures of the leader report now: the people by
    stakeholder type (distinct people cannot be summed from community snapshots) and
    the unfiltered report's activity totals (summed from them)."""
    platform_people_refresh()
    report_period_refresh()


@shared_task(name="facilitation.refresh_all_snapshots")
def refresh_all_snapshots() -> int:
    """Enqueue every community's refresh in batches of SNAPSHOT_BATCH ids, and the
    platform-wide row (run by beat). Returns the number of community batches."""
    ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    batches = [ids[start : start + SNAPSHOT_BATCH] for start in range(0, len(ids), SNAPSHOT_BATCH)]
    for batch in batches:
        refresh_snapshots.delay(batch)
    refresh_platform_snapshot.delay()
    return len(batches)
