"""Help for the hotline adviser during a call. Pure: no Rasa.

- :func:`checklist`: what is still unknown about the case, in the order an adviser asks it, each with a short
  question; what is known is ticked with its value. From the case's slots.
- :func:`suggestions`: for what a collector said to the caller (「今天必须还」「再不还就上门」「找你家人」), a calm
  line the caller can say back (the adviser relays it) and, for the adviser, why: the rules of the caller's region,
  taken from coach/case/conduct_rules.yml and coach/knowledge.yml (every one cites knowledge/sources.md), the
  lines from coach/rehearsal/texts.yml where they fit. Nothing is stated that those files do not hold.
- :func:`wrap_up`: the summary saved to the case when the call ends (facts, lenders' statuses, what was agreed,
  the next step, the callback date).

The wording is data: coach/live_call.yml.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from coach import knowledge, outcomes
from coach.case import conduct_rules, region_of_script, vocabulary
from coach.drafting import money
from coach.rehearsal import engine as rehearsal
from coach.zh.normalizer import to_halfwidth, to_simplified, to_traditional

LIVE_CALL_PATH = Path(__file__).with_name("live_call.yml")
REGIONS = ("mainland", "hk", "tw")
MAX_SAID = 500  # characters of a collector's words read: a line, not a transcript


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    return yaml.safe_load(LIVE_CALL_PATH.read_text(encoding="utf-8"))


# --- what is still unknown -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One line of the checklist: ``done`` with the value as the console shows it, or the question to ask."""

    key: str
    label: str
    ask: str
    done: bool
    value: str = ""
    short: str = ""  # the fact's name in the wrap-up

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "ask": self.ask, "done": self.done, "value": self.value}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _lenders(slots: Mapping[str, Any]) -> list[str]:
    names = [str(d["lender"]) for d in slots.get("debts") or [] if isinstance(d, Mapping) and d.get("lender")]
    names = list(dict.fromkeys(names))
    if not names and slots.get("lender"):
        names = [str(slots["lender"])]
    return names


def _value(key: str, slots: Mapping[str, Any], region_set: str | None) -> str:
    """The known value of a checklist item as text, or "" when it is still unknown."""
    words = load()["values"]
    unknown = set(slots.get("facts_unknown") or [])
    if key == "lender":
        names = _lenders(slots)
        if len(names) > 1:
            return str(words["several"].format(count=len(names), lenders="、".join(names)))
        return names[0] if names else (words["not_known"] if "lender" in unknown else "")
    if key == "debt_amount":
        amount = _number(slots.get("debt_amount"))
        return str(words["money"].format(amount=money(round(amount)))) if amount is not None else ""
    if key == "overdue_days":
        days = _number(slots.get("overdue_days"))
        if days is not None:
            return str(words["days"].format(days=round(days)))
        return str(words["not_known"]) if "overdue_days" in unknown else ""
    if key == "affordable":
        can = _number(slots.get("affordable_monthly"))
        income, costs = _number(slots.get("monthly_income")), _number(slots.get("essential_expenses"))
        if can is not None:
            return str(words["affordable"].format(amount=money(round(can))))
        if income is not None and costs is not None:
            return str(words["budget"].format(income=money(round(income)), expenses=money(round(costs))))
        return ""
    if key == "hardship_reason":
        reason = slots.get("hardship_reason")
        return str(reason) if reason else (words["not_known"] if "hardship_reason" in unknown else "")
    if key == "threat_types":
        kinds = [k for k in slots.get("threat_types") or [] if isinstance(k, str)]
        return "、".join(vocabulary.THREAT_LABELS.get(k, k) for k in kinds)
    if key == "region":
        return str(load()["regions"].get(region_of_script(region_set), "")) if region_set else ""
    raise KeyError(key)


def checklist(slots: Mapping[str, Any], region_set: str | None = None) -> list[Item]:
    """The checklist for the case as its slots hold it. ``region_set``: the region or script an adviser chose for
    the case (the bot's own reading of the script is only a guess, so it leaves the item open, with the guess)."""
    items: list[Item] = []
    for spec in load()["checklist"]:
        key = str(spec["key"])
        value = _value(key, slots, region_set)
        ask = str(spec["ask"])
        if key == "region" and not value and slots.get("script"):
            guess = load()["regions"][region_of_script(slots.get("script"))]
            ask = f"{ask} {load()['values']['region_guess'].format(region=guess)}"
        items.append(Item(key, str(spec["label"]), ask, bool(value), value, str(spec.get("short") or spec["label"])))
    return items


# --- what to say back to the collector -----------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """For one thing the collector did: what it is (``label``), the line to relay (``say``), why (``why``, each
    with its source) and every facts § behind them (``sources``)."""

    kind: str
    label: str
    say: str
    why: tuple[str, ...]
    sources: tuple[str, ...] = field(default=())
    threat: str | None = None  # the collection method it shows (vocabulary threat_kinds), if any

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "say": self.say, "why": list(self.why),
                "sources": list(self.sources), "threat": self.threat}


@lru_cache(maxsize=1)
def _cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(spec["cues"])) for kind, spec in load()["suggestions"].items())


def kinds_in(said: str) -> list[str]:
    """The kinds of collector talk in ``said`` (Simplified, Traditional or Cantonese), in the data's order."""
    text = to_simplified(to_halfwidth(str(said or "")[:MAX_SAID]))
    return [kind for kind, cue in _cues() if cue.search(text)]


def _by_region(table: Mapping[str, Any], region: str) -> list[Any]:
    """The entries of ``table`` for ``region``: its ``all`` ones, then the region's own."""
    out: list[Any] = []
    for key in ("all", region):
        value = table.get(key)
        if value is None:
            continue
        out.extend(value if isinstance(value, list) else [value])
    return out


