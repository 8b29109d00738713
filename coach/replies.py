"""Coaching lines around the form and the drafts, loaded from replies.yml (text is data)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from coach import knowledge
from coach.case import CaseFacts

_FILE = Path(__file__).with_name("replies.yml")
# What the bot may say right after the crisis lines. The first group keeps the person in the crisis state (the
# next message is read as a reply to the crisis help); "safe" and "negated" end it (the conversation goes on).
CRISIS_STATE_KINDS = ("doubt", "money", "thanks", "stay", "stay_again", "again")
CRISIS_KINDS = (*CRISIS_STATE_KINDS, "safe", "negated", "check", "pause_yes")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return yaml.safe_load(_FILE.read_text(encoding="utf-8"))


def start_plan_message(intent: str, staff: bool = False) -> str:
    if staff:
        return _data()["start_plan_staff"]
    texts = _data()["start_plan"]
    return texts.get(intent, texts["default"])


def after_draft_note() -> str:
    return _data()["after_draft"]


def offer_reminder() -> str:
    return _data()["offer_reminder"]


def decline_offer_message() -> str:
    return _data()["decline_offer"]


def distress_message(region: str = "mainland") -> str:
    texts = _data()["distress"]
    return texts.get(region, texts["mainland"]).format(**knowledge.hotlines())


def line(key: str, **values: Any) -> str:
    """A one-line reply from replies.yml, with ``{placeholders}`` filled from ``values``."""
    return _data()[key].format(**values)


def repeat_message(topic: str | None = None) -> str:
    """Instead of the same answer twice in a row: what the bot can and cannot answer, or which part is meant."""
    texts = _data()["repeat_answer"]
    return texts.get(topic or "default", texts["default"]).format(**knowledge.hotlines())


def loop_way_on() -> dict[str, Any]:
    """The message that replaces a reply going out a third time in a row (coach/dialogue_rules.py)."""
    data = _data()
    return {"text": data["loop_way_on"],
            "buttons": [{"title": title, "payload": title} for title in data["loop_way_on_buttons"]]}


def draft_title(kind: str) -> str:
    return _data()["draft_titles"][kind]


def staff_relay(kind: str, answer: str) -> str:
    """A borrower-facing answer, introduced for hotline staff who pass it on (kind: threat/question/crisis)."""
    return f"{_data()['staff_relay'][kind]}\n{answer}"


def facts_line(facts: CaseFacts) -> str:
    """「欠款机构：招商银行，欠款约 32,000 元」 for the facts that are known."""
    labels = _data()["facts_labels"]
    parts = []
    if facts.several_debts:  # the list instead of one lender and the total
        items = "、".join(f"{d.lender} {d.amount:,} 元" if d.amount else f"{d.lender}（金额未知）" for d in facts.debts)
        parts.append(labels["debts"].format(count=len(facts.debts), items=items))
        labels = {k: v for k, v in labels.items() if k not in ("lender", "debt_amount", "debts")}
    for field, template in labels.items():
        if field == "debts":
            continue
        value = getattr(facts, field)
        if value is not None:
            parts.append(template.format(value=value))
    return "，".join(parts)


def changes_line(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """「欠款 9,000 → 101,000 元，逾期 60 天 → 120 天」: each fact that had a value and now has another."""
    parts = []
    for field, template in _data()["change_labels"].items():
        old, new = before.get(field), after.get(field)
        if old is None or new is None or old == new:
            continue
        if isinstance(old, (int, float)) and isinstance(new, (int, float)):
            old, new = round(old), round(new)
        parts.append(template.format(old=old, new=new))
    return "，".join(parts)


def debt_changes_line(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> str:
    """「借呗 10,000 → 15,000 元」 for each lender whose amount changed; empty when the lenders themselves changed."""
    old = {str(d.get("lender")): d.get("amount") for d in before if isinstance(d, Mapping)}
    new = {str(d.get("lender")): d.get("amount") for d in after if isinstance(d, Mapping)}
    if set(old) != set(new):
        return ""
    template = _data()["change_labels"]["lender_amount"]
    parts = []
    for name, amount in new.items():
        was = old[name]
        if was is not None and amount is not None and was != amount:
            parts.append(template.format(lender=name, old=round(was), new=round(amount)))
    return "，".join(parts)


def crisis_followup(kind: str, region: str = "mainland") -> str:
    """What the bot says right after the crisis lines (kind from coach.crisis_followup), with the region's
    crisis line and emergency numbers from knowledge.yml."""
    data, numbers = _data(), knowledge.hotlines()
    region = region if region in data["crisis_lines"] else "mainland"
    return data["crisis_followup"][kind].format(
        line=data["crisis_lines"][region].format(**numbers), anonymous=data["crisis_anonymous"][region],
        emergency=data["crisis_emergency"][region].format(**numbers))


def staff_crisis_protocol(region: str = "mainland", act: bool = False) -> str:
    """What a hotline adviser does on the call: for an act under way (pills taken, on a roof), emergency first;
    for suicidal thoughts, the questions to ask. With the region's emergency numbers and crisis line."""
    data, numbers = _data(), knowledge.hotlines()
    region = region if region in data["crisis_lines"] else "mainland"
    return data["staff_crisis_protocol"]["act" if act else "thoughts"].format(
        line=data["crisis_lines"][region].format(**numbers),
        emergency=data["crisis_emergency"][region].format(**numbers))


def staff_crisis_panel(region: str = "mainland", act: bool = False) -> dict[str, str]:
    """What the staff console pins above the case after a crisis cue: the steps for the adviser, and, apart from
    them, the words for the caller with the region's numbers (emergency first for an act under way)."""
    tell = knowledge.crisis_message(region)
    if act:
        tell = knowledge.crisis_act_message(region) + "\n" + tell
    data, numbers = _data(), knowledge.hotlines()
    key = region if region in data["crisis_lines"] else "mainland"
    protocol = re.sub(r"^【[^】]*】", "", staff_crisis_protocol(region, act))
    return {"title": "紧急：正在发生" if act else "危机：轻生念头", "protocol": protocol,
            "tell": tell, "line": data["crisis_lines"][key].format(**numbers),
            "emergency": data["crisis_emergency"][key].format(**numbers)}
