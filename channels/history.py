"""What the web pages show from a stored conversation: the messages (for re-rendering after a page reload) and,
for hotline staff, the case facts. Reads the tracker through the running Rasa app's agent; no HTTP API needed.

Bot messages have the same shape as the live Socket.IO events (``{"text", "quick_replies", "custom"}``) so the
widget renders history and live messages with one function.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence

from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from coach import replies
from coach.audience import STAFF_CHANNEL
from coach.case import region_of_script, vocabulary
from coach.extraction import detect_script, threats_in
from coach.zh.safety_cues import act_in_progress

# The case facts, and what the staff console shows with them (coach/case/vocabulary.yml), the letters and the
# caller's script (which region's rules apply).
CASE_SLOTS = tuple(dict.fromkeys(vocabulary.FACT_SLOTS + vocabulary.CONSOLE_SLOTS + ("latest_letters", "script")))
MAX_HISTORY = 300
# Metadata of what the staff console puts into a conversation that is not the borrower's words: a user event
# that only asks for a redraft (``COMMAND``), a slot an adviser corrected (``EDIT``).
COMMAND = "staff_command"
EDIT = "staff_edit"
# The facts an adviser may correct in place, with the label the console shows; ``script`` is the caller's region.
FACT_LABELS = {"lender": "机构", "debt_amount": "欠款金额", "overdue_days": "逾期天数", "monthly_income": "月收入",
               "essential_expenses": "每月必要开支", "affordable_monthly": "每月可还", "hardship_reason": "困难原因",
               "requested_plan": "申请方案", "requested_months": "分期期数", "extension_days": "延期天数",
               "threat_types": "催收方式"}
READ_LABELS = {**FACT_LABELS, "lender_type": "机构类型", "debts": "欠款清单", "script": "地区"}
MONEY_SLOTS = ("debt_amount", "monthly_income", "essential_expenses", "affordable_monthly")
SCRIPT_REGIONS = {"simplified": "内地", "hk": "香港", "tw": "台湾"}
ENTITY_LABELS = {"lender": "机构", "amount": "金额", "duration": "时长"}
# A clause of a note: what the console checks was read (split at punctuation and spaces).
_CLAUSE = re.compile(r"[^，,。.;；！!？?、\s]+")


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


def messages(tracker: DialogueStateTracker | None, limit: int = MAX_HISTORY, *, staff: bool = False
             ) -> List[Dict[str, Any]]:
    """User and bot messages in order. A user message that was a button payload shows the button's title; each
    carries what was read from it for the staff console (``staff``). An adviser's edit is a notice; a redraft
    command is left out."""
    out: List[Dict[str, Any]] = []
    if tracker is None:
        return out
    last_buttons: Dict[str, str] = {}
    read = iter(readings(tracker) if staff else [])
    for event in tracker.events:
        edit = edit_of(event)
        if edit is not None:
            out.append({"sender": "bot", "notice": True, "text": edit_line(edit), "ts": event.timestamp})
        elif is_command(event):
            continue
        elif isinstance(event, UserUttered):
            text = event.text or ""
            said = last_buttons.get(text, text)
            message: Dict[str, Any] = {"sender": "user", "text": said, "ts": event.timestamp}
            if staff:
                message["reading"] = next(read, None)
            out.append(message)
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
        return {**{slot: None for slot in CASE_SLOTS}, "crisis_protocol": None, "drafts_state": drafts_state(None),
                "suggested_script": None, "edits": {}}
    facts = {slot: tracker.get_slot(slot) if slot in tracker.slots else None for slot in CASE_SLOTS}
    protocol = None
    if facts.get("crisis_flag"):
        said = [e.text or "" for e in tracker.events if isinstance(e, UserUttered)]
        protocol = replies.staff_crisis_panel(region_of_script(tracker.get_slot("script")),
                                              act=any(act_in_progress(text) for text in said))
    return {**facts, "crisis_protocol": protocol, "drafts_state": drafts_state(tracker),
            "suggested_script": suggested_script(tracker), "edits": last_edits(tracker)}


def index_facts(tracker: DialogueStateTracker | None) -> Dict[str, Any]:
    """What the staff console's case list searches by (channels/workspace.py): the lender (every lender of
    several debts, joined), the caller's region and whether a crisis cue was seen."""
    if tracker is None:
        return {"lender": "", "region": "mainland", "crisis": False}
    slot = lambda name: tracker.get_slot(name) if name in tracker.slots else None  # noqa: E731
    lenders = [str(d.get("lender")) for d in slot("debts") or [] if isinstance(d, dict) and d.get("lender")]
    lender = "、".join(dict.fromkeys(lenders)) or str(slot("lender") or "")
    return {"lender": lender, "region": region_of_script(slot("script")), "crisis": bool(slot("crisis_flag"))}


def shown(slot: str, value: Any) -> str:
    """A fact as the console and the audit log write it: 35,000 元, 90 天, 上门催收、起诉 / 法律威胁."""
    if value is None or value == "" or value == []:
        return "未知"
    if slot in MONEY_SLOTS and isinstance(value, (int, float)):
        return f"{value:,.0f} 元"
    if slot in ("overdue_days", "extension_days") and isinstance(value, (int, float)):
        return f"{value:.0f} 天"
    if slot == "requested_months" and isinstance(value, (int, float)):
        return f"{value:.0f} 期"
    if slot == "threat_types" and isinstance(value, list):
        return "、".join(vocabulary.THREAT_LABELS.get(str(v), str(v)) for v in value)
    if slot == "requested_plan":
        return vocabulary.PLAN_LABELS.get(vocabulary.PLAN_ALIASES.get(str(value), ""), str(value))
    if slot == "script":
        return SCRIPT_REGIONS.get(str(value), str(value))
    if slot == "lender_type":
        return vocabulary.LENDER_KINDS.get(str(value)) or vocabulary.DEBT_KINDS.get(str(value)) or str(value)
    if slot == "debts" and isinstance(value, list):
        return "、".join(str(d.get("lender")) for d in value if isinstance(d, dict) and d.get("lender"))
    return str(value)


