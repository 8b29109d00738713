"""Case facts: the normalised picture of one borrower's debt, built from Rasa slots.

Pure Python (no Rasa imports) so that the plan maths and the drafting can be unit-tested. Keyword
matching works on Simplified text (``zh.normalizer.to_simplified``, OpenCC t2s).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from case import vocabulary
from case.lenders import BANK_SHORT_NAMES, PLATFORMS
from zh.normalizer import to_simplified

# The kinds and their labels live in case/vocabulary.yml, the lenders in data/nlu/lenders.yml.
HARDSHIP_REASONS = vocabulary.HARDSHIP_REASONS
LENDER_TYPES = vocabulary.LENDER_KINDS
THREAT_TYPES = vocabulary.THREAT_KINDS
# Where the borrower is: mainland rules, or the brief Hong Kong / Taiwan notes (facts §7).
REGIONS = ("mainland", "hk", "tw")


def region_of_script(script: str | None) -> str:
    """The region whose rules apply: "hk"/"tw" for those scripts (or region names), else "mainland"."""
    return script if script in ("hk", "tw") else "mainland"


_BANK_LOAN_WORDS = ("贷款", "房贷", "车贷", "消费贷", "闪电贷", "信用贷", "经营贷", "快贷", "融e借", "e招贷")
_CARD_WORDS = ("信用卡", "xyk")


def lender_type(canonical: str | None, text: str = "") -> str:
    """Classify the lender into one of LENDER_TYPES' keys.

    The canonical name decides the family (platform, consumer finance, bank); the free text refines a bank
    into credit card or loan. With no canonical name the text alone is used. Banks default to credit_card,
    the most common case for the collection calls this bot is about; a credit card makes any lender a bank.
    """
    name = to_simplified(canonical or "").strip()
    body = to_simplified(text).lower()
    probe = name or body
    if any(p.lower() in probe.lower() for p in PLATFORMS):
        return "platform"
    if name.endswith("消费金融") or "消费金融" in probe or "消金" in probe:
        return "consumer_finance"
    if "银行" in probe or any(b in probe for b in BANK_SHORT_NAMES):
        context = f"{name} {body}"
        if any(w in context for w in _CARD_WORDS):
            return "credit_card"
        if any(w in context for w in _BANK_LOAN_WORDS):
            return "bank_loan"
        return "credit_card"
    if any(w in f"{name} {body}" for w in _CARD_WORDS):
        return "credit_card"  # only banks issue credit cards (国泰世华信用卡: a bank the list does not know)
    return "other"


# Order matters: the first group with a hit wins (家人生病 must beat 生病, 工资没发 must beat 失业).
_HARDSHIP_RULES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("家庭变故", (
        re.compile(r"离婚|家里出事|家里出了事|家中变故|家庭变故|去世|过世"),
        re.compile(r"(家人|老人|父母|爸|妈|老婆|老公|孩子|小孩|儿子|女儿|爷|奶)[^，。,.]{0,6}"
                   r"(生病|住院|手术|病了|癌)"),
    )),
    ("工资拖欠", (
        re.compile(r"(工资|薪水|薪资|工钱)[^，。,.]{0,6}(拖欠|没发|没有发|压[着著]|欠[着著]|拖[着著]|不发|发不出)"),
        re.compile(r"欠薪|拖欠工资|拖欠我工资|压工资"),
    )),
    ("疾病/意外", (re.compile(r"生病|住院|手术|车祸|意外|病了|癌|受伤|骨折"),)),
    ("失业/收入下降", (
        re.compile(r"失业|裁员|没工作|没了工作|丢了工作|被辞退|被开除|辞退|降薪|收入少了|收入下降|"
                   r"收入减少|工资降|没收入|没有收入|待业|找不到工作|停工|减产|工资少|少了一半|被裁|裁了"),
    )),
    ("生意失败", (re.compile(r"生意|亏本|亏损|亏了|亏钱|赔了|赔本|倒闭|破产|做买卖|店关了|关门了"),)),
)


def classify_hardship(text: str) -> str | None:
    """Map free text to one of HARDSHIP_REASONS, or None when no keyword matches."""
    if not text:
        return None
    t = to_simplified(text)
    if t.strip() in HARDSHIP_REASONS:
        return t.strip()
    for reason, patterns in _HARDSHIP_RULES:
        if any(p.search(t) for p in patterns):
            return reason
    return None


_UNKNOWN = {"", "unknown", "none", "null", "nan", "不知道", "不清楚", "未知"}
_WAN = re.compile(r"^(\d+(?:\.\d+)?)\s*(w|万)$", re.IGNORECASE)
_QIAN = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|千)$", re.IGNORECASE)


def _to_int(value: Any) -> int | None:
    """Tolerant conversion of a slot value to a non-negative whole number (None when unknown)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        number = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("元", "").replace("块", "")
        text = text.replace("天", "").replace("¥", "").replace("￥", "").strip()
        if text.lower() in _UNKNOWN:
            return None
        multiplier = 1.0
        if m := _WAN.match(text):
            text, multiplier = m.group(1), 10000.0
        elif m := _QIAN.match(text):
            text, multiplier = m.group(1), 1000.0
        try:
            number = float(text) * multiplier
        except ValueError:
            return None
    if number < 0:
        return None
    return round(number)


