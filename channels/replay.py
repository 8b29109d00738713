"""The replay record of signed callbacks (WeCom): has this message been taken already?

One small interface, ``ReplayRecord.claim(key, ttl)``: True the first time a key is claimed within ``ttl``
seconds, False afterwards — atomic, like Redis ``SET key 1 NX EX ttl``, so that when several processes share a
record exactly one of them takes a message. Two implementations here:

- ``MemoryReplayRecord`` (the default): this process only, bounded (oldest keys dropped first);
- ``SQLiteReplayRecord(path)``: a file that every process on the host shares (``replay_record:
  "sqlite:///var/wecom-replay.db"`` under the WeCom channel in credentials.yml).

Several hosts need a shared server; a Redis implementation of the same method is the production step
(``SET NX EX``). ``make_record("memory" | "sqlite:///path" | "module.path:factory")`` builds one from
configuration.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Protocol


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
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


def make_record(spec: str | None) -> ReplayRecord:
    spec = (spec or "memory").strip()
    if spec == "memory":
        return MemoryReplayRecord()
    if spec.startswith("sqlite:///"):
        return SQLiteReplayRecord(spec[len("sqlite:///"):])
    if spec.startswith(("redis://", "rediss://")):
        from channels.shared_limits import RedisReplayRecord

        return RedisReplayRecord(spec)
    if ":" in spec:
        import importlib

        module, _, factory = spec.partition(":")
        return getattr(importlib.import_module(module), factory)()
    raise ValueError(f"unknown replay record {spec!r}: memory, sqlite:///<path>, redis://… or module:factory")