def is_command(event: Any) -> bool:
    """A user event the staff console sent to ask for a redraft: never the borrower's words. Only the staff
    channel's (another channel's client could put anything in its metadata)."""
    return isinstance(event, UserUttered) and event.input_channel == STAFF_CHANNEL and \
        bool((event.metadata or {}).get(COMMAND))


def edit_of(event: Any) -> Dict[str, Any] | None:
    """What an adviser changed, when ``event`` is a slot set from the console (its metadata says who and what)."""
    if not isinstance(event, SlotSet):
        return None
    edit = (event.metadata or {}).get(EDIT)
    return edit if isinstance(edit, dict) else None


def edit_line(edit: Dict[str, Any]) -> str:
    """「李娜 改了 欠款金额：35,000 元 → 53,000 元」: the notice in the conversation, never the borrower's words."""
    return f"{edit.get('name') or ''} 改了 {edit.get('label') or ''}：{edit.get('before') or '未知'} → " \
           f"{edit.get('after') or '未知'}"


def _clauses(text: str) -> List[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CLAUSE.finditer(text)]


def reading(text: str, entities: Sequence[Dict[str, Any]], taken: Dict[str, Any],
            threats: Sequence[str] = ()) -> Dict[str, Any]:
    """What the console shows under a note: the facts it gave (``taken``: slot → new value), the words they were
    read from (``marks``: spans with a label) and the clauses nothing was read from (``unread``), so an adviser
    sees at once what to check and correct. ``threats``: the case's threat kinds after the turn (a threat said
    again is read, though the slot did not change)."""
    marks: List[Dict[str, Any]] = []
    for entity in entities or []:
        start, end = entity.get("start"), entity.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            label = ENTITY_LABELS.get(str(entity.get("entity")), str(entity.get("entity")))
            marks.append({"start": start, "end": end, "label": label})
    known = set(taken.get("threat_types") or []) | set(threats)
    for start, end in _clauses(text):
        said = [k for k in threats_in(text[start:end]) if k in known]
        if said and not any(m["start"] < end and start < m["end"] for m in marks):
            marks.append({"start": start, "end": end,
                          "label": "、".join(vocabulary.THREAT_LABELS.get(k, k) for k in said)})
    marks.sort(key=lambda m: m["start"])
    unread = [text[a:b] for a, b in _clauses(text)
              if not any(m["start"] < b and a < m["end"] for m in marks) and re.search(r"[\u4e00-\u9fff\d]", text[a:b])]
    facts = [{"slot": slot, "label": READ_LABELS.get(slot, slot), "value": value, "shown": shown(slot, value)}
             for slot, value in taken.items() if slot in READ_LABELS]
    return {"facts": facts, "marks": marks, "unread": unread}


def readings(tracker: DialogueStateTracker | None) -> List[Dict[str, Any]]:
    """For each of the borrower's messages (in order, commands left out): what was read from it: the fact slots
    its turn changed (an adviser's edit is not a reading) and the words they came from."""
    out: List[Dict[str, Any]] = []
    if tracker is None:
        return out
    values: Dict[str, Any] = {}
    current: Dict[str, Any] | None = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if current is not None:
                out.append(reading(current["text"], current["entities"], current["taken"],
                                   values.get("threat_types") or ()))
            current = None if is_command(event) else {"text": event.text or "", "entities": event.entities or [],
                                                      "taken": {}}
        elif isinstance(event, SlotSet) and event.key in READ_LABELS:
            if current is not None and edit_of(event) is None and event.value is not None \
                    and event.value != values.get(event.key):
                current["taken"][event.key] = event.value
            values[event.key] = event.value
    if current is not None:
        out.append(reading(current["text"], current["entities"], current["taken"], values.get("threat_types") or ()))
    return out


def drafts_state(tracker: DialogueStateTracker | None) -> Dict[str, Any]:
    """Whether the latest drafts were written before an adviser changed a fact: then they are out of date, and
    which changes came after them."""
    if tracker is None:
        return {"stale": False, "changes": []}
    changes: List[Dict[str, Any]] = []
    for event in tracker.events:
        if isinstance(event, SlotSet) and event.key == "latest_drafts":
            changes = []
        edit = edit_of(event)
        if edit is not None:
            changes.append(edit)
    drafted = tracker.get_slot("latest_drafts") if "latest_drafts" in tracker.slots else None
    return {"stale": bool(drafted and changes), "changes": changes if drafted else []}


def last_edits(tracker: DialogueStateTracker | None) -> Dict[str, Dict[str, Any]]:
    """The latest correction of each fact an adviser changed (the console shows 35,000 元 → 53,000 元 beside it)."""
    out: Dict[str, Dict[str, Any]] = {}
    for event in tracker.events if tracker is not None else []:
        edit = edit_of(event)
        if edit is not None:
            out[str(edit.get("slot"))] = edit
    return out


def suggested_script(tracker: DialogueStateTracker | None) -> str | None:
    """The region the bot reads from the borrower's own words (script and places named), whatever an adviser
    set: shown beside the adviser's choice."""
    script: str | None = None
    for event in tracker.events if tracker is not None else []:
        if isinstance(event, UserUttered) and not is_command(event):
            script = detect_script(event.text or "", script) or script
    return script
