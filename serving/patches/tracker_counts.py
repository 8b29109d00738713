"""Save a turn's new events without first counting, in SQL, the events the store already holds.

Rasa 3.6.21's ``SQLTrackerStore.save`` finds which of the tracker's events are new by counting the stored rows
of the conversation's latest session (``SELECT count(*) FROM (… the whole event query …)``), then inserts the
tracker's events after that many. The same turn read exactly those rows a moment earlier, under the
conversation's lock, to build the tracker. Profiled over whole conversations the count was about 5 % of the
Rasa process's CPU.

So the read notes on the tracker object how many rows it was built from, and the next save of that object
uses the note instead of the count query, once: the note is taken away when it is used, so a second save of
the same object (or a retry after a failed write, ``serving.stores.ResilientSQLTrackerStore``) counts in SQL
as Rasa does. A tracker that was not read by this process (a new conversation, a full tracker of every
session, an object built elsewhere) carries no note and is counted as before. The note is the row count, not
the number of events rebuilt, so a row Rasa could not turn back into an event is counted just as Rasa counts
it.

Targets Rasa 3.6.21's ``SQLTrackerStore._retrieve`` / ``_additional_events``; fails at start-up if their
signatures differ. Off with ``DEBT_COACH_STOCK_TURN=1``.
"""

from __future__ import annotations

import inspect
import itertools
import json
import logging
from typing import Any, Iterator

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from serving.patches.turn_switch import enabled, require

logger = logging.getLogger(__name__)

_MARK = "_debt_coach_counted_rows"
NOTE = "_debt_coach_stored_rows_in_session"  # attribute of a DialogueStateTracker read from the store


async def _retrieve(self: SQLTrackerStore, sender_id: str,
                    fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
    """Rasa's ``SQLTrackerStore._retrieve``, noting on the tracker how many rows of the session it read."""
    with self.session_scope() as session:
        rows = self._event_query(session, sender_id,
                                 fetch_events_from_all_sessions=fetch_events_from_all_sessions).all()
        events = [json.loads(row.data) for row in rows]
        if self.domain and len(events) > 0:
            tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            if not fetch_events_from_all_sessions:
                setattr(tracker, NOTE, len(rows))
            return tracker
        logger.debug(f"Can't retrieve tracker matching sender id '{sender_id}' from SQL storage. "
                     f"Returning `None` instead.")
        return None


def _additional_events(self: SQLTrackerStore, session: Any, tracker: DialogueStateTracker) -> Iterator:
    """Rasa's ``SQLTrackerStore._additional_events``, using the read's note once when there is one."""
    stored = tracker.__dict__.pop(NOTE, None)
    if stored is None:
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
    return itertools.islice(tracker.events, stored, len(tracker.events))


def install() -> None:
    if not enabled() or getattr(SQLTrackerStore.__dict__.get("_additional_events"), _MARK, False):
        return
    require(list(inspect.signature(SQLTrackerStore._retrieve).parameters)
            == ["self", "sender_id", "fetch_events_from_all_sessions"],
            "SQLTrackerStore._retrieve(self, sender_id, fetch_events_from_all_sessions)")
    require(list(inspect.signature(SQLTrackerStore._additional_events).parameters) == ["self", "session", "tracker"],
            "SQLTrackerStore._additional_events(self, session, tracker)")
    for fn, original in ((_retrieve, SQLTrackerStore._retrieve),
                         (_additional_events, SQLTrackerStore._additional_events)):
        setattr(fn, _MARK, True)
        fn.__wrapped__ = original  # type: ignore[attr-defined]
    SQLTrackerStore._retrieve = _retrieve  # type: ignore[method-assign]
    SQLTrackerStore._additional_events = _additional_events  # type: ignore[method-assign]
