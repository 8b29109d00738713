"""The month's budget in the drafts (coach/drafting.py, templates staff_summary.j2, written_request.j2): the staff
case summary shows it; the borrower's written request says it in the hardship paragraph only while the monthly amount
is still the one it proposed."""

from __future__ import annotations

import datetime
from typing import Any

from coach.case import CaseFacts
from coach.drafting import layout
from coach.plan import make_plan

DAY = datetime.date(2026, 12, 6)
BUDGET = {"income": 5000, "costs": [["房租", 1500], ["吃饭", 1200], ["其他", 1500]], "total_costs": 4200,
          "left": 800, "margin": 100, "offer": 700}
SENTENCE = "本人月收入约 5,000 元，房租、吃饭等必要开支约 4,200 元，每月能用于还款的约 700 元"


def drafts(affordable: int | None = 700, budget: Any = BUDGET, debt: int = 20000) -> dict[str, str]:
    facts = CaseFacts.from_slots({"lender": "招商银行", "debt_amount": debt, "affordable_monthly": affordable,
                                  "monthly_income": 5000, "hardship_reason": "失业", "budget": budget})
    return dict(layout(facts, make_plan(facts, DAY), DAY, staff=True).parts)


def test_the_staff_summary_shows_the_budget() -> None:
    summary = drafts()["case_summary"]
    assert "收支测算：月收入 5,000 元，必要开支 4,200 元，可还约 700 元（已留出 100 元应付意外）\n困难原因" in summary
    assert "后来改为" not in summary
    assert "收支测算" not in drafts(budget=None)["case_summary"]


def test_a_corrected_amount_is_said_next_to_the_budget_for_staff() -> None:
    summary = drafts(affordable=500)["case_summary"]
    assert "可还约 700 元（已留出 100 元应付意外）；借款人后来改为每月 500 元" in summary


def test_the_written_request_says_the_budget_calmly_in_the_first_person() -> None:
    request = drafts()["written_request"]
    assert f"本人近期工作发生变故，收入明显下降。{SENTENCE}，目前无法一次性还清。" in request
    assert "分 29 期，每期 690 元" in request  # the plan within the 700


def test_no_budget_sentence_when_the_amount_was_corrected_or_there_is_no_budget() -> None:
    corrected = drafts(affordable=500)["written_request"]
    assert "必要开支约" not in corrected and "本人近期工作发生变故，收入明显下降，目前无法一次性还清。" in corrected
    assert "分 40 期，每期 500 元" in corrected  # their own number
    assert "必要开支约" not in drafts(budget=None)["written_request"]


def test_a_total_alone_is_said_as_necessary_costs() -> None:
    total = {"income": 5000, "costs": [["必要开支", 4200]], "total_costs": 4200, "left": 800, "margin": 100,
             "offer": 700}
    request = drafts(budget=total)["written_request"]
    assert "本人月收入约 5,000 元，必要开支约 4,200 元，每月能用于还款的约 700 元" in request


def test_a_pause_with_a_token_payment_says_the_budget_instead_of_the_generic_line() -> None:
    # 200,000 at 700 a month is more than 60 months: a pause with 700 a month until the review
    request = drafts(debt=200000)["written_request"]
    assert f"{SENTENCE}，暂时无法提出能够履行的分期方案。" in request
    assert "目前每月收入约" not in request  # not said twice
