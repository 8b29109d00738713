"""Plan maths and case normalisation (coach/plan.py, coach/case/facts.py), with property tests over affordability
from 0 upward: every plan can be kept."""

import datetime
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.case import HARDSHIP_REASONS, LENDER_TYPES, CaseFacts, classify_hardship, lender_type
from coach.case.facts import StatedPayment, stated_payment_in
from coach.plan import (
    BUDGET_DAYS,
    DEFAULT_EXTENSION_DAYS,
    MAX_INSTALLMENT_MONTHS,
    REVIEW_DAYS,
    AffordabilityUnknown,
    BeyondCapacity,
    ExtensionPlan,
    HardshipPlan,
    InstallmentPlan,
    choose_plan,
    extension_plan,
    hardship_plan,
    installment_plan,
    make_plan,
)

TODAY = datetime.date(2026, 11, 23)

# Reproducible in CI (seeded from the test), no example database written into the checkout.
settings.register_profile("plans", derandomize=True, database=None, max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("plans")


# ---------- installment ----------

def test_exact_division():
    plan = installment_plan(36000, 1500)
    assert (plan.months, plan.monthly_amount, plan.total) == (24, 1500, 36000)
    assert plan.last_amount == 1500
    assert plan.requested_outcome is None


def test_inexact_division_rounds_monthly_up_and_last_instalment_down():
    plan = installment_plan(32000, 1500)
    assert (plan.months, plan.monthly_amount) == (22, 1455)
    assert plan.total == 32000
    assert plan.last_amount == 1445
    assert plan.monthly_amount * 21 + plan.last_amount == 32000


def test_exactly_sixty_months_is_a_plan():
    plan = installment_plan(60000, 1000)
    assert (plan.months, plan.monthly_amount) == (60, 1000)


def test_beyond_sixty_months_is_no_installment_plan():
    with pytest.raises(BeyondCapacity):
        installment_plan(200000, 1000)
    with pytest.raises(BeyondCapacity):
        installment_plan(60001, 1000)
    assert issubclass(BeyondCapacity, ValueError)


@pytest.mark.parametrize("affordable", [5000, 8000, 1_000_000])
def test_affordable_at_least_debt_is_one_off_settlement(affordable):
    plan = installment_plan(5000, affordable)
    assert (plan.months, plan.monthly_amount, plan.total) == (1, 5000, 5000)
    assert plan.is_one_off


@pytest.mark.parametrize("affordable", [None, 0, -100])
def test_unknown_or_zero_affordability_is_no_installment_plan(affordable):
    with pytest.raises(AffordabilityUnknown):
        installment_plan(36000, affordable)
    assert issubclass(AffordabilityUnknown, ValueError)


@pytest.mark.parametrize("debt", [0, -5, None])
def test_debt_must_be_positive(debt):
    with pytest.raises(ValueError):
        installment_plan(debt, 1000)
    with pytest.raises(ValueError):
        extension_plan(debt, None, 30, TODAY)
    with pytest.raises(ValueError):
        hardship_plan(debt, 0, TODAY)


def test_tiny_debt_over_many_months_never_has_a_non_positive_last_instalment():
    plan = installment_plan(61, 2)
    assert plan.last_amount > 0
    assert plan.monthly_amount * (plan.months - 1) + plan.last_amount == 61


# ---------- the borrower's own number of installments ----------

def test_requested_months_kept_when_affordable():
    plan = installment_plan(36000, 1500, requested_months=36)
    assert (plan.months, plan.monthly_amount, plan.requested_outcome) == (36, 1000, "kept")


def test_requested_months_too_few_says_so_and_uses_what_is_affordable():
    plan = installment_plan(36000, 1500, requested_months=12)
    assert (plan.months, plan.monthly_amount) == (24, 1500)
    assert (plan.requested_months, plan.requested_monthly, plan.requested_outcome) == (12, 3000, "unaffordable")


def test_requested_months_above_sixty_are_capped():
    plan = installment_plan(60000, 2000, requested_months=72)
    assert (plan.months, plan.monthly_amount, plan.requested_outcome) == (60, 1000, "capped")


def test_requested_months_reach_the_plan_through_the_facts():
    f = CaseFacts(debt_amount=36000, affordable_monthly=1500, requested_months=12, requested_plan="installment")
    assert make_plan(f, TODAY).requested_outcome == "unaffordable"
    assert CaseFacts.from_slots({"requested_months": 12.0}).requested_months == 12
    assert CaseFacts.from_slots({"requested_months": 0}).requested_months is None


# ---------- extension: only on the borrower's word ----------

def test_extension_pays_all_by_the_stated_date():
    plan = extension_plan(32000, None, None, TODAY)
    assert plan == ExtensionPlan(30, datetime.date(2026, 12, 23), 32000, 32000)
    assert plan.pays_all and plan.remaining == 0


def test_extension_with_a_stated_part_leaves_the_rest_unpromised():
    plan = extension_plan(12000, 2000, 45, TODAY)
    assert plan.new_due_date == datetime.date(2027, 1, 7)
    assert (plan.amount_by_date, plan.remaining, plan.pays_all) == (2000, 10000, False)


@pytest.mark.parametrize("days", [0, -3, None])
def test_extension_non_positive_days_fall_back_to_default(days):
    assert extension_plan(1000, None, days, TODAY).extension_days == DEFAULT_EXTENSION_DAYS


def test_a_stated_part_as_large_as_the_debt_is_the_whole_debt():
    assert extension_plan(3000, 5000, 30, TODAY).pays_all


# ---------- hardship: a pause and a review date ----------

def test_nothing_to_pay_is_a_pause_with_a_review():
    plan = hardship_plan(90000, 0, TODAY)
    assert plan == HardshipPlan("none", 90000, REVIEW_DAYS, TODAY + datetime.timedelta(days=REVIEW_DAYS), 0, 1500)


def test_too_little_pays_what_can_be_paid_until_the_review():
    plan = hardship_plan(200000, 1000, TODAY)
    assert (plan.reason, plan.token_monthly, plan.monthly_at_max_term) == ("too_little", 1000, 3334)


def test_unknown_capacity_is_a_short_pause_to_make_an_offer():
    plan = hardship_plan(36000, None, TODAY)
    assert (plan.reason, plan.review_days, plan.token_monthly) == ("unknown", BUDGET_DAYS, 0)


def test_the_pause_takes_the_time_the_borrower_asked_for():
    assert hardship_plan(6000, 0, TODAY, review_days=60).review_days == 60


# ---------- plans a borrower could not keep (nothing to pay, a lump sum promised) ----------

def test_a_borrower_on_dibao_with_nothing_left_gets_a_pause_not_a_lump_sum():
    f = CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=90000, monthly_income=1200,
                  affordable_monthly=0, hardship_reason="其他")
    plan = make_plan(f, TODAY)
    assert isinstance(plan, HardshipPlan) and plan.reason == "none"


