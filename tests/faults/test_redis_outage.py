"""Redis killed and restarted under load (issue #9, "Faults and load"): the site keeps
serving.

The site (gunicorn) uses a private redis-server as its cache (allauth's rate limits,
the worker heartbeat) and Celery broker. Members browse and reply while Redis is
killed, left down for OUTAGE_SECONDS (longer if three replies have not been answered
by then) and started again, empty. No request fails: the cache answers as empty
while Redis is gone (copplatform/cache.py) and a reply whose email task cannot be
queued is still saved (instant_email_on_commit is robust). Only what allauth
rate-limits (sign-in, sign-up, password reset) is refused meanwhile, with its 429
page. Afterwards the cache and the broker are used again without a restart of the
site.

The worker's side of a broker restart (it reconnects, and the sweep resends what
the lost queue held) is tests/notifications/email/test_faults.py.
"""

import time

import pytest
import redis

from communities.models import Post

from ..conftest import port_for
from .servers import MARKER, Load, Site, get, post, posted_markers, record, summary

pytestmark = pytest.mark.services

OUTAGE_SECONDS = 3.0


def failed_sign_in(port) -> int:
    """A wrong password: allauth counts it in the cache (its rate limits)."""
    answer = post(
        port, "/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password"}
    )
    return answer.status


def test_a_redis_restart_under_load_fails_no_request(world, private_redis):
    store = redis.Redis.from_url(private_redis.url)
    site = Site(
        port_for(18310), database_url=world.extra["database_url"], redis_url=private_redis.url
    ).start()
    try:
        load = Load(site.port, world, threads=3).start()
        load.wait_for_requests(10)
        assert failed_sign_in(site.port) == 200
        assert store.dbsize() > 0, "the site did not use Redis before the outage"

        down_at = time.monotonic()
        private_redis.stop()
        during_sign_in = failed_sign_in(site.port)
        health = get(site.port, "/healthz")
        # At least OUTAGE_SECONDS, and long enough for replies to be made meanwhile
        # however slow the machine.
        load.wait_for_replies_within(down_at, replies=3)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
        private_redis.start()
        up_at = time.monotonic()
        store = redis.Redis.from_url(private_redis.url)
        load.wait_for_requests(20)
        outcomes = load.stop()
        after_sign_in = failed_sign_in(site.port)
        health_after = get(site.port, "/healthz").status
        cache_keys, queued_tasks = store.dbsize(), store.llen("celery")
    finally:
        site.close()

    failed = [o for o in outcomes if not o.ok]
    during = [o for o in outcomes if o.started >= down_at and o.ended <= up_at]

    def slowest(kind):
        return max((o.ended - o.started for o in during if o.kind == kind), default=0.0) * 1000

    saved = {
        match
        for body in Post.objects.filter(thread__community=world.extra["community"]).values_list(
            "body", flat=True
        )
        for match in MARKER.findall(body)
    }
    answered = posted_markers(outcomes)
    report = (
        f"outage {up_at - down_at:.1f} s; {len(outcomes)} requests ({summary(outcomes)}), "
        f"{len(during)} while Redis was down (slowest page {slowest('browse'):.0f} ms, "
        f"slowest reply {slowest('post'):.0f} ms), "
        f"{len(failed)} failed; {len(answered)} replies answered, "
        f"{len(answered & saved)} in the database"
    )
    record("redis-outage", f"Redis outage: {report}")

    assert not failed, f"failed requests: {failed[:5]} ({report})"
    assert sum(o.kind == "post" for o in during) >= 3, f"too few replies meanwhile ({report})"
    assert answered <= saved, f"replies lost: {sorted(answered - saved)[:5]} ({report})"
    # While Redis is down a sign-in is refused with allauth's 429 page (its rate
    # limit fails closed: copplatform/cache.py) and /healthz says what is missing.
    assert during_sign_in == 429
    assert health.status == 503 and '"broker": "unavailable"' in health.body
    # Back without a restart: the rate limits count in Redis again, replies queue
    # their email task there, and /healthz is green.
    assert after_sign_in == 200 and health_after == 200
    assert cache_keys > 0, "the cache did not reconnect"
    assert queued_tasks > 0, "the site queued no task on the restarted broker"
