"""Turn one parsed user message into case-fact slot updates. Pure: no Rasa imports.

How amounts are told apart: the NLU extractor gives each amount a role from the words around it
(欠/一共 → debt, 收入/工资 → income, 每月能还 → affordable, 先还/现在能拿出 → partial). An amount with no
role goes to the slot the form has just asked for; a correction (「不对，是四万」) goes to the fact the user
gave last; otherwise an unroled amount is taken as the total owed if that is still unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from case import classify_hardship, lender_type
from zh.normalizer import to_simplified

AMOUNT_SLOTS = ("debt_amount", "monthly_income", "affordable_monthly", "essential_expenses")
DURATION_SLOTS = ("overdue_days", "extension_days")
ROLE_TO_SLOT = {
    "debt": "debt_amount", "income": "monthly_income", "affordable": "affordable_monthly",
    "overdue": "overdue_days", "extension": "extension_days", "expenses": "essential_expenses",
}
IGNORED_ROLES = {"other", "fee"}
PLAN_BY_INTENT = {"request_installment": "installment", "request_extension": "extension",
                  "request_fee_waiver": "fee_waiver"}
THREAT_BY_INTENT = {"report_visit_threat": "visit", "report_lawsuit_threat": "lawsuit",
                    "report_third_party_contact": "third_party", "report_harassment": "harassment"}

_CORRECTION = re.compile(r"(不对|不是|错了|说错|改成|改为|应该是|其实是|更正|写错|纠正)")
_UNKNOWN = re.compile(r"(不知道|不清楚|不记得|记不清|忘了|不确定|说不准|说不好|没算过|不晓得|唔知|不太清楚)")
_ZERO_MONEY = re.compile(
    r"(没有收入|没收入|没工作|零收入|没有工作|一分都?没有|拿不出|一分钱都|没钱|没有钱|失业|^没有$|^0$|^零$)"
)
_NOT_OVERDUE = re.compile(r"(还没逾期|没有逾期|没逾期|还没到期|未逾期)")
_THREAT_CUES = {
    "visit": re.compile(
        r"(上门|找上门|外访|去.{0,3}(单位|公司|家里|老家|村里|学校|小区)|来.{0,2}(家|单位|公司)|到.{0,2}(家|单位)来)"),
    "lawsuit": re.compile(r"(起诉|传票|律师函|立案|坐牢|仲裁|强制执行|报警抓|抓我|判刑|列入失信)"),
    "third_party": re.compile(
        r"((打给|打到|打电话给|联系|找|告诉|发给|群发|骚扰).{0,4}"
        r"(家人|家里人|爸|妈|父母|老婆|老公|妻子|丈夫|同事|领导|朋友|亲戚|紧急联系人|通讯录|单位|公司)|爆通讯录)"),
    "harassment": re.compile(r"(骂|辱骂|恐吓|威胁|半夜|凌晨|轰炸|几十个电话|P图|p图|弄死|砍|人身安全)"),
}
# Intents whose unlabelled numbers may be taken as case facts (not a fee in a question, not call counts).
_FACT_INTENTS = {"inform", "cannot_pay", *PLAN_BY_INTENT}
_LENDER_NOISE = re.compile(
    r"(信用卡|贷款|借款|网贷|那笔|那个|那家|的|欠|是|了|吧|呀|啊|哦|嗯|app|APP|[，,。.!！?？\s])"
)
# Intents whose words describe what happened (so threats named in them are recorded for the case summary).
_NARRATIVE_INTENTS = {"inform", "cannot_pay", "express_distress", *PLAN_BY_INTENT, *THREAT_BY_INTENT}
_CANTONESE = re.compile(r"[係冇佢唔咗嘅俾啲嚟喺睇]|點算|乜嘢")
_TAIWAN = re.compile(r"(臺灣|台灣|新台幣|金管會|銀行公會|債清|前置協商|申訴|檢舉)")


def threats_in(text: str) -> list[str]:
    """Threat kinds named in a message (visit, lawsuit, third_party, harassment), in a fixed order."""
    return [kind for kind, cue in _THREAT_CUES.items() if cue.search(text or "")]


def detect_script(raw: str, current: str | None) -> str | None:
    """'hk'/'tw' when the user writes Traditional Chinese, 'simplified' when they write Simplified."""
    simplified = to_simplified(raw)
    changed = sum(1 for a, b in zip(raw, simplified) if a != b)
    if changed >= 1 and len(re.findall(r"[\u4e00-\u9fff]", raw)) >= 2:
        if _CANTONESE.search(raw):
            return "hk"
        if _TAIWAN.search(raw):
            return "tw"
        return current if current in ("hk", "tw") else "tw"
    if changed == 0 and re.search(r"[们说这还钱银贷欠时么过没让给]", raw):
        return "simplified"
    return None


def _entities(entities: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [e for e in entities if e.get("entity") == kind and e.get("value") is not None]


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def extract_facts(
    *,
    intent: str | None,
    entities: Sequence[Mapping[str, Any]],
    text: str,
    raw_text: str,
    requested_slot: str | None,
    current: Mapping[str, Any],
) -> dict[str, Any]:
    """Slot updates for one message. ``text`` is the normalised text, ``raw_text`` what the user typed."""
    updates: dict[str, Any] = {}
    correction = bool(_CORRECTION.search(text))
    # last_fact keeps the facts given most recently, newest last ("debt_amount,overdue_days"), so a
    # correction of an amount goes to the last amount and a correction of a duration to the last duration.
    recent = [f for f in str(current.get("last_fact") or "").split(",") if f]

    script = detect_script(raw_text, current.get("script"))
    if script and script != current.get("script"):
        updates["script"] = script

    lenders = _entities(entities, "lender")
    if lenders:
        name = str(lenders[0]["value"])
        updates["lender"] = name
        updates["lender_type"] = lender_type(name, text)

    elif requested_slot == "lender" and intent in _FACT_INTENTS | {"affirm", "nlu_fallback"} \
            and not _UNKNOWN.search(text):
        # A lender the registry does not know (国泰世华信用卡, 某某小贷): take the name as given.
        name = _LENDER_NOISE.sub("", text)
        if 2 <= len(name) <= 12 and not re.search(r"\d", name):
            updates["lender"] = name
            updates["lender_type"] = lender_type(name, text)

    for kind, slots in (("amount", AMOUNT_SLOTS), ("duration", DURATION_SLOTS)):
        for ent in _entities(entities, kind):
            value = _number(ent["value"])
            role = ent.get("role")
            if value is None or role in IGNORED_ROLES:
                continue
            slot = ROLE_TO_SLOT.get(role) if role else None
            if role == "partial":
                slot = "affordable_monthly"
            if slot is None or (requested_slot in slots and role not in ("debt", "income", "overdue")) or \
                    (correction and role is None and any(f in slots for f in recent)):
                last_of_kind = next((f for f in reversed(recent) if f in slots), None)
                if correction and last_of_kind:
                    slot = last_of_kind
                elif requested_slot in slots:
                    slot = requested_slot
                elif intent not in _FACT_INTENTS:
                    slot = None
                elif kind == "amount":
                    slot = "debt_amount" if current.get("debt_amount") is None else None
                elif intent == "request_extension" or (current.get("requested_plan") == "extension" and \
                        current.get("overdue_days") is not None):
                    slot = "extension_days"
                else:
                    slot = "overdue_days" if current.get("overdue_days") is None else None
            if slot and slot not in updates:
                updates[slot] = value
                recent = [f for f in recent if f != slot] + [slot]

    if recent != [f for f in str(current.get("last_fact") or "").split(",") if f]:
        updates["last_fact"] = ",".join(recent[-4:])

    if requested_slot == "overdue_days" and "overdue_days" not in updates and _NOT_OVERDUE.search(text):
        updates["overdue_days"] = 0.0
    if requested_slot in ("monthly_income", "affordable_monthly") and requested_slot not in updates \
            and _ZERO_MONEY.search(text):
        updates[requested_slot] = 0.0

    reason = classify_hardship(text)
    if reason:
        updates["hardship_reason"] = reason
    elif requested_slot == "hardship_reason" and intent in ("inform", "cannot_pay", "deny", "express_distress") \
            and len(text) >= 2 and not _UNKNOWN.search(text):
        updates["hardship_reason"] = "其他"

    if requested_slot and requested_slot not in updates and _UNKNOWN.search(text):
        unknown = list(current.get("facts_unknown") or [])
        if requested_slot not in unknown:
            updates["facts_unknown"] = [*unknown, requested_slot]

    plan = PLAN_BY_INTENT.get(intent or "")
    if plan:
        updates["requested_plan"] = plan
    threats = list(current.get("threat_types") or [])
    found = [THREAT_BY_INTENT[intent]] if intent in THREAT_BY_INTENT else []
    if intent in _NARRATIVE_INTENTS:
        found += threats_in(text)
    new = [t for t in dict.fromkeys(found) if t not in threats]
    if new:
        updates["threat_types"] = threats + new
    if intent == "express_crisis":
        updates["crisis_flag"] = True
    return updates
