"""serving.stores.CoachSQLTrackerStore, the tracker store endpoints.yml names, against Rasa's own SQLTrackerStore
on real SQLite files: the same rows as Rasa's ORM, both codes reading each other's conversations, fewer count
queries, one kept connection, WAL, a private file, deleted conversations overwritten, retries, and Rasa's own code
with DEBT_COACH_STOCK_TURN=1."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
import types
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from serving import stores
from serving.patches import pinned, turn_switch
from serving.stores import CoachSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain"))


@pytest.fixture(autouse=True)
def turn_patches_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The serving default; a test that wants Rasa's own code sets the switch itself."""
    monkeypatch.delenv(turn_switch.STOCK_TURN_ENV, raising=False)


def stock_store(monkeypatch: pytest.MonkeyPatch, db: Path) -> CoachSQLTrackerStore:
    """The class as a server with DEBT_COACH_STOCK_TURN=1 makes it (the benchmark's "Rasa's own code")."""
    with monkeypatch.context() as switch:
        switch.setenv(turn_switch.STOCK_TURN_ENV, "1")
        return CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))


def tracker_events(sender: str, timestamp: float | None = None) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in [ActionExecuted("action_session_start", timestamp=timestamp),
                  UserUttered("想申请分期", {"name": "request_installment"}, timestamp=timestamp),
                  SlotSet("debt_amount", 32000.0, timestamp=timestamp), BotUttered("欠了多少？", timestamp=timestamp),
                  ActionExecuted("action_listen", timestamp=timestamp)]:
        tracker.update(event)
    return tracker


def stored_rows(store: SQLTrackerStore, sender: str) -> list[tuple]:
    """The stored rows in order, every column but the id (the two stores number their rows apart)."""
    with store.engine.connect() as connection:
        return list(connection.exec_driver_sql(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
            "WHERE sender_id = ? ORDER BY id", (sender,)))


async def a_conversation(store: SQLTrackerStore, sender: str) -> None:
    """Turns as the processor runs them: read, change, save; a second save of one object; a new session."""
    await store.save(tracker_events(sender, timestamp=1_700_000_000.0))  # new: nothing read, nothing noted
    now = 1_700_000_100.0
    for turn, text in enumerate(["三万二", "逾期两个月", "每月能还一千五"]):
        tracker = await store.retrieve(sender)
        tracker.update(UserUttered(text, {"name": "inform", "confidence": 0.9}, timestamp=now + turn))
        tracker.update(SlotSet("debt_amount", 32000.0 + turn, timestamp=now + turn))
        tracker.update(ActionExecuted("utter_ask_overdue_days", timestamp=now + turn))
        await store.save(tracker)
        if turn == 1:  # the same object saved again, as a retry after a failed write would
            tracker.update(BotUttered("好的", timestamp=now + turn + 0.5))
            await store.save(tracker)
        await store.save(tracker)  # nothing new: nothing stored
    tracker = await store.retrieve(sender)
    for event in (ActionExecuted("action_session_start", timestamp=now + 10), SessionStarted(timestamp=now + 10),
                  ActionExecuted("action_listen", timestamp=now + 10),
                  UserUttered("又来了", {"name": "greet"}, timestamp=now + 11)):
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve(sender)  # only the new session
    assert [e.type_name for e in tracker.events][:2] == ["action", "session_started"]
    tracker.update(BotUttered("你好", timestamp=now + 12))
    await store.save(tracker)


def counting_statements(store: SQLTrackerStore) -> list[str]:
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: seen.append(" ".join(statement.split())))
    return seen


def count_queries(log: list[str]) -> int:
    return sum("count(" in statement.lower() for statement in log)


# ---------- the statements ----------

def test_the_statements_store_exactly_what_rasas_orm_stores(tmp_path: Path) -> None:
    ours = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "ours.db"))
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))  # Rasa's class, unpatched
    assert ours.statements and type(rasas)._retrieve is SQLTrackerStore._retrieve
    ours_sql, rasas_sql = counting_statements(ours), counting_statements(rasas)
    asyncio.run(a_conversation(ours, "rest-sql"))
    asyncio.run(a_conversation(rasas, "rest-sql"))
    assert stored_rows(ours, "rest-sql") == stored_rows(rasas, "rest-sql")
    assert len(stored_rows(ours, "rest-sql")) == 5 + 3 * 3 + 1 + 4 + 1
    rasa_reading_ours = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "ours.db"))
    read_by_rasa = asyncio.run(rasa_reading_ours.retrieve("rest-sql"))  # what the statements stored, read by Rasa
    full, rasas_full = (asyncio.run(s.retrieve_full_tracker("rest-sql")) for s in (ours, rasas))
    latest, rasas_latest = (asyncio.run(s.retrieve("rest-sql")) for s in (ours, rasas))
    assert list(full.events) == list(rasas_full.events) and len(full.events) == 20
    assert list(latest.events) == list(rasas_latest.events) == list(read_by_rasa.events)
    assert len(latest.events) == 5
    assert not hasattr(full, stores.NOTE)  # every session read: no note, a save would count
    assert [count_queries(log) for log in (ours_sql, rasas_sql)] == [5, 10]  # Rasa counts before every save
    assert asyncio.run(ours.retrieve("nobody")) is None