def test_zero_income_asking_for_an_extension_gets_a_pause_not_six_thousand_in_thirty_days():
    f = CaseFacts(lender="借呗", debt_amount=6000, monthly_income=0, requested_plan="extension", extension_days=30)
    plan = make_plan(f, TODAY)
    assert isinstance(plan, HardshipPlan) and plan.reason == "none" and plan.token_monthly == 0


def test_fifteen_hundred_a_month_gets_installments_not_the_rest_by_the_due_date():
    f = CaseFacts(lender="借呗", debt_amount=43000, affordable_monthly=1500, requested_plan="extension")
    plan = make_plan(f, TODAY)
    assert isinstance(plan, InstallmentPlan) and plan.monthly_amount <= 1500 and plan.months == 29


# ---------- choosing ----------

def facts(**kw):
    return CaseFacts(**kw)


WHOLE = StatedPayment(whole=True)
PART = StatedPayment(whole=False, amount=2000, days=10)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        (dict(requested_plan="extension", debt_amount=200000, affordable_monthly=100), "hardship"),
        (dict(requested_plan="extension", debt_amount=8000, affordable_monthly=3000), "installment"),
        (dict(requested_plan="extension", debt_amount=8000, stated_payment=WHOLE), "extension"),
        (dict(debt_amount=8000, affordable_monthly=3000, stated_payment=PART), "extension"),
        (dict(requested_plan="installment", debt_amount=8000, affordable_monthly=3000, stated_payment=WHOLE),
         "installment"),
        (dict(requested_plan="installment", debt_amount=3000, affordable_monthly=1000), "installment"),
        (dict(requested_plan="fee_waiver", debt_amount=3000, affordable_monthly=1000), "installment"),
        (dict(hardship_reason="工资拖欠", debt_amount=50000, affordable_monthly=1000), "installment"),
        (dict(debt_amount=3000, affordable_monthly=1000), "installment"),
        (dict(debt_amount=3000, affordable_monthly=3000), "installment"),  # one-off settlement
        (dict(debt_amount=36000, affordable_monthly=0), "hardship"),
        (dict(debt_amount=36000), "hardship"),
        (dict(), "hardship"),
    ],
)
def test_choose_plan(kw, expected):
    assert choose_plan(facts(**kw)) == expected


