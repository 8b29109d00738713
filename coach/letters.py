"""Complaint and request letters drafted from the contact log. Pure: no Rasa imports.

- The complaint is routed by region and lender kind (letters.yml ``routes``, facts §3 and §11): a bank or
  consumer-finance company → its own complaint channel first, then 12378; a platform → identify the lender,
  then 12378 or the 地方金融管理局; Hong Kong → the bank, then the HKMA; Taiwan → the bank, then the FOI.
  Harassing calls or SMS add a 12321 report (mainland); threats, violence or someone refusing to leave add
  a police report (报警材料). Each carries the dated entries as a table, what each broke
  (coach/case/conduct_rules.py), what the borrower asks for, and what they attach.
- Beside the negotiation drafts: a holding letter, a request to confirm an agreement in writing, a request to
  stop contacting third parties, and a follow-up when an offer was refused or not answered.
- At the court stage (mainland only): a written objection to a payment order (支付令异议书, facts §12.1) and the
  points of a written answer to a lawsuit (答辩状, facts §12.2), filled from the case (lender, amount) with 【】
  for what the bot does not know (court, case number, dates), and the notes to check before handing them in.

Wording lives in templates/letters/*.j2; routes, attachments and titles in letters.yml; phone numbers come from
knowledge.yml's hotlines or letters.yml, each checked against knowledge/sources.md by tests/unit/test_letters.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from coach import knowledge
from coach.case import conduct_rules, contact_log, lender_type, lenders
from coach.drafting import _BLANK_LINES, _ENV

LETTERS_PATH = Path(__file__).with_name("letters.yml")
KINDS = ("complaint", "police", "spam", "holding", "confirm_writing", "stop_third_party", "follow_up", "objection",
         "defence")
SMALL_SET = ("holding", "confirm_writing", "stop_third_party", "follow_up")
# Court papers follow the mainland's procedure; Hong Kong and Taiwan courts work differently.
COURT_SET = ("objection", "defence")
DANGER = {"threat", "refuse_leave"}
CALL_ABUSE = {"night", "frequent", "insult", "threat"}


@dataclass(frozen=True)
class Letter:
    kind: str
    title: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "title": self.title, "text": self.text}


@dataclass(frozen=True)
class Case:
    """What a letter needs from the case: the slots, read by the caller."""

    lender: str | None = None
    lender_kind: str | None = None
    lender_confirmed: bool | None = None  # the slot: False for a name the registry does not know, until confirmed
    debt: int | None = None
    overdue_days: int | None = None
    region: str = "mainland"
    plan_summary: str | None = None
    reason: str | None = None


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    return yaml.safe_load(LETTERS_PATH.read_text(encoding="utf-8"))


def addressable(case: Case) -> str | None:
    """The lender's name when a letter may be addressed to it: confirmed by the borrower, or a name the registry
    knows (and not marked unconfirmed). A name read from free text and never confirmed (「逾期两个月」 taken as
    the answer to 「哪家机构」) is never an addressee."""
    name = (case.lender or "").strip()
    if not name or case.lender_confirmed is False:
        return None
    return name if case.lender_confirmed is True or name in lenders.CANONICAL else None


def _org(case: Case) -> str:
    """The addressee's name, or a neutral one with a blank to fill in (letters.yml ``unnamed_lender``)."""
    name = addressable(case)
    if name:
        return name
    blanks = load()["unnamed_lender"]
    return blanks["credit_card"] if case.lender_kind == "credit_card" else blanks["other"]


def _fill(text: str, case: Case) -> str:
    return text.format(org=_org(case), **knowledge.hotlines())


def route(case: Case) -> tuple[str, list[str]]:
    """The complaint's addressee and its steps, in order, for this region and lender kind."""
    kind = case.lender_kind if case.lender_kind in load()["routes"]["mainland"] else "other"
    spec = load()["routes"][case.region if case.region in load()["routes"] else "mainland"][kind]
    steps = [_fill(load()["steps"][s]["text"], case) for s in spec["steps"]]
    return _fill(spec["addressee"], case), steps


