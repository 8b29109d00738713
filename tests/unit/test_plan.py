"""Plan maths and case normalisation (actions/plan.py, case/facts.py)."""

import datetime

import pytest

from actions.plan import (
    MAX_INSTALLMENT_MONTHS,
    AffordabilityUnknown,
    ExtensionPlan,
    InstallmentPlan,
    choose_plan,
    extension_plan,
    installment_plan,
    make_plan,
    suggested_affordable,
)
from case import HARDSHIP_REASONS, LENDER_TYPES, CaseFacts, classify_hardship, lender_type

TODAY = datetime.date(2026, 11, 23)


# ---------- installment ----------

def test_exact_division():
    plan = installment_plan(36000, 1500)
    assert (plan.months, plan.monthly_amount, plan.total) == (24, 1500, 36000)
    assert plan.last_amount == 1500
    assert not plan.capped_at_max_term and not plan.above_affordable


def test_inexact_division_rounds_monthly_up_and_last_instalment_down():
    plan = installment_plan(32000, 1500)
    assert (plan.months, plan.monthly_amount) == (22, 1455)
    assert plan.total == 32000
    assert plan.last_amount == 1445
    assert plan.monthly_amount * 21 + plan.last_amount == 32000
    assert not plan.above_affordable


def test_capped_at_sixty_months_and_flagged_above_affordable():
    plan = installment_plan(200000, 1000)
    assert plan.months == MAX_INSTALLMENT_MONTHS == 60
    assert plan.monthly_amount == 3334
    assert plan.capped_at_max_term and plan.above_affordable
    assert plan.last_amount == 200000 - 3334 * 59 == 3294


def test_exactly_sixty_months_is_not_capped():
    plan = installment_plan(60000, 1000)
    assert (plan.months, plan.monthly_amount) == (60, 1000)
    assert not plan.capped_at_max_term and not plan.above_affordable


@pytest.mark.parametrize("affordable", [5000, 8000, 1_000_000])
def test_affordable_at_least_debt_is_one_off_settlement(affordable):
    plan = installment_plan(5000, affordable)
    assert (plan.months, plan.monthly_amount, plan.total) == (1, 5000, 5000)
    assert plan.is_one_off and not plan.above_affordable


@pytest.mark.parametrize("affordable", [None, 0, -100])
def test_unknown_or_zero_affordability_raises_for_a_re_ask(affordable):
    with pytest.raises(AffordabilityUnknown):
        installment_plan(36000, affordable)
    assert issubclass(AffordabilityUnknown, ValueError)


@pytest.mark.parametrize("debt", [0, -5, None])
def test_debt_must_be_positive(debt):
    with pytest.raises(ValueError):
        installment_plan(debt, 1000)
    with pytest.raises(ValueError):
        extension_plan(debt, 1000, 30, TODAY)


def test_tiny_debt_over_many_months_never_has_a_non_positive_last_instalment():
    plan = installment_plan(61, 1)
    assert plan.last_amount > 0
    assert plan.monthly_amount * (plan.months - 1) + plan.last_amount == 61


@pytest.mark.parametrize("debt", [1, 99, 1000, 3333, 32000, 99999, 250000, 1234567])
@pytest.mark.parametrize("affordable", [1, 7, 500, 1500, 4999, 20000])
def test_invariants(debt, affordable):
    plan = installment_plan(debt, affordable)
    assert 1 <= plan.months <= MAX_INSTALLMENT_MONTHS
    assert 0 < plan.last_amount <= plan.monthly_amount
    assert plan.monthly_amount * (plan.months - 1) + plan.last_amount == debt
    if not plan.capped_at_max_term:
        assert plan.monthly_amount <= affordable and not plan.above_affordable
    else:
        assert plan.above_affordable


# ---------- extension ----------

def test_extension_defaults_to_thirty_days_with_partial_payment():
    plan = extension_plan(32000, 1000, None, TODAY)
    assert plan == ExtensionPlan(30, datetime.date(2026, 12, 23), 1000, 31000)


def test_extension_days_given_crosses_year():
    plan = extension_plan(12000, None, 45, TODAY)
    assert plan.new_due_date == datetime.date(2027, 1, 7)
    assert (plan.partial_payment_now, plan.remaining_after_partial) == (0, 12000)


@pytest.mark.parametrize("days", [0, -3])
def test_extension_non_positive_days_fall_back_to_default(days):
    assert extension_plan(1000, 100, days, TODAY).extension_days == 30


def test_extension_partial_is_capped_at_debt():
    plan = extension_plan(3000, 5000, 30, TODAY)
    assert (plan.partial_payment_now, plan.remaining_after_partial) == (3000, 0)


def test_extension_zero_affordable_means_no_partial():
    assert extension_plan(3000, 0, 30, TODAY).partial_payment_now == 0


# ---------- choosing ----------

