"""Messages as borrowers really write them → the facts the action server records, with the real extractors
(lender registry from data/nlu/lenders.yml, numbers, normaliser) and every intent a classifier might guess.

The form takes an answer as an answer: for each reply below, every intent gives the same reading, because
the dialogue must not depend on the classifier's guess for a form answer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from coach.extraction import extract_facts, requested_months_in
from coach.form_reading import Reading, form_turn, read_form_message
from coach.zh import numbers
from coach.zh.normalizer import normalize
from coach.zh.stop_cues import is_stop_request
from components.nlu import LenderExtractor

ROOT = Path(__file__).resolve().parents[2]
ALL_INTENTS = ["greet", "goodbye", "affirm", "deny", "thank", "bot_challenge", "report_visit_threat",
               "report_lawsuit_threat", "report_third_party_contact", "report_harassment", "cannot_pay",
               "request_extension", "request_installment", "request_fee_waiver", "ask_legality", "ask_consequences",
               "ask_complaint_channel", "ask_script", "inform", "express_distress", "ask_debt_service",
               "verify_collector", "out_of_scope", "nlu_fallback"]


@lru_cache(maxsize=1)
def _lenders() -> LenderExtractor:
    aliases = LenderExtractor.aliases_from(load_data(str(ROOT / "data" / "nlu" / "lenders.yml")))
    return LenderExtractor(aliases, None, None)  # type: ignore[arg-type]


def parse(raw: str) -> tuple[str, list[dict[str, Any]]]:
    """What the NLU pipeline's extractors give for a message: normalised text and entities (with offsets)."""
    text = normalize(raw)
    entities: list[dict[str, Any]] = list(_lenders().find(text))
    amounts, durations = numbers.extract(text)
    for kind, spans in (("amount", amounts), ("duration", durations)):
        for s in spans:
            ent: dict[str, Any] = {"entity": kind, "value": s.value, "start": s.start, "end": s.end, "text": s.text}
            if s.role:
                ent["role"] = s.role
            entities.append(ent)
    return text, entities


def answer(raw: str, slot: str, intent: str = "inform", **current: Any) -> tuple[Reading, dict[str, Any]]:
    text, entities = parse(raw)
    return form_turn(intent=intent, entities=entities, text=text, raw_text=raw, requested_slot=slot,
                     current=current)


def facts(raw: str, intent: str = "inform", **current: Any) -> dict[str, Any]:
    text, entities = parse(raw)
    return extract_facts(intent=intent, entities=entities, text=text, raw_text=raw, requested_slot=None,
                         current=current)


# --- the form takes an answer as an answer, whatever the intent -------------------------------------------

@pytest.mark.parametrize("intent", ALL_INTENTS)
@pytest.mark.parametrize(("raw", "slot", "value"), [
    ("失业了", "hardship_reason", "失业/收入下降"),
    ("8000", "debt_amount", 8000),
    ("30000", "debt_amount", 30000),
    ("2500", "affordable_monthly", 2500),
    ("43000多啊", "debt_amount", 43000),
    ("俩月", "overdue_days", 60),
    ("税后6800", "monthly_income", 6800),
    ("最多800", "affordable_monthly", 800),
    ("再等我45天", "extension_days", 45),
    ("一共欠了十万零五千", "debt_amount", 105000),
])
def test_a_reply_that_answers_is_the_answer_whatever_the_intent(raw: str, slot: str, value: Any,
                                                                 intent: str) -> None:
    reading, updates = answer(raw, slot, intent)
    assert reading == Reading.ANSWER
    assert updates[slot] == value


def test_a_story_answer_fills_the_reason() -> None:
    reading, updates = answer("公司裁员，一直没找到工作", "hardship_reason", "goodbye")
    assert (reading, updates["hardship_reason"]) == (Reading.ANSWER, "失业/收入下降")


@pytest.mark.parametrize(("raw", "intent"), [
    # 「什么都没有了」「怎么也找不到」: no question; 「老公坐牢了」: the borrower's life, not a collector's threat
    ("去年开始生意就不行了 店也关了 现在什么都没有了", "report_third_party_contact"),
    ("被裁了以后怎么也找不到工作", "ask_script"),
    ("老公坐牢了，家里就我一个人撑着", "report_lawsuit_threat"),
])
def test_a_reason_with_a_misleading_word_is_still_the_answer(raw: str, intent: str) -> None:
    reading, updates = answer(raw, "hardship_reason", intent)
    assert reading == Reading.ANSWER and updates["hardship_reason"]


