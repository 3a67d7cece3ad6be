"""A cache that keeps Redis off the request path: Redis first, the database while Redis fails.

allauth keeps its rate limits (login, signup, password reset) in the default cache, so with a
plain Redis cache every login answered 500 while Redis was down. This backend sends each call to
the primary cache (Redis, with short socket timeouts: 0.5 s to connect, 1 s for a reply) and, when
that raises, to the fallback (a database cache table), and keeps using the fallback for
`retry_after` seconds before trying Redis again, so an outage costs one timeout per process every
`retry_after` seconds, not one per call. Why a database fallback rather than failing open: rate
limits keep holding during an outage (their counters restart from zero when the switch happens,
which is the only loss), and PostgreSQL is the app's one store already, so this adds no new thing
that can be down.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import BaseCache, caches
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_DEFAULT_TIMEOUT: Any = object()  # "not given": the underlying cache's own default applies
# The primary being unreachable, as opposed to a call that is wrong (incr of a missing key).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


class FallbackCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.primary_alias: str = options.pop("primary")
        self.fallback_alias: str = options.pop("fallback")
        self.retry_after: float = float(options.pop("retry_after", 15))
        super().__init__(params)
        self._lock = threading.Lock()
        self._primary_down_until = 0.0

    # Routing ----------------------------------------------------------------------------------

    @property
    def primary_is_down(self) -> bool:
        return time.monotonic() < self._primary_down_until

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if not self.primary_is_down:
            try:
                return getattr(caches[self.primary_alias], method)(*args, **kwargs)
            except UNREACHABLE as error:
                with self._lock:
                    was_up = not self.primary_is_down
                    self._primary_down_until = time.monotonic() + self.retry_after
                if was_up:
                    logger.warning(
                        "Cache %r failed (%s: %s); using %r for the next %.0f s",
                        self.primary_alias,
                        type(error).__name__,
                        error,
                        self.fallback_alias,
                        self.retry_after,
                    )
        return getattr(caches[self.fallback_alias], method)(*args, **kwargs)

    @staticmethod
    def _timeout(timeout: Any) -> dict[str, Any]:
        return {} if timeout is _DEFAULT_TIMEOUT else {"timeout": timeout}

    # The cache API ----------------------------------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = _DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("add", key, value, version=version, **self._timeout(timeout)))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version=version)

    def set(self, key: Any, value: Any, timeout: Any = _DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", key, value, version=version, **self._timeout(timeout))

    def touch(self, key: Any, timeout: Any = _DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("touch", key, version=version, **self._timeout(timeout)))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", key, version=version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return dict(self._call("get_many", keys, version=version))

    def set_many(self, data: Any, timeout: Any = _DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return list(self._call("set_many", data, version=version, **self._timeout(timeout)) or [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", keys, version=version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, version=version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta, version=version))

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("decr", key, delta, version=version))

    def clear(self) -> None:
        self._call("clear")

    def close(self, **kwargs: Any) -> None:
        for alias in (self.primary_alias, self.fallback_alias):
            try:
                caches[alias].close(**kwargs)
            except Exception:  # closing a dead connection
                logger.debug("Closing cache %r failed", alias, exc_info=True)
