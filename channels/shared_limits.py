"""Rate limits and the replay record shared by every Rasa process through Redis (the production profile).

``channels/limits.py`` keeps its token buckets in the process: with two Rasa processes a client gets twice its
allowance. When ``RATE_LIMIT_REDIS_URL`` is set (``serving/prod.py`` sets it), the buckets live in Redis and are
updated by one script (atomic; Redis's own clock, so every process agrees). If Redis cannot be reached, each
process falls back to its own buckets for that request (limits stay on, per process) and logs it once a minute;
the turn itself then fails at the lock store anyway (README "Production profile").

``RedisReplayRecord`` (now in ``channels/replay.py``, imported here for old references) is the replay record as
Redis ``SET key 1 NX EX ttl``: exactly one process takes a WeCom, LINE or WhatsApp message
(``replay_record: "redis://…"`` / ``*_REPLAY_RECORD``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from channels.limits import Buckets, Rate
from channels.replay import RedisReplayRecord  # noqa: F401  (re-exported: it lives with the other records)

logger = logging.getLogger(__name__)

# Token bucket: tokens refill at ARGV[1] per second up to ARGV[2]; answers the seconds to wait (0 = allowed).
TAKE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate, burst, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(v[1]) or burst
local ts = tonumber(v[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], ttl)
return tostring(wait)
"""


class RedisBuckets(Buckets):
    """``Buckets`` whose state is in Redis under ``prefix``; the in-process buckets are the fallback."""

    def __init__(self, rate: Rate | None, client: Any, prefix: str) -> None:
        super().__init__(rate)
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(TAKE) if rate else None
        self._warned = 0.0

    def take(self, key: str) -> float:
        if self.rate is None or self._script is None:
            return 0.0
        ttl = int(self.rate.burst / (self.rate.per_minute / 60.0)) + 60
        try:
            args = [self.rate.per_minute / 60.0, self.rate.burst, ttl]
            return float(self._script(keys=[self.prefix + key], args=args))
        except Exception as err:  # Redis away: this process's own buckets meanwhile
            if time.monotonic() - self._warned > 60:
                logger.warning("rate limits: Redis unreachable (%s); counting per process", err)
                self._warned = time.monotonic()
            return super().take(key)


def redis_client(url: str) -> Any:
    import redis

    return redis.StrictRedis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def shared_limits(url: str) -> Any:
    """``channels.limits.Limits`` with its two bucket sets in Redis."""
    from channels.limits import DEFAULT_PER_ADDRESS, DEFAULT_PER_CONVERSATION, Limits

    limits = Limits(Rate.from_env("RATE_LIMIT_PER_ADDRESS", DEFAULT_PER_ADDRESS),
                    Rate.from_env("RATE_LIMIT_PER_CONVERSATION", DEFAULT_PER_CONVERSATION))
    client = redis_client(url)
    limits.addresses = RedisBuckets(limits.per_address, client, "debtcoach:rate:addr:")
    limits.conversations = RedisBuckets(limits.per_conversation, client, "debtcoach:rate:conv:")
    return limits
