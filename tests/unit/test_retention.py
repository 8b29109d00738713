"""Retention and deletion against Rasa's own SQL tracker store (SQLite file; the production profile's
PostgreSQL is exercised in tests/prod)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from serving.retention import delete_conversation, delete_expired

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
