"""Request limits of the public channels (REST and the web widget's Socket.IO), one place for the numbers.

- Rate: a token bucket per client address and one per conversation. A bucket holds ``burst`` requests and
  refills at ``per_minute`` a minute; a request that finds it empty is refused (REST: HTTP 429 with
  ``Retry-After``; Socket.IO: a notice instead of an answer), with ``RATE_LIMITED`` in Chinese. Defaults:
  120 a minute per address (burst 60: a shared mobile-carrier address serves many people), 20 a minute per
  conversation (burst 10: nobody types faster, quick-reply buttons included). ``RATE_LIMIT_PER_ADDRESS`` and
  ``RATE_LIMIT_PER_CONVERSATION`` (requests a minute; ``0`` = off) change them.
- Address: the peer of the TCP connection, or, behind a reverse proxy that Sanic is told about
  (``SANIC_PROXIES_COUNT`` / ``SANIC_REAL_IP_HEADER``, docs/security.md), the client address the proxy
  reports. Every address is its own bucket, IPv6 too (the whole address, written in its one canonical form so
  that spellings of one address share a bucket; an IPv4-mapped address is the IPv4 one). A /64 is one whole
  network (a household, an office, a campus Wi-Fi): counted as one client it would refuse everybody on it once
  one of them is busy. The price: one host can move between addresses of its /64; each conversation keeps its
  own limit all the same. The loopback address is not limited per
  address (local tools, the benchmark, an undeclared proxy on the same host, where it would be one bucket for
  everyone); per conversation it is.
- Body: ``MAX_BODY`` bytes (64 KB) for every request the Rasa server takes (Sanic's default is 100 MB; set by
  ``serving.patches.server_hardening``), ``MAX_METADATA_BYTES`` / ``MAX_METADATA_DEPTH`` for message metadata.

Buckets live in the process (several Rasa processes each count their own; sticky routing by conversation, which
the Socket.IO channel needs anyway, keeps the per-conversation limit exact), or, when ``RATE_LIMIT_REDIS_URL`` is
set (the production profile), in Redis, shared by every process (``channels/shared_limits.py``). Memory is
bounded: at most ``MAX_KEYS`` buckets, the least recently used dropped first.
"""

from __future__ import annotations

import ipaddress
import math
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_BODY = int(os.environ.get("DEBT_COACH_MAX_BODY", 64 * 1024))
MAX_METADATA_BYTES = 1024
MAX_METADATA_DEPTH = 2
MAX_KEYS = 100_000
DEFAULT_PER_ADDRESS = 120
DEFAULT_PER_CONVERSATION = 20
RATE_LIMITED = ("您发送得太快了，请等 {seconds} 秒再发。"
                "为了让每位用户都能顺畅使用，系统限制了发送频率（每个对话每分钟最多 {conversation} 条）。")
BODY_TOO_LARGE = "请求太大（上限 {kb} KB）。一条消息最多 1000 个字，请分几条发送。"


@dataclass
class Rate:
    per_minute: float
    burst: float

    @classmethod
    def from_env(cls, name: str, default: int) -> Rate | None:
        raw = os.environ.get(name, "").strip()
        per_minute = float(raw) if raw else float(default)
        if per_minute <= 0:
            return None
        return cls(per_minute, max(1.0, per_minute / 2))


class Buckets:
    """Token buckets by key; ``take`` answers 0 when allowed, else the seconds until the next token."""

    def __init__(self, rate: Rate | None, max_keys: int = MAX_KEYS, clock: Any = time.monotonic) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        if self.rate is None:
            return 0.0
        now = self.clock()
        refill = self.rate.per_minute / 60.0
        tokens, last = self._buckets.pop(key, (self.rate.burst, now))
        tokens = min(self.rate.burst, tokens + (now - last) * refill)
        if tokens >= 1:
            tokens -= 1
            wait = 0.0
        else:
            wait = (1 - tokens) / refill
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


class Limits:
    """Per-address and per-conversation buckets of one process (shared by the REST and Socket.IO channels)."""

    def __init__(self, per_address: Rate | None, per_conversation: Rate | None) -> None:
        self.per_address = per_address
        self.per_conversation = per_conversation
        self.addresses = Buckets(per_address)
        self.conversations = Buckets(per_conversation)

    @classmethod
    def from_env(cls) -> Limits:
        return cls(Rate.from_env("RATE_LIMIT_PER_ADDRESS", DEFAULT_PER_ADDRESS),
                   Rate.from_env("RATE_LIMIT_PER_CONVERSATION", DEFAULT_PER_CONVERSATION))

    def check_address(self, address: str) -> float:
        key = address_key(address)
        return 0.0 if key is None else self.addresses.take(key)

    def check_conversation(self, conversation_id: str) -> float:
        return self.conversations.take(conversation_id)

    def message(self, wait: float) -> str:
        per_conversation = int(self.per_conversation.per_minute) if self.per_conversation else 0
        return RATE_LIMITED.format(seconds=max(1, math.ceil(wait)), conversation=per_conversation)


def address_key(address: str | None) -> str | None:
    """The bucket of a client address: None for loopback (not limited), else the address itself (canonical)."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return "other:" + address[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(int(ip))  # fe80::1%eth0 and fe80::1%1 are one client: no zone in the key
    return str(ip)


def client_address(request: Any) -> str:
    """The client's address: what a declared proxy reports (Sanic's ``remote_addr``), else the TCP peer."""
    return getattr(request, "remote_addr", "") or getattr(request, "ip", "") or ""


def metadata_problem(value: Any, max_bytes: int = MAX_METADATA_BYTES,
                     max_depth: int = MAX_METADATA_DEPTH) -> str | None:
    """Why metadata is refused (too deep / too large), or None."""
    import json

    def depth(v: Any, level: int) -> int:
        if level > max_depth:
            return level
        if isinstance(v, dict):
            return max([depth(x, level + 1) for x in v.values()] or [level])
        if isinstance(v, list):
            return max([depth(x, level + 1) for x in v] or [level])
        return level

    if depth(value, 1) > max_depth:
        return f"metadata 层级过深（最多 {max_depth} 层）。"
    try:
        size = len(json.dumps(value, ensure_ascii=False).encode())
    except UnicodeEncodeError:  # a lone surrogate (「\ud806」): not text, and the tracker store could not keep it
        return "metadata 含有无法识别的字符。"
    if size > max_bytes:
        return f"metadata 过大（最多 {max_bytes} 字节）。"
    return None


def _from_env() -> Limits:
    url = os.environ.get("RATE_LIMIT_REDIS_URL", "").strip()
    if url:
        from channels.shared_limits import shared_limits

        return shared_limits(url)
    return Limits.from_env()


LIMITS = _from_env()


