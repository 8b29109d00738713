"""Drafts and staff packs (coach/drafting.py + coach/templates)."""

import datetime
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.case import LENDER_TYPES, CaseFacts
from coach.case.facts import StatedPayment
from coach.drafting import (
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    Drafts,
    StaffPack,
    cn_date,
    draft_borrower,
    draft_staff,
    layout,
    missing_facts,
    money,
    plan_note,
    plan_summary,
)
from coach.plan import MAX_INSTALLMENT_MONTHS, ExtensionPlan, HardshipPlan, InstallmentPlan, make_plan
from coach.zh.normalizer import to_traditional

settings.register_profile("drafts", derandomize=True, database=None, max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])

TODAY = datetime.date(2026, 11, 23)
LENDERS = {
    "credit_card": "招商银行",
    "bank_loan": "建设银行",
    "consumer_finance": "马上消费金融",
    "platform": "借呗",
    "other": "某某小额贷款",
}
WHOLE = StatedPayment(whole=True, days=20)
PART = StatedPayment(whole=False, amount=2000, days=10)
# (debt, affordable, requested_plan, stated payment, requested months): exact, inexact, one-off; an extension
# asked for without a stated date (→ installments); stated whole and part; too little for 60 months, nothing,
# unknown (→ a pause); the borrower's own months kept and too few.
PLAN_SHAPES = [
    (36000, 1500, "installment", None, None),
    (32000, 1500, None, None, None),
    (5000, 8000, "installment", None, None),
    (32000, 1000, "extension", None, None),
    (8000, 3000, "extension", WHOLE, None),
    (12000, 2000, None, PART, None),
    (200000, 1000, "fee_waiver", None, None),
    (90000, 0, None, None, None),
    (12000, None, "extension", None, None),
    (36000, 1500, "installment", None, 36),
    (36000, 1500, "installment", None, 12),
]
THREAT_SETS = [(), ("visit", "third_party"), ("lawsuit", "harassment")]
REASONS = ["失业/收入下降", "疾病/意外", "生意失败", "工资拖欠", "家庭变故", "其他", None]


def case_matrix():
    for (kind, lender), (debt, affordable, requested, stated, months), threats, reason in itertools.product(
        LENDERS.items(), PLAN_SHAPES, THREAT_SETS, REASONS[:3]
    ):
        yield CaseFacts(
            lender=lender, lender_type=kind, debt_amount=debt, overdue_days=60, monthly_income=6000,
            affordable_monthly=affordable, hardship_reason=reason, requested_plan=requested,
            threat_types=threats, stated_payment=stated, requested_months=months,
        )
    # every hardship reason, unknown lender, unknown optional facts
    for reason in REASONS:
        yield CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=36000,
                        affordable_monthly=1500, hardship_reason=reason)
    yield CaseFacts(debt_amount=36000, affordable_monthly=1500)
    yield CaseFacts(debt_amount=12000, requested_plan="extension", extension_days=45, stated_payment=WHOLE)
    yield CaseFacts(lender="微粒贷", lender_type="platform", debt_amount=61, affordable_monthly=2,
                    overdue_days=400)
    yield CaseFacts(lender="借呗", lender_type="platform", debt_amount=6000, monthly_income=0,
                    requested_plan="extension", hardship_reason="失业/收入下降")


CASES = list(case_matrix())


def rendered(f):
    plan = make_plan(f, TODAY)
    return plan, draft_borrower(f, plan, TODAY), draft_staff(f, plan, TODAY, crisis=True, violence=True)


def all_texts(drafts: Drafts, staff: StaffPack):
    yield from (drafts.phone_script, drafts.written_request, drafts.short_reply, drafts.checklist)
    yield from (staff.case_summary, staff.tell_borrower)
    yield from staff.risk_flags
    yield from staff.next_questions


def plan_numbers(f, plan):
    """The strings every proposal draft must contain for this plan."""
    if isinstance(plan, InstallmentPlan):
        if plan.is_one_off:
            return [f"{plan.total:,} 元"]
        return [f"分 {plan.months} 期，每期 {plan.monthly_amount:,} 元"]
    if isinstance(plan, HardshipPlan):
        out = ["暂缓催收", cn_date(plan.review_date)]
        return out + ([f"{plan.token_monthly:,} 元"] if plan.token_monthly else [])
    return [cn_date(plan.new_due_date)] + ([] if plan.pays_all else [f"{plan.amount_by_date:,} 元"])


