"""Patches of Rasa 3.6's server, installed by one explicit call at start-up (``serving.rasa_cli``).

- ``action_server_guard``: a reply (``utter_action_server_down``) instead of silence when the action server
  is unreachable.
- ``action_response_check``: the check of the action server's answers with a validator built once.
"""

from __future__ import annotations

from serving.patches import action_response_check, action_server_guard


def install() -> None:
    """Install every patch; idempotent."""
    action_server_guard.install()
    action_response_check.install()