def test_make_plan_returns_matching_type():
    assert isinstance(make_plan(facts(debt_amount=3000, stated_payment=WHOLE), TODAY), ExtensionPlan)
    assert isinstance(make_plan(facts(debt_amount=36000, affordable_monthly=1500), TODAY), InstallmentPlan)
    assert isinstance(make_plan(facts(debt_amount=36000), TODAY), HardshipPlan)
    assert make_plan(facts(debt_amount=36000, monthly_income=0), TODAY).reason == "none"
    with pytest.raises(ValueError):
        make_plan(facts(), TODAY)


def test_extension_takes_the_stated_date_and_amount():
    plan = make_plan(facts(debt_amount=12000, affordable_monthly=2000, stated_payment=PART, extension_days=45), TODAY)
    assert (plan.extension_days, plan.amount_by_date, plan.remaining) == (10, 2000, 10000)
    plan = make_plan(facts(debt_amount=12000, stated_payment=WHOLE, extension_days=45), TODAY)
    assert (plan.extension_days, plan.amount_by_date) == (45, 12000)


# ---------- properties: over affordability from 0 upward, every plan can be kept ----------

stated_payments = st.one_of(
    st.none(),
    st.builds(StatedPayment, whole=st.just(True), days=st.one_of(st.none(), st.integers(1, 365))),
    st.builds(StatedPayment, whole=st.just(False), amount=st.integers(1, 2_000_000),
              days=st.one_of(st.none(), st.integers(1, 365))),
)
case_facts = st.builds(
    CaseFacts,
    debt_amount=st.integers(1, 5_000_000),
    affordable_monthly=st.one_of(st.none(), st.integers(0, 10), st.integers(0, 200_000)),
    monthly_income=st.one_of(st.none(), st.just(0), st.integers(0, 100_000)),
    requested_plan=st.sampled_from([None, "installment", "extension", "fee_waiver"]),
    requested_months=st.one_of(st.none(), st.integers(1, 120)),
    extension_days=st.one_of(st.none(), st.integers(1, 365)),
    stated_payment=stated_payments,
    lender_type=st.sampled_from([None, *LENDER_TYPES]),
)


@given(case_facts)
def test_property_no_lump_sum_without_a_stated_ability_to_pay(f):
    plan = make_plan(f, TODAY)
    if isinstance(plan, ExtensionPlan):
        assert f.stated_payment is not None, "an extension only on the borrower's word"
        if not f.stated_payment.whole:
            assert plan.pays_all or plan.amount_by_date == f.stated_payment.amount
    elif isinstance(plan, InstallmentPlan) and plan.is_one_off:
        assert (f.affordable_monthly or 0) >= f.debt_amount, "one payment only when a month's capacity covers it"


@given(case_facts)
def test_property_never_more_per_month_than_affordable(f):
    plan = make_plan(f, TODAY)
    affordable = f.affordable_monthly or 0
    if isinstance(plan, InstallmentPlan):
        assert affordable > 0 and plan.monthly_amount <= affordable
    if isinstance(plan, HardshipPlan):
        assert plan.token_monthly <= affordable
        assert plan.token_monthly < plan.monthly_at_max_term or plan.reason != "too_little"


