"""When the action server is unreachable, tell the user instead of going silent.

Rasa 3.6 logs a failed custom action and sends nothing ("Bot will continue, but the actions events are
lost"), so a borrower would see no reply at all. This wraps ``RemoteAction.run``: on a connection
failure or non-200 answer it returns the ``utter_action_server_down`` response instead. The tracker is
kept as it was, so the conversation carries on once the action server is back.

The same for a form (``FormAction.run``): mid-form its validation runs on the action server, and Rasa would
drop the form's turn in silence ("Bot will continue, but the actions events are lost"). When the action
server cannot be reached the form answers ``utter_action_server_down`` and stays where it was: the borrower
sends the answer again once it is back and the form carries on with every fact it had.

Works around: RasaHQ/rasa#7630 ("Action server failure handling", open: no way for the bot to react when
the action server is down or times out); the same request for a default message when a custom action
fails was RasaHQ/rasa#5588 (closed without a change in Rasa). Installed by ``serving.patches.install()``
(``python -m serving.rasa_cli run …``). Wraps Rasa 3.6.21's ``RemoteAction.run`` and ``LoopAction.run`` (which
``FormAction`` inherits); refuses any other Rasa (``serving.patches.pinned``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, List

import aiohttp
from rasa.core.actions.action import RemoteAction, create_bot_utterance
from rasa.core.actions.forms import FormAction
from rasa.shared.exceptions import RasaException

from serving.patches import pinned

logger = logging.getLogger(__name__)
RESPONSE = "utter_action_server_down"
_MARK = "_debt_coach_guarded"


def unreachable(exc: BaseException) -> bool:
    """The action server could not be reached or did not answer (not: it answered with an error)."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, (aiohttp.ClientConnectionError, asyncio.TimeoutError))


def install() -> None:
    pinned.require("action_server_guard")
    if getattr(RemoteAction.run, _MARK, False):
        return
    _guard_forms()
    original = RemoteAction.run

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except RasaException as exc:
            if self.name().startswith("validate_") or self.name() == "action_extract_case_facts":
                raise  # slot extraction/validation failures: Rasa falls back on its own; the next action reports
            logger.error("Action server unavailable for %s: %s", self.name(), exc)
            if RESPONSE not in domain.responses:
                raise
            response = await nlg.generate(RESPONSE, tracker, output_channel.name())
            return [create_bot_utterance(response)] if response else []

    setattr(run, _MARK, True)
    run.__wrapped__ = original  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]


def _guard_forms() -> None:
    original = FormAction.run

    async def run(self: FormAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except RasaException as exc:
            if not unreachable(exc) or RESPONSE not in domain.responses:
                raise
            logger.error("Action server unavailable during form %s: %s", self.name(), exc)
            response = await nlg.generate(RESPONSE, tracker, output_channel.name())
            return [create_bot_utterance(response)] if response else []

    run.__wrapped__ = original  # type: ignore[attr-defined]
    FormAction.run = run  # type: ignore[method-assign]
