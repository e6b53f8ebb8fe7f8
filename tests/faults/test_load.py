"""Load on loopback (issue #9, "Faults and load"): 50 members browsing and posting for
two minutes, no error and no lost reply.

gunicorn (two sync workers, one per core of the CI machine) on the test database
(PostgreSQL: 50 writers would lock SQLite), Redis as cache and broker; locust
(bench/locustfile.py, as `make bench` uses it, with its posters) drives USERS users
with no think time for LOAD_SECONDS. Every request must succeed, and every reply the
site accepted (a redirect to it) must be in the database, found by the unique marker
each one carries.

FAULTS_LOAD_SECONDS shortens the run for a quick try; CI runs the full two minutes.
"""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Post

from ..conftest import port_for
from ..factories import FacilitatorAssignmentFactory
from ..notifications.email.workers import REPO_ROOT
from .conftest import make_world
from .servers import CSRF_SECRET, Site, record

pytestmark = pytest.mark.services

USERS = 50
LOAD_SECONDS = int(os.environ.get("FAULTS_LOAD_SECONDS", "120"))
LOCUST = Path(sys.executable).with_name("locust")


def locust_setup(world, facilitator_session: str) -> dict:
    """bench/locustfile.py's BENCH_SESSIONS, for this test's world."""
    return {
        "cookie": world.cookie_name,
        "member": world.sessions,
        "facilitator": facilitator_session,
        "csrf": CSRF_SECRET,
        "paths": {
            # Routed in the site (BENCH_FLOOR_PAGE), not in this process.
            "floor": "/bench/floor/",
            "community home": world.pages[0],
            "thread list": world.pages[1],
            "thread page": world.pages[2],
            "facilitator dashboard": reverse("dashboard:index"),
        },
        "reply_paths": world.reply_paths,
    }


def run_locust(url: str, setup: dict, folder: Path) -> tuple[dict, list[str], str]:
    (folder / "setup.json").write_text(json.dumps(setup))
    posts = folder / "posts.txt"
    finished = subprocess.run(
        [
            *(str(LOCUST), "-f", str(REPO_ROOT / "bench" / "locustfile.py"), "--headless"),
            *("--users", str(USERS), "--spawn-rate", str(USERS)),
            *("--run-time", f"{LOAD_SECONDS}s", "--host", url),
            *("--csv", str(folder / "load"), "--only-summary", "--loglevel", "WARNING"),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "BENCH_SESSIONS": str(folder / "setup.json"), "BENCH_POSTS": str(posts)},
        capture_output=True,
        text=True,
        timeout=LOAD_SECONDS + 120,
        check=False,  # locust exits 1 when a request failed: the stats say which
    )
    with (folder / "load_stats.csv").open() as handle:
        routes = {row["Name"]: row for row in csv.DictReader(handle)}
    accepted = posts.read_text().split() if posts.exists() else []
    return routes, accepted, finished.stderr[-3000:]


def test_fifty_members_browse_and_post_for_two_minutes_without_error_or_loss(
    postgres_required, private_redis, tmp_path
):
    started = time.monotonic()
    world = make_world(members=USERS, threads=3)
    community = world.extra["community"]
    facilitator = FacilitatorAssignmentFactory(community=community).user
    client = Client()
    client.force_login(facilitator)
    setup = locust_setup(world, client.cookies[world.cookie_name].value)

    made = time.monotonic()
    site = Site(
        port_for(18320), database_url=world.extra["database_url"], redis_url=private_redis.url
    ).start()
    serving = time.monotonic()
    try:
        routes, accepted, locust_log = run_locust(site.url, setup, tmp_path)
        server_log = site.tail()
    finally:
        site.close()

    total = routes["Aggregated"]
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    saved = set(
        Post.objects.filter(thread__community=community, body__contains="load-marker-").values_list(
            "body", flat=True
        )
    )
    saved_markers = {body.split()[-1] for body in saved}
    lost = set(accepted) - saved_markers
    report = (
        f"{USERS} users, {LOAD_SECONDS} s, 2 gunicorn workers: {requests} requests "
        f"({requests / LOAD_SECONDS:.1f}/s, median {total['50%']} ms, p95 {total['95%']} ms), "
        f"{failures} failed; {len(accepted)} replies accepted, {len(saved_markers)} in the "
        f"database, {len(lost)} lost"
    )
    lines = [
        f"Load: {report}",
        f"  (data {made - started:.0f} s, gunicorn start {serving - made:.0f} s)",
        *(
            f"  {name:24} {row['Request Count']:>6} requests  {row['Failure Count']:>4} failed"
            f"  median {row['50%']:>6} ms  p95 {row['95%']:>6} ms"
            for name, row in sorted(routes.items())
        ),
    ]
    record("load", "\n".join(lines))

    assert requests >= USERS, f"the load did not run ({report})\n{locust_log}"
    assert failures == 0, f"errors under load ({report})\n{locust_log}\n{server_log}"
    assert accepted, f"no reply was accepted ({report})"
    assert not lost, f"replies lost: {sorted(lost)[:5]} ({report})"
