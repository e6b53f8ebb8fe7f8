"""How fast the email engine sends a run: members per second, per worker process,
queries per batch and per member, and the projected time for 100,000 members.
Run by hand on the scale data set (see README.md), never in the test suite:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/copplatform_scale
    .venv/bin/python bench/digest_throughput.py [--workers 2] [--kind digest_daily]
        [--members 20000] [--baseline-members 1000] [--batch 100]

It plans one run of --kind for every active member with an address (or the first
--members), starts a real Celery worker with --workers prefork processes on a
private redis-server (the filesystem transport if there is none), and times from
the plan's commit until no record of the run is waiting, every email delivered to
an SMTP sink in this process on loopback (it only counts). The kind defaults to the
stand-in the fault tests use (tests/notifications/email/workers.py: one line of
content, so the figures are the engine's own cost); `--kind digest_daily` measures
real digests once they exist. Then the same with one task per member (batch size 1)
on --baseline-members, for comparison. One batch is also sent in this process
inside CaptureQueriesContext to count its queries (reads and writes apart).

Everything it records (its runs and their records) is deleted at the end.
Writes bench/results/digests-<date>.json.
"""

import argparse
import json
import os
import shutil
import socket
import sys
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import report  # noqa: E402
from copplatform.celery import app  # noqa: E402
from membership.models import DeliveryRecord, DeliveryRun, User  # noqa: E402
from membership.notifications import delivery  # noqa: E402
from membership.notifications.delivery import Due  # noqa: E402
from tests.notifications.email.workers import (  # noqa: E402
    STAND_IN_KIND,
    RedisServer,
    SmtpSink,
    WorkerProcess,
    publishing_to,
    purge,
    worker_env,
)

Status = DeliveryRecord.Status
WAITING = [Status.PENDING, Status.CLAIMED]
RESULTS = Path(__file__).resolve().parent / "results"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


WINDOW_DAYS = 1  # how far back a digest looks (--window-days: 7 for a weekly digest)


def due(people, period: str, now):
    since = now - timezone.timedelta(days=WINDOW_DAYS)
    return [Due(user_id=pk, period=period, since=since, until=now) for pk in people]


def queries_per_batch(kind: str, people: list[int], stamp: str) -> dict:
    """Plan a small run and send one batch of it here, counting the queries: all of
    them, and apart the reads and the writes (transaction control left out)."""
    now = timezone.now()
    counts = {}
    for size in sorted({1, 10, min(len(people), settings.NOTIFICATIONS_BATCH_SIZE)}):
        period = f"bench-queries-{size}-{stamp}"
        delivery.plan(kind=kind, run_period=period, due=due(people[:size], period, now))
        ids = list(DeliveryRecord.objects.filter(run__period=period).values_list("pk", flat=True))
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = delivery.send_batch(ids)
        statements = report.count_statements(query["sql"] for query in queries)
        counts[size] = {
            "queries": len(queries),
            "reads": statements["reads"],
            "writes": statements["writes"],
            "seconds": round(time.perf_counter() - start, 3),
            "sent": result.sent,
            "skipped": result.skipped,
        }
    return counts


def timed_run(*, kind, people, period, worker, sink) -> dict:
    """Plan, let the worker send everything, and time it from the plan's commit."""
    received_before = sink.total
    planned_at = time.perf_counter()
    run = delivery.plan(kind=kind, run_period=period, due=due(people, period, timezone.now()))
    committed = time.perf_counter()
    records = DeliveryRecord.objects.filter(run=run)
    deadline = committed + max(600, len(people) / 20)
    while records.filter(status__in=WAITING).exists():
        if time.perf_counter() > deadline:
            raise SystemExit(f"the run did not finish in time:\n{worker.tail()}")
        time.sleep(0.2)
    seconds = time.perf_counter() - committed
    statuses = dict(records.values_list("status").annotate(n=Count("pk")).order_by())
    members = len(people)
    return {
        "members": members,
        "plan_seconds": round(committed - planned_at, 2),
        "send_seconds": round(seconds, 2),
        "members_per_second": round(members / seconds, 1),
        "members_per_second_per_worker": round(members / seconds / worker.concurrency, 1),
        "projected_100k_seconds": round(100_000 / (members / seconds)),
        "statuses": statuses,
        "emails_received": sink.total - received_before,
    }


