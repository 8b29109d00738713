"""A tracker store that cannot be read or written fails the turn; Rasa would carry on as if nothing happened.

Rasa 3.6 wraps every tracker store in ``FailSafeTrackerStore``: a failed read returns None, so the turn starts
an EMPTY conversation (a new session, no facts), and a failed write goes to an in-memory store. When the
database comes back in between (a PostgreSQL restart), that empty conversation's events are appended to the
stored one and the next read starts from its ``session_started``: every fact the borrower gave is gone. With
this patch the error goes up instead: the channel answers with its error message ("please send it again"),
nothing of that turn is stored, and the stored conversation stays as it was.
``serving.stores.CoachSQLTrackerStore`` retries lost connections first, so a short restart is usually not seen.

A patch because Rasa gives no choice here: it wraps whatever store endpoints.yml names in
``FailSafeTrackerStore`` (``Agent``), so a store class cannot change what the wrapper does with its errors.
Replaces Rasa 3.6.21's ``FailSafeTrackerStore.retrieve``, ``retrieve_full_tracker`` and ``save``; refuses any
other Rasa, or other sources of them (``serving.patches.pinned``).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from serving.patches import pinned

logger = logging.getLogger(__name__)
_MARK = "_debt_coach_strict"


class TrackerStoreUnavailable(RuntimeError):
    """The conversation store could not be read or written; the turn was not processed."""


async def _retrieve(self: FailSafeTrackerStore, sender_id: str) -> DialogueStateTracker | None:
    try:
        return await self._tracker_store.retrieve(sender_id)
    except Exception as error:
        logger.error("tracker store read failed for %s: %s", sender_id, error)
        raise TrackerStoreUnavailable(str(error)) from error


async def _retrieve_full(self: FailSafeTrackerStore, sender_id: str) -> DialogueStateTracker | None:
    try:
        return await self._tracker_store.retrieve_full_tracker(sender_id)
    except Exception as error:
        logger.error("tracker store read failed for %s: %s", sender_id, error)
        raise TrackerStoreUnavailable(str(error)) from error


async def _save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:
        logger.error("tracker store write failed for %s: %s", tracker.sender_id, error)
        raise TrackerStoreUnavailable(str(error)) from error


def install() -> None:
    pinned.require("strict_tracker_store")
    if getattr(FailSafeTrackerStore, _MARK, False):
        return
    originals: dict[str, Any] = {name: getattr(FailSafeTrackerStore, name)
                                 for name in ("retrieve", "retrieve_full_tracker", "save")}
    for fn, name in ((_retrieve, "retrieve"), (_retrieve_full, "retrieve_full_tracker"), (_save, "save")):
        fn.__wrapped__ = originals[name]  # type: ignore[attr-defined]
    FailSafeTrackerStore.retrieve = _retrieve  # type: ignore[method-assign]
    FailSafeTrackerStore.retrieve_full_tracker = _retrieve_full  # type: ignore[method-assign]
    FailSafeTrackerStore.save = _save  # type: ignore[method-assign]
    FailSafeTrackerStore._debt_coach_originals = originals  # type: ignore[attr-defined]
    setattr(FailSafeTrackerStore, _MARK, True)