@pytest.mark.parametrize("raw", ["他们说要起诉我，我失业了", "失业了，催收说明天上门"])
def test_a_reason_with_a_collectors_threat_is_reported_first(raw: str) -> None:
    reading, updates = answer(raw, "hardship_reason", "report_lawsuit_threat")
    assert reading == Reading.INTERRUPTION and "hardship_reason" not in updates


@pytest.mark.parametrize(("raw", "intent", "expected"), [
    ("借呗逾期三个月会怎么样？", "ask_consequences", Reading.INTERRUPTION),
    ("上门催收合法吗", "ask_legality", Reading.INTERRUPTION),
    ("他们说明天上门", "report_visit_threat", Reading.INTERRUPTION),
    ("不想活了", "express_crisis", Reading.INTERRUPTION),
    ("活着没意思 欠了三万", "inform", Reading.INTERRUPTION),  # the crisis cue wins over the number
    ("不弄了", "inform", Reading.STOP),
    ("先不聊了", "deny", Reading.STOP),
    ("你好", "greet", Reading.OTHER),
    ("嗯嗯", "affirm", Reading.OTHER),
])
def test_interruptions_and_stops_are_not_answers(raw: str, intent: str, expected: Reading) -> None:
    reading, updates = answer(raw, "lender", intent)
    assert reading == expected
    if expected != Reading.OTHER:
        assert "lender" not in updates and "debt_amount" not in updates


def test_an_unsure_answer_with_a_question_mark_is_still_an_answer() -> None:
    assert answer("八千吧？", "debt_amount", "ask_consequences") == (Reading.ANSWER, {"debt_amount": 8000.0,
                                                                                    "last_fact": "debt_amount"})


def test_a_question_never_swallows_the_lender_it_names() -> None:
    reading, updates = answer("借呗逾期了会不会上征信啊", "lender", "ask_consequences")
    assert reading == Reading.INTERRUPTION and "lender" not in updates


def test_crisis_reading_does_not_depend_on_the_intent() -> None:
    assert read_form_message(intent="inform", text="我想跳楼", fills_requested=False,
                             threat_named=False) == Reading.INTERRUPTION


@pytest.mark.parametrize("raw", ["不弄了", "先不聊了", "算了", "算了吧", "下次再说", "不想填了", "唔傾喇"])
def test_stop_requests(raw: str) -> None:
    assert is_stop_request(normalize(raw))


@pytest.mark.parametrize("raw", ["算了 欠招行3万", "不弄了吗？", "先这样吧 我每月能还1500", "不想活了"])
def test_not_a_plain_stop(raw: str) -> None:
    assert not is_stop_request(normalize(raw))


# --- every fact in a message, and never a wrong one ----------------------------------------------------------

def test_every_lender_and_amount_in_one_message_is_paired() -> None:
    out = facts("我欠了好几个平台，借呗2万，微粒贷1万5，美团5千，还有招行信用卡3万，每个月只能拿出2000，怎么办",
                "cannot_pay")
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [
        ("借呗", 20000), ("微粒贷", 15000), ("美团借钱", 5000), ("招商银行", 30000)]
    assert out["debt_amount"] == 70000
    assert out["affordable_monthly"] == 2000


def test_lender_and_amount_in_either_order() -> None:
    out = facts("建行是3万 2万是借呗的", "inform", lender="建设银行", debt_amount=32000.0)
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [("建设银行", 30000), ("借呗", 20000)]
    assert out["debt_amount"] == 50000


def test_a_correction_of_one_debt() -> None:
    current = {"debts": [{"lender": "招商银行", "amount": 30000, "registry": True},
                         {"lender": "借呗", "amount": 20000, "registry": True}], "debt_amount": 50000.0,
               "lender": "招商银行"}
    out = facts("招行是三万五不是三万", "deny", **current)
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [("招商银行", 35000), ("借呗", 20000)]
    assert out["debt_amount"] == 55000


def test_a_paid_off_debt_is_removed() -> None:
    current = {"debts": [{"lender": "招商银行", "amount": 30000, "registry": True},
                         {"lender": "美团借钱", "amount": 5000, "registry": True}], "debt_amount": 35000.0,
               "lender": "招商银行"}
    out = facts("美团那笔已经还清了", "inform", **current)
    assert [d["lender"] for d in out["debts"]] == ["招商银行"]
    assert out["debt_amount"] == 30000


def test_a_single_debt_stays_as_simple_as_before() -> None:
    out = facts("欠招行信用卡三万二，逾期两个月，月收入五千，每月能还一千五")
    assert (out["lender"], out["debt_amount"], out["affordable_monthly"], out["monthly_income"]) == \
        ("招商银行", 32000, 1500, 5000)
    assert "debts" not in out and out["lender_confirmed"] is True


