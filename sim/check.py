"""The invariants checked after every simulated turn. Pure functions over (the ground truth so far, the bot's replies,
the tracker's slots); each violation has a named kind (``KINDS``) so a run can be counted and a test can list the
kinds that still fail.

The plan's monthly amounts and lump sums are read from ``latest_drafts["summary"]`` (coach/templates/plan_summary.j2,
coach/templates/_macros.j2 ``proposal``, coach/templates/multi/summary.j2): the summary is the plan the drafts use.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from coach.budget import offer_for
from sim.generate import Truth, Turn, lender_aliases, to_simplified

KINDS: dict[str, str] = {
    "fact_missing": "a fact the person stated is not in the case",
    "fact_wrong_value": "a fact the person stated is in the case with another value",
    "role_confused": "an amount that is no fact (a collector's demand, a fee, the old 月供, what was repaid, a "
                     "sum by a date) was taken as the debt, the monthly capacity or the income",
    "lender_dropped": "a lender the person named is not in the case",
    "loop": "the same reply three turns in a row",
    "refusal": "an in-domain message answered with 「帮不上忙」 (the out-of-scope reply)",
    "bot_error": "the bot's error reply (「这一步我没处理好」, the action server down) or an HTTP failure",
    "plan_above_affordable": "a drafted plan's monthly amount is above what the person said they can pay "
                             "(on the budget path: above income − costs; or names a monthly amount when they said "
                             "none)",
    "lump_sum_not_offered": "a drafted plan holds a lump sum the person did not offer",
    "wrong_date": "a plan dates the pay day the person named in the wrong year",
    "evidence_log_spurious": "an evidence-log entry for a message that reports no contact by a collector",
    "wrong_region": "the bot's script/region is not the person's",
    "asked_again": "an explicit request for a plan answered with the question whether to start (「要现在开始吗」)",
    "lender_invented": "the case holds a lender the person never named (words around a name taken as one)",
}

OUT_OF_SCOPE = ("帮不上忙",)
ERROR_REPLIES = ("这一步我没处理好", "刚才那句没处理完")
_MONTHLY = re.compile(r"(?:每期|每月最多|每月先还)\s*([\d,]+)\s*元")
_LUMP = re.compile(r"(一次性结清|到期前还清|到期前先还)\s*([\d,]+)\s*元")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# The offer to start drafting, as a question (utter_offer_plan, offer_plan_lender) or after facts are noted
# (「要起草协商方案的话，回复「好」就开始」): after an explicit request for a plan, either is asking again.
OFFERS = ("要现在开始吗", "回复「好」就开始")
# What the bot says when it asks the question a scripted turn answers (Turn.after), matched in Simplified script.
ASKED: dict[str, tuple[str, ...]] = {
    "offer": OFFERS,
    "ask_lender": ("您是欠哪家机构的", "没认出是哪家机构"),
    "confirm_lender": ("我记下的机构是",),
    "ask_affordable": ("每个月最多能拿出",),
    "ask_income": ("收入",),
    "ask_costs": ("必须花的钱", "必须的开支"),
    "amount_role": ("是指哪一项",),
}


@dataclass(frozen=True)
class Violation:
    kind: str
    detail: str
    subject: str = ""   # what it is about (a slot, a lender): a run counts a (kind, subject) once per conversation


def _norm(name: Any) -> str:
    return to_simplified(str(name or "")).strip().lower()


def _same_lender(said: Any, held: Any) -> bool:
    a, b = _norm(said), _norm(held)
    return bool(a and b) and (a == b or a in b or b in a)


def _num(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _money(text: str) -> int:
    return int(text.replace(",", ""))


def held_lenders(slots: Mapping[str, Any]) -> list[str]:
    names = [str(slots["lender"])] if slots.get("lender") else []
    for debt in slots.get("debts") or []:
        if isinstance(debt, Mapping) and debt.get("lender"):
            names.append(str(debt["lender"]))
    return names


def check_facts(truth: Truth, slots: Mapping[str, Any]) -> list[Violation]:
    """Every stated fact in the case with its value; amounts that are no fact kept out of the fact slots."""
    out: list[Violation] = []
    noise = list(truth.noise)
    if truth.lump_offer is not None:
        noise.append(("lump", truth.lump_offer))
    expected = {
        "debt_amount": truth.debt_amount,
        "affordable_monthly": truth.affordable,
        "monthly_income": truth.income,
        "overdue_days": truth.overdue_days,
        "essential_expenses": truth.costs,
    }
    # Another money fact's value in this slot (the income taken as what they can pay) is a confusion too.
    money_facts = {"debt_amount": truth.debt_amount, "affordable_monthly": truth.affordable,
                   "monthly_income": truth.income}
    for slot, want in expected.items():
        got = _num(slots.get(slot))
        if got is not None and want is not None and round(got) == want:
            continue
        if slot == "affordable_monthly" and want is None and truth.budget_left is not None and got is not None \
                and round(got) == offer_for(truth.budget_left):
            continue  # worked out from income and costs: the budget's own figure, whatever else it happens to equal
        candidates = [*noise, *((other, value) for other, value in money_facts.items()
                                if other != slot and value is not None)]
        confused = [role for role, value in candidates if got is not None and round(got) == value
                    and slot != "overdue_days"]
        if confused:
            out.append(Violation("role_confused", f"{slot}={got:g}: the {confused[0]} amount (expected {want})",
                                 slot))
        elif want is None:
            continue
        elif got is None:
            out.append(Violation("fact_missing", f"{slot}: expected {want}, the case has none", slot))
        else:
            out.append(Violation("fact_wrong_value", f"{slot}: expected {want}, the case has {got:g}", slot))
    left, got = truth.budget_left, _num(slots.get("affordable_monthly"))
    if left is not None and truth.affordable is None and got is not None and round(got) > left:
        out.append(Violation("fact_wrong_value", f"affordable_monthly: {got:g} is above income − costs = {left} "
                                                 f"({truth.income} − {truth.costs})", "affordable_monthly"))
    if len(truth.lenders) >= 2:
        debts = [d for d in slots.get("debts") or [] if isinstance(d, Mapping)]
        for lender in truth.lenders:
            if lender.amount is None:
                continue
            held = next((d for d in debts if _same_lender(lender.name, d.get("lender"))), None)
            if held is None:
                continue  # reported as lender_dropped when the name is nowhere
            got = _num(held.get("amount"))
            if got is None:
                out.append(Violation("fact_missing", f"debts[{lender.name}]: expected {lender.amount}, no amount",
                                     f"debts[{lender.name}]"))
            elif round(got) != lender.amount:
                out.append(Violation("fact_wrong_value",
                                     f"debts[{lender.name}]: expected {lender.amount}, the case has {got:g}",
                                     f"debts[{lender.name}]"))
    return out


def check_lenders(truth: Truth, slots: Mapping[str, Any]) -> list[Violation]:
    held = held_lenders(slots)
    return [Violation("lender_dropped", f"{lender.name} (case holds: {'、'.join(held) or 'none'})", lender.name)
            for lender in truth.lenders if not any(_same_lender(lender.name, h) for h in held)]


def check_invented(truth: Truth, slots: Mapping[str, Any]) -> list[Violation]:
    """Every lender the case holds is one the person named: a registry lender by any of its names (or a longer
    name holding one, 「招商银行信用卡」), a name no list knows exactly as said (「款快易花」 is no name)."""
    out = []
    aliases = lender_aliases()
    for held in dict.fromkeys(held_lenders(slots)):
        canonical = aliases.get(_norm(held), held)
        if not any(_norm(lender.name) in (_norm(held), _norm(canonical))
                   or (lender.registry and _same_lender(lender.name, held))
                   for lender in truth.lenders):
            named = "、".join(lt.name for lt in truth.lenders) or "none"
            out.append(Violation("lender_invented", f"{held} (named: {named})", held))
    return out


def check_replies(turn: Turn, replies: Sequence[str], earlier: Sequence[str]) -> list[Violation]:
    """``earlier``: the whole reply text of each earlier turn, oldest first."""
    out: list[Violation] = []
    text = "\n".join(replies)
    if text and len(earlier) >= 2 and earlier[-1] == text and earlier[-2] == text:
        out.append(Violation("loop", f"three times: {text[:80]}"))
    plain = to_simplified(text)  # a Hong Kong or Taiwan person reads the replies in Traditional script
    if turn.in_domain and any(word in plain for word in OUT_OF_SCOPE):
        out.append(Violation("refusal", text[:80]))
    if any(word in plain for word in ERROR_REPLIES):
        out.append(Violation("bot_error", text[:80]))
    if turn.plan_request and any(offer in plain for offer in OFFERS):
        out.append(Violation("asked_again", f"「{turn.text[:40]}」 → {text[:80]}"))
    return out


def asked(after: str, previous_reply: str) -> bool:
    """Whether the bot's reply before a scripted turn asked the question the turn answers."""
    plain = to_simplified(previous_reply)
    return any(marker in plain for marker in ASKED[after])


