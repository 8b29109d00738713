"""Builds the downloadable files of channels/files.py away from Rasa's event loop, once per case version.

Why a process: a .docx or PDF of a long conversation is pure Python (python-docx, reportlab) that holds the GIL
for half a second or more; built on the event loop (or in a thread, which still needs the GIL) it stalls every
other conversation of the Rasa process. Here it runs in a small ``ProcessPoolExecutor`` (``DOWNLOAD_WORKERS``,
default 1), made on the first download of the process, whose workers run at a lower CPU priority
(``DOWNLOAD_WORKER_NICE``, default 10), so that on a busy machine replies win over files.

Why ``spawn``: the worker is a fresh interpreter that imports only this module and what the files need (about
0.5 s once, a ~40 MB process). ``fork`` would copy a multi-threaded process with TensorFlow loaded (its thread
pools and any lock held at that moment: deadlocks; ~240 MB copied) along with the event loop and the database
connections. ``forkserver`` works as well but keeps one more process to save that 0.5 s when a worker is replaced,
which happens only after a build was stopped. Spawned children import the parent's ``__main__``: Rasa is started
as ``python -m serving.rasa_cli``, whose module imports nothing at the top, so that costs nothing.

Only plain data crosses into the worker (``Job``: the slot values, the user's texts, two dates); the tracker never
does. ``Job.version`` is a hash of exactly those inputs: the same conversation in the same state is served from a
bounded LRU cache (``DOWNLOAD_CACHE_ENTRIES``, ``DOWNLOAD_CACHE_MB``; 0 entries: off) without a rebuild, and any new
message gives a new version. Rebuilding a long conversation's tracker to compute that hash is itself ~0.1 s of the
event loop, so the version last built is also remembered by what the tracker store says of the conversation
(``known``: its events' count, newest id and time, one indexed query in channels/files.py): a repeated download of
an unchanged conversation reads no tracker at all. Defaults: 64 files, 32 MB. Concurrent requests for one version
share one build. Limits: at most ``DOWNLOAD_MAX_PENDING`` builds waiting or running (more: ``Busy``); a request
waits ``DOWNLOAD_BUILD_TIMEOUT`` seconds (then ``TimeoutError``; the build goes on and fills the cache for the next
try), and a build still running after ``HARD_TIMEOUT_FACTOR`` times that has its worker stopped.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
import logging
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Dict, Tuple

logger = logging.getLogger(__name__)

OK, NOTHING, NO_FONT = "ok", "nothing", "no_font"
START_METHOD = "spawn"
HARD_TIMEOUT_FACTOR = 4
Outcome = Tuple[str, bytes]


def _env_number(name: str, default: float, minimum: float = 0) -> float:
    try:
        return max(minimum, float(os.environ.get(name, "").strip() or default))
    except ValueError:
        return default


class Busy(RuntimeError):
    """Too many builds waiting: the request is refused at once instead of queueing without end."""


@dataclass(frozen=True)
class Job:
    """What one file is built from: plain, picklable data read from the tracker by channels/files.py."""

    name: str
    conversation_id: str
    slots: Dict[str, Any]
    user_texts: Tuple[str, ...]
    drafted_on: datetime.date | None
    today: datetime.date

    def version(self) -> str:
        """The case version: equal inputs (so equal files, up to the build's timestamps) give an equal hash."""
        data = [self.name, self.conversation_id, self.slots, list(self.user_texts),
                self.drafted_on.isoformat() if self.drafted_on else None, self.today.isoformat()]
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


def build(job: Job) -> Outcome:
    """In the worker: the file's bytes, or why there is none (NOTHING: nothing to put in it; NO_FONT)."""
    from coach import exports
    from coach.bundle import bundle

    content = bundle(job.slots, user_texts=job.user_texts, drafted_on=job.drafted_on, today=job.today)
    if not content.sections:
        return NOTHING, b""
    if job.name == "drafts.docx":
        return OK, exports.docx_bytes(content)
    if job.name == "drafts.pdf":
        try:
            return OK, exports.pdf_bytes(content)
        except exports.FontMissing:
            return NO_FONT, b""
    if not content.events:
        return NOTHING, b""
    return OK, exports.ics_bytes(content, job.conversation_id)


def _worker_start(nice: int) -> None:
    """Runs once in each worker: lower priority, the libraries imported now, and an exit when Rasa is gone (a
    killed parent never sends the pool's stop signal)."""
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    import coach.bundle
    import coach.exports  # noqa: F401

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(2)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Cache:
    """LRU of built files by version, bounded in entries and bytes (0 entries: no cache)."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[str, Outcome] = OrderedDict()

    def get(self, key: str) -> Outcome | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: str, outcome: Outcome) -> None:
        if self.max_entries <= 0 or len(outcome[1]) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= len(old[1])
        self._items[key] = outcome
        self.size += len(outcome[1])
        while len(self._items) > self.max_entries or self.size > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.size -= len(dropped[1])

    def __len__(self) -> int:
        return len(self._items)


class Builder:
    """The worker pool of this Rasa process (made on first use), the cache and the builds under way."""

    def __init__(self, workers: int, timeout: float, max_pending: int, cache: Cache, nice: int = 10,
                 hard_timeout: float | None = None) -> None:
        self.workers = workers
        self.timeout = timeout
        self.hard_timeout = hard_timeout or timeout * HARD_TIMEOUT_FACTOR
        self.max_pending = max_pending
        self.cache = cache
        self.nice = nice
        self.builds = 0  # how many builds ran (tests and logs tell cache hits from builds)
        self._pool: ProcessPoolExecutor | None = None
        self._running: dict[str, asyncio.Future[Outcome]] = {}
        # What the tracker store says of a conversation (see ``known``) → the version last built from it.
        self._stored: OrderedDict[Tuple[Any, ...], str] = OrderedDict()

    @classmethod
    def from_env(cls) -> Builder:
        cache = Cache(int(_env_number("DOWNLOAD_CACHE_ENTRIES", 64)),
                      int(_env_number("DOWNLOAD_CACHE_MB", 32) * 1024 * 1024))
        return cls(int(_env_number("DOWNLOAD_WORKERS", 1, 1)), _env_number("DOWNLOAD_BUILD_TIMEOUT", 30, 1),
                   int(_env_number("DOWNLOAD_MAX_PENDING", 8, 1)), cache,
                   int(_env_number("DOWNLOAD_WORKER_NICE", 10)))

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(START_METHOD),
                                             initializer=_worker_start, initargs=(self.nice,))
        return self._pool

    def _stop_workers(self) -> None:
        """Kill the workers (a build that never ends, or a broken pool); the next build makes a new pool."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list((getattr(pool, "_processes", None) or {}).values()):  # no public way to stop a task
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def known(self, stored: Tuple[Any, ...] | None) -> Outcome | None:
        """The cached file for a conversation the tracker store describes as ``stored`` (its id, the file's name,
        the day, and its events' count, newest id and newest time), without reading the tracker: events are only
        ever added or deleted, never changed, so the same description means the same conversation."""
        version = self._stored.get(stored) if stored is not None else None
        return self.cache.get(version) if version is not None else None

    def forget(self, conversation_id: str) -> None:
        """Drop what is remembered of a conversation (its files stay only until the cache drops them: their
        versions can no longer be reached)."""
        for stored in [k for k in self._stored if k and k[0] == conversation_id]:
            del self._stored[stored]

    async def get(self, job: Job, stored: Tuple[Any, ...] | None = None) -> Outcome:
        """The file for ``job``: from the cache, from a build already under way, or built now in the worker.
        ``stored``: the tracker store's description of the conversation as read before the tracker was."""
        key = job.version()
        if stored is not None:
            self._stored[stored] = key
            self._stored.move_to_end(stored)
            while len(self._stored) > max(16, 4 * self.cache.max_entries):
                self._stored.popitem(last=False)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        running = self._running.get(key)
        if running is None:
            if len(self._running) >= self.max_pending:
                raise Busy(len(self._running))
            running = asyncio.ensure_future(self._build(key, job))
            self._running[key] = running
            running.add_done_callback(lambda done: self._finished(key, done))
        # shield: a client that gives up (or times out) leaves the build to finish and fill the cache
        return await asyncio.wait_for(asyncio.shield(running), self.timeout)

    def _finished(self, key: str, done: asyncio.Future[Outcome]) -> None:
        self._running.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved: when every requester gave up, the failure is logged once by _build

    async def _build(self, key: str, job: Job) -> Outcome:
        loop = asyncio.get_running_loop()
        self.builds += 1
        started = time.monotonic()
        try:
            future = loop.run_in_executor(self._executor(), build, job)
            outcome = await asyncio.wait_for(future, self.hard_timeout)
        except asyncio.TimeoutError:
            logger.error("download build of %s stopped after %.0f s", job.name, time.monotonic() - started)
            self._stop_workers()
            raise
        except BrokenProcessPool:
            logger.error("download worker died; a new one starts with the next build")
            self._stop_workers()
            raise
        if outcome[0] != NO_FONT:  # a font installed later must be picked up
            self.cache.put(key, outcome)
        logger.debug("built %s (%d bytes) in %.2f s", job.name, len(outcome[1]), time.monotonic() - started)
        return outcome


_BUILDER: Builder | None = None


def builder() -> Builder:
    """This process's builder (settings read from the environment on first use)."""
    global _BUILDER
    if _BUILDER is None:
        _BUILDER = Builder.from_env()
    return _BUILDER