# ---------- formatting ----------

def test_money_and_date_formatting():
    assert money(36000) == "36,000"
    assert money(1234567) == "1,234,567"
    assert money(500) == "500"
    assert cn_date(datetime.date(2026, 12, 3)) == "2026年12月3日"


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (CaseFacts(debt_amount=36000, affordable_monthly=1500), "分 24 期，每期 1,500 元（共 36,000 元）"),
        (CaseFacts(debt_amount=32000, affordable_monthly=1500, requested_plan="installment"),
         "分 22 期，每期 1,455 元（最后一期 1,445 元，共 32,000 元）"),
        (CaseFacts(debt_amount=200000, affordable_monthly=1000),
         "暂缓催收 90 天至 2027年2月21日，期间每月先还 1,000 元，到期复核"),
        (CaseFacts(debt_amount=90000, affordable_monthly=0), "暂缓催收 90 天至 2027年2月21日，收入恢复后再协商"),
        (CaseFacts(debt_amount=36000), "暂缓催收 30 天至 2026年12月23日，其间提出每月做得到的还款方案"),
        (CaseFacts(debt_amount=5000, affordable_monthly=8000), "一次性结清 5,000 元"),
        (CaseFacts(debt_amount=32000, affordable_monthly=1000, requested_plan="extension"),
         "分 32 期，每期 1,000 元（共 32,000 元）"),
        (CaseFacts(debt_amount=12000, requested_plan="extension", stated_payment=StatedPayment(True)),
         "延期 30 天至 2026年12月23日，到期前还清 12,000 元"),
        (CaseFacts(debt_amount=12000, stated_payment=StatedPayment(False, 2000, 10)),
         "延期 10 天至 2026年12月3日，到期前先还 2,000 元，剩余 10,000 元到时再协商"),
    ],
)
def test_plan_summary(f, expected):
    assert plan_summary(f, make_plan(f, TODAY)) == expected


# ---------- every case of the matrix ----------

@pytest.mark.parametrize("f", CASES)
def test_drafts_contain_lender_and_numbers(f):
    plan, drafts, _ = rendered(f)
    for text in (drafts.phone_script, drafts.written_request, drafts.short_reply):
        if f.lender:
            assert f.lender in text
        for number in plan_numbers(f, plan):
            assert number in text, (number, text)


@pytest.mark.parametrize("f", CASES)
def test_no_template_residue(f):
    _, drafts, staff = rendered(f)
    for text in all_texts(drafts, staff):
        assert text.strip()
        assert "{{" not in text and "}}" not in text and "{%" not in text and "%}" not in text
        assert not re.search(r"\{[A-Za-z_][A-Za-z_0-9]*\}", text), text
        for junk in ("None", "Undefined", "True", "False", "nan", "\n\n\n"):
            assert junk not in text, (junk, text)


@pytest.mark.parametrize("f", CASES)
def test_placeholders_only_for_unknowable_facts(f):
    _, drafts, staff = rendered(f)
    found = set()
    for text in all_texts(drafts, staff):
        found |= set(PLACEHOLDER_RE.findall(text))
    assert found <= set(PLACEHOLDERS), found
    assert ("【机构名称】" in found) == (f.lender is None)
    assert "【您的姓名】" in drafts.written_request and "【联系电话】" in drafts.written_request
    is_card = f.lender_type == "credit_card"
    assert ("【卡号后四位】" in found) == is_card
    assert ("【借款合同编号或账户尾号】" in found) == (not is_card)
    # the bot knows these facts: they are written out, never asked for
    spoken = PLACEHOLDER_RE.findall(drafts.phone_script + drafts.short_reply + drafts.checklist)
    assert set(spoken) <= {"【机构名称】"}


@pytest.mark.parametrize("f", CASES)
def test_short_reply_is_short(f):
    _, drafts, _ = rendered(f)
    assert len(drafts.short_reply) <= 125, (len(drafts.short_reply), drafts.short_reply)


