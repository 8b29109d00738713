"""What a correction says it changed (coach/replies.py): the old value and the new one, per fact and per lender."""

from __future__ import annotations

from coach.replies import changes_line, debt_changes_line


def test_each_changed_fact_with_its_old_and_new_value() -> None:
    line = changes_line({"debt_amount": 9000.0, "overdue_days": 60.0, "lender": "借呗"},
                        {"debt_amount": 101000.0, "overdue_days": 120.0, "lender": "借呗"})
    assert line == "欠款 9,000 → 101,000 元，逾期 60 天 → 120 天"


def test_a_fact_given_for_the_first_time_is_no_change() -> None:
    assert changes_line({"debt_amount": None}, {"debt_amount": 30000.0, "affordable_monthly": 1500.0}) == ""


def test_a_lenders_amount_corrected_in_a_list() -> None:
    before = [{"lender": "借呗", "amount": 10000}, {"lender": "微粒贷", "amount": 8000}]
    after = [{"lender": "借呗", "amount": 15000}, {"lender": "微粒贷", "amount": 8000}]
    assert debt_changes_line(before, after) == "借呗 10,000 → 15,000 元"


def test_a_lender_added_leaves_it_to_the_whole_list() -> None:
    before = [{"lender": "借呗", "amount": 10000}]
    after = [{"lender": "借呗", "amount": 10000}, {"lender": "速借宝", "amount": 2000}]
    assert debt_changes_line(before, after) == ""
