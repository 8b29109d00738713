"""Rights, consequences, complaint channels, scam warnings and crisis lines as short answers.

The content lives in knowledge.yml (every statement cites knowledge/sources.md); this module only picks
and joins statements. Pure Python, no Rasa imports.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Sequence

import yaml

from coach.case import LENDER_TYPES, lender_type, region_of_script
from coach.zh import court_words
from coach.zh.debt_words import mentions_debt
from coach.zh.normalizer import to_simplified

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


@cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


_DEBT_LIST = re.compile(r"(欠了?哪(些|几家|几个)|欠(的)?(都)?有哪些|欠款清单|欠款列表|(看|列|给我).{0,3}(清单|欠款)|"
                        r"都欠了?(谁|哪)|一共欠了?几家|我的欠款有哪些|欠了多少家)")


def asks_debt_list(text: str) -> bool:
    """「我现在欠了哪些」「把欠款清单给我看看」: the borrower asks to see the debts the case holds."""
    body = to_simplified(text or "")
    return bool(_DEBT_LIST.search(body)) and not re.search(r"(先还|怎么还|还哪)", body)


def special_topics() -> tuple[str, ...]:
    return tuple(load()["special"])


def special_topic(text: str, earlier: Sequence[str] = ()) -> str | None:
    """The question asked, whatever intent the classifier gave: court SMS, a phishing link already opened, the
    court stage (a payment order, lawsuit papers, mediation, a freeze, enforcement, whether papers are real),
    interest caps, a family member's liability, the workplace, which debt first, defamation, legal help, Taiwan's
    and Hong Kong's debt relief, or a question about something else entirely (knowledge.yml ``special``; the
    first topic that holds wins). A topic's ``court`` names a stage read by coach/zh/court_words.py.

    ``earlier``: the user's earlier messages (oldest first); a topic's ``context`` may be met by one of them.
    """
    body = to_simplified(text or "")
    if not body.strip():
        return None
    before = [to_simplified(t or "") for t in earlier]
    court = court_words.stage(body)
    for topic, spec in load()["special"].items():
        if spec.get("court") and spec["court"] != court:
            continue
        if any(not _pattern(p).search(body) for p in spec.get("all") or ()):
            continue
        if spec.get("any") and not any(_pattern(p).search(body) for p in spec["any"]):
            continue
        if spec.get("unless") and _pattern(spec["unless"]).search(body):
            continue
        if spec.get("unless_debt") and mentions_debt(body):
            continue
        context = spec.get("context")
        if context and not any(_pattern(context).search(t) for t in (body, *before)):
            continue
        return topic
    return None


def special_answer(topic: str, region: str = "mainland") -> str | None:
    """The statements for a special topic in the user's region; None when the topic answers with a line of
    replies.yml (``special_reply``). A region without its own list gets its legal notes (facts §7)."""
    data = load()
    spec = data["special"][topic]
    if "say" not in spec:
        return None
    region = region_of_script(region)
    say = spec["say"]
    if isinstance(say, list):
        return _render(say)
    if region in say:
        return _render(say[region])
    return _render(data["regions"][region]["legal"])


def special_reply(topic: str) -> str | None:
    """The replies.yml key a special topic answers with, if it has no statements (off_topic)."""
    return load()["special"][topic].get("reply")


def threat_answer(intent: str, text: str = "", region: str = "mainland") -> str:
    """Answer for a report_* intent: acknowledgement, rules for that threat, evidence, where to complain."""
    return answer(intent, topic_for(intent, text), region)


def crisis_message(region: str = "mainland") -> str:
    """Crisis lines, warmly and first (mainland: 12356 first; hk/tw: local lines from facts §5)."""
    return _render(load()["crisis"][region_of_script(region)])


def crisis_act_message(region: str = "mainland") -> str:
    """An act already under way (pills taken, on a roof): the region's emergency numbers before anything else."""
    return _render(load()["crisis_act"][region_of_script(region)])


def safety_message(kind: str, region: str = "mainland") -> str:
    """A refusal the bot gives whatever the classifier says: ``deception`` (invent a hardship, fake a document,
    pose as someone, hide assets, vanish) or ``collector`` (pressure tactics, getting round the rules)."""
    return _render(load()["safety"][kind][region_of_script(region)])


def hotlines() -> dict[str, str]:
    """Phone numbers by name (knowledge.yml ``hotlines``), for wording outside the statements."""
    return dict(load()["hotlines"])


def complaint_topic(lender_kind: str | None) -> str:
    """Topic of ask_complaint_channel for a known lender type (for the case the bot already knows)."""
    return lender_kind if lender_kind in LENDER_TYPES else "general"
