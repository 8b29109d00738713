"""The SQLite tracker store in write-ahead-log mode with ``synchronous=NORMAL``: no fsync on every turn.

Rasa 3.6.21's ``SQLTrackerStore`` commits each turn in SQLite's default rollback-journal mode with
``synchronous=FULL``: every commit writes a journal and waits for two fsyncs while holding Rasa's one event
loop (in a wall-clock profile of whole conversations, ``sqlite3.Connection.commit`` was 18 % of the turn). In WAL
mode with ``synchronous=NORMAL`` a commit appends to the log and fsyncs only at checkpoints; readers and the
writer no longer block each other (the retention job, the tests' read-only look at the file). What a turn
stores and reads is the same. The one difference, SQLite's documented trade-off: after a power failure or OS
crash (not a crash of Rasa) the last few committed turns can be missing; the file itself stays consistent. The
production profile keeps PostgreSQL and is not affected.

SQLAlchemy 1.4 opens file databases with ``NullPool``: a new connection (and its pragmas) for every read and
every save. The store's engine is made again with a small ``QueuePool`` (``pooled``), so a conversation's turns
reuse a few open connections; ``synchronous`` is set by a ``connect`` listener (``journal_mode`` is kept in the
file). The store also holds one idle connection open for as long as it lives, even after the pool is emptied
(``ResilientSQLTrackerStore`` disposes it after an error): otherwise the close of the last connection would
checkpoint and delete the log with an fsync. The WAL and shared-memory files get the database file's mode
from SQLite (0600, ``tracker_file_mode``). Targets Rasa 3.6.21 (``SQLTrackerStore.engine``); fails at start-up
if the store has no SQLAlchemy engine. Off with ``DEBT_COACH_STOCK_TURN=1``.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore

from serving.patches.turn_switch import enabled, require

_MARK = "_debt_coach_sqlite_wal"


def set_synchronous(dbapi_connection: Any, _record: Any = None) -> None:
    """SQLAlchemy ``connect`` listener: ``synchronous=NORMAL`` on every new DB-API connection."""
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def pooled(engine: sa.engine.Engine) -> sa.engine.Engine:
    """A file-based SQLite engine that keeps its connections (SQLAlchemy 1.4 gives file databases ``NullPool``:
    a new connection, and the ``synchronous`` pragma, for every read and every save). Connections may be
    returned to the pool from another thread than the one that opened them; a connection is used by one
    checkout at a time, which is what SQLite's ``check_same_thread`` guards. Other engines are returned as
    they are."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return engine
    engine.dispose()
    return sa.create_engine(engine.url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=8,
                            connect_args={"check_same_thread": False})


def use_wal(engine: sa.engine.Engine) -> Any:
    """Put a file-based SQLite engine in WAL mode; returns the connection that keeps the log open (keep a
    reference as long as the engine), or None for other databases and for ``:memory:``."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    if not sa.event.contains(engine, "connect", set_synchronous):
        sa.event.listen(engine, "connect", set_synchronous)
    engine.dispose()  # connections opened before the listener (creating the table) are not reused
    keeper = engine.raw_connection()
    mode = keeper.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    require(str(mode).lower() == "wal", f"SQLite refused WAL mode ({mode})")
    keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()  # a read maps the log: it stays open
    return keeper


def install() -> None:
    if not enabled() or getattr(SQLTrackerStore.__init__, _MARK, False):
        return
    original = SQLTrackerStore.__init__

    @functools.wraps(original)  # keeps the marks of the patches below (tracker_file_mode's), so each stays once
    def __init__(self: SQLTrackerStore, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        engine = getattr(self, "engine", None)
        require(isinstance(engine, sa.engine.Engine), "SQLTrackerStore.engine")
        self.engine = pooled(engine)
        if self.engine is not engine:
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._debt_coach_wal_keeper = use_wal(self.engine)

    setattr(__init__, _MARK, True)
    SQLTrackerStore.__init__ = __init__  # type: ignore[method-assign]