def facts(**kw):
    return CaseFacts(**kw)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        (dict(requested_plan="extension", debt_amount=200000, affordable_monthly=100), "extension"),
        (dict(requested_plan="installment", debt_amount=3000, affordable_monthly=1000), "installment"),
        (dict(requested_plan="fee_waiver", debt_amount=3000, affordable_monthly=1000), "installment"),
        (dict(hardship_reason="工资拖欠", debt_amount=50000, affordable_monthly=1000), "extension"),
        (dict(debt_amount=3000, affordable_monthly=1000), "extension"),  # 1000 × 3 ≥ 3000
        (dict(debt_amount=3001, affordable_monthly=1000), "installment"),
        (dict(debt_amount=3000, affordable_monthly=3000), "installment"),  # one-off settlement
        (dict(debt_amount=36000, affordable_monthly=1500), "installment"),
        (dict(debt_amount=36000), "installment"),
        (dict(), "installment"),
    ],
)
def test_choose_plan(kw, expected):
    assert choose_plan(facts(**kw)) == expected


def test_make_plan_returns_matching_type():
    assert isinstance(make_plan(facts(debt_amount=3000, affordable_monthly=1000), TODAY), ExtensionPlan)
    assert isinstance(make_plan(facts(debt_amount=36000, affordable_monthly=1500), TODAY), InstallmentPlan)
    with pytest.raises(AffordabilityUnknown):
        make_plan(facts(debt_amount=36000), TODAY)


def test_suggested_affordable():
    assert suggested_affordable(5000, 3500) == 1500
    assert suggested_affordable(3000, 4000) == 0
    assert suggested_affordable(None, 3000) is None
    assert suggested_affordable(5000, None) is None


# ---------- case facts ----------

@pytest.mark.parametrize(
    ("canonical", "text", "expected"),
    [
        ("招商银行", "", "credit_card"),
        ("招商银行", "招行信用卡逾期了", "credit_card"),
        ("招商银行", "欠了闪电贷", "bank_loan"),
        ("建设银行", "房贷断供了", "bank_loan"),
        (None, "欠建行车贷", "bank_loan"),
        (None, "招行的卡欠了三万", "credit_card"),
        ("马上消费金融", "", "consumer_finance"),
        ("招联消费金融", "信用卡", "consumer_finance"),
        ("借呗", "", "platform"),
        ("小赢卡贷", "", "platform"),
        ("平安普惠", "", "platform"),
        ("平安银行", "", "credit_card"),
        (None, "欠了京东金条", "platform"),
        (None, "欠朋友的钱", "other"),
        (None, "", "other"),
        ("招商銀行", "信用卡", "credit_card"),
        ("国泰世华", "國泰世華信用卡", "credit_card"),  # a bank the list does not know: the card says bank
        ("某某小贷", "欠某某小贷两万", "other"),
    ],
)
def test_lender_type(canonical, text, expected):
    assert lender_type(canonical, text) == expected
    assert expected in LENDER_TYPES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我失业了", "失业/收入下降"),
        ("公司裁员把我裁了", "失业/收入下降"),
        ("被辞退了，现在没工作", "失业/收入下降"),
        ("降薪了收入少了一半", "失业/收入下降"),
        ("我生病住院做了手术", "疾病/意外"),
        ("出了车祸", "疾病/意外"),
        ("生意亏了", "生意失败"),
        ("店倒闭了", "生意失败"),
        ("工资拖欠三个月", "工资拖欠"),
        ("老板工资一直没发", "工资拖欠"),
        ("工资被压着", "工资拖欠"),
        ("离婚了", "家庭变故"),
        ("家人生病住院", "家庭变故"),
        ("我爸去世了", "家庭变故"),
        ("我失業了", "失业/收入下降"),
        ("工資一直沒發", "工资拖欠"),
        ("生意虧了", "生意失败"),
        ("工資一直拖著", "工资拖欠"),  # OpenCC t2s keeps 著 (it is also Simplified)
        ("工資被壓著", "工资拖欠"),
        ("今天天气不错", None),
        ("", None),
    ],
)
def test_classify_hardship(text, expected):
    assert classify_hardship(text) == expected
    assert expected is None or expected in HARDSHIP_REASONS


def test_from_slots_is_tolerant():
    f = CaseFacts.from_slots({
        "lender": "招商银行",
        "debt_amount": "3.2万",
        "overdue_days": 60.0,
        "monthly_income": "5,000",
        "affordable_monthly": "unknown",
        "hardship_reason": "我被裁员了",
        "extension_days": None,
        "requested_plan": "分期",
        "threat_types": ["visit", "bogus", "visit", "lawsuit"],
    })
    assert f == CaseFacts(
        lender="招商银行", lender_type="credit_card", debt_amount=32000, overdue_days=60, monthly_income=5000,
        affordable_monthly=None, hardship_reason="失业/收入下降", extension_days=None,
        requested_plan="installment", threat_types=("visit", "lawsuit"),
    )


def test_from_slots_unknowns_and_odd_values():
    f = CaseFacts.from_slots({
        "lender": "unknown", "debt_amount": -5, "overdue_days": "", "monthly_income": float("nan"),
        "affordable_monthly": "5k", "hardship_reason": "说不清", "requested_plan": "whatever",
        "lender_type": "网络借贷平台", "threat_types": "harassment, third_party",
    })
    assert f.lender is None and f.debt_amount is None and f.overdue_days is None and f.monthly_income is None
    assert f.affordable_monthly == 5000
    assert f.hardship_reason == "其他"
    assert f.requested_plan is None
    assert f.lender_type == "platform"
    assert f.threat_types == ("harassment", "third_party")
    assert CaseFacts.from_slots({}) == CaseFacts()