@pytest.mark.parametrize("f", CASES)
def test_never_promises_interest_stop_or_a_right(f):
    _, drafts, staff = rendered(f)
    for text in all_texts(drafts, staff):
        for phrase in ("停止计息", "不再计息", "利息会停止", "免息", "必须同意", "必须给我", "有权要求",
                       "法律规定", "征信修复后", "消除逾期记录"):
            assert phrase not in text, (phrase, text)


@pytest.mark.parametrize("f", CASES)
def test_asks_for_rate_and_total_in_writing(f):
    plan, drafts, _ = rendered(f)
    for text in (drafts.phone_script, drafts.written_request):
        assert "年化利率" in text
        assert "书面" in text
    if isinstance(plan, InstallmentPlan) and not plan.is_one_off:
        assert "总还款" in drafts.phone_script or "总共要还" in drafts.phone_script
        assert "总还款金额" in drafts.written_request


@pytest.mark.parametrize("f", CASES)
def test_card_article_only_for_credit_card_installments(f):
    plan, drafts, _ = rendered(f)
    card_installment = (f.lender_type == "credit_card" and isinstance(plan, InstallmentPlan)
                        and not plan.is_one_off)
    for text in (drafts.phone_script, drafts.written_request):
        assert ("第七十条" in text) == card_installment
        assert ("个性化分期" in text) == card_installment
    if isinstance(plan, InstallmentPlan) and not plan.is_one_off and not card_installment:
        assert "协商分期" in drafts.phone_script


@pytest.mark.parametrize("f", CASES)
def test_a_pause_says_the_hardship_plainly_and_promises_no_lump_sum(f):
    plan, drafts, staff = rendered(f)
    hardship = isinstance(plan, HardshipPlan)
    for text in (drafts.phone_script, drafts.written_request, drafts.short_reply):
        assert ("暂缓催收" in text) == hardship
        if hardship:
            assert cn_date(plan.review_date) in text
            assert not LUMP_SUM.search(text), text
    if hardship and plan.reason == "too_little":
        for text in (drafts.phone_script, drafts.written_request):
            assert f"{plan.monthly_at_max_term:,} 元" in text and f"{plan.token_monthly:,} 元" in text
            assert "超过" in text or "超出" in text
    if hardship and plan.reason == "none":
        assert "拿不出钱" in drafts.phone_script and "没有能力" in drafts.written_request
    assert any(flag.startswith("还款能力不足") for flag in staff.risk_flags) == hardship


@pytest.mark.parametrize("f", CASES)
def test_the_borrowers_own_months_are_honoured_or_the_reason_said(f):
    plan, drafts, staff = rendered(f)
    note = plan_note(f, plan)
    outcome = getattr(plan, "requested_outcome", None)
    if outcome == "unaffordable":
        for text in (note, drafts.phone_script):
            assert f"分 {plan.requested_months} 期" in text and f"{plan.requested_monthly:,} 元" in text
            assert "超过" in text
        assert any(flag.startswith("自选期数") for flag in staff.risk_flags)
    elif outcome == "kept":
        assert f"按您说的分 {plan.months} 期" in note


# A promise of one payment of everything (「无法一次性还清」 states a hardship, not a promise).
LUMP_SUM = re.compile(r"前还清|(?<!无法)(?<!没办法)一次性还清|到期前一次|一次性结清|剩余[^。；]*还清")


@pytest.mark.parametrize("f", CASES)
def test_fee_waiver_paragraph_only_when_asked(f):
    _, drafts, _ = rendered(f)
    asked = f.requested_plan == "fee_waiver"
    for text in (drafts.phone_script, drafts.written_request):
        assert ("减免" in text) == asked


@pytest.mark.parametrize("f", CASES)
def test_phone_script_structure(f):
    _, drafts, _ = rendered(f)
    script = drafts.phone_script
    for part in ("一、", "二、", "三、", "四、", "五、", "工号", "委托", "官方", "对方：", "您："):
        assert part in script, part
    assert script.count("对方：") >= 2
    assert script.count("对方：") == script.count("您：")
    assert ("我们明天上门" in script) == ("visit" in f.threat_types)
    assert ("找你家人" in script) == ("third_party" in f.threat_types)


