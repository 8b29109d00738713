"""The stores this project names in its endpoint files. In the production profile (`make run-prod`,
serving/prod.py) several Rasa processes share one PostgreSQL tracker store and one Redis lock store; the
embedded profile keeps its conversations in one SQLite file.

- ``AtomicRedisLockStore`` (endpoints: ``lock_store: type: serving.stores.AtomicRedisLockStore``): Rasa 3.6's
  ``RedisLockStore`` reads a conversation's ticket lock, changes it in Python and writes it back; two processes
  doing that at once for one conversation each overwrite the other's ticket and both go ahead
  (RasaHQ/rasa#9213; the fix, ``ConcurrentRedisLockStore``, is Rasa Pro only). Here every change of a lock
  (issue a ticket, drop expired ones, finish, clean up) is one optimistic transaction (``WATCH`` / ``MULTI``,
  retried when another process changed the key in between), so a ticket is never lost and two processes never
  serve one conversation at the same time. Waiting is polled every ``poll`` seconds (Rasa: 1 s).
  Redis unreachable: the turn fails with Rasa's ``LockError`` (the channel answers with its error message);
  nothing is processed without the lock, nothing is stored, and the next turn works once Redis is back.
- ``CoachSQLTrackerStore`` (``tracker_store: type: serving.stores.CoachSQLTrackerStore``, in endpoints.yml with
  SQLite and in deploy/endpoints.prod.yml with PostgreSQL): Rasa's ``SQLTrackerStore`` extended where Rasa lets a
  project name its own store: connections checked before use and a short retry of a read or write that lost its
  connection, a private SQLite file (0600) whose deleted conversations are overwritten, and a cheaper turn (three
  fixed SQL statements, kept SQLite connections, WAL) unless ``DEBT_COACH_STOCK_TURN=1``. See the class.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncGenerator, Awaitable, Callable, TypeVar

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.core.tracker_store import POSTGRESQL_SCHEMA, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.utils.endpoints import EndpointConfig

from serving.patches import pinned, turn_switch

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_POLL = 0.05
MAX_WATCH_RETRIES = 100


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose lock changes are atomic across processes (see the module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options = dict(endpoint_config.kwargs) if endpoint_config else {}
        options.update(kwargs)
        self.poll = float(options.pop("poll", DEFAULT_POLL))
        host = (endpoint_config.url if endpoint_config else None) or options.pop("host", "localhost")
        options.pop("host", None)
        super().__init__(host=host, **options)

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]
                ) -> T:
        """Apply ``change`` to the stored lock in one transaction: it gets the lock (or None) and returns the
        lock to store (None: delete the key) and a result."""
        import redis

        key = self._key(conversation_id)
        with self.red.pipeline() as pipe:
            for _ in range(MAX_WATCH_RETRIES):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
                finally:
                    pipe.reset()
        raise LockError(f"lock of conversation '{conversation_id}' kept changing under {MAX_WATCH_RETRIES} tries")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except LockError:
            raise
        except Exception as e:  # Redis down: Rasa's own message, the turn fails before anything is processed
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket; the key goes when nobody else waits (one step: no waiter's ticket is lost)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except Exception:  # Redis gone mid-turn: the ticket expires by itself
            logger.warning("could not release the lock of %s; it expires after its lifetime", conversation_id)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, min(wait_time_in_seconds, self.poll)) as lock:
            yield lock


def _is_connection_error(error: BaseException) -> bool:
    import sqlalchemy.exc

    return isinstance(error, (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)) or (
        isinstance(error, sqlalchemy.exc.DBAPIError) and bool(error.connection_invalidated))


# ---------- CoachSQLTrackerStore: the three statements ----------

NOTE = "_debt_coach_stored_rows_in_session"  # attribute of a DialogueStateTracker read by the statements
COLUMNS = ("id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")

_LATEST_SESSION = (
    "FROM events e, (SELECT max(timestamp) AS session_start FROM events "
    "WHERE sender_id = :sender AND type_name = :started) s "
    "WHERE e.sender_id = :sender AND (e.timestamp >= s.session_start OR s.session_start IS NULL)")
READ_SESSION = sa.text(f"SELECT e.data {_LATEST_SESSION} ORDER BY e.id")
READ_ALL = sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id")
COUNT_SESSION = sa.text(f"SELECT count(*) {_LATEST_SESSION}")
INSERT = SQLTrackerStore.SQLEvent.__table__.insert()  # Core, so psycopg2 sends the rows in one statement


def handles(engine: sa.engine.Engine) -> bool:
    """True for the databases the statements are written for (SQLite, PostgreSQL without
    ``POSTGRESQL_SCHEMA``, which Rasa checks in its own session); the others keep Rasa's code."""
    dialect = engine.dialect.name
    return dialect == "sqlite" or (dialect == "postgresql" and not os.environ.get(POSTGRESQL_SCHEMA))


