"""Scoring NLU on labelled messages, shared by ``make eval`` (evaluation/holdout.py) and the benchmarks (bench/)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
ENTITY_TYPES = ("lender", "amount", "duration")
SAFETY_INTENTS = ("express_crisis", "express_distress", "report_harassment", "report_visit_threat")
FALLBACK_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def load_holdout(path: str | Path) -> list[dict[str, Any]]:
    """Messages with their intent and gold entities (type, value, role) from a Rasa NLU file."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    rows = []
    for msg in data.intent_examples:
        gold = [(e["entity"], str(e.get("value", e.get("text"))), e.get("role")) for e in msg.get("entities", [])]
        rows.append({"text": msg.get("text"), "intent": msg.get("intent"), "entities": gold})
    return rows


async def parse_all(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    return [await agent.parse_message(t) for t in texts]


def rasa_log_level() -> None:
    """Rasa's structlog events at ``LOG_LEVEL`` (INFO unless set), as Rasa's own command line sets them. A process
    that loads an Agent itself leaves structlog unconfigured, and unconfigured structlog prints every debug event:
    one ``processor.message.parse`` line for each message parsed."""
    import logging
    import os

    import structlog

    level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").upper())
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(
        level if isinstance(level, int) else logging.INFO))


async def predict(model: str, texts: list[str]) -> list[dict[str, Any]]:
    """Parse every text with the trained model at ``model``."""
    from rasa.core.agent import Agent

    rasa_log_level()
    return await parse_all(Agent.load(model), texts)


def top_intent(parse: dict[str, Any]) -> str:
    """The classifier's own top intent: FallbackClassifier puts nlu_fallback first in the ranking."""
    for item in parse.get("intent_ranking") or []:
        if item["name"] != "nlu_fallback":
            return item["name"]
    return (parse.get("intent") or {}).get("name") or "nlu_fallback"


def entity_scores(rows: list[dict[str, Any]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """Per type: share of messages containing that type whose values were all extracted, with no extras."""
    out: dict[str, Any] = {}
    any_total = any_ok = 0
    failures: list[dict[str, Any]] = []
    role_total = role_ok = 0
    for row, parse in zip(rows, parses):
        pred = [(e["entity"], str(e.get("value")), e.get("role")) for e in parse.get("entities", [])
                if e["entity"] in ENTITY_TYPES]
        message_ok = True
        has_any = False
        for etype in ENTITY_TYPES:
            gold_vals = Counter(v for t, v, _ in row["entities"] if t == etype)
            pred_vals = Counter(v for t, v, _ in pred if t == etype)
            if not gold_vals and not pred_vals:
                continue
            stats = out.setdefault(etype, {"messages": 0, "correct": 0, "false_positive_messages": 0})
            if gold_vals:
                has_any = True
                stats["messages"] += 1
                if gold_vals == pred_vals:
                    stats["correct"] += 1
                else:
                    message_ok = False
            else:
                stats["false_positive_messages"] += 1
        for t, v, r in row["entities"]:
            if t in ("amount", "duration") and r:
                role_total += 1
                role_ok += any(pt == t and pv == v and pr == r for pt, pv, pr in pred)
        if has_any:
            any_total += 1
            any_ok += message_ok
            if not message_ok:
                failures.append({"text": row["text"], "gold": row["entities"], "pred": pred})
    for stats in out.values():
        stats["accuracy"] = stats["correct"] / stats["messages"] if stats["messages"] else None
    out["all"] = {"messages": any_total, "correct": any_ok, "accuracy": any_ok / any_total if any_total else None}
    out["roles"] = {"annotated": role_total, "correct": role_ok,
                    "accuracy": role_ok / role_total if role_total else None}
    out["failures"] = failures
    return out


def fallback_analysis(gold: list[str], pred: list[str], conf: list[float]) -> list[dict[str, Any]]:
    """For candidate thresholds: how many right answers would fall back, how many wrong ones are caught."""
    rows = []
    for thr in FALLBACK_THRESHOLDS:
        right_lost = sum(1 for g, p, c in zip(gold, pred, conf) if g == p and c < thr)
        wrong_caught = sum(1 for g, p, c in zip(gold, pred, conf) if g != p and c < thr)
        rows.append({"threshold": thr, "correct_sent_to_fallback": right_lost, "errors_caught": wrong_caught})
    return rows