@pytest.mark.parametrize("f", CASES)
def test_checklist_channels_follow_lender_type(f):
    _, drafts, _ = rendered(f)
    checklist = drafts.checklist
    for part in ("■ 准备什么", "■ 千万别做", "■ 保存证据", "■ 催收违规可以找", "110", "12363", "12321",
                 "伪造", "个人账户", "代办"):
        assert part in checklist, part
    if f.lender_type in ("credit_card", "bank_loan", "consumer_finance"):
        assert "12378" in checklist and "jubao.nifa.org.cn" not in checklist
    else:
        assert "地方金融管理局" in checklist and "jubao.nifa.org.cn" in checklist


@pytest.mark.parametrize("f", CASES)
def test_staff_pack_is_staff_facing(f):
    plan, drafts, staff = rendered(f)
    assert staff.drafts == drafts
    for text in (staff.case_summary, staff.tell_borrower, *staff.risk_flags, *staff.next_questions):
        assert "您" not in text, text
    assert "借款人" in staff.case_summary and "借款人" in staff.tell_borrower
    assert plan_summary(f, plan) in staff.case_summary
    # crisis first, then violence (safety order)
    assert "12356" in staff.risk_flags[0] and "110" in staff.risk_flags[1]
    assert "12356" in staff.tell_borrower.splitlines()[0]


def test_staff_risk_flags_and_questions():
    f = CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=60000, overdue_days=120,
                  affordable_monthly=500, threat_types=("visit", "third_party", "lawsuit"))
    plan = make_plan(f, TODAY)
    staff = draft_staff(f, plan, TODAY)
    flags = "\n".join(staff.risk_flags)
    assert "12356" not in flags and "暴力" not in flags
    for needle in ("上门威胁", "第三方联系", "起诉威胁", "逾期超过 90 天（120 天）", "恶意透支",
                   "还款能力不足：每月最多 500 元，分 60 期也需每期 1,000 元"):
        assert needle in flags, needle
    assert missing_facts(f) == ["monthly_income", "hardship_reason"]
    assert len(staff.next_questions) >= 2
    assert any("收入" in q for q in staff.next_questions)
    assert any("原因" in q for q in staff.next_questions)
    assert any("法院" in q for q in staff.next_questions)
    assert "尚未掌握：月收入、困难原因" in staff.case_summary
    assert "建议方案：暂缓催收" in staff.case_summary
    assert "不要为了应付催收承诺一次还清" in staff.tell_borrower


def test_missing_facts():
    assert missing_facts(CaseFacts()) == ["lender", "debt_amount", "overdue_days", "monthly_income",
                                          "affordable_monthly", "hardship_reason"]
    full = CaseFacts(lender="借呗", lender_type="platform", debt_amount=1, overdue_days=1, monthly_income=1,
                     affordable_monthly=1, hardship_reason="其他")
    assert missing_facts(full) == []
    assert missing_facts(CaseFacts(requested_plan="extension"))[-1] == "extension_days"


def test_no_risk_flags_for_a_calm_case():
    f = CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=36000, overdue_days=30,
                  monthly_income=5000, affordable_monthly=1500, hardship_reason="疾病/意外")
    staff = draft_staff(f, make_plan(f, TODAY), TODAY)
    assert staff.risk_flags == ()
    assert staff.next_questions == ()


def test_a_stated_part_leaves_the_rest_to_be_negotiated():
    f = CaseFacts(lender="借呗", lender_type="platform", debt_amount=8000, affordable_monthly=2000,
                  hardship_reason="工资拖欠", stated_payment=PART)
    plan = make_plan(f, TODAY)
    assert isinstance(plan, ExtensionPlan) and not plan.pays_all
    drafts = draft_borrower(f, plan, TODAY)
    assert "先还 2,000 元" in drafts.phone_script and "剩下的 6,000 元" in drafts.phone_script
    assert "剩余 6,000 元，届时根据本人的收入情况另行协商" in drafts.written_request
    assert "剩余 6,000 元到期前还清" not in drafts.phone_script + drafts.written_request
    assert "剩余 6,000 元到时再谈" in draft_staff(f, plan, TODAY).tell_borrower


