"""Rasa's side and the action server's joined without HTTP, for tests of what a conversation stores.

Rasa's side is a ``DialogueStateTracker`` built with the project's domain (``Domain.from_path("domain")``); each
custom action gets exactly the request ``RemoteAction`` would send (``_action_call_format``), is run by rasa_sdk's
``ActionExecutor`` with the project's actions, and its events are read back with Rasa's ``deserialise_events`` and
applied to the tracker, as Rasa applies them. The stored size of an event is what the SQL tracker store writes:
``json.dumps(event.as_dict())``.
"""

from __future__ import annotations

import asyncio
import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]
START = 1_795_000_000.0  # a fixed message time (2026-11-18, UTC+8)


@lru_cache(maxsize=1)
def domain() -> Domain:
    """The project's domain, as `rasa train` reads it."""
    return Domain.from_path(ROOT / "domain")


def domain_with_plain_slot() -> Domain:
    """The domain as it was before the log was stored as changes (``contact_log: type: any``): the slot a
    model trained before keeps."""
    spec = copy.deepcopy(domain().as_dict())
    spec["slots"]["contact_log"]["type"] = "any"
    return Domain.from_dict(spec)


@lru_cache(maxsize=1)
def executor() -> ActionExecutor:
    ex = ActionExecutor()
    ex.register_package("actions")
    return ex


def stored_bytes(event: Event) -> int:
    """The bytes the SQL tracker store writes for one event."""
    return len(json.dumps(event.as_dict()).encode())


class Conversation:
    """One conversation between Rasa's tracker and the project's action server code."""

    def __init__(self, sender: str = "loop", the_domain: Domain | None = None,
                 post: Callable[[Dict[str, Any]], Dict[str, Any]] | None = None) -> None:
        """``post``: sends a request to a running action server instead of running the actions here."""
        self.domain = the_domain or domain()
        self.post = post
        self.tracker = DialogueStateTracker.from_events(
            sender, [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
            slots=self.domain.slots)
        self.clock = START
        self.last_request_bytes = 0

    def request(self, action: str) -> Dict[str, Any]:
        """What Rasa sends the action server to run ``action``."""
        return RemoteAction(action, None)._action_call_format(self.tracker, self.domain)

    def run(self, action: str) -> tuple[List[Event], List[Dict[str, Any]]]:
        """Run one custom action as Rasa would; its events (applied to the tracker) and its replies."""
        call = self.request(action)
        self.last_request_bytes = len(json.dumps(call).encode())
        result = (self.post(call) if self.post else asyncio.run(executor().run(call))) or {}
        events = deserialise_events(result.get("events") or [])
        self.tracker.update_with_events(events, self.domain)
        replies = result.get("responses") or []
        self.tracker.update(ActionExecuted(action))
        for reply in replies:
            self.tracker.update(BotUttered(reply.get("text"), {"custom": reply.get("custom")}))
        return events, replies

    def say(self, text: str, intent: str, answer: str | None = None, **slots: Any) -> tuple[List[Event], str]:
        """A user message with ``intent``: the slot extraction (action_extract_case_facts, as Rasa's
        action_extract_slots runs it), then ``answer`` when given. Returns the extraction's events and the
        answer's text. ``slots`` are set first (a form's requested_slot)."""
        from rasa.shared.core.events import SlotSet

        for name, value in slots.items():
            self.tracker.update(SlotSet(name, value))
        self.clock += 60
        parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
        self.tracker.update(UserUttered(text, intent=parse["intent"], parse_data=parse, timestamp=self.clock))
        self.tracker.update(ActionExecuted("action_extract_slots"))
        events, _ = self.run("action_extract_case_facts")
        said = ""
        if answer:
            _, replies = self.run(answer)
            said = "\n".join(r.get("text") or "" for r in replies)
        self.tracker.update(ActionExecuted("action_listen"))
        return events, said

    def rebuilt(self) -> DialogueStateTracker:
        """The tracker as the store gives it back: its serialised events replayed through the domain's slots."""
        stored = [json.loads(json.dumps(e.as_dict())) for e in self.tracker.events]
        return DialogueStateTracker.from_dict(self.tracker.sender_id, stored, self.domain.slots)

    def bytes_of(self, slot: str | None = None) -> int:
        """Stored bytes of all events, or of the events setting ``slot``."""
        return sum(stored_bytes(e) for e in self.tracker.events
                   if slot is None or (e.type_name == "slot" and getattr(e, "key", None) == slot))