def test_an_amount_becomes_affordable_only_when_the_words_say_so() -> None:
    out = facts("还有招行信用卡3万", "inform", debt_amount=None)
    assert "affordable_monthly" not in out


def test_a_plain_word_change_of_plan_keeps_the_monthly_amount() -> None:
    out = facts("改成分期 每月1500", "inform", requested_plan="extension", debt_amount=43000.0,
                last_fact="extension_days")
    assert out["requested_plan"] == "installment" and out["affordable_monthly"] == 1500


@pytest.mark.parametrize(("raw", "months"), [("分12期", 12), ("想分 24 期", 24), ("能不能分两年还", 24),
                                             ("分十八个月", 18), ("分期", None)])
def test_the_borrowers_own_number_of_installments(raw: str, months: int | None) -> None:
    assert requested_months_in(normalize(raw)) == months


def test_own_installments_are_kept() -> None:
    out = facts("我想分12期", "request_installment")
    assert (out["requested_plan"], out["requested_months"]) == ("installment", 12)


def test_a_number_that_is_not_money_is_ignored() -> None:
    assert "debt_amount" not in facts("我电话１３８１２３４５６７８", "inform")
    assert "debt_amount" not in facts("欠了" + "9" * 400, "inform")  # never a crash either


# --- lender names in letters: the registry's, or confirmed by the borrower ------------------------------------

def test_no_bank_is_read_from_a_claim_about_internal_channels() -> None:
    out = facts("他说他们有内部渠道 银行只认他们", "verify_collector")
    assert "lender" not in out


@pytest.mark.parametrize("text", ["我喺香港，欠滙豐信用卡8萬，想同銀行傾分期", "我想同银行谈谈", "打算搵銀行問下"])
def test_no_bank_is_read_from_words_around_the_word_bank(text: str) -> None:
    assert not [e for e in _lenders().find(normalize(text)) if not e.get("registry", True)]


def test_an_unknown_lender_answer_keeps_only_the_name_and_asks_to_confirm() -> None:
    reading, out = answer("某某小貸啊 剛剛說過了", "lender", "inform")
    assert reading == Reading.ANSWER
    assert (out["lender"], out["lender_confirmed"]) == ("某某小贷", False)


def test_hong_kong_and_taiwan_banks_are_in_the_registry() -> None:
    assert answer("國泰世華啊 剛剛說過了", "lender")[1]["lender"] == "国泰世华银行"
    assert answer("欠咗滙豐張卡", "lender")[1]["lender"] == "汇丰银行"


def test_an_unknown_bank_found_by_pattern_is_unconfirmed() -> None:
    out = facts("欠宁波银行两万", "inform")
    assert (out["lender"], out["lender_confirmed"], out["debt_amount"]) == ("宁波银行", False, 20000)


def test_confirming_and_rejecting_the_name() -> None:
    assert answer("对", "lender_confirmed", "affirm", lender="宁波银行", lender_confirmed=False)[1][
        "lender_confirmed"] is True
    reading, out = answer("不对", "lender_confirmed", "deny", lender="宁波银行", lender_confirmed=False)
    assert reading == Reading.ANSWER and out["lender"] is None and out["lender_confirmed"] is None


@pytest.mark.parametrize(("raw", "value"), [("房租1500，吃饭1000，差不多2500", 2500),
                                            ("生活费两千，房贷四千，一共六千", 6000), ("房租1500 吃饭1200", 2700)])
def test_living_costs_listed_item_by_item(raw: str, value: int) -> None:
    reading, out = answer(raw, "essential_expenses", "inform")
    assert (reading, out["essential_expenses"]) == (Reading.ANSWER, value)


@pytest.mark.parametrize("intent", ["request_extension", "request_installment", "request_fee_waiver"])
def test_a_form_answer_does_not_change_the_plan_on_the_classifiers_guess(intent: str) -> None:
    reading, updates = answer("还没逾期，下周五到期", "overdue_days", intent)
    assert reading == Reading.ANSWER and updates["overdue_days"] == 0 and "requested_plan" not in updates


def test_a_reply_that_names_another_plan_changes_it() -> None:
    _, updates = answer("能不能宽限一个月", "overdue_days", "request_extension")
    assert updates["requested_plan"] == "extension"


@pytest.mark.parametrize("raw", ["我想申请分期还款", "能不能分期", "请问怎么弄"])
def test_a_request_is_not_taken_as_an_unknown_lender_name(raw: str) -> None:
    _, updates = answer(raw, "lender", "request_installment")
    assert "lender" not in updates


def test_an_unknown_lender_name_is_still_taken() -> None:
    _, updates = answer("鑫鑫小贷啊", "lender", "inform")
    assert updates["lender_confirmed"] is False and updates["lender"]