def test_the_note_says_why_this_plan():
    asked_extension = CaseFacts(debt_amount=43000, affordable_monthly=1500, requested_plan="extension")
    note = plan_note(asked_extension, make_plan(asked_extension, TODAY))
    assert "您想申请延期" in note and "1,500 元" in note and "告诉我日期和金额" in note
    nothing = CaseFacts(debt_amount=90000, affordable_monthly=0)
    assert "暂缓催收，收入恢复后再协商" in plan_note(nothing, make_plan(nothing, TODAY))
    plain = CaseFacts(debt_amount=36000, affordable_monthly=1500)
    assert plan_note(plain, make_plan(plain, TODAY)) == ""
    assert layout(nothing, make_plan(nothing, TODAY), TODAY).note
    assert layout(nothing, make_plan(nothing, TODAY), TODAY, staff=True).note == ""


# ---------- properties: drafts over affordability from 0 upward ----------

LENDER_PAIRS = [(None, None), *((name, kind) for kind, name in LENDERS.items())]
draft_facts = st.builds(
    lambda lender, debt, affordable, income, requested, months, stated, reason: CaseFacts(
        lender=lender[0], lender_type=lender[1], debt_amount=debt, affordable_monthly=affordable,
        monthly_income=income, requested_plan=requested, requested_months=months, stated_payment=stated,
        hardship_reason=reason),
    st.sampled_from(LENDER_PAIRS),
    st.integers(1, 3_000_000),
    st.one_of(st.none(), st.just(0), st.integers(1, 100), st.integers(1, 100_000)),
    st.one_of(st.none(), st.just(0), st.integers(1, 50_000)),
    st.sampled_from([None, "installment", "extension", "fee_waiver"]),
    st.one_of(st.none(), st.integers(1, 120)),
    st.one_of(st.none(), st.just(WHOLE), st.builds(StatedPayment, whole=st.just(False),
                                                    amount=st.integers(1, 100_000), days=st.integers(1, 90))),
    st.sampled_from(REASONS),
)


@settings(settings.get_profile("drafts"))
@given(draft_facts, st.sampled_from(["mainland", "hk", "tw"]))
def test_property_drafts_promise_only_what_can_be_kept(f, region):
    plan = make_plan(f, TODAY)
    drafts = draft_borrower(f, plan, TODAY, region)
    spoken = (drafts.phone_script, drafts.written_request, drafts.short_reply)
    one_off = isinstance(plan, InstallmentPlan) and plan.is_one_off
    if f.stated_payment is None and not one_off:
        for text in spoken:
            assert not LUMP_SUM.search(text), (LUMP_SUM.search(text), text)
    affordable = f.affordable_monthly or 0
    if f.stated_payment is None and affordable * MAX_INSTALLMENT_MONTHS < f.debt_amount:
        for text in spoken:
            assert "暂缓催收" in text and cn_date(plan.review_date) in text
    if isinstance(plan, InstallmentPlan) and not one_off:
        for text in spoken:
            assert f"每期 {plan.monthly_amount:,} 元" in text
        assert plan.monthly_amount <= affordable
    for text in (*spoken, drafts.checklist, plan_note(f, plan, region)):
        assert "{{" not in text and "None" not in text and "法律规定" not in text
        for phrase in ("停止计息", "不再计息", "免息", "必须同意"):
            assert phrase not in text
    assert len(drafts.short_reply) <= 125, drafts.short_reply


def test_lender_types_all_covered_by_matrix():
    assert {f.lender_type for f in CASES if f.lender_type} == set(LENDER_TYPES)


# ---------- Hong Kong and Taiwan borrowers (facts §7) ----------

MAINLAND_ONLY = re.compile(r"第七十条|个性化分期|(?<![\d,])(12378|12363|12321|110|12356)(?![\d,])|逃废债|行业规范"
                           r"|jubao\.nifa\.org\.cn|地方金融管理局|公安|微信")


def regional(f, region):
    plan = make_plan(f, TODAY)
    return (draft_borrower(f, plan, TODAY, region),
            draft_staff(f, plan, TODAY, crisis=True, violence=True, region=region))