def event_row(sender_id: str, event: Any) -> dict[str, Any]:
    """One ``events`` row, built as Rasa's ``SQLTrackerStore.save`` builds it."""
    data = event.as_dict()
    return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"), "data": json.dumps(data)}


def session_params(sender_id: str) -> dict[str, str]:
    return {"sender": sender_id, "started": SessionStarted.type_name}


# ---------- CoachSQLTrackerStore: the SQLite file ----------

def private_file(path: str | os.PathLike) -> None:
    """Create the database file readable by its owner only (0600), or tighten an existing one: SQLite would
    create it with the process umask (usually 0644). SQLite gives its journal, WAL and shared-memory files the
    database file's mode."""
    p = Path(path)
    if str(p) in ("", ":memory:"):
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    if not p.exists():
        os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(p, 0o600)


def is_sqlite_file(engine: sa.engine.Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


def secure_delete(dbapi_connection: Any, _record: Any = None) -> None:
    """``connect`` listener: a deleted row's bytes are overwritten with zeros in the file, not left in free
    space. Per connection; some SQLite builds (Debian's) have it on by default, others (python.org's) not."""
    dbapi_connection.execute("PRAGMA secure_delete=ON")


def synchronous_normal(dbapi_connection: Any, _record: Any = None) -> None:
    """``connect`` listener: in WAL mode, fsync at checkpoints rather than on every commit."""
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def pooled_sqlite(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The same SQLite file with a small ``QueuePool`` (SQLAlchemy 1.4 gives file databases ``NullPool``: a new
    connection, and its pragmas, for every read and every save). A connection may go back to the pool from
    another thread than the one that opened it; it is used by one checkout at a time, which is what SQLite's
    ``check_same_thread`` guards."""
    engine.dispose()
    return sa.create_engine(engine.url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=8,
                            connect_args={"check_same_thread": False})


def keep_wal(engine: sa.engine.Engine) -> Any:
    """Put the SQLite file in WAL mode; returns a connection to keep open as long as the engine: when the last
    connection closes, SQLite checkpoints and deletes the log with an fsync."""
    keeper = engine.raw_connection()
    mode = keeper.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"SQLite refused WAL mode for the tracker store ({mode})")
    keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()  # a read maps the log: it stays open
    return keeper


class CoachSQLTrackerStore(SQLTrackerStore):
    """Rasa's ``SQLTrackerStore`` as this project runs it, embedded (SQLite) and in production (PostgreSQL).

    Named in endpoints.yml (``tracker_store: type: serving.stores.CoachSQLTrackerStore``); Rasa wraps it in its
    ``FailSafeTrackerStore`` as any store (``serving.patches.strict_tracker_store`` makes that wrapper fail the
    turn instead of starting an empty conversation).

    Always:

    - SQLite: the file is created 0600 (it holds every conversation), and every connection runs with
      ``PRAGMA secure_delete=ON``, so a deleted conversation (the borrower's 「确认删除」, the staff console)
      is overwritten in the file, not left in its free space. Its copy in the WAL goes at the next checkpoint.
    - Other databases (PostgreSQL): connections checked before use (``pool_pre_ping``), so after a database
      restart the pool's dead connections are replaced instead of failing one turn each.
    - A read or write that fails on a lost connection is retried (``retries`` × ``retry_wait`` seconds, waiting
      without blocking the event loop). A write is safe to retry: it stores only the events the database does
      not have yet, in one transaction. When the database stays down the error goes up.

    Unless ``DEBT_COACH_STOCK_TURN=1`` (then Rasa's own ``_retrieve``/``save`` and engine run: the benchmark's
    "Rasa's own code"):

    - The turn's events are read and written with three fixed SQL statements instead of SQLAlchemy's ORM (Rasa
      builds an ORM query per read and save, counts the session's rows before every save, and inserts one ORM
      object at a time: about 15 % of the Rasa process's CPU in a profile of whole conversations). The read
      (the latest session's events by id: the predicate Rasa's ORM query renders), the count, and one insert of
      all new events (Core, so psycopg2 sends them together), each row exactly as Rasa builds it. The read
      notes on the tracker how many rows it was built from, and the next save of that object uses the note
      instead of counting, once (a second save of the same object, or a retry, counts in SQL as Rasa does). A
      tracker not read here (new, a full tracker, built elsewhere) is counted. SQLite and PostgreSQL only;
      others, and PostgreSQL with ``POSTGRESQL_SCHEMA``, keep Rasa's code.
    - SQLite: a small ``QueuePool`` instead of a new connection per read and save, WAL mode with
      ``synchronous=NORMAL`` (no fsync per commit: the commit was 18 % of a turn's wall time), and one idle
      connection kept open so the log is not checkpointed and deleted whenever the pool empties. SQLite's
      documented trade-off: after a power failure or OS crash (not a crash of Rasa) the last few committed
      turns can be missing; the file stays consistent.

    The statements copy Rasa 3.6.21's ``SQLTrackerStore``; the store refuses to use them on any other Rasa or
    when those functions' sources differ (``serving.patches.pinned``).
    """

    def __init__(self, domain: Domain | None = None, dialect: str = "sqlite", host: str | None = None,
                 port: int | None = None, db: str = "rasa.db", *args: Any, retries: int = 6,
                 retry_wait: float = 0.5, **kwargs: Any) -> None:
        if dialect == "sqlite" and not host:
            private_file(db)
        super().__init__(domain, dialect, host, port, db, *args, **kwargs)
        self.retries = int(retries)
        self.retry_wait = float(retry_wait)
        self.turn_patches = turn_switch.enabled()
        self.statements = self.turn_patches and handles(self.engine)
        if self.statements:
            pinned.require("serving.stores.CoachSQLTrackerStore")
            table = self.SQLEvent.__table__
            turn_switch.require(table.name == "events" and tuple(table.columns.keys()) == COLUMNS,
                                "the events table's columns")
        self.engine = self._engine(self.engine)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._wal_keeper = keep_wal(self.engine) if self.turn_patches and is_sqlite_file(self.engine) else None

    def _engine(self, engine: sa.engine.Engine) -> sa.engine.Engine:
        """Rasa's engine made again as described in the class docstring."""
        if engine.dialect.name == "sqlite":
            if not is_sqlite_file(engine):
                return engine  # in memory: its one connection holds the database; nothing on disk
            engine = pooled_sqlite(engine) if self.turn_patches else engine
            engine.dispose()  # connections opened before the listeners (creating the table) are not reused
            sa.event.listen(engine, "connect", secure_delete)
            if self.turn_patches:
                sa.event.listen(engine, "connect", synchronous_normal)
            return engine
        url = engine.url
        engine.dispose()
        return sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(self.retries + 1):
            try:
                return await call()
            except Exception as error:
                if attempt >= self.retries or not _is_connection_error(error):
                    raise
                logger.warning("tracker store %s failed (%s); retry %d of %d", what,
                               type(error).__name__, attempt + 1, self.retries)
                self.engine.dispose()
                await asyncio.sleep(self.retry_wait * (attempt + 1))
        raise AssertionError("unreachable")

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        read = super().retrieve
        return await self._retrying("read", lambda: read(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        read = super().retrieve_full_tracker
        return await self._retrying("read", lambda: read(conversation_id))

    async def keys(self) -> Any:
        keys = super().keys
        return await self._retrying("keys", keys)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._retrying("write", lambda: self._save(tracker))

    async def _retrieve(self, sender_id: str,
                        fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's ``_retrieve`` in one statement, noting on the tracker how many rows of the session it read."""
        if not self.statements:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.engine.connect() as connection:
            if fetch_events_from_all_sessions:
                rows = connection.execute(READ_ALL, {"sender": sender_id}).fetchall()
            else:
                rows = connection.execute(READ_SESSION, session_params(sender_id)).fetchall()
        events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            if not fetch_events_from_all_sessions:
                setattr(tracker, NOTE, len(rows))
            return tracker
        logger.debug("Can't retrieve tracker matching sender id '%s' from SQL storage. Returning `None` instead.",
                     sender_id)
        return None

    async def _save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``save``: the events the store does not hold yet, counted and inserted in one transaction."""
        if not self.statements:
            return await super().save(tracker)
        await self.stream_events(tracker)
        with self.engine.begin() as connection:
            stored = tracker.__dict__.pop(NOTE, None)  # once: a retry or a second save counts in SQL
            if stored is None:
                stored = connection.execute(COUNT_SESSION, session_params(tracker.sender_id)).scalar_one()
            rows = [event_row(tracker.sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
            if rows:
                connection.execute(INSERT, rows)
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)


# The name older endpoint files use: an unknown store type would make Rasa fall back to memory.
ResilientSQLTrackerStore = CoachSQLTrackerStore
