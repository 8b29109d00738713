"""Which rule each logged contact breaks (coach/case/conduct_rules.yml, from knowledge/sources.md). Pure: no Rasa.

A rule is attached only when the entry shows the conduct: a time inside the night hours of the borrower's
region, more than three calls on one day (the entry's own count or the day's entries together), a third
party contacted, threats, insults, a visit, forced entry, posing as a court, or overstated legal
consequences. Industry self-regulation and the recommended national standard are marked as such.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

RULES_PATH = Path(__file__).with_name("conduct_rules.yml")
KINDS = ("night", "frequent", "third_party", "threat", "insult", "visit", "refuse_leave", "fake_legal",
         "exaggerated")


@dataclass(frozen=True)
class Rule:
    kind: str
    text: str
    source: str
    confidence: str  # V or S (the marks of knowledge/sources.md)
    self_regulation: bool = False


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def night_hours(region: str) -> tuple[int, int]:
    start, end = load()["night_hours"].get(region, load()["night_hours"]["mainland"])
    return int(start), int(end)


def is_night(at: datetime.datetime, region: str) -> bool:
    start, end = night_hours(region)
    return at.hour >= start or at.hour < end


def rules_for(kind: str, region: str = "mainland", lender_kind: str | None = None) -> tuple[Rule, ...]:
    """The rules a conduct kind breaks in ``region`` for this kind of lender (all lenders when unknown)."""
    table = load().get(region) or load()["mainland"]
    out = []
    for item in table.get(kind) or []:
        lenders = item.get("lenders")
        if lenders and lender_kind not in lenders:
            continue
        out.append(Rule(kind, item["text"], item["source"], item["confidence"], bool(item.get("self_regulation"))))
    return tuple(out)


def calls_by_day(entries: Iterable[Mapping[str, Any]]) -> dict[datetime.date, int]:
    """Calls per calendar day: each call entry counts its stated number of calls (1 when none was said)."""
    days: dict[datetime.date, int] = defaultdict(int)
    for entry in entries:
        if entry.get("channel") == "电话":
            days[datetime.datetime.fromisoformat(entry["at"]).date()] += int(entry.get("count") or 1)
    return dict(days)


def entry_kinds(entry: Mapping[str, Any], region: str, day_calls: Mapping[datetime.date, int]) -> list[str]:
    """The conduct kinds an entry shows, with night and frequency worked out from the log."""
    kinds = [k for k in entry.get("kinds") or [] if k in KINDS and k not in ("night", "frequent")]
    at = datetime.datetime.fromisoformat(entry["at"])
    if entry.get("channel") in ("电话", "上门", "短信", "微信") and \
            ((entry.get("has_time") and is_night(at, region)) or "night" in (entry.get("kinds") or [])):
        kinds.insert(0, "night")
    limit = int(load()["frequent_calls_per_day"])
    if entry.get("channel") == "电话" and (int(entry.get("count") or 1) > limit or
                                          day_calls.get(at.date(), 0) > limit or
                                          "frequent" in (entry.get("kinds") or [])):
        kinds.insert(1 if kinds[:1] == ["night"] else 0, "frequent")
    return kinds


def breaches(entries: Sequence[Mapping[str, Any]], region: str = "mainland",
             lender_kind: str | None = None) -> list[list[Rule]]:
    """For each entry (in order), the rules it breaks."""
    day_calls = calls_by_day(entries)
    return [[rule for kind in entry_kinds(e, region, day_calls) for rule in rules_for(kind, region, lender_kind)]
            for e in entries]


def short_label(rule: Rule) -> str:
    """The rule as it appears in a table cell, with its mark: "[已核实]" for V, "[二手来源]" for S."""
    mark = "已核实" if rule.confidence == "V" else "据二手资料"
    return f"{rule.text}（{mark}）"


def label(kind: str) -> str:
    return load()["labels"].get(kind, kind)