@pytest.mark.parametrize("region", ["hk", "tw"])
@pytest.mark.parametrize("f", CASES[::7])
def test_hong_kong_and_taiwan_drafts_cite_no_mainland_rule_or_line(f, region):
    drafts, staff = regional(f, region)
    for text in all_texts(drafts, staff):
        assert not MAINLAND_ONLY.search(text), (region, MAINLAND_ONLY.search(text), text)
    plan = make_plan(f, TODAY)
    for needle in plan_numbers(f, plan):  # the numbers are the same wherever the borrower lives
        assert needle in drafts.phone_script and needle in drafts.written_request


def test_hong_kong_card_holder_gets_the_banking_code_and_999():
    f = CaseFacts(lender="滙丰银行", lender_type="credit_card", debt_amount=80000, overdue_days=45,
                  affordable_monthly=2500, hardship_reason="失业/收入下降", requested_plan="installment")
    drafts, staff = regional(f, "hk")
    assert "分 32 期，每期 2,500 元" in drafts.written_request  # 80000 / 2500
    assert "协商分期" in drafts.phone_script
    assert "《银行营运守则》" in drafts.checklist and "999" in drafts.checklist
    assert "2860 3574" in drafts.checklist and "据公开资料" in drafts.checklist  # an [S] fact, hedged
    assert "所在地：香港" in staff.case_summary
    assert "2896 0000" in staff.risk_flags[0] and "999" in staff.risk_flags[1]


def test_taiwan_borrower_gets_pre_negotiation_with_the_largest_creditor():
    f = CaseFacts(lender="国泰世华", lender_type="credit_card", debt_amount=120000, overdue_days=90,
                  affordable_monthly=4000, hardship_reason="失业/收入下降", requested_plan="installment")
    drafts, staff = regional(f, "tw")
    assert "分 30 期，每期 4,000 元" in drafts.phone_script
    assert "前置协商" in drafts.checklist and "最大债权金融机构" in drafts.checklist
    assert "1925" in staff.risk_flags[0] and "1925" in staff.tell_borrower.splitlines()[0]
    assert "所在地：台湾" in staff.case_summary


def test_mainland_stays_the_default_region():
    f = CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=36000, affordable_monthly=1500)
    plan = make_plan(f, TODAY)
    assert draft_borrower(f, plan, TODAY) == draft_borrower(f, plan, TODAY, "mainland")
    assert draft_borrower(f, plan, TODAY, "elsewhere") == draft_borrower(f, plan, TODAY)
    assert "第七十条" in draft_borrower(f, plan, TODAY).written_request


# Characters OpenCC picks wrongly in some phrases (确认后再签 → 再籤, 证明复印件 → 證明覆印件): the templates are
# worded so that the Traditional drafts never contain them.
OPENCC_SLIPS = ("籤", "覆印")


@pytest.mark.parametrize("region", ["hk", "tw"])
def test_traditional_drafts_have_no_known_conversion_slips(region):
    for f in CASES[::5]:
        drafts, staff = regional(f, region)
        for text in all_texts(drafts, staff):
            converted = to_traditional(text, region)
            for slip in OPENCC_SLIPS:
                assert slip not in converted, (slip, converted)


def test_an_unconfirmed_name_is_shown_to_staff_but_kept_out_of_the_letters():
    """「他在你我贷欠了65,000元」 from an adviser with what he can pay: drafted at once, the name not yet confirmed.
    The summary had said 「借款机构：未知」 though the adviser had named it."""
    f = CaseFacts.from_slots({"lender": "你我贷", "lender_confirmed": False, "debt_amount": 65000,
                              "affordable_monthly": 4200, "overdue_days": 180})
    assert f.lender is None and f.unconfirmed_lender == "你我贷"
    staff = draft_staff(f, make_plan(f, TODAY), TODAY)
    assert "借款机构：「你我贷」（名称待核实，核实前不写入文书）" in staff.case_summary
    assert "你我贷" not in staff.drafts.written_request + staff.drafts.phone_script + staff.drafts.short_reply
    confirmed = CaseFacts.from_slots({"lender": "你我贷", "lender_confirmed": True, "debt_amount": 65000})
    assert confirmed.lender == "你我贷" and confirmed.unconfirmed_lender is None
    assert "借款机构：未知（" in draft_staff(CaseFacts(debt_amount=65000, affordable_monthly=4200),
                                          make_plan(CaseFacts(debt_amount=65000, affordable_monthly=4200), TODAY),
                                          TODAY).case_summary