def start_worker(broker_url, sink, workers, **env):
    worker = WorkerProcess(
        worker_env(smtp_port=sink.port, broker_url=broker_url, **env),
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        concurrency=workers,
        name="bench",
    ).start()
    worker.wait_until_ready(timeout=60)
    return worker


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default=STAND_IN_KIND)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--members", type=int, default=0, help="0: every active member")
    parser.add_argument("--baseline-members", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=settings.NOTIFICATIONS_BATCH_SIZE)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--window-days", type=int, default=1, help="digest window: 1 daily, 7 weekly"
    )
    args = parser.parse_args(argv)
    global WINDOW_DAYS
    WINDOW_DAYS = args.window_days
    if connection.vendor != "postgresql":
        raise SystemExit("Run it on PostgreSQL: export DATABASE_URL=postgres://…/copplatform_scale")
    if delivery.builder_for(args.kind) is None:
        raise SystemExit(f"No builder for the kind {args.kind!r} in this checkout.")
    settings.NOTIFICATIONS_BATCH_SIZE = args.batch
    everyone = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    people = list(everyone[: args.members] if args.members else everyone)
    if len(people) < 1000:
        raise SystemExit("Fewer than 1,000 members here: load `manage.py seed_scale --size S`.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {len(people)} members, "
        f"kind {args.kind}, {args.workers} worker processes, batches of {args.batch}"
    )

    sink = SmtpSink(free_port()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
    redis = RedisServer(free_port()).start() if shutil.which("redis-server") else None
    broker_url = redis.url if redis else settings.CELERY_BROKER_URL
    app.conf.task_always_eager = False
    result = {
        "date": stamp,
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "broker": "redis (private)" if redis else broker_url,
        "kind": args.kind,
        "workers": args.workers,
        "batch_size": args.batch,
        "load_average_before": os.getloadavg(),
    }
    worker = None
    try:
        with publishing_to(app, broker_url) if redis else nullcontext():
            purge(app, settings.CELERY_TASK_DEFAULT_QUEUE)
            result["queries"] = queries_per_batch(args.kind, people, stamp)
            one_batch = result["queries"][min(len(people), args.batch)]
            print(
                "queries: "
                + ", ".join(
                    f"{row['queries']} for {size} ({row['reads']} reads, {row['writes']} writes)"
                    for size, row in sorted(result["queries"].items())
                )
                + f" (per member in a batch of {args.batch}: "
                f"{one_batch['queries'] / args.batch:.2f})"
            )

            worker = start_worker(broker_url, sink, args.workers)
            run = timed_run(
                kind=args.kind, people=people, period=f"bench-{stamp}", worker=worker, sink=sink
            )
            worker.close()
            result["batched"] = run
            _print("batches", run)

            sample = people[: args.baseline_members]
            worker = start_worker(broker_url, sink, args.workers, NOTIFICATIONS_BATCH_SIZE="1")
            baseline = timed_run(
                kind=args.kind,
                people=sample,
                period=f"bench-one-by-one-{stamp}",
                worker=worker,
                sink=sink,
            )
            result["one_task_per_member"] = baseline
            _print("one task per member", baseline)
            result["speedup"] = round(run["members_per_second"] / baseline["members_per_second"], 1)
            print(f"batches are {result['speedup']}x faster than one task per member")
    finally:
        if worker is not None:
            worker.close()
        if redis is not None:
            redis.close()
        sink.stop()
        runs = DeliveryRun.objects.filter(kind=args.kind, period__endswith=stamp)
        deleted, _ = DeliveryRecord.objects.filter(run__in=runs).delete()
        runs.delete()
        print(f"cleaned up: {deleted} delivery records")
    result["load_average_after"] = os.getloadavg()
    path = args.json or RESULTS / f"digests-{stamp[:8]}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {path}")


def _print(label, run):
    print(
        f"{label}: {run['members']} members in {run['send_seconds']} s = "
        f"{run['members_per_second']}/s, {run['members_per_second_per_worker']}/s per worker; "
        f"100,000 in ~{run['projected_100k_seconds']} s; {run['statuses']}"
    )


if __name__ == "__main__":
    main()
