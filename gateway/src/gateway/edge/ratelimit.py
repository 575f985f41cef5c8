"""Token buckets: per client on every call, per client id and source address on ``/oauth/token``.

With ``PDP_REDIS_URL`` every replica shares the buckets (one Lua script per take, Redis's own
clock); otherwise each process keeps its own in memory. A Redis that stops answering does not
stop the platform: the memory buckets take over until it answers again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Limit:
    per_second: float
    burst: int


class Buckets(Protocol):
    async def take(self, key: str, limit: Limit) -> float:
        """Take one token: 0 when granted, else the seconds until one is there."""

    async def aclose(self) -> None: ...


class MemoryBuckets:
    def __init__(self, *, max_keys: int = 100_000) -> None:
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max = max_keys
        self._lock = threading.Lock()

    async def take(self, key: str, limit: Limit) -> float:
        return self.take_now(key, limit)

    def take_now(self, key: str, limit: Limit) -> float:
        now = time.monotonic()
        with self._lock:
            tokens, updated = self._buckets.pop(key, (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + (now - updated) * limit.per_second)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0.0
            else:
                wait = (1.0 - tokens) / limit.per_second
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self._max:
                self._buckets.popitem(last=False)  # the longest idle: it would be full again
        return wait

    async def aclose(self) -> None:
        return None


#: KEYS[1] bucket; ARGV rate per second, burst. Returns the wait in microseconds (0: granted).
_TAKE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or t
tokens = math.min(burst, tokens + math.max(0, t - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate * 1000000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(t))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return wait
"""


class RedisBuckets:
    def __init__(self, url: str, *, prefix: str = "pdp:gateway:bucket:") -> None:
        self._redis: Redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._redis.register_script(_TAKE)
        self._prefix = prefix
        self._fallback = MemoryBuckets()
        self._failing = False

    async def take(self, key: str, limit: Limit) -> float:
        try:
            micros = await self._script(
                keys=[self._prefix + key], args=[limit.per_second, limit.burst]
            )
        except (RedisError, OSError) as exc:
            if not self._failing:
                log.warning("rate limits: Redis unavailable (%r); counting in memory", exc)
                self._failing = True
            return self._fallback.take_now(key, limit)
        self._failing = False
        return int(micros) / 1_000_000

    async def aclose(self) -> None:
        await self._redis.aclose()


def buckets_for(redis_url: str | None) -> Buckets:
    return RedisBuckets(redis_url) if redis_url else MemoryBuckets()


def retry_after(wait: float) -> str:
    """``Retry-After`` in whole seconds, never 0 (RFC 9110 §10.2.3)."""
    return str(max(1, math.ceil(wait)))
