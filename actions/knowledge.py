"""Rights, consequences, complaint channels, scam warnings and crisis lines as short answers.

The content lives in knowledge.yml (every statement cites shared/domain/facts.md); this module only picks
and joins statements. Pure Python, no Rasa imports.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from case import LENDER_TYPES, lender_type, region_of_script
from zh.normalizer import to_simplified

KNOWLEDGE_PATH = Path(__file__).with_name("knowledge.yml")

# Intents whose answer depends on the jurisdiction; Hong Kong and Taiwan users get facts §7 notes instead.
_LEGAL_INTENTS = ("ask_legality", "ask_consequences", "ask_complaint_channel")


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    with KNOWLEDGE_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _render(ids: list[str]) -> str:
    statements = load()["statements"]
    return "\n".join(statements[i]["text"] for i in ids)


def intents() -> tuple[str, ...]:
    return tuple(load()["answers"])


def topics(intent: str) -> tuple[str, ...]:
    return tuple(load()["answers"][intent]["topics"])


def topic_for(intent: str, text: str) -> str:
    """Pick the topic of an answer from the user's words (first matching keyword list wins).

    For complaint channels a named lender decides (招行信用卡 → credit_card, 借呗 → platform). Unknown
    intents return "general".
    """
    entry = load()["answers"].get(intent)
    if entry is None:
        return "general"
    body = to_simplified(text or "")
    if intent == "ask_complaint_channel":
        kind = lender_type(None, body)
        if kind != "other":
            return kind
    for topic, spec in entry["topics"].items():
        if any(k in body for k in spec.get("keywords") or ()):
            return topic
    return entry["default"]


def answer(intent: str, topic: str, region: str = "mainland") -> str:
    """The short answer for an intent and topic, one statement per line.

    Hong Kong and Taiwan users asking legal questions or reporting threats get the facts §7 notes, since
    mainland rules do not apply to them; other intents use the general (mainland) advice.
    An unknown topic falls back to the intent's default; an unknown intent raises KeyError.
    """
    data = load()
    region = region_of_script(region)
    if intent == "express_crisis":
        return crisis_message(region)
    entry = data["answers"][intent]
    if region != "mainland" and (intent in _LEGAL_INTENTS or intent.startswith("report_")):
        return _render(data["regions"][region]["legal"])
    spec = entry["topics"].get(topic) or entry["topics"][entry["default"]]
    return _render(spec["say"])


def threat_answer(intent: str, text: str = "", region: str = "mainland") -> str:
    """Answer for a report_* intent: acknowledgement, rules for that threat, evidence, where to complain."""
    return answer(intent, topic_for(intent, text), region)


def crisis_message(region: str = "mainland") -> str:
    """Crisis lines, warmly and first (mainland: 12356 first; hk/tw: local lines from facts §5)."""
    return _render(load()["crisis"][region_of_script(region)])


def hotlines() -> dict[str, str]:
    """Phone numbers by name (knowledge.yml ``hotlines``), for wording outside the statements."""
    return dict(load()["hotlines"])


def complaint_topic(lender_kind: str | None) -> str:
    """Topic of ask_complaint_channel for a known lender type (for the case the bot already knows)."""
    return lender_kind if lender_kind in LENDER_TYPES else "general"