def _summary(slots: Mapping[str, Any] | None) -> str:
    drafts = (slots or {}).get("latest_drafts")
    return str(drafts.get("summary") or "") if isinstance(drafts, Mapping) else ""


def check_plan(truth: Truth, before: Truth | None, slots: Mapping[str, Any],
               previous_slots: Mapping[str, Any] | None) -> list[Violation]:
    """The plan drafted this turn (or standing when what they can pay changed): monthly amounts within what they
    said, no lump sum they did not offer, their pay day in the right year."""
    summary = _summary(slots)
    if not summary:
        return []
    changed = summary != _summary(previous_slots)
    capacity_changed = before is not None and (before.affordable, before.budget_left) != \
        (truth.affordable, truth.budget_left)
    if not (changed or capacity_changed):
        return []
    out: list[Violation] = []
    # what they said they can pay, else what their income leaves after the month's costs (the budget path)
    capacity = truth.affordable if truth.affordable is not None else truth.budget_left
    for m in _MONTHLY.finditer(summary):
        amount = _money(m.group(1))
        if capacity is None:
            out.append(Violation("plan_above_affordable", f"{amount} a month, no amount said: {summary[:80]}"))
        elif amount > capacity:
            said = "said" if truth.affordable is not None else f"= income {truth.income} − costs {truth.costs}"
            out.append(Violation("plan_above_affordable", f"{amount} a month > {capacity} {said}: {summary[:80]}"))
    for m in _LUMP.finditer(summary):
        amount = _money(m.group(2))
        offered = truth.lump_offer is not None and amount <= truth.lump_offer
        # what they can pay a month (said, or what income less costs leaves) covers the whole debt: paid in one go
        one_payment = m.group(1) == "一次性结清" and capacity is not None and amount <= capacity
        if not (offered or one_payment):
            out.append(Violation("lump_sum_not_offered",
                                 f"{m.group(1)} {amount} (offered: {truth.lump_offer}): {summary[:80]}"))
    if truth.pay_date:
        day = datetime.date.fromisoformat(truth.pay_date)
        for m in _DATE.finditer(summary):
            year, month, dom = (int(g) for g in m.groups())
            if (month, dom) == (day.month, day.day) and year != day.year:
                out.append(Violation("wrong_date", f"{m.group(0)} for {day.isoformat()}: {summary[:80]}"))
    return out


