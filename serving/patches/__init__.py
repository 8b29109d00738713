"""Patches of Rasa 3.6's server, installed by one explicit call at start-up (``serving.rasa_cli``).

Only where Rasa offers no way to extend it: the tracker store is a class of this project named in
endpoints.yml (``serving.stores.CoachSQLTrackerStore``), not a patch. Every patch refuses to install on any
Rasa but the pinned version, or when a Rasa function it replaces or wraps has another source than the one it
was written against (``pinned``).

- ``action_server_guard``: a reply (``utter_action_server_down``) instead of silence when the action server
  is unreachable.
- ``action_response_check``: the check of the action server's answers with a validator built once.
- ``server_hardening``: a 64 KB body limit, CORS for the configured partner origins without credentials, no
  version banner on ``GET /``.
- ``trusted_audience``: staff output only for messages from the staff console.
- ``event_types``, ``graph_runner``: a cheaper turn (measured, docs/operations.md), each off with
  ``DEBT_COACH_STOCK_TURN=1``.
- ``strict_tracker_store``: a tracker store that cannot be read or written fails the turn (Rasa always wraps
  the store in ``FailSafeTrackerStore``, which would start an empty conversation and later append it to the
  stored one).

The action server is called as Rasa 3.6.21 calls it, a new ``aiohttp`` session per request: Rasa itself kept
one session per endpoint in 3.6.11 (RasaHQ/rasa#12886) and reverted that in 3.6.15 (RasaHQ/rasa#12965) after
connection timeouts to the action server, so a kept session is not patched back in here.
"""

from __future__ import annotations

from serving.patches import (
    action_response_check,
    action_server_guard,
    event_types,
    graph_runner,
    http_framing,
    pinned,
    server_hardening,
    strict_tracker_store,
    trusted_audience,
)


def install() -> None:
    """Install every patch; idempotent. Refuses (RasaNotPinned) on a Rasa the patches were not written for."""
    pinned.require_rasa("serving.patches")
    action_server_guard.install()
    action_response_check.install()
    pinned.require("server_hardening")  # checked here: these two modules do not check for themselves
    server_hardening.install()
    pinned.require("trusted_audience")
    trusted_audience.install()
    strict_tracker_store.install()
    event_types.install()
    graph_runner.install()
    http_framing.install()  # Sanic 21.12's HTTP/1 framing made strict (also installed by the action server)