def test_a_conversation_mixes_both_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server with the statements and one with Rasa's own code (DEBT_COACH_STOCK_TURN=1) share one file."""
    db = tmp_path / "mixed.db"
    ours = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    stock = stock_store(monkeypatch, db)
    assert ours.statements and not stock.statements
    tracker = tracker_events("rest-mixed")
    asyncio.run(ours.save(tracker))
    read = asyncio.run(stock.retrieve("rest-mixed"))
    read.update(UserUttered("逾期三个月", {"name": "inform"}))
    asyncio.run(stock.save(read))
    again = asyncio.run(ours.retrieve("rest-mixed"))
    again.update(BotUttered("明白"))
    asyncio.run(ours.save(again))
    final = asyncio.run(stock.retrieve("rest-mixed"))
    assert [e.type_name for e in final.events] == [e.type_name for e in tracker.events] + ["user", "bot"]


def test_other_dialects_keep_rasas_code(monkeypatch: pytest.MonkeyPatch) -> None:
    def engine(dialect: str) -> object:
        return types.SimpleNamespace(dialect=types.SimpleNamespace(name=dialect))

    assert stores.handles(engine("sqlite")) and stores.handles(engine("postgresql"))
    assert not stores.handles(engine("mysql")) and not stores.handles(engine("oracle"))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", "rasa")  # Rasa checks the schema in its own session
    assert not stores.handles(engine("postgresql")) and stores.handles(engine("sqlite"))


def test_the_switch_gives_rasas_own_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DEBT_COACH_STOCK_TURN=1: Rasa's statements, Rasa's engine (a connection per call), no WAL; but the file is
    still private and deletes still overwrite (those are not about the turn's cost)."""
    db = tmp_path / "stock.db"
    store = stock_store(monkeypatch, db)
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    logs = counting_statements(store), counting_statements(rasas)
    asyncio.run(a_conversation(store, "rest-stock"))
    asyncio.run(a_conversation(rasas, "rest-stock"))
    assert logs[0] == logs[1]  # statement for statement what Rasa's class runs
    assert isinstance(store.engine.pool, sa.pool.NullPool) and store._wal_keeper is None
    assert stored_rows(store, "rest-stock") == stored_rows(rasas, "rest-stock")
    with sqlite3.connect(db) as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


# ---------- the SQLite file: kept connections, WAL, private, overwritten ----------

def test_the_sqlite_store_runs_in_wal_mode_and_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "trackers.db"
    store = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    tracker = tracker_events("rest-wal")
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("三万二", {"name": "inform"}))
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("rest-wal"))
    assert again is not None and list(again.events) == list(tracker.events)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # as tests/security read the file
    try:
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reader.execute("SELECT count(*) FROM events WHERE sender_id = 'rest-wal'").fetchone()[0] == 6
    finally:
        reader.close()
    for name in ("trackers.db", "trackers.db-wal", "trackers.db-shm"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name


def test_sqlite_connections_are_kept(tmp_path: Path) -> None:
    """One connection for a whole conversation, not one per read and per save (SQLAlchemy's NullPool)."""
    store = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "kept.db"))
    opened: list[object] = []
    sa.event.listen(store.engine, "connect", lambda connection, record: opened.append(connection))
    asyncio.run(a_conversation(store, "rest-kept"))
    assert len(opened) <= 1 and len(stored_rows(store, "rest-kept")) == 20


def test_a_database_in_memory_or_elsewhere_is_not_a_sqlite_file(tmp_path: Path) -> None:
    assert not stores.is_sqlite_file(sa.create_engine("sqlite://"))
    assert not stores.is_sqlite_file(sa.create_engine("postgresql://u@localhost/db"))
    assert stores.is_sqlite_file(sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    memory = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=":memory:")
    asyncio.run(memory.save(tracker_events("rest-memory")))
    assert len(asyncio.run(memory.retrieve("rest-memory")).events) == 5 and memory._wal_keeper is None


def test_the_file_is_created_private_and_an_existing_one_tightened(tmp_path: Path) -> None:
    new = tmp_path / "var" / "trackers.db"
    CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(new))
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o600
    old = tmp_path / "old.db"
    SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(old))
    os.chmod(old, 0o644)
    CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(old))
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o600


