"""The replay record of signed callbacks (WeCom, LINE, WhatsApp): has this message been taken already?

One small interface, ``ReplayRecord.claim(key, ttl)``: True the first time a key is claimed within ``ttl``
seconds, False afterwards — atomic, like Redis ``SET key 1 NX EX ttl``, so that when several processes share a
record exactly one of them takes a message. Three implementations here:

- ``MemoryReplayRecord``: this process only, bounded (oldest keys dropped first); forgotten on a restart;
- ``SQLiteReplayRecord(path)``: a file that every process on the host shares and that survives restarts (the
  embedded profile's default for LINE and WhatsApp: ``var/line-replay.db``, ``var/whatsapp-replay.db``);
- ``RedisReplayRecord(url)``: ``SET key 1 NX EX ttl`` on a Redis server that every host shares (the production
  profile: ``serving/prod.py`` and deploy/k8s set ``*_REPLAY_RECORD=redis://…/3``). Redis unreachable: the claim
  raises, the webhook fails and the platform delivers the message again later — never taken twice.

``make_record("memory" | "sqlite:///path" | "redis://…" | "module.path:factory")`` builds one from configuration.
"""

from __future__ import annotations

import asyncio
import math
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
MAX_CLOCK_SKEW = 300  # seconds an event's own time may be from this server's clock (as WeCom's timestamps)


def default_spec(channel: str) -> str:
    """The embedded profile's record of a messaging channel: a SQLite file in var/, shared by the processes
    of the host and kept across restarts (a record in memory would take a captured event again after one)."""
    return f"sqlite:///{ROOT / 'var' / f'{channel}-replay.db'}"


def event_time_ok(seconds: Any, skew: float, now: float | None = None) -> bool:
    """Is an event's signed time (Unix seconds) within ``skew`` seconds of this server's clock? A captured
    event is refused once it is older than that, also after its replay record has expired."""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return False
    if not math.isfinite(value):
        return False
    return abs((time.time() if now is None else now) - value) <= skew


class ReplayRecord(Protocol):
    async def claim(self, key: str, ttl: float) -> bool:
        """True the first time ``key`` is claimed within ``ttl`` seconds (atomic across the record's users)."""
        ...


class MemoryReplayRecord:
    def __init__(self, size: int = 100_000, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.size = size
        self.clock = clock
        self._keys: OrderedDict[str, float] = OrderedDict()

    async def claim(self, key: str, ttl: float) -> bool:
        now = self.clock()
        while self._keys:  # expire from the oldest
            first, expires = next(iter(self._keys.items()))
            if expires > now:
                break
            del self._keys[first]
        if key in self._keys:
            return False
        self._keys[key] = now + ttl
        while len(self._keys) > self.size:
            self._keys.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._keys)


class SQLiteReplayRecord:
    """A record in a SQLite file (mode 0600): shared by every process on one host. Calls run in a thread."""

    def __init__(self, path: str | Path, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.path = Path(path)
        self.clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS replay (key TEXT PRIMARY KEY, expires REAL NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5, isolation_level=None)

    def claim_sync(self, key: str, ttl: float) -> bool:
        now = self.clock()
        with self._lock:
            db = self._connect()
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("DELETE FROM replay WHERE expires <= ?", (now,))
                taken = db.execute("INSERT OR IGNORE INTO replay (key, expires) VALUES (?, ?)",
                                   (key, now + ttl)).rowcount == 1
                db.execute("COMMIT")
                return taken
            finally:
                db.close()

    async def claim(self, key: str, ttl: float) -> bool:
        return await asyncio.get_running_loop().run_in_executor(None, self.claim_sync, key, ttl)


class RedisReplayRecord:
    """A record in Redis: one ``SET NX EX`` per claim (atomic on the server, so every process and host agrees).
    Keys are ``prefix`` + the channel's key (``line:…``, ``whatsapp:…``, ``wecom:…``); values carry no content."""

    def __init__(self, url: str, prefix: str = "debtcoach:replay:", client: Any = None) -> None:
        if client is None:
            import redis

            client = redis.StrictRedis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.client = client
        self.prefix = prefix

    def claim_sync(self, key: str, ttl: float) -> bool:
        return bool(self.client.set(self.prefix + key, b"1", nx=True, ex=max(1, math.ceil(ttl))))

    async def claim(self, key: str, ttl: float) -> bool:
        return await asyncio.get_running_loop().run_in_executor(None, self.claim_sync, key, ttl)


def make_record(spec: str | None) -> ReplayRecord:
    spec = (spec or "memory").strip()
    if spec == "memory":
        return MemoryReplayRecord()
    if spec.startswith("sqlite:///"):
        return SQLiteReplayRecord(spec[len("sqlite:///"):])
    if spec.startswith(("redis://", "rediss://")):
        return RedisReplayRecord(spec)
    if ":" in spec:
        import importlib

        module, _, factory = spec.partition(":")
        return getattr(importlib.import_module(module), factory)()
    raise ValueError(f"unknown replay record {spec!r}: memory, sqlite:///<path>, redis://… or module:factory")
