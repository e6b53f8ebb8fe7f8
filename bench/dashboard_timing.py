"""How long the facilitator dashboard's signals take for every community at once (a
platform admin's view) and for the scale facilitator's communities. Run by hand on
the scale data set (see facilitation_timing.py; it only reads):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/copplatform_scale
    .venv/bin/python bench/dashboard_timing.py [--runs 5] [--period 30]

Times `signals_for` with flags (facilitation.dashboard.selectors.dashboard_rows), the
same reads the dashboard page makes, without the page around them: median and 95th
percentile of --runs timed calls after a warm-up, the number of queries and the
slowest ones.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from communities.models import Community  # noqa: E402
from facilitation import scale  # noqa: E402
from facilitation.dashboard.selectors import dashboard_rows  # noqa: E402
from facilitation.dashboard.signals import Period  # noqa: E402
from facilitation.models import RiskThresholds  # noqa: E402
from membership.models import User  # noqa: E402
from membership.permissions import communities_facilitated_by  # noqa: E402


def measure(communities, period: Period, runs: int) -> dict:
    thresholds = RiskThresholds.current()
    dashboard_rows(communities, period=period, thresholds=thresholds)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = dashboard_rows(communities, period=period, thresholds=thresholds)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        dashboard_rows(communities, period=period, thresholds=thresholds)
    times.sort()
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    slowest = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))
    return {
        "communities": len(rows),
        "queries": len(queries),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "slowest": [(float(query["time"]) * 1000, query["sql"]) for query in slowest[:3]],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--period", type=int, default=30, help="days")
    args = parser.parse_args(argv)
    period = Period.last_days(args.period)
    facilitator = User.objects.filter(email=scale.FACILITATOR_EMAIL).first()
    if facilitator is None:
        raise SystemExit("No scale data here: run `manage.py seed_scale --size S` first.")
    print(f"{connection.vendor} database {connection.settings_dict['NAME']}, {args.runs} runs")
    print(f"{'whose':<14} {'communities':>11} {'queries':>7} {'median':>10} {'p95':>10}")
    for label, communities in [
        ("facilitator", communities_facilitated_by(facilitator)),
        ("all (admin)", Community.objects.all()),
    ]:
        row = measure(communities, period, args.runs)
        print(
            f"{label:<14} {row['communities']:>11} {row['queries']:>7} "
            f"{row['median_ms']:>8.1f}ms {row['p95_ms']:>8.1f}ms"
        )
        for ms, sql in row["slowest"]:
            print(f"    {ms:>9.1f} ms  {sql[:150]}")


if __name__ == "__main__":
    main()