def check_evidence(turn: Turn, slots: Mapping[str, Any], previous_slots: Mapping[str, Any] | None) -> list[Violation]:
    now = len(slots.get("contact_log") or [])
    before = len((previous_slots or {}).get("contact_log") or [])
    if now > before and not turn.contact_report:
        entry = (slots.get("contact_log") or [{}])[-1]
        logged = str(entry.get("text", ""))[:40] if isinstance(entry, Mapping) else ""
        return [Violation("evidence_log_spurious", f"entry for 「{turn.text[:40]}」: {logged}")]
    return []


def check_region(truth: Truth, slots: Mapping[str, Any]) -> list[Violation]:
    if not truth.region_evident:
        return []
    script = slots.get("script")
    if truth.expect_script == "simplified":
        ok = script in (None, "simplified")
    else:
        ok = script == truth.expect_script
    return [] if ok else [Violation("wrong_region", f"script={script}, the person is {truth.region}", "script")]


def check_turn(turn: Turn, before: Turn | None, replies: Sequence[str], earlier: Sequence[str],
               slots: Mapping[str, Any], previous_slots: Mapping[str, Any] | None) -> list[Violation]:
    """Every invariant after one turn."""
    truth = turn.truth
    return [*check_facts(truth, slots), *check_lenders(truth, slots), *check_invented(truth, slots),
            *check_replies(turn, replies, earlier),
            *check_plan(truth, before.truth if before else None, slots, previous_slots),
            *check_evidence(turn, slots, previous_slots), *check_region(truth, slots)]
