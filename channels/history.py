"""What the web pages show from a stored conversation: the messages (for re-rendering after a page reload) and,
for hotline staff, the case facts. Reads the tracker through the running Rasa app's agent; no HTTP API needed.

Bot messages have the same shape as the live Socket.IO events (``{"text", "quick_replies", "custom"}``) so the
widget renders history and live messages with one function.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from coach import replies
from coach.case import region_of_script, vocabulary
from coach.zh.safety_cues import act_in_progress

# The case facts, and what the staff console shows with them (coach/case/vocabulary.yml).
CASE_SLOTS = vocabulary.FACT_SLOTS + vocabulary.CONSOLE_SLOTS
MAX_HISTORY = 300


def quick_replies(buttons: Any) -> List[Dict[str, str]]:
    """Rasa buttons → the widget's quick replies (title shown, payload sent back, e.g. "/affirm")."""
    out = []
    for button in buttons or []:
        if isinstance(button, dict) and button.get("payload"):
            out.append({"title": str(button.get("title") or button["payload"]), "payload": str(button["payload"])})
    return out


def bot_message(message: Dict[str, Any]) -> Dict[str, Any]:
    """One bot message (a dict as Rasa's output channels get it) → one event for the browser."""
    out: Dict[str, Any] = {"text": message.get("text") or ""}
    replies = quick_replies(message.get("buttons") or message.get("quick_replies"))
    if replies:
        out["quick_replies"] = replies
    custom = message.get("custom") or message.get("json_message")
    if isinstance(custom, dict):
        out["custom"] = custom
    if message.get("image"):
        out["image"] = message["image"]
    return out


async def load_tracker(app: Any, sender_id: str) -> DialogueStateTracker | None:
    """The full stored tracker (all sessions), or None when the agent is not ready or nothing is stored."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or getattr(agent, "tracker_store", None) is None:
        return None
    store = agent.tracker_store
    if hasattr(store, "retrieve_full_tracker"):
        return await store.retrieve_full_tracker(sender_id)
    return await store.retrieve(sender_id)


def messages(tracker: DialogueStateTracker | None, limit: int = MAX_HISTORY) -> List[Dict[str, Any]]:
    """User and bot messages in order. A user message that was a button payload shows the button's title."""
    out: List[Dict[str, Any]] = []
    if tracker is None:
        return out
    last_buttons: Dict[str, str] = {}
    for event in tracker.events:
        if isinstance(event, UserUttered):
            text = event.text or ""
            shown = last_buttons.get(text, text)
            out.append({"sender": "user", "text": shown, "ts": event.timestamp})
        elif isinstance(event, BotUttered):
            msg = bot_message({"text": event.text, **(event.data or {})})
            if msg.get("quick_replies"):
                last_buttons = {r["payload"]: r["title"] for r in msg["quick_replies"]}
            msg.update(sender="bot", ts=event.timestamp)
            out.append(msg)
    return out[-limit:]


def case(tracker: DialogueStateTracker | None) -> Dict[str, Any]:
    """The case facts the staff console shows (slot values; None when unknown), and after a crisis cue the
    protocol the console pins above them, for the caller's region."""
    if tracker is None:
        return {**{slot: None for slot in CASE_SLOTS}, "crisis_protocol": None}
    facts = {slot: tracker.get_slot(slot) if slot in tracker.slots else None for slot in CASE_SLOTS}
    protocol = None
    if facts.get("crisis_flag"):
        said = [e.text or "" for e in tracker.events if isinstance(e, UserUttered)]
        protocol = replies.staff_crisis_panel(region_of_script(tracker.get_slot("script")),
                                              act=any(act_in_progress(text) for text in said))
    return {**facts, "crisis_protocol": protocol}


def index_facts(tracker: DialogueStateTracker | None) -> Dict[str, Any]:
    """What the staff console's case list searches by (channels/workspace.py): the lender (every lender of
    several debts, joined), the caller's region and whether a crisis cue was seen."""
    if tracker is None:
        return {"lender": "", "region": "mainland", "crisis": False}
    slot = lambda name: tracker.get_slot(name) if name in tracker.slots else None  # noqa: E731
    lenders = [str(d.get("lender")) for d in slot("debts") or [] if isinstance(d, dict) and d.get("lender")]
    lender = "、".join(dict.fromkeys(lenders)) or str(slot("lender") or "")
    return {"lender": lender, "region": region_of_script(slot("script")), "crisis": bool(slot("crisis_flag"))}
