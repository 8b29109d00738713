"""Drafts on request once a plan is drafted (「看电话协商话术」「短信」「全部」): how messaging apps get them
one at a time after the plan's summary (coach/turn_shape.py, actions/steps.py draft_plan)."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import rehearsal
from actions.steps import draft_buttons, is_staff, say, say_draft
from coach import replies
from coach.turn_shape import requested_drafts
from coach.zh.normalizer import to_simplified


def drafts_on_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """「看电话协商话术」「短信」「全部」 once a plan is drafted: those drafts, then what else there is. None when
    the message asks for no draft."""
    record = tracker.get_slot("latest_drafts")
    if not isinstance(record, dict) or not record.get("parts"):
        return None
    parts = {p["kind"]: p["text"] for p in record["parts"] if isinstance(p, dict) and p.get("kind")}
    titles = {kind: replies.draft_title(kind) for kind in parts}
    kinds = requested_drafts(to_simplified(tracker.latest_message.get("text") or ""), titles)
    if not kinds:
        return None
    for kind in kinds:
        say_draft(dispatcher, tracker, kind, parts[kind])
    rest = [kind for kind in parts if kind not in kinds]
    if rest:
        titles = "、".join(f"「{replies.draft_title(kind)}」" for kind in rest)
        say(dispatcher, tracker, replies.line("short_turn_more", titles=titles), buttons=draft_buttons(tracker, rest))
    else:
        say(dispatcher, tracker, replies.line("short_turn_done"))
        if not is_staff(tracker):
            say(dispatcher, tracker, rehearsal.offer_line(), buttons=rehearsal.offer_buttons(tracker))
    return []
