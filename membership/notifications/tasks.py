"""Celery tasks of the email engine. Each takes ids, is idempotent, acknowledges
late and is given back to the broker if its worker dies (settings: acks_late,
reject_on_worker_lost, prefetch 1)."""

from celery import shared_task

from . import delivery

DELIVERY_TASK = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="notifications.dispatch_run", **DELIVERY_TASK)
def dispatch_run(*, run_id: int) -> int:
    return delivery.dispatch(run_id=run_id)


@shared_task(
    name="notifications.send_batch",
    autoretry_for=(delivery.TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=8,
    **DELIVERY_TASK,
)
def send_batch(*, record_ids: list[int]) -> dict:
    result = delivery.send_batch(record_ids)
    return {"sent": result.sent, "skipped": result.skipped, "failed": result.failed}


@shared_task(name="notifications.sweep", **DELIVERY_TASK)
def sweep() -> dict:
    """Every few minutes (beat): resume pending records, report those in doubt."""
    report = delivery.sweep()
    return {
        "enqueued": report.enqueued,
        "in_doubt": len(report.in_doubt),
        "finished_runs": report.finished_runs,
    }


@shared_task(name="notifications.plan_digests", **DELIVERY_TASK)
def plan_digests() -> int:
    """Every 15 minutes (beat): daily and weekly digests for members whose local
    digest hour has come (each member's time zone and quiet hours)."""
    from .digests import plan_digests as plan

    return plan()


@shared_task(name="notifications.plan_reminders", **DELIVERY_TASK)
def plan_reminders() -> int:
    """Every 15 minutes (beat): every reminder whose due time, from dates in the
    database, has come."""
    from .reminders import plan_reminders as plan

    return plan()


@shared_task(name="notifications.plan_instant", **DELIVERY_TASK)
def plan_instant(*, event: str, object_id: int, actor_id: int | None = None) -> int:
    """Enqueued on commit by the service that posted, published or featured something:
    who chose an email for each new item (or gets announcements) is recorded, and the
    engine sends them. Idempotent (see instant.plan_instant)."""
    from .instant import plan_instant as plan

    return plan(event=event, object_id=object_id, actor_id=actor_id)