def _rows(entries: Sequence[Mapping[str, Any]], rules: Sequence[Sequence[conduct_rules.Rule]],
          listed: Sequence[str] | None) -> list[dict]:
    """Table rows; the rules broken are given as their numbers in the letter's list of rules (``listed``), or,
    in a letter without that list (``None``: the 12321 report, the police material), as the kinds of conduct."""
    rows = []
    for entry, broken in zip(entries, rules):
        what = contact_log.what_label(entry).split("：", 1)[-1]
        if entry.get("contacted"):
            what += f"（联系了{'、'.join(entry['contacted'])}）"
        if listed is None:
            cell = "、".join(dict.fromkeys(conduct_rules.label(r.kind) for r in broken))
        else:
            numbers = sorted({listed.index(label) + 1 for r in broken
                              if (label := conduct_rules.short_label(r)) in listed})
            cell = ("见规定 " + "、".join(map(str, numbers))) if numbers else ""
        rows.append({"when": contact_log.when_label(entry), "channel": entry.get("channel") or "电话",
                     "what": what, "rules": cell})
    return rows


def _attachments(kinds: set[str], has_plan: bool) -> list[str]:
    spec = load()["attachments"]
    items = [*spec["base"], spec["recording"]]
    for kind in ("third_party", "visit", "fake_legal"):
        if kind in kinds:
            items.append(spec[kind])
    if has_plan:
        items.append(spec["agreement"])
    return items


def _context(case: Case, today: datetime.date, **extra: Any) -> dict[str, Any]:
    is_card = case.lender_kind == "credit_card"
    you = {"credit_card": "贵行", "bank_loan": "贵行", "consumer_finance": "贵公司", "platform": "贵平台"}.get(
        case.lender_kind or "", "贵方")
    product = "信用卡" if is_card else "贷款" if case.lender_kind == "bank_loan" else "借款"
    addressee, steps = route(case)
    return {"today": today, "org": _org(case), "debt": case.debt, "overdue_days": case.overdue_days,
            "is_card": is_card, "card_rule": is_card and case.region == "mainland", "you": you, "product": product,
            "role": "持卡人" if is_card else "借款人", "plan_summary": case.plan_summary, "reason": case.reason,
            "addressee": addressee, "steps": steps, **extra}


def _render(name: str, ctx: Mapping[str, Any]) -> str:
    text = _ENV.get_template(f"letters/{name}.j2").render(**ctx)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", text).strip()


def _title(kind: str) -> str:
    return load()["titles"][kind]


def _step(name: str, case: Case) -> str:
    return _fill(load()["steps"][name]["text"], case)


def complaint_letters(case: Case, log: Sequence[Mapping[str, Any]], today: datetime.date) -> list[Letter]:
    """The complaint (routed), plus a 12321 report for abusive calls or SMS (mainland) and police material for
    threats, violence or someone refusing to leave. Nothing without entries: a complaint needs the facts."""
    entries = contact_log.ordered(log)
    if not entries:
        return []
    rules = conduct_rules.breaches(entries, case.region, case.lender_kind)
    kinds_by_entry = [{r.kind for r in broken} | set(e.get("kinds") or []) for e, broken in zip(entries, rules)]
    all_kinds = set().union(*kinds_by_entry)
    unique_rules = list(dict.fromkeys(conduct_rules.short_label(r) for broken in rules for r in broken))
    rows = _rows(entries, rules, unique_rules)
    base = _context(case, today, rows=rows, rules=unique_rules, third_party="third_party" in all_kinds,
                    at_night="night" in all_kinds, frequent="frequent" in all_kinds, insult="insult" in all_kinds,
                    attachments=_attachments(all_kinds, bool(case.plan_summary)))
    extra = load()["extra_steps"][case.region]
    calls = [i for i, e in enumerate(entries)
             if e.get("channel") in ("电话", "短信") and kinds_by_entry[i] & CALL_ABUSE]
    danger = [i for i, kinds in enumerate(kinds_by_entry) if kinds & DANGER]
    steps = list(base["steps"])
    if calls and extra.get("calls"):
        steps.append(_step(extra["calls"], case))
    if danger:
        steps.append(_step(extra["danger"], case))
    letters = [Letter("complaint", _title("complaint"),
                      _render("complaint", {**base, "title": f"{_title('complaint')}（致{base['addressee']}）",
                                            "steps": steps}))]
    plain = _rows(entries, rules, None)
    if calls and extra.get("calls"):
        sub = [plain[i] for i in calls]
        letters.append(Letter("spam", _title("spam"), _render("spam", {**base, "title": _title("spam"), "rows": sub,
                                                                        "step": _step(extra["calls"], case)})))
    if danger:
        sub = [plain[i] for i in danger]
        letters.append(Letter("police", _title("police"),
                              _render("police", {**base, "title": _title("police"), "rows": sub,
                                                 "step": _step(extra["danger"], case)})))
    return letters


