"""PostgreSQL stopped for a few seconds under load (issue #9, "Faults and load").

The site (gunicorn, persistent connections with health checks) runs on a private
PostgreSQL cluster holding a copy of the test database, so the machine's server is
never touched. Four members browse and reply while the cluster is killed
(`pg_ctl stop -m immediate`, as in a crash), left down for OUTAGE_SECONDS and
started again. Requests may fail only while it is down, and then only with the 503
page (never a traceback, a blank 500 or a hang); every request after it is back
succeeds, with no restart of the site; every reply answered with success is in the
database.
"""

import os
import time

import psycopg2
import pytest

from communities.models import Post

from ..conftest import port_for
from .servers import (
    MARKER,
    Load,
    PrivatePostgres,
    Site,
    get,
    posted_markers,
    postgres_bin,
    record,
    summary,
)

pytestmark = pytest.mark.services

OUTAGE_SECONDS = 3.0


@pytest.fixture
def cluster(postgres_required):
    if postgres_bin() is None:
        pytest.fail("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    server = PrivatePostgres(port_for(16350)).init()
    server.start()
    try:
        yield server
    finally:
        server.close()


def markers_in(database_url: str) -> set[str]:
    with psycopg2.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {Post._meta.db_table}")  # noqa: S608 (a model's table)
        return {match for (body,) in cursor.fetchall() for match in MARKER.findall(body)}


def test_a_database_outage_fails_only_its_window_and_recovers_without_a_restart(
    cluster, world, private_redis
):
    cluster.load(world.extra["database_url"], "site", env=dict(os.environ))
    site = Site(port_for(18300), database_url=cluster.url("site"), redis_url=private_redis.url)
    site.start()
    try:
        load = Load(site.port, world, threads=4).start()
        load.wait_for_requests(15)
        down_at = time.monotonic()
        cluster.stop("immediate")
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        up_at = time.monotonic()
        load.wait_for_requests(25)
        outcomes = load.stop()

        # The same again with no request in flight: each worker's persistent
        # connection is now dead, and the health check must replace it before use.
        cluster.stop("immediate")
        cluster.start()
        after_idle_restart = [get(site.port, world.pages[0]).status for _ in range(6)]
    finally:
        site.close()

    failed = [o for o in outcomes if not o.ok]
    after = [o for o in outcomes if o.started > up_at]
    first_success = min((o.ended for o in after if o.ok), default=None)
    saved = markers_in(cluster.url("site"))
    answered = posted_markers(outcomes)
    refused_but_saved = {o.marker for o in failed if o.kind == "post"} & saved
    first_failure = min((o.ended for o in failed), default=down_at) - down_at
    slowest_failure = max((o.ended - o.started for o in failed), default=0.0)
    report = (
        f"outage {up_at - down_at:.1f} s (stop, {OUTAGE_SECONDS:.0f} s down, start); "
        f"{len(outcomes)} requests ({summary(outcomes)}), {len(failed)} failed "
        f"(the first {first_failure * 1000:.0f} ms after the stop, the slowest answered in "
        f"{slowest_failure * 1000:.0f} ms); "
        f"first success {((first_success or up_at) - up_at) * 1000:.0f} ms after the restart; "
        f"{len(answered)} replies answered, {len(refused_but_saved)} answered 503 but saved"
    )
    record("database-outage", f"Database outage: {report}")

    assert failed, f"the outage failed no request: it was not tested ({report})"
    outside = [o for o in failed if o.started > up_at or o.ended < down_at]
    assert not outside, f"failures outside the outage: {outside[:5]} ({report})"
    ugly = [o for o in failed if o.status != 503 or not o.unavailable_page]
    assert not ugly, f"failures that were not the 503 page: {ugly[:5]} ({report})"
    assert len(after) >= 20 and all(o.ok for o in after), f"no full recovery ({report})"
    assert answered <= saved, f"replies lost: {sorted(answered - saved)[:5]} ({report})"
    assert after_idle_restart == [200] * 6, (
        f"stale connections after an idle restart: {after_idle_restart}"
    )