def _to_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text.lower() in _UNKNOWN else text


_LENDER_TYPE_BY_LABEL = {label: key for key, label in LENDER_TYPES.items()}


def _threats(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = re.split(r"[,，\s]+", value) if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        item = str(item).strip()
        if item in THREAT_TYPES and item not in out:
            out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class CaseFacts:
    lender: str | None = None
    lender_type: str | None = None
    debt_amount: int | None = None
    overdue_days: int | None = None
    monthly_income: int | None = None
    affordable_monthly: int | None = None
    hardship_reason: str | None = None
    extension_days: int | None = None
    requested_plan: str | None = None  # "installment" | "extension" | "fee_waiver" | None
    threat_types: tuple[str, ...] = ()  # subset of THREAT_TYPES

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> CaseFacts:
        """Build facts from Rasa slot values (slot names = field names); tolerant of odd values.

        Numbers may arrive as int, float or strings ("32000", "3.2万", "32,000.0"); "unknown"/""/None mean
        unknown, as do negative numbers. Debt 0 is treated as unknown (there is nothing to negotiate).
        lender_type is derived from the lender name when the slot is empty; hardship_reason free text is
        classified (unmatched text → 其他).
        """
        lender = _to_text(slots.get("lender"))
        if slots.get("lender_confirmed") is False:
            lender = None  # a name the registry does not know, not yet confirmed: never put into a letter
        ltype = _to_text(slots.get("lender_type"))
        ltype = _LENDER_TYPE_BY_LABEL.get(ltype, ltype) if ltype else None
        if ltype not in LENDER_TYPES:
            ltype = lender_type(lender) if lender else None
        reason = _to_text(slots.get("hardship_reason"))
        if reason is not None and reason not in HARDSHIP_REASONS:
            reason = classify_hardship(reason) or "其他"
        plan = _to_text(slots.get("requested_plan"))
        plan = vocabulary.PLAN_ALIASES.get(plan.lower() if plan else "", None)
        debt = _to_int(slots.get("debt_amount"))
        extension = _to_int(slots.get("extension_days"))
        return cls(
            lender=lender,
            lender_type=ltype,
            debt_amount=debt or None,
            overdue_days=_to_int(slots.get("overdue_days")),
            monthly_income=_to_int(slots.get("monthly_income")),
            affordable_monthly=_to_int(slots.get("affordable_monthly")),
            hardship_reason=reason,
            extension_days=extension or None,
            requested_plan=plan,
            threat_types=_threats(slots.get("threat_types")),
        )
