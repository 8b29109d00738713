"""What every action of this project does around its own work: the dialogue's rule against loops
(coach/dialogue_rules.py) applied to what the action says. Every action class takes ``NoLoops`` as its first
base; ``__init_subclass__`` wraps the class's ``run`` once, so no action can forget it."""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Iterator, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.steps import localise
from coach import replies
from coach.dialogue_rules import bot_turns, unlooped

_WRAPPED = "_no_loops"


def _said(tracker: Tracker) -> Iterator[Tuple[str, str | None]]:
    for event in tracker.events:
        if event.get("event") in ("user", "bot"):
            yield event["event"], event.get("text")


def way_on(tracker: Tracker) -> Dict[str, Any]:
    message = replies.loop_way_on()
    return {**message, "text": localise(message["text"], tracker),
            "buttons": [{**b, "title": localise(b["title"], tracker), "payload": localise(b["payload"], tracker)}
                        for b in message["buttons"]]}


def _unloop(run: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(run)
    async def wrapped(self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> List[Any]:
        events = await run(self, dispatcher, tracker, domain)
        earlier, this_turn = bot_turns(_said(tracker))
        out = unlooped(dispatcher.messages, this_turn, earlier, way_on(tracker))
        dispatcher.messages[:] = [_as_sent(m) for m in out]
        return events

    setattr(wrapped, _WRAPPED, True)
    return wrapped


def _as_sent(message: Dict[str, Any]) -> Dict[str, Any]:
    """A way-on message in the dispatcher's own shape (what ``utter_message`` would have stored)."""
    if "response" in message or "template" in message:
        return message
    return {"text": None, "buttons": [], "elements": [], "custom": {}, "template": None, "response": None,
            "image": None, "attachment": None, **message}


class NoLoops:
    """First base of every action class: the loop rule around its ``run``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        run = getattr(cls, "run", None)
        if run is not None and not getattr(run, _WRAPPED, False):
            cls.run = _unloop(run)  # type: ignore[attr-defined]
