"""The Redis cache a Redis outage cannot turn into an error page (copplatform/cache.py),
against a real redis-server that is killed and started again."""

import logging

import pytest

from copplatform.cache import FailSafeRedisCache

pytestmark = pytest.mark.services


def make_cache(url: str) -> FailSafeRedisCache:
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return FailSafeRedisCache(url, {"OPTIONS": options, "KEY_PREFIX": "cache-test"})


def test_an_unreachable_redis_reads_as_an_empty_cache_that_keeps_nothing(caplog):
    cache = make_cache("redis://127.0.0.1:1/0")  # nothing listens on port 1

    with caplog.at_level(logging.WARNING, logger="copplatform.cache"):
        cache.set("greeting", "hello")
        assert cache.get("greeting", "missing") == "missing"
        assert cache.add("lock", True) is False
        assert cache.get_many(["greeting"]) == {}
        assert cache.has_key("greeting") is False
        assert cache.delete("greeting") is False
        assert cache.set_many({"a": 1}) == []
        with pytest.raises(ValueError, match="not found"):
            cache.incr("counter")

    assert "cache unavailable, get answered as a miss" in caplog.text


def test_the_cache_works_again_once_redis_is_back_without_a_new_client(private_redis):
    cache = make_cache(private_redis.url)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"

    private_redis.stop()
    assert cache.get("greeting", "missing") == "missing"
    assert cache.add("lock", True) is False

    private_redis.start()  # empty: the restart lost what it held
    assert cache.get("greeting", "missing") == "missing"
    cache.set("greeting", "again")
    assert cache.get("greeting") == "again"
    assert cache.add("lock", True) is True
