"""One switch for the code that only makes a turn cheaper: ``DEBT_COACH_STOCK_TURN=1`` leaves Rasa's
own code in place, so a benchmark can run the same model with and without it side by side
(``python bench/turn_ab.py``, ``python bench/profiles.py --turn-patches both``): the ``event_types`` and
``graph_runner`` patches, the quick path of ``action_response_check``, and the statements, pooled SQLite
connections and WAL of ``serving.stores.CoachSQLTrackerStore`` (which then runs ``SQLTrackerStore``'s own
methods). What changes what the server does (security, the action-server guard, the strict tracker store, the
store's private file, secure delete and retries) is not affected by it."""

from __future__ import annotations

import os

STOCK_TURN_ENV = "DEBT_COACH_STOCK_TURN"


def enabled() -> bool:
    """True unless the environment asks for Rasa's own code (DEBT_COACH_STOCK_TURN=1)."""
    return os.environ.get(STOCK_TURN_ENV) != "1"


def require(condition: bool, what: str) -> None:
    """Fail at start-up, loudly, when Rasa's internals are not the ones a patch was written for."""
    if not condition:
        raise RuntimeError(f"serving.patches: Rasa's internals differ from 3.6.21 ({what}); the patch would not "
                           f"do what it says. Update the patch or set {STOCK_TURN_ENV}=1.")
