"""What the case keeps after an agreement: every redraft (a fact corrected, a debt added, the drafts asked again) keeps
the agreed lenders' amounts and splits only what is left; agreed amounts above what the borrower can now pay are
said plainly, with what to ask that lender for instead; the calendar follows the same plan (coach/multi_debt.py,
coach/outcomes.py, coach/multi_drafting.py, coach/schedule.py, coach/bundle.py)."""

from __future__ import annotations

import datetime
from typing import Any

from coach import outcomes
from coach.bundle import bundle
from coach.case import CaseFacts
from coach.multi_debt import Debt, plan_across, plan_with_agreed
from coach.multi_drafting import make_multi_plan, multi_layout
from coach.schedule import several_events

DAY = datetime.date(2026, 12, 6)
DEBTS = [Debt("借呗", 10000, "platform"), Debt("招商银行", 20000, "credit_card")]
AGREED = {"status": "agreed", "since": DAY.isoformat(),
          "terms": {"monthly": 1000, "months": 20, "down": 0, "last": 1000, "fee_cut": None, "pause_until": None}}


def slots(affordable: int, *, outcome: Any = AGREED, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    debts = [{"lender": "借呗", "amount": 10000}, {"lender": "招商银行", "amount": 20000, "outcome": outcome},
             *(extra or [])]
    return {"debts": debts, "debt_amount": sum(d["amount"] for d in debts), "affordable_monthly": affordable,
            "hardship_reason": "失业", "lender": "借呗"}


def shares(plan: Any) -> dict[str, tuple[int, int]]:
    return {s.debt.lender: (s.installment, s.months) for s in plan.shares}


def test_the_agreed_amount_is_read_from_the_lender_s_status() -> None:
    facts = CaseFacts.from_slots(slots(1500))
    assert [d.agreed_monthly for d in facts.debts] == [None, 1000]
    for status in ({"status": "counter_offer", "terms": AGREED["terms"]}, {"status": "agreed"}, "agreed", None,
                   {"status": "agreed", "terms": "1000"}):
        assert CaseFacts.from_slots(slots(1500, outcome=status)).debts[1].agreed_monthly is None, status
    written = {**AGREED, "status": "agreed_in_writing"}
    assert CaseFacts.from_slots(slots(1500, outcome=written)).debts[1].agreed_monthly == 1000


def test_a_lower_monthly_amount_resplits_only_what_the_agreement_leaves() -> None:
    # before the agreement 2,000 split 1:2; after it and a correction to 1,500: 招商银行 keeps 1,000, 借呗 gets 500
    assert shares(plan_across(DEBTS, 2000, DAY)) == {"借呗": (667, 15), "招商银行": (1250, 16)}
    plan = make_multi_plan(CaseFacts.from_slots(slots(1500)), DAY)
    assert shares(plan) == {"借呗": (500, 20), "招商银行": (1000, 20)}
    assert plan.mode == "pro_rata" and plan.agreed == ("招商银行",) and plan.short_by == 0
    # not what a plan of 1,500 across both would give (500/1,000 is a coincidence of 1:2 only at 1,500: check 1,800)
    assert shares(make_multi_plan(CaseFacts.from_slots(slots(1800)), DAY))["招商银行"] == (1000, 20)
    assert shares(plan_across(DEBTS, 1800, DAY))["招商银行"] != (1000, 20)


def test_a_corrected_balance_or_a_debt_added_keeps_the_agreed_amount() -> None:
    corrected = slots(2000)
    corrected["debts"][1]["amount"] = 35000  # 「招行其实是三万五」
    plan = make_multi_plan(CaseFacts.from_slots(corrected), DAY)
    assert plan.share_of("招商银行").monthly == 1000 and plan.share_of("借呗").monthly == 1000
    added = make_multi_plan(CaseFacts.from_slots(slots(2000, extra=[{"lender": "花呗", "amount": 8000}])), DAY)
    # 「还有花呗八千」: the 1,000 left is split 10:8 between 借呗 and 花呗; 招商银行 untouched
    assert {s.debt.lender: s.monthly for s in added.shares} == {"借呗": 556, "招商银行": 1000, "花呗": 444}


def test_agreed_amounts_above_what_can_be_paid_stay_and_are_said_plainly() -> None:
    plan = make_multi_plan(CaseFacts.from_slots(slots(800)), DAY)
    assert plan.short_by == 200 and plan.share_of("招商银行").monthly == 1000  # not silently re-planned
    assert plan.share_of("借呗").monthly == 0
    lines = outcomes.redraft_lines(DEBTS, plan, DAY)
    assert "（招商银行每月 1,000 元）合计 1,000 元，比您现在每月能还的 800 元多 200 元" in lines[0]
    assert "约定的金额我没有改" in lines[0]
    # what to ask 招商银行 for: its share of a plan across both debts at 800 (534 → 38 × 527)
    assert shares(plan_across(DEBTS, 800, DAY))["招商银行"] == (527, 38)
    assert "联系招商银行" in lines[1] and "改为约 527 元（38 期）" in lines[1]
    assert "其他机构（借呗）暂时分不到钱" in lines[2]


def test_within_the_amount_the_redraft_says_what_stays() -> None:
    plan = plan_with_agreed(DEBTS, 1500, {"招商银行": 1000}, DAY)
    assert outcomes.redraft_lines(DEBTS, plan, DAY) == [
        "已约定的不变：招商银行每月 1,000 元。新草稿只把剩下的 500 元按欠款比例分给其他机构。"]
    assert outcomes.redraft_lines(DEBTS, plan_across(DEBTS, 1500, DAY), DAY) == []  # nothing agreed: nothing said


def test_one_debt_agreed_then_less_to_pay() -> None:
    terms = outcomes.Terms(1000, 20, last=1000)
    kept = outcomes.single_redraft_lines("招商银行", 20000, terms, 1500)
    assert kept == ["已约定的不变：招商银行每月 1,000 元，新草稿仍按这个约定写。"]
    short = outcomes.single_redraft_lines("招商银行", 20000, terms, 800)
    assert "比您现在每月能还的 800 元多 200 元" in short[0]
    assert "改为约 800 元（25 期）" in short[1]
    assert "请求暂缓" in outcomes.single_redraft_lines("招商银行", 20000, terms, 0)[1]


def test_the_drafts_name_the_agreed_amount_whatever_the_others_get() -> None:
    facts = CaseFacts.from_slots(slots(800))
    plan = make_multi_plan(facts, DAY)
    drafts = multi_layout(facts, plan, DAY)
    titles = {d.lender: d.title for d in drafts.lenders}
    assert titles["招商银行"] == "招商银行：每月 1,000 元，20 期"  # even when the others are asked for a pause
    assert "招商银行（银行信用卡，已约定）｜欠 20,000 元｜每月 1,000 元｜20 期" in drafts.overview


def test_the_calendar_follows_the_same_plan() -> None:
    plan = make_multi_plan(CaseFacts.from_slots(slots(1500)), DAY)
    events = several_events(plan, DAY)
    assert len(events) == 20 and all(e.summary.startswith("借呗：") and "500 元（计划）" in e.summary for e in events)
    files = bundle({**slots(1500), "latest_drafts": {"summary": "…", "parts": []}}, user_texts=[], drafted_on=DAY,
                   today=DAY)
    summaries = [e.summary for e in files.events]
    assert sum("招商银行：第" in s and "1,000 元（已口头同意，待书面确认）" in s for s in summaries) == 20
    assert sum(s.startswith("借呗：第") and "500 元（计划）" in s for s in summaries) == 20
    # no installments of the total (30,000 at 1,500) planned on top of the lenders' own
    assert not any("（计划）" in s and not s.startswith("借呗") for s in summaries)