@given(case_facts)
def test_property_totals_add_up_and_months_within_limits(f):
    plan = make_plan(f, TODAY)
    assert plan.total == f.debt_amount
    if isinstance(plan, InstallmentPlan):
        assert 1 <= plan.months <= MAX_INSTALLMENT_MONTHS
        assert 0 < plan.last_amount <= plan.monthly_amount
        assert plan.monthly_amount * (plan.months - 1) + plan.last_amount == plan.total
        if plan.requested_outcome == "kept":
            assert plan.months <= f.requested_months
        if plan.requested_outcome == "unaffordable":
            assert plan.requested_monthly > f.affordable_monthly >= plan.monthly_amount
        if plan.requested_outcome == "capped":
            assert f.requested_months > MAX_INSTALLMENT_MONTHS >= plan.months
    elif isinstance(plan, ExtensionPlan):
        assert 0 < plan.amount_by_date <= plan.total
        assert plan.amount_by_date + plan.remaining == plan.total
        assert plan.new_due_date > TODAY
    else:
        assert plan.review_date > TODAY and plan.review_days > 0
        assert plan.monthly_at_max_term == math.ceil(plan.total / MAX_INSTALLMENT_MONTHS)


@given(case_facts)
def test_property_little_or_no_capacity_gets_a_pause(f):
    """0, unknown, or too little for 60 months, and no stated date → a pause, whatever was asked for."""
    affordable = f.affordable_monthly or 0
    if f.stated_payment is None and (affordable == 0 or affordable * MAX_INSTALLMENT_MONTHS < f.debt_amount):
        plan = make_plan(f, TODAY)
        assert isinstance(plan, HardshipPlan)
        assert plan.reason == ("too_little" if affordable else
                               ("none" if f.affordable_monthly == 0 or f.monthly_income == 0 else "unknown"))


@given(st.integers(1, 5_000_000), st.integers(1, 200_000), st.one_of(st.none(), st.integers(1, 120)))
def test_property_installments_exactly_when_sixty_months_fit(debt, affordable, requested):
    fits = math.ceil(debt / affordable) <= MAX_INSTALLMENT_MONTHS
    if fits:
        assert installment_plan(debt, affordable, requested).monthly_amount <= affordable
    else:
        with pytest.raises(BeyondCapacity):
            installment_plan(debt, affordable, requested)


# ---------- what the borrower says they can pay by a date ----------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下个月发了工资就能还清", StatedPayment(True, None, 30)),
        ("这个月还不上，下个月发了工资就能还清", StatedPayment(True, None, 30)),
        ("能不能宽限一个月 下个月发了工资就能还清", StatedPayment(True, None, 30)),
        ("两周内能凑齐", StatedPayment(True, None, 14)),
        ("12号之前能还上", StatedPayment(True, None, 19)),
        ("年终奖到账就能全部还清", StatedPayment(True, None, None)),
        ("月底能先还两千", StatedPayment(False, 2000, 7)),
        ("十五号能还五千", StatedPayment(False, 5000, 22)),
        ("下个月可能能还清", None),
        ("如果下个月发工资就能还清", None),
        ("下个月能还吗", None),
        ("催收说必须月底还清", None),
        ("下个月也还不上", None),
        ("每个月能还1500", None),
        ("下个月每个月能还两千", None),
        ("我在低保，每个月没有钱", None),
        ("我想分12期", None),
    ],
)
def test_stated_payment_in(text, expected):
    assert stated_payment_in([text], TODAY) == expected


def test_a_later_message_takes_a_stated_payment_back():
    assert stated_payment_in(["下个月发了工资就能还清", "下个月也还不上了"], TODAY) is None
    assert stated_payment_in(["下个月也还不上了", "下个月发了工资就能还清"], TODAY) == StatedPayment(True, None, 30)
    assert stated_payment_in(["欠借呗八千", "失业了"], TODAY) is None


def test_from_slots_reads_the_stated_payment_from_the_messages():
    f = CaseFacts.from_slots({"debt_amount": 8000}, messages=["月底能还一万"], today=TODAY)
    assert f.stated_payment == StatedPayment(True, None, 7)  # a stated part that covers the debt is all of it
    assert CaseFacts.from_slots({"debt_amount": 8000}).stated_payment is None


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
        ("冇咗份工", "失业/收入下降"), ("俾人炒咗", "失业/收入下降"), ("冇工資", None),  # Cantonese
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
