"""A Redis cache that is a cache: when Redis is down or slow, every call is a miss.

Django's `RedisCache` raises whatever redis-py raises, so a stopped Redis took
every cached page down with it (500). `FailSafeRedisCache` turns connection and
timeout errors into what a missing key gives (reads: the default; writes: nothing
kept) and logs one warning a minute per process, so the log says Redis is gone
without a line per request. Its socket timeouts (`REDIS_SOCKET_TIMEOUT`, 0.5 s by
default, in settings) bound how long a Redis that accepts and never answers holds
a request.
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


class OutageLog:
    """Logs a warning at most once per interval (seconds, monotonic clock) per process."""

    def __init__(self, interval=WARNING_INTERVAL_SECONDS, clock=time.monotonic):
        self.interval = interval
        self.clock = clock
        self.last_warning = None
        self.lock = threading.Lock()

    def warn(self, operation, error):
        now = self.clock()
        with self.lock:
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

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE_ERRORS as error:
            return self._miss("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGE_ERRORS as error:
            return self._miss("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGE_ERRORS as error:
            return self._miss("has_key", error, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGE_ERRORS as error:
            return self._miss("add", error, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OUTAGE_ERRORS as error:
            self._miss("set", error, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGE_ERRORS as error:
            return self._miss("set_many", error, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except OUTAGE_ERRORS as error:
            return self._miss("touch", error, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGE_ERRORS as error:
            return self._miss("delete", error, False)

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except OUTAGE_ERRORS as error:
            self._miss("delete_many", error, None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE_ERRORS as error:
            self._miss("incr", error, None)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from error

    def clear(self):
        try:
            super().clear()
        except OUTAGE_ERRORS as error:
            self._miss("clear", error, None)
