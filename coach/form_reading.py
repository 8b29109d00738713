"""Is a message typed while the case form waits for a fact the answer, or something else? Pure: no Rasa.

The form asks one fact at a time. A reply that can be read as that fact is the answer, whatever intent the
classifier gives it: 「失业了」 read as goodbye or 「8000」 read as anything must not end the form. Only a
crisis, an explicit wish to stop, a clear new question or a threat report interrupts; the rules answer those
and the form resumes afterwards (or, for a wish to stop, asks before it stops).

The decision does not depend on the classifier's guess for answers; it uses the intent only to tell a real
question (「借呗逾期三个月会怎么样？」) from an answer that happens to end in a question mark (「八千吧？」).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from coach.extraction import extract_facts, threats_in
from coach.zh import numbers
from coach.zh.bare_answers import is_bare_answer
from coach.zh.budget_words import read_budget, read_costs
from coach.zh.crisis_cues import has_crisis_cue
from coach.zh.debt_words import tells_of_no_collector
from coach.zh.normalizer import normalize
from coach.zh.stop_cues import is_stop_request

# Intents that, with a question or a report in the words, interrupt the form.
INTERRUPTING_INTENTS = frozenset({
    "ask_legality", "ask_consequences", "ask_complaint_channel", "ask_debt_service", "verify_collector",
    "report_visit_threat", "report_lawsuit_threat", "report_third_party_contact", "report_harassment",
    "bot_challenge", "express_crisis",
})
# Facts the form asks for (or that decide which it asks): an interruption must not set them, or the form
# would take the turn instead of the rule that answers the question.
FORM_FACTS = frozenset({
    "lender", "lender_type", "lender_confirmed", "debt_amount", "debts", "overdue_days", "monthly_income",
    "essential_expenses", "affordable_monthly", "hardship_reason", "extension_days", "facts_unknown", "last_fact",
})
# Intents whose message, when it fills nothing, is re-asked by the form (with an example) rather than
# handed to a rule: they are attempts at an answer.
ANSWER_ATTEMPT_INTENTS = frozenset({
    "inform", "affirm", "cannot_pay", "nlu_fallback", "request_installment", "request_extension",
    "request_fee_waiver", "ask_script",
})

_QUESTION = re.compile(
    r"[吗嗎么麼呢?？]\s*$|怎么(?![也都])|怎麼(?![也都])|怎样|怎樣|如何|会不会|會不會|能不能|可不可以|可以吗|是不是|合法|违法|違法|"
    r"犯法|咋办|咋整|为什么|為什麼|什么(?![都也])|什麼(?![都也])|啥(?![都也])|哪里|哪裡|哪儿|有没有|有沒有|点算|點算|系咪|"
    r"係咪|得唔得"
)
# 「什么都没有了」「怎么也找不到工作」: the indefinite use, not a question (excluded above and in _QUESTION's 怎么).
# Who makes a threat: a threat word with none of these (「老公坐牢了」 answering why the borrower cannot pay) is a
# fact of the borrower's life, not a collector's threat to report.
_COLLECTOR = re.compile(
    r"催收|cs|他们|他們|对方|對方|那边|那邊|收数|收數|讨债|討債|律师|律師|法院|法务|法務|起诉|起訴|短信|电话|電話|"
    r"上门|上門|威胁|威脅|说要|說要|说会|說會|要去|会去|會去|找上门|打给|打到|打去|发给|發給"
)
class Reading(str, Enum):
    """How a message typed during the form is read."""

    ANSWER = "answer"  # fills the asked fact: the form goes on
    STOP = "stop"  # the borrower wants to stop the questions: ask before stopping
    INTERRUPTION = "interruption"  # crisis, a question or a threat report: the rules answer, then the form resumes
    OTHER = "other"  # nothing usable: re-ask (answer attempts) or let the rules answer (greet, thanks …)


def has_question_words(text: str) -> bool:
    return bool(_QUESTION.search(text or ""))


def is_clear_question(intent: str | None, text: str) -> bool:
    return intent in INTERRUPTING_INTENTS and bool(_QUESTION.search(text or "")) and not is_bare_answer(text)


def read_form_message(*, intent: str | None, text: str, fills_requested: bool, threat_named: bool) -> Reading:
    """How to treat a message while the form waits for a fact (``text`` is the normalised message).

    ``fills_requested``: the extractors found a value (or 「不知道」) for the asked fact in the message.
    ``threat_named``: the message names a collector's threat (上门, 起诉, 打给家人 …).
    """
    if intent == "express_crisis" or has_crisis_cue(text):
        return Reading.INTERRUPTION
    if is_stop_request(text):
        return Reading.STOP
    if fills_requested and is_bare_answer(text):
        return Reading.ANSWER
    if threat_named or is_clear_question(intent, text):
        return Reading.INTERRUPTION
    if fills_requested:
        return Reading.ANSWER
    if intent in INTERRUPTING_INTENTS and not (intent.startswith("report_") and tells_of_no_collector(text)):
        return Reading.INTERRUPTION  # (「每个月最多还4700 间公司执笠」 taken for a report names no collector)
    return Reading.OTHER


def answers_requested(updates: dict, requested_slot: str | None) -> bool:
    """Whether slot updates give the asked fact a value, or record that the borrower does not know it."""
    if not requested_slot:
        return False
    # A key present with None is an answer too: 「不对」 to 「是国泰世华，对吗？」 clears the name to ask again.
    return requested_slot in updates or requested_slot in (updates.get("facts_unknown") or ())


_STATES_WHAT_THEY_CAN_PAY = re.compile(
    r"能还|能還|还得起|還得起|最多|顶多|頂多|承受|只能|拿得出|拿出|能拿|做得到|能做到|能繳|能缴|還款能|还款能|还行|還行|"
    r"再多|没问题|沒問題|可以接受")


_SELF_CORRECTION = re.compile(r"不对|不是|说错|哦不|更正|应该是")


def _numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?[万wWkK千]?|[零〇一二两三四五六七八九十百千万]{2,}", text)


def _costs_answer(raw_text: str, updates: dict[str, Any]) -> dict[str, Any]:
    """The answer to the month's costs, read item by item whatever roles the classifier gave its amounts: their
    total is the fact, and no amount in it is a debt, an income or a reason (「其他欠款最低还款500」「看病300」)."""
    if "affordable_monthly" in updates and _STATES_WHAT_THEY_CAN_PAY.search(raw_text):
        return updates  # 「每个月最多能还2,200元」 asked for the costs: what they can pay, said after all
    if "essential_expenses" in updates and (
            is_bare_answer(raw_text) or (len(_numbers_in(raw_text)) >= 2 and _SELF_CORRECTION.search(raw_text))):
        return updates  # 「一千五」「1.2w」「三千五 不对 四千」: one amount, read as any answer is
    if "debts" in updates or ("lender" in updates and "debt_amount" in updates):
        return updates  # 「对了 台新那边还有七万七左右」: another debt, not the month's costs
    said = numbers.extract(normalize(raw_text))[0]
    if said and all(a.role in _NO_COST_ROLES for a in said):
        return updates  # 「我1月26号才发工资 那天能还2500」: a sum on pay day, not the month's costs
    costs = read_costs(raw_text)
    if costs is None:
        return updates
    kept = {k: v for k, v in updates.items() if k not in FORM_FACTS}
    return {**kept, "essential_expenses": float(costs.total)}


_NO_COST_ROLES = frozenset({"lump", "partial", "income", "demand", "fee", "repaid"})


def _budget_answer(raw_text: str, updates: dict[str, Any]) -> dict[str, Any]:
    """Income and the month's costs in one answer to the income question (「工资5000 房租1500 吃饭1200」): both
    are facts, so the costs are not asked again."""
    listed = read_budget(raw_text)
    costs = read_costs(raw_text)
    if listed is None or costs is None:
        return updates
    kept = {k: v for k, v in updates.items() if k not in FORM_FACTS}
    return {**kept, "monthly_income": float(listed.total_income), "essential_expenses": float(costs.total)}


def form_turn(*, intent: str | None, entities: Sequence[Mapping[str, Any]], text: str, raw_text: str,
              requested_slot: str | None, current: Mapping[str, Any]) -> tuple[Reading, dict[str, Any]]:
    """Slot updates for a message typed while the form waits for ``requested_slot``, and how it was read.

    The message is first read as an answer (unlabelled numbers and names go to the asked fact whatever the
    intent). When it is an interruption or a wish to stop, the form's facts are left out of the updates so
    that the form hands the turn to the rules; what the message tells about threats, script and crisis is
    kept either way.
    """
    updates = extract_facts(intent=intent, entities=entities, text=text, raw_text=raw_text,
                            requested_slot=requested_slot, current=current, as_answer=True)
    if requested_slot == "essential_expenses":
        updates = _costs_answer(raw_text, updates)
    elif requested_slot == "monthly_income":
        updates = _budget_answer(raw_text, updates)
    fills = answers_requested(updates, requested_slot)
    threat_named = bool(intent and intent.startswith("report_") and threats_in(text)
                        and (not fills or _COLLECTOR.search(text)))
    reading = read_form_message(intent=intent, text=text, fills_requested=fills, threat_named=threat_named)
    if reading in (Reading.INTERRUPTION, Reading.STOP):
        updates = {k: v for k, v in updates.items() if k not in FORM_FACTS}
    return reading, updates
