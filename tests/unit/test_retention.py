"""Retention and deletion against Rasa's own SQL tracker store (SQLite file; the production profile's
PostgreSQL is exercised in tests/prod), under the conversations' locks in Rasa's lock store on a real Redis
(tests/unit/conftest.py), built from the production endpoints file as Rasa builds it."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from serving.retention import delete_conversation, delete_expired, delete_if_idle, prod_lock_store
from serving.stores import AtomicRedisLockStore

DAY = 86400.0


async def _store_with(path: Path, last_seen_days_ago: dict[str, float]) -> SQLTrackerStore:
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    now = time.time()
    for sender, days in last_seen_days_ago.items():
        events = [ActionExecuted("action_listen", timestamp=now - 200 * DAY),
                  UserUttered("欠招行三万二", timestamp=now - days * DAY)]
        await store.save(DialogueStateTracker.from_events(sender, events))
    return store


async def test_only_conversations_idle_longer_than_the_limit_are_deleted_whole(tmp_path: Path) -> None:
    db = tmp_path / "trackers.db"
    store = await _store_with(db, {"rest-old": 120, "rest-recent": 3, "rest-just-over": 90.01})
    conn = sqlite3.connect(db)
    assert sorted(delete_expired(conn, 90, dialect="sqlite", dry_run=True)) == ["rest-just-over", "rest-old"]
    assert await store.retrieve("rest-old") is not None  # a dry run deletes nothing
    assert sorted(delete_expired(conn, 90, dialect="sqlite")) == ["rest-just-over", "rest-old"]
    assert await store.retrieve("rest-old") is None and await store.retrieve("rest-just-over") is None
    recent = await store.retrieve("rest-recent")
    assert recent is not None and len(recent.events) == 2  # its 200-day-old first event stays with it
    assert delete_expired(conn, 90, dialect="sqlite") == []


async def test_one_conversation_is_deleted_on_request(tmp_path: Path) -> None:
    db = tmp_path / "trackers.db"
    store = await _store_with(db, {"web-a": 1, "web-b": 1})
    assert delete_conversation(sqlite3.connect(db), "web-a", dialect="sqlite") == 2
    assert await store.retrieve("web-a") is None and await store.retrieve("web-b") is not None


# --- deleting under the conversation's lock (the production profile: Rasa's lock store on Redis) ---

def _user_texts(tracker: DialogueStateTracker | None) -> list[str]:
    return [e.text for e in (tracker.events if tracker else []) if isinstance(e, UserUttered)]


def _prod_lock_store(redis_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The lock store exactly as a Rasa process of the production profile builds it (deploy/endpoints.prod.yml)."""
    monkeypatch.setenv("REDIS_HOST", redis_server.host)
    monkeypatch.setenv("REDIS_PORT", str(redis_server.port))
    monkeypatch.setenv("REDIS_PASSWORD", redis_server.password)
    monkeypatch.setenv("REDIS_DB", "1")
    return prod_lock_store()


async def test_a_conversation_locked_by_a_turn_is_waited_for_and_kept_when_the_turn_saves(
        tmp_path: Path, redis_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A borrower idle for 120 days writes again just as retention runs: retention waits for the turn's lock,
    then sees the new event and keeps the conversation (without the lock it would delete it mid-turn, and the
    turn would write its session back). Another idle conversation is deleted as usual."""
    db = tmp_path / "trackers.db"
    store = await _store_with(db, {"rest-back": 120, "rest-gone": 120})
    turn_locks, retention_locks = (_prod_lock_store(redis_server, monkeypatch) for _ in range(2))
    assert isinstance(turn_locks, AtomicRedisLockStore) and turn_locks.key_prefix == "debtcoach:lock:"

    def retention() -> list[str]:
        conn = sqlite3.connect(db)  # its own process: its own connection
        try:
            return delete_expired(conn, 90, dialect="sqlite", lock_store=retention_locks, lock_lifetime=30)
        finally:
            conn.close()

    async with turn_locks.lock("rest-back", lock_lifetime=30):  # the borrower's turn is running
        tracker = await store.retrieve("rest-back")
        running = asyncio.get_running_loop().run_in_executor(None, retention)
        deadline = time.monotonic() + 30
        while len(getattr(turn_locks.get_lock("rest-back"), "tickets", [])) < 2:  # retention queues behind it
            assert time.monotonic() < deadline and not running.done(), "retention did not wait for the lock"
            await asyncio.sleep(0.05)
        assert _user_texts(await store.retrieve("rest-back")) == ["欠招行三万二"]  # not deleted under the turn
        tracker.update(UserUttered("我又来了，催收又打电话", timestamp=time.time()))
        await store.save(tracker)
    assert await running == ["rest-gone"]
    assert _user_texts(await store.retrieve("rest-back")) == ["欠招行三万二", "我又来了，催收又打电话"]
    assert await store.retrieve("rest-gone") is None
    assert turn_locks.get_lock("rest-back") is None  # every ticket given back


async def test_a_locked_conversation_still_idle_after_the_turn_is_deleted(
        tmp_path: Path, redis_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "trackers.db"
    store = await _store_with(db, {"rest-idle": 120})
    turn_locks, retention_locks = (_prod_lock_store(redis_server, monkeypatch) for _ in range(2))
    async with turn_locks.lock("rest-idle", lock_lifetime=30):
        running = asyncio.get_running_loop().run_in_executor(
            None, lambda: delete_expired(sqlite3.connect(db), 90, dialect="sqlite", lock_store=retention_locks,
                                         lock_lifetime=30))
        deadline = time.monotonic() + 30
        while len(getattr(turn_locks.get_lock("rest-idle"), "tickets", [])) < 2:
            assert time.monotonic() < deadline and not running.done(), "retention did not wait for the lock"
            await asyncio.sleep(0.05)
        assert await store.retrieve("rest-idle") is not None
    assert await running == ["rest-idle"] and await store.retrieve("rest-idle") is None


async def test_without_a_shared_lock_the_check_and_the_delete_are_one_statement(tmp_path: Path) -> None:
    """The embedded profile: a conversation listed as idle that saved a turn before its deletion is kept."""
    db = tmp_path / "trackers.db"
    store = await _store_with(db, {"web-back": 120})
    conn = sqlite3.connect(db)
    cutoff = time.time() - 90 * DAY
    tracker = await store.retrieve("web-back")
    tracker.update(UserUttered("又被催了", timestamp=time.time()))
    await store.save(tracker)  # between the listing and the deletion
    assert not delete_if_idle(conn, "web-back", cutoff, dialect="sqlite")
    assert _user_texts(await store.retrieve("web-back")) == ["欠招行三万二", "又被催了"]
    assert delete_if_idle(conn, "web-back", time.time() + 1, dialect="sqlite")
