"""A Redis cache that a Redis outage cannot turn into an error page.

Django's own Redis cache raises `redis.ConnectionError` from every call while Redis is
down, so a restart of Redis would answer 500 to every request that touches the cache
(allauth's rate limits on sign-in, sign-up and password reset; /healthz). The cache
only ever holds what can be lost, so while Redis is unreachable this one answers as
an empty cache that keeps nothing: reads miss, writes are dropped (`add` answers
False, as django-redis's IGNORE_EXCEPTIONS does), each logged as a warning.

allauth's rate limits therefore fail closed: they take a lock with `cache.add`, which
never succeeds while Redis is down, so sign-in, sign-up and password reset answer
allauth's 429 page after its one-second lock wait, and an outage is no window for
guessing passwords. Everything else keeps serving: sessions are in the database,
not here, and signed-in members do not notice.

Short socket timeouts (CACHE_REDIS_TIMEOUT) keep a Redis that hangs, rather than one
that refuses, from holding each request for long.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _fail_safe(miss):
    """Answer `miss(args)` instead of raising while Redis is unreachable."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args):
            try:
                return method(self, *args)
            except UNAVAILABLE as error:
                logger.warning(
                    "cache unavailable, %s answered as a miss: %s", method.__name__, error
                )
                return miss(*args)

        return wrapper

    return decorate


def _unknown_key(key, delta):
    # What Django's incr() raises for a key the cache does not hold.
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class FailSafeRedisCacheClient(RedisCacheClient):
    add = _fail_safe(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _fail_safe(lambda key, default: default)(RedisCacheClient.get)
    set = _fail_safe(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _fail_safe(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _fail_safe(lambda key: False)(RedisCacheClient.delete)
    get_many = _fail_safe(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _fail_safe(lambda key: False)(RedisCacheClient.has_key)
    incr = _fail_safe(_unknown_key)(RedisCacheClient.incr)
    set_many = _fail_safe(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _fail_safe(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _fail_safe(lambda: False)(RedisCacheClient.clear)


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSafeRedisCacheClient
