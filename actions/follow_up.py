"""A returning borrower (a new session of the same conversation) is greeted with what is pending.

Rasa's own action_session_start, plus the greeting: the slots are carried over exactly as Rasa does
(``session_config.carry_over_slots``), then coach/pending.py says what is pending, if anything.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import NoLoops
from actions.steps import say
from coach import letters
from coach.case import contact_log
from coach.pending import pending_lines


def drafted_on(events: List[Dict[str, Any]]):
    """The day of the last plan draft card (not a letter) in these events."""
    for event in reversed(events):
        draft = ((event.get("data") or {}).get("custom") or {}).get("draft") if event.get("event") == "bot" else None
        if draft and not str(draft.get("kind") or "").startswith("letter_"):
            return contact_log.local_time(event.get("timestamp")).date()
    return None


class ActionSessionStart(NoLoops, Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        carry = (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True)
        events: List[EventType] = [SessionStarted()]
        if carry:
            events += [SlotSet(name, value) for name, value in tracker.slots.items()
                       if value is not None and name != "requested_slot"]
        lines = pending_lines(tracker.slots, drafted_on(tracker.events), contact_log.local_time(None).date())
        if lines:
            say(dispatcher, tracker, "\n".join([letters.load()["lines"]["welcome_back"], *lines]))
        return [*events, ActionExecuted("action_listen")]
