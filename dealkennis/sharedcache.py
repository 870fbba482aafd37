"""The shared cache: Django's Redis backend, where a Redis that does not answer is a miss, not an error.

Everything cached can be computed again from the database, so a Redis that
is down or slow makes pages slower (each call waits at most the socket
timeouts set in the settings), never fail. An import's upload waiting in the
cache is the one thing that cannot be recomputed: its confirmation then asks
for the file again (dealkennis.importing).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


# After a failure the process leaves Redis alone this long, so a Redis that
# hangs rather than refuses costs one timeout per interval, not one per call.
RETRY_SECONDS = 5


class SharedRedisCache(RedisCache):
    _unavailable_until = 0.0

    def _or(self, fallback, operation, *args, **kwargs):
        if time.monotonic() < SharedRedisCache._unavailable_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except UNAVAILABLE as error:
            SharedRedisCache._unavailable_until = time.monotonic() + RETRY_SECONDS
            logger.warning("The shared cache (Redis) does not answer: %s", error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._or(None, super().delete_many, keys, version)
