"""The month's budget the case form works out when the borrower does not know what they can pay (coach/budget.py,
coach/zh/budget_words.py read_costs, coach/form_reading.py): the costs read from one answer, the working, the margin
kept for the unexpected, and an amount never above what is left."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.budget import Working, estimate_lines, offer_for, summary_line, work_out, working_line
from coach.form_reading import Reading, form_turn
from coach.zh.budget_words import Costs, read_costs


@pytest.mark.parametrize("left, offer", [
    (0, 0), (-500, 0), (50, 0), (111, 0),  # too little to promise anything
    (112, 100), (800, 700), (1000, 900), (1200, 1000), (1234, 1100), (18000, 16200),
])
def test_offer_keeps_a_tenth_and_rounds_down_to_a_hundred(left: int, offer: int) -> None:
    assert offer_for(left) == offer


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 5_000_000))
def test_offer_is_never_more_than_nine_tenths_of_what_is_left(left: int) -> None:
    offer = offer_for(left)
    assert 0 <= offer <= left * 0.9 and offer % 100 == 0
    assert left * 0.9 - offer < 100  # the margin is a tenth plus the rounding, no more
    assert offer_for(left + 1) >= offer  # more left never means less offered


@pytest.mark.parametrize("text, items, total", [
    ("房租1500 吃饭1200 孩子800 交通300", [("房租", 1500), ("吃饭", 1200), ("孩子", 800), ("交通", 300)], 3800),
    ("房租 1500, 吃饭 1200", [("房租", 1500), ("吃饭", 1200)], 2700),
    ("房租一千五 吃饭一千二 看病吃药三百 信用卡最低还款600 还欠网贷5万",
     [("房租", 1500), ("吃饭", 1200), ("看病吃药", 300), ("信用卡最低还款", 600)], 3600),  # a debt's total is no cost
    ("其他欠款的最低还款500 房租1000", [("其他欠款的最低还款", 500), ("房租", 1000)], 1500),
    ("房租1500，吃饭1200，一共三千", [("房租", 1500), ("吃饭", 1200)], 3000),  # the named total wins …
    ("房租1500，吃饭1200，加起来两千", [("房租", 1500), ("吃饭", 1200)], 2700),  # … unless the items are more
    ("房租水电吃饭差不多三千二", [("房租水电吃饭", 3200)], 3200),
    ("房貸3000 吃飯1500", [("房贷", 3000), ("吃饭", 1500)], 4500),
    ("开销大概四千", [], 4000),
    ("每个月差不多四千", [], 4000),
    ("4000", [], 4000),
    ("房租1500，吃饭1000，差不多2500", [("房租", 1500), ("吃饭", 1000)], 2500),
    ("不知道，大概三千五吧", [], 3500),
    ("工资5000 房租1500 吃饭1200", [("房租", 1500), ("吃饭", 1200)], 2700),  # income was asked before: not a cost
])
def test_reads_the_costs_answer(text: str, items: list[tuple[str, int]], total: int) -> None:
    costs = read_costs(text)
    assert costs is not None and list(costs.items) == items and costs.total == total


@pytest.mark.parametrize("text", ["不知道", "说不清", "我欠了3万", "工资5000", ""])
def test_no_costs_in(text: str) -> None:
    assert read_costs(text) is None


def test_the_working_is_shown_item_by_item() -> None:
    working = work_out(5000, read_costs("房租1500 吃饭1200 孩子800 交通300") or Costs(()))
    assert (working.total_costs, working.left, working.offer, working.margin) == (3800, 1200, 1000, 200)
    first, estimate = estimate_lines(working)
    assert first == "按您说的算（单位：元）：收入 5,000 − 房租 1,500 − 吃饭 1,200 − 孩子 800 − 交通 300 = 剩 1,200。"
    assert "再留出 200 元" in estimate and "一成" in estimate and "每月大约能拿出 1,000 元" in estimate
    assert "直接告诉我改" in estimate


def test_a_total_alone_and_a_total_with_items() -> None:
    total = work_out(5000, read_costs("开销大概四千二") or Costs(()))
    assert working_line(total).endswith("收入 5,000 − 必要开支 4,200 = 剩 800。")
    assert summary_line(total) == "月收入 5,000 元，必要开支 4,200 元，可还约 700 元"
    both = work_out(5000, read_costs("房租1500，吃饭1200，一共三千") or Costs(()))
    assert both.costs == (("房租", 1500), ("吃饭", 1200), ("其他", 300))


def test_regions_use_their_money() -> None:
    working = work_out(50000, read_costs("房租15000 吃飯9000 孩子6000 交通2000") or Costs(()))
    text = "\n".join(estimate_lines(working, "tw"))
    assert "单位：新台币" in text
    assert "NT$1,800" in text and "每月大约能拿出 NT$16,200" in text and " 元" not in text
    assert "HK$" in "\n".join(estimate_lines(working, "hk"))


def test_nothing_left() -> None:
    working = work_out(3000, read_costs("房租1500 吃饭1200 孩子800") or Costs(()))
    first, none = estimate_lines(working)
    assert first.endswith("= 还差 500。") and working.offer == 0
    assert "拿不出钱来还" in none and "暂缓" in none and "能拿出" not in none


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100_000), st.lists(st.integers(1, 20_000), min_size=1, max_size=6))
def test_the_amount_proposed_is_never_more_than_what_is_left(income: int, costs: list[int]) -> None:
    labels = ["房租", "吃饭", "孩子", "看病吃药", "交通", "话费"]
    costs_read = read_costs(" ".join(f"{label}{cost}" for label, cost in zip(labels, costs)))
    assert costs_read is not None and costs_read.total == sum(costs)
    working = work_out(income, costs_read)
    assert working.offer <= max(income - sum(costs), 0)
    amounts = [int(a.replace(",", "")) for a in re.findall(r"能拿出 ([\d,]+)", "\n".join(estimate_lines(working)))]
    assert amounts == ([working.offer] if working.offer else [])


def test_the_slot_round_trips() -> None:
    working = work_out(5000, read_costs("房租1500 吃饭1200") or Costs(()))
    slot = working.as_slot()
    assert slot == {"income": 5000, "costs": [["房租", 1500], ["吃饭", 1200]], "total_costs": 2700, "left": 2300,
                    "margin": 300, "offer": 2000}
    assert Working.from_slot(slot) == working
    assert Working.from_slot(None) is None and Working.from_slot({"costs": "x"}) is None


def _costs_turn(text: str, entities: list[dict] | None = None) -> tuple[Reading, dict]:
    return form_turn(intent="inform", entities=entities or [], text=text.replace(" ", ""), raw_text=text,
                     requested_slot="essential_expenses", current={"debt_amount": 30000.0,
                                                                   "hardship_reason": "失业"})


def test_the_form_takes_the_costs_whatever_roles_the_classifier_gives() -> None:
    text = "房租1500 吃饭1200 看病300 其他欠款最低还款500"
    debt = {"entity": "amount", "role": "debt", "value": "500", "start": 22, "end": 25}
    reading, updates = _costs_turn(text, [debt])
    assert reading is Reading.ANSWER and updates["essential_expenses"] == 3500
    assert "debt_amount" not in updates and "hardship_reason" not in updates  # 看病 is a cost, not the reason


@pytest.mark.parametrize("text, total", [("开销大概四千", 4000), ("4200", 4200), ("房租水电吃饭差不多三千二", 3200)])
def test_a_total_is_an_answer(text: str, total: int) -> None:
    reading, updates = _costs_turn(text)
    assert reading is Reading.ANSWER and updates["essential_expenses"] == total


def test_not_knowing_the_costs_is_recorded() -> None:
    reading, updates = _costs_turn("不知道")
    assert reading is Reading.ANSWER  # 「不知道」 answers the question: the form goes on without the costs
    assert "essential_expenses" in updates.get("facts_unknown", []) and "essential_expenses" not in updates


def test_income_and_costs_in_one_answer_to_the_income_question() -> None:
    reading, updates = form_turn(intent="inform", entities=[], text="工资5000房租1500吃饭1200信用卡最低还款600",
                                 raw_text="工资5000 房租1500 吃饭1200 信用卡最低还款600",
                                 requested_slot="monthly_income", current={})
    assert reading is Reading.ANSWER
    assert (updates["monthly_income"], updates["essential_expenses"]) == (5000, 3300)  # the minimum is a cost


def _form_turn(text: str, requested: str) -> dict:
    from coach.form_reading import form_turn
    from coach.zh.normalizer import normalize
    from coach.zh.numbers import extract

    norm = normalize(text)
    entities = [{"entity": "amount", "value": s.value, "start": s.start, "end": s.end, "text": s.text,
                 **({"role": s.role} if s.role else {})} for s in extract(norm)[0]]
    return form_turn(intent="inform", entities=entities, text=norm, raw_text=text, requested_slot=requested,
                     current={"monthly_income": 9500.0})[1]


@pytest.mark.parametrize(("text", "amount"), [("每月还600块还行 再多就不行了", 600),
                                              ("一個月還1,400元的話我能做到", 1400), ("每個月最多能還2,200元", 2200)])
def test_what_they_can_pay_said_at_the_costs_question_is_what_they_can_pay(text: str, amount: int) -> None:
    updates = _form_turn(text, "essential_expenses")
    assert updates.get("affordable_monthly") == amount and "essential_expenses" not in updates


def test_costs_with_thousands_separators() -> None:
    assert _form_turn("房租1,500 吃饭1,200", "essential_expenses")["essential_expenses"] == 2700


# --- the budget in the case (coach/case/facts.py) and the one-message budget (coach/money_help.py) -------------

BUDGET_SLOT = {"income": 5000, "costs": [["房租", 1500], ["吃饭", 1200], ["其他", 1500]], "total_costs": 4200,
               "left": 800, "margin": 100, "offer": 700}


def test_the_case_holds_the_form_s_budget() -> None:
    from coach.case import CaseFacts

    facts = CaseFacts.from_slots({"debt_amount": 20000, "affordable_monthly": 700, "budget": BUDGET_SLOT})
    assert facts.budget == Working(5000, (("房租", 1500), ("吃饭", 1200), ("其他", 1500)))
    assert summary_line(facts.budget) == "月收入 5,000 元，必要开支 4,200 元，可还约 700 元"
    assert CaseFacts.from_slots({"debt_amount": 20000}).budget is None


@pytest.mark.parametrize("value", [
    None, "5000", [], {"costs": [["房租", 1500]]}, {"income": "五千", "costs": []}, {"income": -1, "costs": []},
    {"income": True, "costs": []}, {"income": 5000, "costs": [["房租", -1500]]}, {"income": 5000, "costs": ["房租"]},
    {"income": 5000, "costs": [["房租", "1500"]]}, {"income": 5000, "costs": [[1500, "房租"]]},
    {"income": 5000, "costs": [["房租", 1500, 3]]}, {"income": 5000, "costs": {"房租": 1500}},
])
def test_a_malformed_budget_is_ignored(value: object) -> None:
    from coach.case import CaseFacts

    assert CaseFacts.from_slots({"debt_amount": 20000, "budget": value}).budget is None


def test_a_budget_in_one_message_offers_what_the_form_would() -> None:
    from coach.money_help import budget_answer, working_of

    text = "工资5000 房租1500 吃饭1200 孩子800 交通300"
    reply, read = budget_answer(text) or ("", None)
    assert read is not None
    form = work_out(5000, read_costs("房租1500 吃饭1200 孩子800 交通300") or Costs((), 0))
    assert working_of(read) == form and form.offer == 1000
    # the same margin sentence as the form's, then the amount to name on the phone: the offer, not all 1,200 left
    assert estimate_lines(form)[1] in reply
    assert "最多报 1,000 元" in reply and "最多报 1,200" not in reply
    assert working_of(read).as_slot()["offer"] == 1000


def test_too_little_left_for_a_margin_is_nothing_to_offer_in_one_message_too() -> None:
    from coach.money_help import budget_answer

    reply, read = budget_answer("工资5000 房租1500 吃饭3400") or ("", None)
    assert read is not None and read.left == 100 and offer_for(read.left) == 0
    assert "最多报" not in reply and "拿不出钱来还" in reply and "低保" in reply


@pytest.mark.parametrize(("text", "value"), [("一千五", 1500), ("1.2w", 12000), ("三千五 不对 四千", 4000)])
def test_one_amount_for_the_costs_is_read_as_any_answer(text: str, value: int) -> None:
    assert _form_turn(text, "essential_expenses")["essential_expenses"] == value


@pytest.mark.parametrize(("text", "value"), [("一个月两万", 20000), ("跑外卖一个月七千左右", 7000),
                                             ("每个月大概一万五", 15000)])
def test_a_month_said_with_the_income_is_the_income(text: str, value: int) -> None:
    updates = _form_turn(text, "monthly_income")
    assert updates["monthly_income"] == value and "affordable_monthly" not in updates
