"""The case vocabulary (coach/case/vocabulary.yml) as Python constants, read once. Pure: no Rasa imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.yml")
_DATA: dict[str, Any] = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))

THREAT_KINDS: tuple[str, ...] = tuple(_DATA["threat_kinds"])
THREAT_LABELS: dict[str, str] = {k: v["label"] for k, v in _DATA["threat_kinds"].items()}
THREAT_SUMMARY_NAMES: dict[str, str] = {k: v.get("summary", v["label"]) for k, v in _DATA["threat_kinds"].items()}
THREAT_BY_INTENT: dict[str, str] = {v["intent"]: k for k, v in _DATA["threat_kinds"].items()}

LENDER_KINDS: dict[str, str] = dict(_DATA["lender_kinds"])
DEBT_KINDS: dict[str, str] = dict(_DATA["debt_kinds"])  # also held by slot lender_type

PLAN_LABELS: dict[str, str] = {k: v["label"] for k, v in _DATA["plan_kinds"].items()}
PLAN_BY_INTENT: dict[str, str] = {v["intent"]: k for k, v in _DATA["plan_kinds"].items()}
# Every value the requested_plan slot may hold → its kind (the key itself, and the Chinese words for it).
PLAN_ALIASES: dict[str, str] = {
    alias: kind for kind, spec in _DATA["plan_kinds"].items() for alias in (kind, *spec.get("words", ()))}

HARDSHIP_REASONS: tuple[str, ...] = tuple(_DATA["hardship_reasons"])

FACT_SLOTS: tuple[str, ...] = tuple(_DATA["slots"]["facts"])
STATE_SLOTS: tuple[str, ...] = tuple(_DATA["slots"]["state"])
CONSOLE_SLOTS: tuple[str, ...] = tuple(_DATA["slots"]["console"])

FORM_NAME: str = _DATA["form"]["name"]
FORM_BASE_SLOTS: tuple[str, ...] = tuple(_DATA["form"]["base"])
FORM_OPTIONAL_SLOTS: frozenset[str] = frozenset(_DATA["form"]["optional"])


def labels() -> dict[str, dict[str, str]]:
    """The Chinese labels the staff console shows, by kind (served by the staff API)."""
    return {"lender_kinds": dict(LENDER_KINDS), "threat_kinds": dict(THREAT_LABELS), "plan_kinds": dict(PLAN_LABELS),
            "debt_kinds": dict(DEBT_KINDS)}
