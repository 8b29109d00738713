"""A turn's events read and written with three fixed SQL statements instead of SQLAlchemy's ORM.

Rasa 3.6.21's ``SQLTrackerStore`` builds an ORM query for every read and every save, counts the stored rows
of the conversation's latest session before every save (``SELECT count(*) FROM (… the whole event query …)``)
and inserts the new events one ORM object at a time through the session's unit of work. Profiled over whole
conversations, reading and saving were about 15 % of the Rasa process's CPU, most of it SQLAlchemy's own
work (query construction, cache keys, the flush) rather than the database's.

Here the same three statements are written once: the read (the events of the latest session, ordered by id:
the same predicate Rasa's ORM query renders), the count, and one insert of all the new events (a Core
statement, so psycopg2 sends the rows together), each row exactly as Rasa builds it
(``json.dumps(event.as_dict())``, the same intent, action and timestamp columns). Count and insert run in one
transaction.

The count is usually not needed: the read notes on the tracker object how many rows it was built from, and
the next save of that object uses the note instead, once (the note is taken away when used, so a second save
of the same object, or a retry after a failed write in ``serving.stores.ResilientSQLTrackerStore``, counts in
SQL as Rasa does). A tracker that was not read by this process (a new conversation, a full tracker of every
session, an object built elsewhere) carries no note and is counted. The note is the row count, not the number
of events rebuilt, so a row Rasa could not turn back into an event is counted just as Rasa counts it.

SQLite and PostgreSQL only (the two this project runs); other dialects, and PostgreSQL with
``POSTGRESQL_SCHEMA`` (Rasa checks the schema in its session), keep Rasa's code. Targets Rasa 3.6.21's
``SQLTrackerStore._retrieve`` / ``save`` and its ``events`` table; fails at start-up if they differ. Off with
``DEBT_COACH_STOCK_TURN=1``.
"""

from __future__ import annotations

import inspect
import itertools
import json
import logging
import os
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import POSTGRESQL_SCHEMA, SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from serving.patches.turn_switch import enabled, require

logger = logging.getLogger(__name__)

_MARK = "_debt_coach_sql_events"
NOTE = "_debt_coach_stored_rows_in_session"  # attribute of a DialogueStateTracker read from the store
COLUMNS = ("id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")

_LATEST_SESSION = (
    "FROM events e, (SELECT max(timestamp) AS session_start FROM events "
    "WHERE sender_id = :sender AND type_name = :started) s "
    "WHERE e.sender_id = :sender AND (e.timestamp >= s.session_start OR s.session_start IS NULL)")
READ_SESSION = sa.text(f"SELECT e.data {_LATEST_SESSION} ORDER BY e.id")
READ_ALL = sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id")
COUNT_SESSION = sa.text(f"SELECT count(*) {_LATEST_SESSION}")
INSERT = SQLTrackerStore.SQLEvent.__table__.insert()  # Core, so psycopg2 sends the rows in one statement


def handles(store: SQLTrackerStore) -> bool:
    """True for the stores these statements are written for; the others keep Rasa's code."""
    dialect = store.engine.dialect.name
    return dialect == "sqlite" or (dialect == "postgresql" and not os.environ.get(POSTGRESQL_SCHEMA))


def event_row(sender_id: str, event: Any) -> dict[str, Any]:
    """One ``events`` row, built as Rasa's ``SQLTrackerStore.save`` builds it."""
    data = event.as_dict()
    return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"), "data": json.dumps(data)}


def session_params(sender_id: str) -> dict[str, str]:
    return {"sender": sender_id, "started": SessionStarted.type_name}


async def _retrieve(self: SQLTrackerStore, sender_id: str,
                    fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
    """Rasa's ``SQLTrackerStore._retrieve``, noting on the tracker how many rows of the session it read."""
    if not handles(self):
        return await _retrieve.__wrapped__(self, sender_id, fetch_events_from_all_sessions)  # type: ignore
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


async def save(self: SQLTrackerStore, tracker: DialogueStateTracker) -> None:
    """Rasa's ``SQLTrackerStore.save``: the events the store does not hold yet, in one transaction."""
    if not handles(self):
        return await save.__wrapped__(self, tracker)  # type: ignore[attr-defined]
    await self.stream_events(tracker)
    with self.engine.begin() as connection:
        stored = tracker.__dict__.pop(NOTE, None)
        if stored is None:
            stored = connection.execute(COUNT_SESSION, session_params(tracker.sender_id)).scalar_one()
        rows = [event_row(tracker.sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
        if rows:
            connection.execute(INSERT, rows)
    logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)


def install() -> None:
    if not enabled() or getattr(SQLTrackerStore.__dict__.get("save"), _MARK, False):
        return
    require(list(inspect.signature(SQLTrackerStore._retrieve).parameters)
            == ["self", "sender_id", "fetch_events_from_all_sessions"],
            "SQLTrackerStore._retrieve(self, sender_id, fetch_events_from_all_sessions)")
    require(list(inspect.signature(SQLTrackerStore.save).parameters) == ["self", "tracker"],
            "SQLTrackerStore.save(self, tracker)")
    table = SQLTrackerStore.SQLEvent.__table__
    require(table.name == "events" and tuple(table.columns.keys()) == COLUMNS, "the events table's columns")
    for fn, original in ((_retrieve, SQLTrackerStore._retrieve), (save, SQLTrackerStore.save)):
        setattr(fn, _MARK, True)
        fn.__wrapped__ = original  # type: ignore[attr-defined]
    SQLTrackerStore._retrieve = _retrieve  # type: ignore[method-assign]
    SQLTrackerStore.save = save  # type: ignore[method-assign]
