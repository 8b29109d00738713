"""The true annual rate (coach/true_rate.py) and the reading of loan terms (coach/zh/loan_terms.py): the rate against
numpy-financial on random schedules with fees, the worked examples of facts §12.14, the hedges of the answer (36% is
a criminal threshold, not a repayment cap; 24% as §12.13 says), and loan terms as people type them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import true_rate
from coach.true_rate import Loan, answer, answer_message, cash_flows
from coach.true_rate import true_rate as rate_of
from coach.zh.loan_terms import Fee, read_loan_terms

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)", (ROOT / "knowledge" / "sources.md").read_text("utf-8"), re.M))

# ---------- the rate against numpy-financial ----------

loans = st.builds(
    lambda principal, periods, markup, received, upfront, per_period, weights, equal: (
        principal, periods, markup, received, upfront, per_period, weights[:periods] if not equal else None),
    principal=st.integers(1_000, 200_000),
    periods=st.integers(1, 60),
    markup=st.floats(1.02, 2.5),              # total repaid over the contract amount
    received=st.floats(0.7, 1.0),             # share of the loan that was paid out
    upfront=st.floats(0.0, 0.08),             # 会员费 / 服务费 up front, as a share of the loan
    per_period=st.floats(0.0, 0.01),          # a fee each period, as a share of the loan
    weights=st.lists(st.floats(0.5, 2.0), min_size=60, max_size=60),
    equal=st.booleans(),
)


def _loan(case: tuple) -> Loan:
    principal, periods, markup, received, upfront, per_period, weights = case
    total = principal * markup
    if weights is None:
        payments = (round(total / periods, 2),) * periods
    else:
        payments = tuple(round(total * w / sum(weights), 2) for w in weights)
    return Loan(principal=principal, payments=payments, received=round(principal * received, 2),
                upfront_fees=round(principal * upfront, 2), fee_per_period=round(principal * per_period, 2))


@settings(max_examples=1000, deadline=None)
@given(loans)
def test_rate_agrees_with_numpy_financial(case: tuple) -> None:
    """≥1,000 random schedules with fees: the same annual rate as numpy-financial to 0.01 percentage points."""
    loan = _loan(case)
    found = rate_of(loan)
    flows = cash_flows(loan)
    reference = float(npf.irr(flows))
    assert found is not None and np.isfinite(reference), (loan, reference)
    assert abs(found.simple - reference * 12) < 1e-4
    assert abs(found.compound - ((1 + reference) ** 12 - 1)) < 1e-4 * max(1.0, found.compound)
    # the rate discounts the payments to exactly what was received
    assert abs(sum(f / (1 + found.periodic) ** t for t, f in enumerate(flows))) < 1e-4 * loan.principal


@settings(max_examples=300, deadline=None)
@given(st.integers(1_000, 100_000), st.integers(2, 36), st.floats(1.02, 1.5), st.floats(0, 0.05))
def test_equal_instalments_agree_with_numpy_financial_rate(principal: int, periods: int, markup: float,
                                                           upfront: float) -> None:
    """Equal instalments against npf.rate (Newton's method, fine at ordinary rates; at 砍头息 rates it can settle on a
    root below −100 %, which is why the module bisects)."""
    payment = round(principal * markup / periods, 2)
    loan = Loan.equal(principal, periods, payment, upfront_fees=round(principal * upfront, 2))
    reference = float(npf.rate(periods, -payment, loan.net_received, 0))
    found = rate_of(loan)
    assert found is not None and abs(found.simple - reference * 12) < 1e-4


def test_newton_can_fail_where_bisection_does_not() -> None:
    """¥750 received, four payments of ¥625: npf.rate's default guess lands on a meaningless root; the module's
    rate is the real one (its payments discount back to what was received)."""
    loan = Loan.equal(1_000, 4, 625, received=750)
    found = rate_of(loan)
    assert found is not None and abs(found.periodic - float(npf.irr(cash_flows(loan)))) < 1e-9
    assert float(npf.rate(4, -625, 750, 0)) < -1


def test_worked_examples_of_the_facts() -> None:
    """facts §12.14: ¥12,000 in 12 payments of ¥1,072 is about 13.0% simple / 13.8% compound; with only ¥9,000
    received about 72% simple; ¥3,500 received for ¥5,000 repaid after 7 days about 2,235% simple."""
    plain = rate_of(Loan.equal(12_000, 12, 1_072))
    assert plain is not None and round(plain.simple * 100, 1) == 13.0 and round(plain.compound * 100, 1) == 13.8
    cut = rate_of(Loan.equal(12_000, 12, 1_072, received=9_000))
    assert cut is not None and round(cut.simple * 100) == 72
    short = rate_of(Loan.equal(5_000, 1, 5_000, received=3_500, period_days=7))
    assert short is not None and round(short.simple * 100) == 2235


def test_fees_count() -> None:
    """A fee paid up front or with each instalment raises the rate; the same fee taken out of the payout is the same
    as a smaller payout."""
    base = rate_of(Loan.equal(10_000, 12, 900))
    upfront = rate_of(Loan.equal(10_000, 12, 900, upfront_fees=299))
    deducted = rate_of(Loan.equal(10_000, 12, 900, received=9_701))
    monthly = rate_of(Loan.equal(10_000, 12, 900, fee_per_period=30))
    assert base and upfront and deducted and monthly
    assert base.simple < upfront.simple and base.simple < monthly.simple
    assert abs(upfront.simple - deducted.simple) < 1e-9


def test_no_loan_no_rate() -> None:
    assert rate_of(Loan(principal=0, payments=(100.0,))) is None
    assert rate_of(Loan(principal=1000, payments=())) is None
    free = rate_of(Loan.equal(1200, 12, 100))
    assert free is not None and abs(free.periodic) < 1e-9
    assert "算不出利息" in (answer(Loan.equal(1200, 12, 90)) or "")


# ---------- the answer: working and hedges ----------

def test_answer_shows_the_working_and_the_hedged_thresholds() -> None:
    reply = answer_message("借1万分12期每期980，还收了会员费299")
    assert reply is not None
    lines = reply.splitlines()
    assert "37.1%" in lines[0]
    assert "9,701" in lines[1] and "会员费 299" in lines[1]
    assert "12 期" in lines[2] and "980" in lines[2] and "11,760" in lines[2]
    assert "3.09%" in lines[3] and "×12" in lines[3] and "44.1%" in lines[3]
    assert "超过了年化 24%" in reply and "请求法院调减" in reply
    assert "36% 是非法放贷入罪的门槛" in reply and "不是借款人还款的上限" in reply
    assert "LPR 四倍" in reply
    assert "会员费、权益费算不算进年化，没有查到明确规定" in reply
    assert "书面给出合同的年化利率" in reply and "12378" in reply and "地方金融管理局" in reply
    # never the pre-2020 civil rule, never a figure for the LPR, never that the notice names IRR
    assert "不受法律保护" not in reply and "不用还" not in reply and not re.search(r"LPR[^，。]*\d+(\.\d+)?%", reply)
    assert "人民银行要求" not in reply.replace("据报道，人民银行要求", "")


def test_answer_below_24_says_no_criminal_threshold() -> None:
    reply = answer_message("两万 24期 每月1000")
    assert reply is not None and "没有超过年化 24%" in reply
    assert "36%" not in reply and "调减" not in reply and "会员费" not in reply


def test_between_24_and_36_no_criminal_line() -> None:
    reply = answer_message("借了5000 到手4500 分6期每期900")
    assert reply is not None
    simple = float(re.search(r"约 ([\d.]+)%", reply).group(1))
    assert simple > 36 and "36% 是非法放贷入罪的门槛" in reply
    reply = answer_message("借2万分12期每期1900")
    assert reply is not None and "超过了年化 24%" in reply and "36%" not in reply


def test_compound_only_over_is_said_so() -> None:
    # 1.9% a month: 22.8% simple, 25.3% compound
    payment = 10_000 * 0.019 / (1 - 1.019 ** -12)
    reply = answer(Loan.equal(10_000, 12, round(payment, 2)))
    assert reply is not None and "没有超过年化 24%" in reply and "按复利折算超过了 24.0%" in reply


def test_hong_kong_and_taiwan_thresholds() -> None:
    hk = answer(Loan.equal(5_000, 6, 1_000, received=4_000), "hk")
    assert hk is not None and "48%" in hk and "放債人條例" in hk and "3161 2929" in hk and "24%" not in hk
    tw = answer(Loan.equal(5_000, 6, 1_000), "tw")
    assert tw is not None and "02-8596-1629" in tw and "24%" not in tw and "36%" not in tw


def test_every_statement_cites_its_section() -> None:
    data = yaml.safe_load(true_rate.TEXT_PATH.read_text("utf-8"))
    for key, statement in data["statements"].items():
        cited = re.findall(r"§(\d+(?:\.\d+)?)", statement["source"])
        assert statement["source"].startswith("facts §") and cited and set(cited) <= SECTIONS, key
        assert statement["confidence"] in ("V", "S"), key
    for region in data["answers"].values():
        for band in region["bands"]:
            assert set(band["say"]) <= set(data["statements"])


# ---------- loan terms as people type them ----------

@pytest.mark.parametrize("text, principal, periods, payment, received, fees", [
    ("借1万分12期每期980，还收了会员费299", 10_000, 12, 980, None, [Fee("会员费", 299, False)]),
    ("借1万分12期每期980,还收了会员费299", 10_000, 12, 980, None, [Fee("会员费", 299, False)]),  # as Rasa normalises
    ("借了5000 到手4500 分6期每期900", 5_000, 6, 900, 4_500, []),
    ("借了5000到手4500分6期每期900", 5_000, 6, 900, 4_500, []),
    ("两万 24期 每月1100", 20_000, 24, 1_100, None, []),
    ("两万，24期每月1100", 20_000, 24, 1_100, None, []),
    ("借款3w，分24个月，月供1580", 30_000, 24, 1_580, None, []),
    ("网贷借了八千，到账只有七千二，分十二期，每期还八百", 8_000, 12, 800, 7_200, []),
    ("借了5k 分3期 每期2000", 5_000, 3, 2_000, None, []),
    ("借呗借了1万分6期每期1800", 10_000, 6, 1_800, None, []),
    ("分期乐借了6000，12个月，每个月还600", 6_000, 12, 600, None, []),
    ("借了2万 分12期 每期1900 每月还有服务费50", 20_000, 12, 1_900, None, [Fee("服务费", 50, True)]),
    ("借2万 24期 每期1100 担保费每期80 还交了599会员费", 20_000, 24, 1_100, None,
     [Fee("担保费", 80, True), Fee("会员费", 599, False)]),
    ("借1万 分12期 每期900 收了299的会员费", 10_000, 12, 900, None, [Fee("会员费", 299, False)]),
    ("借了一万五 先扣了1500 分12期每期1500", 15_000, 12, 1_500, None, [Fee("预先扣除", 1_500, False)]),
    ("貸款1.5萬，12期，一共要還18600", 15_000, 12, 1_550, None, []),
    ("借1.5w 分十二期 每期一千五", 15_000, 12, 1_500, None, []),
])
def test_reads_loan_terms(text: str, principal: int, periods: int, payment: float, received: int | None,
                          fees: list[Fee]) -> None:
    terms = read_loan_terms(text)
    assert terms is not None, text
    assert (terms.principal, terms.periods, terms.payment, terms.received) == (principal, periods, payment, received)
    assert list(terms.fees) == fees


def test_reads_a_seven_day_loan() -> None:
    terms = read_loan_terms("借5000到手3500，7天后还5000")
    assert terms is not None and (terms.periods, terms.period_days, terms.payment, terms.received) == (1, 7, 5000, 3500)


@pytest.mark.parametrize("text", [
    "我欠了3万", "每月能还1000", "分12期还款", "12期每期980", "我工资5000 房租1500", "借呗逾期3个月了 欠2万",
    "想申请分期，分12期，每期能还1000吗", "",
])
def test_not_loan_terms(text: str) -> None:
    assert read_loan_terms(text) is None


@pytest.mark.parametrize("text", ["今天还不了五千 我可以每月还一千五 分22期", "我想分24期 每月还1000"])
def test_an_offer_of_the_persons_own_is_no_loan_terms(text: str) -> None:
    """What the person offers (in a practice call, or to a lender) is not a loan whose rate is asked for."""
    from coach.zh.loan_terms import read_loan_terms

    assert read_loan_terms(text) is None