SECRET = "borrower-7f3a-zhang-wei-13812345678"


def file_after_deleting(store: SQLTrackerStore, db: Path) -> bytes:
    """Store a conversation, delete it as channels/forget.py does, checkpoint the log: the file's bytes."""
    tracker = tracker_events(SECRET)
    tracker.update(UserUttered(f"我叫{SECRET}", {"name": "inform"}))
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker_events("someone-else")))  # the page stays in use: its free space is kept
    wal = db.parent / (db.name + "-wal")
    assert SECRET.encode() in db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")  # stored
    with store.session_scope() as session:
        session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == SECRET).delete()
        session.commit()
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert asyncio.run(store.retrieve(SECRET)) is None
    return db.read_bytes()


def test_a_deleted_conversation_is_overwritten_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as on an SQLite built without SQLITE_SECURE_DELETE (Debian's has it on by default): every new
    connection starts with secure_delete off, and the store must turn it on."""
    connect = sqlite3.dbapi2.connect

    def insecure(*args: object, **kwargs: object) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr(sqlite3.dbapi2, "connect", insecure)
    rasas_db, ours_db = tmp_path / "rasa.db", tmp_path / "ours.db"
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(rasas_db))
    assert SECRET.encode() in file_after_deleting(rasas, rasas_db)  # without it the bytes stay in free space
    ours = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(ours_db))
    with ours.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    assert SECRET.encode() not in file_after_deleting(ours, ours_db)
    assert asyncio.run(ours.retrieve("someone-else")) is not None


def test_retention_deletes_with_secure_delete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import serving.servers
    from serving import retention

    (tmp_path / "var").mkdir()
    sqlite3.connect(tmp_path / "var" / "trackers.db").close()
    monkeypatch.setattr(serving.servers, "ROOT", tmp_path)
    conn, dialect = retention.connect("embedded")
    try:
        assert dialect == "sqlite" and conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    finally:
        conn.close()


# ---------- retries ----------

def test_a_write_that_finds_the_file_locked_is_retried(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Another process (the retention job) holds the write lock for a moment: the turn's save waits and goes
    through instead of failing."""
    db = tmp_path / "locked.db"
    store = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), query={"timeout": "0.05"},
                                 retry_wait=0.05)
    blocker = sqlite3.connect(db, isolation_level=None)

    async def scenario() -> None:
        blocker.execute("BEGIN IMMEDIATE")  # holds the write lock
        asyncio.get_running_loop().call_later(0.2, blocker.execute, "COMMIT")
        await store.save(tracker_events("rest-locked"))

    with caplog.at_level(logging.WARNING, logger="serving.stores"):
        asyncio.run(scenario())
    blocker.close()
    assert len(stored_rows(store, "rest-locked")) == 5
    assert any("tracker store write failed" in r.getMessage() for r in caplog.records)


def test_a_database_that_stays_unavailable_fails_the_call(tmp_path: Path) -> None:
    db = tmp_path / "down.db"
    store = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), query={"timeout": "0.01"},
                                 retries=2, retry_wait=0.01)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            asyncio.run(store.save(tracker_events("rest-down")))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    asyncio.run(store.save(tracker_events("rest-down")))  # back: the next turn is stored whole
    assert len(stored_rows(store, "rest-down")) == 5


def test_other_errors_are_not_retried(tmp_path: Path) -> None:
    store = CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "x.db"), retry_wait=30)
    calls: list[int] = []

    async def broken() -> None:
        calls.append(1)
        raise ValueError("not a connection problem")

    with pytest.raises(ValueError):
        asyncio.run(store._retrying("write", broken))
    assert calls == [1]


# ---------- pinned to Rasa 3.6.21 ----------

def test_the_statements_are_refused_on_another_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(pinned.RasaNotPinned, match=r"CoachSQLTrackerStore was written for Rasa 3\.6\.21, but "
                                                   r"Rasa 3\.7\.0"):
        CoachSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "x.db"))
    stock = stock_store(monkeypatch, tmp_path / "y.db")  # Rasa's own code has nothing to check
    assert not stock.statements


def test_endpoint_files_name_the_class() -> None:
    import yaml

    from serving.prod import ENDPOINTS

    for path in (ROOT / "endpoints.yml", ENDPOINTS):
        store = yaml.safe_load(path.read_text(encoding="utf-8"))["tracker_store"]
        assert store["type"] == "serving.stores.CoachSQLTrackerStore", path
    assert stores.ResilientSQLTrackerStore is CoachSQLTrackerStore  # older endpoint files still get it
