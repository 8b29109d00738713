"""One plan across several debts (coach/multi_debt.py): worked examples and properties over random cases."""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.multi_debt import FLOOR, Debt, plan_across, pro_rata
from coach.plan import MAX_INSTALLMENT_MONTHS, REVIEW_DAYS

TODAY = datetime.date(2026, 11, 28)
FOUR = [Debt("借呗", 20000, "platform"), Debt("微粒贷", 15000, "platform"), Debt("美团", 5000, "platform"),
        Debt("招商银行", 30000, "credit_card", ("lawsuit",))]


def test_four_lenders_split_2000_in_proportion_to_balance() -> None:
    plan = plan_across(FOUR, 2000, TODAY)
    assert plan.mode == "pro_rata"
    assert [(s.debt.lender, s.monthly) for s in plan.shares] == [
        ("借呗", 571), ("微粒贷", 429), ("美团", 143), ("招商银行", 857)]
    assert plan.monthly_total == 2000
    assert [s.months for s in plan.shares] == [36, 35, 35, 36]
    # levelled: 20,000 over 36 months is 556 a month and 540 at the end, not 35 × 571 and a last 15
    assert [s.installment for s in plan.shares] == [556, 429, 143, 834]
    assert plan.share_of("借呗").last_amount == 540
    assert plan.installments_total == 1962
    assert plan.priority == ("招商银行",)  # lawsuit threatened: advice to deal with it first


def test_floor_raises_a_small_debt_and_lowers_the_others() -> None:
    plan = plan_across([Debt("美团", 2000), Debt("招商银行", 98000)], 1800, TODAY)
    assert plan.mode == "pro_rata"
    meituan, cmb = plan.shares
    assert meituan.monthly == FLOOR  # 36.7 pro rata → the floor
    assert cmb.monthly == 1700
    assert meituan.months == 20 and cmb.months == 58


def test_a_debt_smaller_than_its_share_is_paid_at_once_and_the_rest_goes_to_the_others() -> None:
    amounts, _ = pro_rata([80, 10000], 1000)
    assert amounts == [80, 920]


def test_token_mode_when_the_floors_cannot_be_covered() -> None:
    plan = plan_across(FOUR, 300, TODAY)
    assert plan.mode == "token"
    assert [s.monthly for s in plan.shares] == [75, 75, 75, 75]
    assert plan.review_date == TODAY + datetime.timedelta(days=REVIEW_DAYS)


def test_token_mode_pro_rata_when_even_60_months_are_too_short() -> None:
    plan = plan_across(FOUR, 500, TODAY)  # 70,000 at 500 a month: 140 months
    assert plan.mode == "token"
    assert plan.monthly_total == 500
    assert plan.months_at_whole_amount == 140


def test_nothing_affordable_is_a_pause_for_every_lender_and_unknown_is_a_budget_pause() -> None:
    assert plan_across(FOUR, 0, TODAY).mode == "pause"
    assert plan_across(FOUR, 3, TODAY).mode == "pause"  # under 1 元 a lender
    unknown = plan_across(FOUR, None, TODAY)
    assert unknown.mode == "unknown" and unknown.monthly_total == 0 and unknown.review_date > TODAY


def test_bad_debt_lists_are_refused() -> None:
    with pytest.raises(ValueError):
        plan_across([], 1000, TODAY)
    with pytest.raises(ValueError):
        plan_across([Debt("借呗", 0)], 1000, TODAY)
    with pytest.raises(ValueError):
        plan_across([Debt("借呗", 100), Debt("借呗", 200)], 1000, TODAY)


debt_lists = st.lists(st.integers(1, 2_000_000), min_size=1, max_size=8).map(
    lambda amounts: [Debt(f"机构{i}", a) for i, a in enumerate(amounts)])


@settings(max_examples=1500, deadline=None)
@given(debt_lists, st.one_of(st.none(), st.integers(0, 200_000)))
def test_properties_of_any_plan(debts: list[Debt], affordable: int | None) -> None:
    plan = plan_across(debts, affordable, TODAY)
    total = sum(d.amount for d in debts)
    assert plan.total == total
    # No month pays more than the borrower can afford; nothing is paid when the amount is unknown.
    assert plan.monthly_total <= (affordable or 0)
    if plan.mode == "pro_rata":
        floors = sum(min(FLOOR, d.amount) for d in debts)
        assert affordable is not None and affordable >= floors
        assert plan.monthly_total == min(affordable, total)  # the whole amount is allocated, never more
        assert plan.installments_total <= affordable
        for share in plan.shares:
            debt = share.debt
            assert share.monthly >= min(FLOOR, debt.amount)  # no share below the floor
            assert share.monthly <= debt.amount
            # every debt is repaid in the stated months: (months-1) installments and a last one in
            # (0, installment], the installment never above the share
            assert share.installment <= share.monthly
            assert 0 < share.last_amount <= share.installment
            assert share.installment * (share.months - 1) + share.last_amount == debt.amount
            assert math.ceil(debt.amount / share.installment) == share.months
            # rounding: less than 1 元 from the exact pro-rata value (unless a floor or the balance fixed it)
            if share.monthly not in (min(FLOOR, debt.amount), debt.amount):
                assert abs(share.monthly - share.exact) < 1
        assert math.ceil(total / affordable) <= MAX_INSTALLMENT_MONTHS
    elif plan.mode == "token":
        assert affordable and all(s.monthly > 0 for s in plan.shares)
        assert plan.review_date == TODAY + datetime.timedelta(days=REVIEW_DAYS)
    else:
        assert all(s.monthly == 0 for s in plan.shares)
        assert plan.review_date is not None and plan.review_date > TODAY


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.integers(1, 500_000), min_size=1, max_size=10), st.integers(0, 100_000))
def test_pro_rata_shares_add_up_and_respect_floor_and_balance(amounts: list[int], budget: int) -> None:
    floors = sum(min(FLOOR, a) for a in amounts)
    if budget < floors:
        with pytest.raises(ValueError):
            pro_rata(amounts, budget)
        return
    shares, exact = pro_rata(amounts, budget)
    assert sum(shares) == min(budget, sum(amounts))
    for share, amount, value in zip(shares, amounts, exact):
        assert min(FLOOR, amount) <= share <= amount
        assert abs(share - value) < 1 or share in (min(FLOOR, amount), amount)
