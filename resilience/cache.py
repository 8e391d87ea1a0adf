"""A Redis cache that is a cache: when Redis is down or slow, every call is a miss.

Django's `RedisCache` raises whatever redis-py raises, so a stopped Redis took
every cached page down with it (500). `FailSafeRedisCache` turns connection and
timeout errors into what a missing key gives (reads: the default; writes: nothing
kept) and logs one warning a minute per process, so the log says Redis is gone
without a line per request. Its socket timeouts (`REDIS_SOCKET_TIMEOUT`, 0.5 s by
default, in settings) bound how long a Redis that accepts and never answers holds
a request; after a failure the process leaves Redis alone for `RETRY_SECONDS`
(every call a miss at once), so a hanging Redis costs one timeout per process
every few seconds, not one per cache call.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an unreachable, hanging, restarting (loading) or read-only Redis raises.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)
WARNING_INTERVAL_SECONDS = 60
RETRY_SECONDS = 5


class OutageLog:
    """Notes Redis failures: a warning at most once per interval (seconds, monotonic clock) per process,
    and whether Redis should be left alone for now (`resting`)."""

    def __init__(self, interval=WARNING_INTERVAL_SECONDS, clock=time.monotonic, retry_seconds=RETRY_SECONDS):
        self.interval = interval
        self.clock = clock
        self.retry_seconds = retry_seconds
        self.last_warning = None
        self.last_failure = None
        self.lock = threading.Lock()

    def resting(self):
        """True within `retry_seconds` of the last failure: Redis is not asked meanwhile."""
        last = self.last_failure
        return last is not None and self.clock() - last < self.retry_seconds

    def warn(self, operation, error):
        now = self.clock()
        with self.lock:
            self.last_failure = now
            if self.last_warning is not None and now - self.last_warning < self.interval:
                return False
            self.last_warning = now
        logger.warning(
            "Redis cache unavailable (%s: %s: %s); pages are rendered without the cache. "
            "Next warning in %d s at the earliest.",
            operation,
            type(error).__name__,
            error,
            self.interval,
        )
        return True


outage_log = OutageLog()


class FailSafeRedisCache(RedisCache):
    """`RedisCache` whose connection and timeout errors are cache misses.

    get → default, get_many → {}, has_key/add/touch/delete → False, set/delete_many/clear → nothing,
    set_many → every key reported as not stored, incr/decr → ValueError as for a missing key
    (Django's contract for incr). Other redis errors (a bug: wrong type, bad command) still raise.
    """

    def _miss(self, operation, error, value):
        outage_log.warn(operation, error)
        return value

    def _call(self, operation, call, missed):
        """call() unless Redis is resting; `missed` (a value) when it is, or when it fails now."""
        if outage_log.resting():
            return missed
        try:
            return call()
        except OUTAGE_ERRORS as error:
            return self._miss(operation, error, missed)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: super(FailSafeRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._call("get_many", lambda: super(FailSafeRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: super(FailSafeRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: super(FailSafeRedisCache, self).add(key, value, timeout, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "set_many", lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: super(FailSafeRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._call("delete", lambda: super(FailSafeRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._call("delete_many", lambda: super(FailSafeRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        self._call("clear", lambda: super(FailSafeRedisCache, self).clear(), None)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call("incr", lambda: super(FailSafeRedisCache, self).incr(key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return value