def follow_up_days(region: str) -> int:
    return int(load()["follow_up_days"].get(region, 15))


def small_letter(kind: str, case: Case, log: Sequence[Mapping[str, Any]], today: datetime.date,
                 request_date: datetime.date | None = None) -> Letter:
    """One of the letters beside the negotiation drafts (SMALL_SET)."""
    if kind not in SMALL_SET:
        raise ValueError(f"unknown letter kind {kind!r}")
    entries = contact_log.ordered(log)
    rules = conduct_rules.breaches(entries, case.region, case.lender_kind)
    third = [i for i, e in enumerate(entries) if "third_party" in (e.get("kinds") or [])]
    third_rules = [conduct_rules.short_label(r) for r in
                   conduct_rules.rules_for("third_party", case.region, case.lender_kind)]
    rows = _rows([entries[i] for i in third], [[r for r in rules[i] if r.kind == "third_party"] for i in third],
                 third_rules)
    addressee = f"{_org(case)} 客户服务部门"
    ctx = _context(case, today, title=_title(kind), rows=rows, rules=third_rules,
                   offer_date=today + datetime.timedelta(days=14), request_date=request_date or today,
                   follow_days=follow_up_days(case.region))
    ctx["addressee"] = addressee
    _, steps = route(case)
    ctx["steps"] = steps[1:] if len(steps) > 1 else steps  # the lender itself has the letter already
    return Letter(kind, _title(kind), _render(kind, ctx))


def court_notes(kind: str) -> list[str]:
    """What to check before handing a court draft in (letters.yml ``court_notes``), numbers from the hotlines."""
    return [note["text"].format(**knowledge.hotlines()) for note in load()["court_notes"][kind]]


def court_letter(kind: str, case: Case, today: datetime.date) -> Letter:
    """A court draft (COURT_SET) for a mainland case: the lender and amount from the case, 【】 for the rest. Only
    the debt itself is disputed there, and only where the borrower has grounds (the draft says so)."""
    if kind not in COURT_SET:
        raise ValueError(f"unknown court draft {kind!r}")
    if case.region != "mainland":
        raise ValueError("court drafts follow the mainland's procedure")
    ctx = _context(case, today, title=_title(kind), notes=court_notes(kind),
                   fee_note=load()["court_fee_note"]["text"])
    return Letter(kind, _title(kind), _render(kind, ctx))


def letters_for(request: str, case: Case, log: Sequence[Mapping[str, Any]], today: datetime.date,
                request_date: datetime.date | None = None) -> list[Letter]:
    """The letters a request names: "complaint" / "police" (the complaint set), one of SMALL_SET, one of
    COURT_SET (mainland only), or "all" (the complaint set and SMALL_SET)."""
    if request in COURT_SET:
        return [court_letter(request, case, today)]
    if request in ("complaint", "police"):
        return complaint_letters(case, log, today)
    if request == "all":
        return [*complaint_letters(case, log, today),
                *(small_letter(k, case, log, today, request_date) for k in SMALL_SET)]
    return [small_letter(request, case, log, today, request_date)]


def by_lender(case: Case, log: Sequence[Mapping[str, Any]],
              amounts: Mapping[str, int] | None = None) -> list[tuple[Case, list[Mapping[str, Any]]]]:
    """The log split by the lender each entry is about, each part with the case addressed to that lender: a
    complaint about 借呗's collectors goes to 借呗, not to the case's first lender. Entries that name no lender stay
    with the case's lender; no entries: the case as it is. ``amounts``: each lender's debt (several debts)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for entry in contact_log.ordered(log):
        groups.setdefault(str(entry.get("lender") or case.lender or ""), []).append(entry)
    if not groups or list(groups) == [case.lender or ""]:
        return [(case, list(contact_log.ordered(log)))]
    out = []
    for name, entries in groups.items():
        if not name or name == case.lender:
            out.append((case, entries))
            continue
        other = Case(lender=name, lender_kind=lender_type(name), lender_confirmed=None,
                     debt=(amounts or {}).get(name), overdue_days=case.overdue_days, region=case.region,
                     plan_summary=case.plan_summary, reason=case.reason)
        out.append((other, entries))
    return out