def _resolve(ref: Any, region: str, lender_kind: str | None) -> list[tuple[str, str]]:
    """A reference of live_call.yml → (text, source) pairs; source "" when the text states no rule."""
    if isinstance(ref, Mapping):
        return [(str(ref["text"]), str(ref.get("source") or ""))]
    where, _, key = str(ref).partition(":")
    if where == "conduct":
        return [(rule.text, rule.source) for rule in conduct_rules.rules_for(key, region, lender_kind)]
    if where == "knowledge":
        statement = knowledge.load()["statements"][key]
        return [(str(statement["text"]), str(statement.get("source") or ""))]
    if where == "rehearsal":
        return [(str(rehearsal.texts()["violation"]["say"][key]), "")]
    raise ValueError(f"live_call.yml: unknown reference {ref!r}")


def offer_words(affordable: float | None) -> str:
    words = load()["offer"]
    if affordable is None:
        return str(words["unknown"])
    return str(words["known"].format(amount=money(round(affordable))))


def suggestions(said: str, region: str | None = "mainland", *, affordable: float | None = None,
                lender_kind: str | None = None) -> list[Suggestion]:
    """A line for each kind of collector talk in ``said``, with why, for the caller's region (a region or a
    script: hk, tw; anything else is the mainland). ``affordable``: what the caller can pay a month, said in the
    lines that offer a number; ``lender_kind`` picks the rules that hold for that kind of lender only."""
    place = region_of_script(region)
    script = place if place in ("hk", "tw") else None
    out: list[Suggestion] = []
    for kind in kinds_in(said):
        spec = load()["suggestions"][kind]
        said_back = [p for ref in _by_region(spec["say"], place) for p in _resolve(ref, place, lender_kind)]
        why = [p for ref in _by_region(spec["why"], place) for p in _resolve(ref, place, lender_kind)]
        if not said_back:
            continue
        line = said_back[0][0].format(offer=offer_words(affordable))
        sources = tuple(dict.fromkeys(s for _, s in said_back[:1] + why if s))
        out.append(Suggestion(kind, to_traditional(str(spec["label"]), script), to_traditional(line, script),
                              tuple(to_traditional(text, script) for text, _ in why), sources, spec.get("threat")))
    return out


def new_threats(found: Sequence[Suggestion], known: Sequence[str] | None) -> list[str]:
    """The collection methods the collector's words show that the case does not hold yet, in the vocabulary's
    order (the console offers to add them: the checklist's 「催收做了什么」 is then answered)."""
    shown = {s.threat for s in found if s.threat}
    return [k for k in vocabulary.THREAT_KINDS if k in shown and k not in (known or ())]


def suggested_line(said: str, region: str | None = "mainland", *, affordable: float | None = None,
                   lender_kind: str | None = None) -> Suggestion | None:
    """The first suggestion for ``said`` (the most pressing kind: the data's order), or None."""
    found = suggestions(said, region, affordable=affordable, lender_kind=lender_kind)
    return found[0] if found else None


# --- the lenders' statuses and the wrap-up -------------------------------------------------------------------

def statuses(slots: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each lender's place in the outcome loop (coach/outcomes.py), for the console: lender, status, its label,
    since when, the lender's last offer and the terms on the table."""
    names = outcomes.load()["statuses"]
    rows = []
    found = outcomes.statuses_of(slots.get("debts"), slots.get("latest_drafts"), slots.get("lender"))
    for lender, status in found.items():
        if not isinstance(status, Mapping) or status.get("status") not in names:
            continue
        terms = outcomes.Terms.from_dict(status.get("terms"))
        rows.append({"lender": lender, "status": status["status"], "label": names[status["status"]],
                     "since": str(status.get("since") or ""), "offer": str(status.get("offer") or ""),
                     "terms": outcomes.terms_words(terms) if terms is not None else ""})
    return rows


def duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    words = load()["wrap_up"]
    return str(words["duration"].format(minutes=seconds // 60, seconds=seconds % 60))


def wrap_up(slots: Mapping[str, Any], lender_statuses: Sequence[Mapping[str, Any]], agreed: str, next_step: str,
            callback: datetime.date | None, *, call_seconds: int | None = None, adviser: str = "",
            today: datetime.date | None = None, region_set: str | None = None) -> str:
    """The call's summary as it is saved to the case: the facts known, what is still unknown, each lender's
    status (:func:`statuses`), what was agreed, the next step and the callback date."""
    words = load()["wrap_up"]
    items = checklist(slots, region_set)
    known = "；".join(f"{i.short} {i.value}" for i in items if i.done)
    missing = "、".join(i.short for i in items if not i.done)
    lines = [str(words["title"].format(date=(today or datetime.date.today()).isoformat(), adviser=adviser,
                                       duration=duration(call_seconds))),
             str(words["facts"].format(facts=known)) if known else str(words["facts_none"])]
    if missing:
        lines.append(str(words["unknown"].format(items=missing)))
    if lender_statuses:
        lines.append(str(words["statuses"].format(items="；".join(
            str(words["status_item"].format(lender=s.get("lender"), label=s.get("label"), since=s.get("since")))
            .replace("（）", "") for s in lender_statuses))))
    lines.append(str(words["agreed"].format(text=agreed.strip())) if agreed.strip() else str(words["agreed_none"]))
    lines.append(str(words["next_step"].format(text=next_step.strip())) if next_step.strip()
                 else str(words["next_step_none"]))
    lines.append(str(words["callback"].format(date=callback.isoformat())) if callback else
                 str(words["callback_none"]))
    return "\n".join(lines)


__all__ = ["Item", "Suggestion", "checklist", "kinds_in", "load", "new_threats", "offer_words", "statuses",
           "suggested_line", "suggestions", "wrap_up"]
