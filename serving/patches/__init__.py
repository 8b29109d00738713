"""Patches of Rasa 3.6's server, installed by one explicit call at start-up (``serving.rasa_cli``).

- ``action_server_guard``: a reply (``utter_action_server_down``) instead of silence when the action server
  is unreachable.
- ``action_response_check``: the check of the action server's answers with a validator built once.
- ``server_hardening``: a 64 KB body limit, CORS for the configured partner origins without credentials, no
  version banner on ``GET /``.
- ``trusted_audience``: staff output only for messages from the staff console.
- ``tracker_file_mode``: the SQLite tracker store file readable by its owner only (0600).
- ``event_types``, ``graph_runner``, ``sqlite_pragmas``, ``sql_events``, ``action_session``: a cheaper turn
  (issue 16), each off with ``DEBT_COACH_STOCK_TURN=1``.
- ``strict_tracker_store``: a tracker store that cannot be read or written fails the turn (Rasa would start an
  empty conversation and later append it to the stored one).
"""

from __future__ import annotations

from serving.patches import (
    action_response_check,
    action_server_guard,
    action_session,
    event_types,
    graph_runner,
    server_hardening,
    sql_events,
    sqlite_pragmas,
    strict_tracker_store,
    tracker_file_mode,
    trusted_audience,
)


def install() -> None:
    """Install every patch; idempotent."""
    action_server_guard.install()
    action_response_check.install()
    server_hardening.install()
    trusted_audience.install()
    tracker_file_mode.install()
    strict_tracker_store.install()
    event_types.install()
    graph_runner.install()
    sql_events.install()
    action_session.install()
    sqlite_pragmas.install()  # after tracker_file_mode: the file exists (0600) before SQLite opens it
