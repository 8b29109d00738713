"""Drafts for several debts (coach/multi_drafting.py): each lender's drafts name its share, the others and the
plan's numbers; token and pause modes promise nothing beyond what the borrower can pay; Hong Kong and Taiwan
borrowers get no mainland rule or line."""

from __future__ import annotations

import datetime
import re

import pytest

from coach.case import CaseFacts
from coach.drafting import PLACEHOLDER_RE, PLACEHOLDERS, money
from coach.multi_drafting import make_multi_plan, multi_layout

TODAY = datetime.date(2026, 11, 28)
MAINLAND_ONLY = re.compile(r"第七十条|个性化分期|(?<![\d,])(12378|12363|12321|110|12356|12368)(?![\d,])|逃废债|"
                           r"jubao\.nifa\.org\.cn|地方金融管理局|公安|微信")


def case(debts: list[tuple[str, int | None]], affordable: int | None, **slots) -> CaseFacts:
    return CaseFacts.from_slots({"debts": [{"lender": lender, "amount": amount} for lender, amount in debts],
                                 "affordable_monthly": affordable, **slots})


FOUR = [("借呗", 20000), ("微粒贷", 15000), ("美团借钱", 5000), ("招商银行", 30000)]


def layout_of(facts: CaseFacts, region: str = "mainland"):
    return multi_layout(facts, make_multi_plan(facts, TODAY), TODAY, region=region)


def test_four_debts_overview_and_each_lenders_share() -> None:
    layout = layout_of(case(FOUR, 2000, hardship_reason="失业/收入下降"))
    assert "4 家，合计 70,000 元" in layout.overview
    assert "1. 借呗（网络借贷平台）｜欠 20,000 元｜每月 556 元｜36 期（最后一期 540 元）｜首期 556 元" \
        in layout.overview
    assert "4. 招商银行（银行信用卡）｜欠 30,000 元｜每月 834 元｜36 期（最后一期 810 元）" in layout.overview
    assert [d.title for d in layout.lenders] == ["借呗：每月 556 元，36 期", "微粒贷：每月 429 元，35 期",
                                                 "美团借钱：每月 143 元，35 期", "招商银行：每月 834 元，36 期"]
    cmb = layout.lenders[3]
    # the share, the others and the total: what makes a lender accept less than its contract payment
    for text in (cmb.phone_script, cmb.written_request, cmb.short_reply):
        assert "834 元" in text and ("另外 3 家" in text or "另欠其他 3 家" in text or "同时欠 4 家" in text)
    assert "70,000 元" in cmb.phone_script and "2,000 元" in cmb.phone_script
    assert "个性化分期" in cmb.phone_script and "第七十条" in cmb.written_request  # a mainland credit card
    assert "第七十条" not in layout.lenders[0].written_request  # 借呗 is not a card
    assert "致：招商银行信用卡中心" in cmb.written_request


def test_drafts_use_only_the_known_placeholders_and_no_lump_sum() -> None:
    layout = layout_of(case(FOUR, 2000))
    for lender in layout.lenders:
        for _, text in lender.parts:
            assert set(PLACEHOLDER_RE.findall(text)) <= set(PLACEHOLDERS), text
            assert "一次性还清" not in text and "到期前还清" not in text


def test_two_three_and_five_debts_add_up() -> None:
    five = [*FOUR, ("花呗", 8000)]
    for debts in (FOUR[:2], FOUR[:3], five):
        facts = case(debts, 3000)
        plan = make_multi_plan(facts, TODAY)
        layout = layout_of(facts)
        assert len(layout.lenders) == len(debts)
        assert f"合计 {money(sum(a for _, a in debts))} 元" in layout.overview
        assert plan.installments_total <= 3000
        for share, drafts in zip(plan.shares, layout.lenders):
            assert f"每期 {money(share.installment)} 元" in drafts.written_request


def test_a_lender_without_an_amount_is_listed_not_planned() -> None:
    layout = layout_of(case([*FOUR[:2], ("花呗", None)], 1000))
    assert "花呗：还不知道欠多少" in layout.overview
    assert [d.lender for d in layout.lenders] == ["借呗", "微粒贷"]


def test_token_mode_asks_every_lender_for_a_pause_and_a_small_fixed_amount() -> None:
    layout = layout_of(case(FOUR, 300, hardship_reason="疾病/意外"))
    assert "每月先还 1,200" not in layout.summary
    for lender in layout.lenders:
        assert "每月先还 75 元" in lender.phone_script and "暂缓催收到 2027年2月26日" in lender.phone_script
        assert "分 " not in lender.short_reply  # no installment plan promised
    assert "不够给每家至少 100 元的正常分期" in layout.overview


def test_pause_when_nothing_can_be_paid_promises_no_amount() -> None:
    layout = layout_of(case(FOUR[:2], 0, monthly_income=0))
    assert layout.summary.startswith("2 家共 35,000 元，向各家申请暂缓催收至 2027年2月26日")
    for lender in layout.lenders:
        assert not re.search(r"每月(先)?还 [\d,]+ 元", lender.phone_script + lender.written_request)


def test_a_share_beyond_60_months_says_so_and_asks_for_the_rest_to_be_reviewed() -> None:
    # 98,000 at 1,650 a month fits in 60 months overall, but the floor of 100 for 美团 leaves 招行 1,550: 62 months
    facts = case([("美团借钱", 3000), ("招商银行", 95000)], 1650)
    plan = make_multi_plan(facts, TODAY)
    cmb = plan.share_of("招商银行")
    assert plan.mode == "pro_rata" and cmb.beyond_limit, plan
    layout = layout_of(facts)
    rest = money(95000 - cmb.paid_at_limit)
    assert f"余 {rest} 元再谈" in layout.overview
    script = layout.lenders[1].phone_script
    assert f"还差 {rest} 元" in script and "减免部分利息和费用" in script


def test_a_lawsuit_threat_puts_that_lender_first_as_advice() -> None:
    facts = CaseFacts.from_slots({"debts": [{"lender": "借呗", "amount": 20000},
                                            {"lender": "招商银行", "amount": 30000, "threats": ["lawsuit"]}],
                                  "affordable_monthly": 1500})
    overview = layout_of(facts).overview
    assert "建议：招商银行说过要起诉，这一家优先联系" in overview and "12368" in overview
    assert "这是建议，不改变上面按比例的分配" in overview


@pytest.mark.parametrize("region", ["hk", "tw"])
def test_hong_kong_and_taiwan_borrowers_get_no_mainland_rule(region: str) -> None:
    facts = CaseFacts.from_slots({"debts": [{"lender": "滙丰银行", "amount": 80000},
                                            {"lender": "渣打银行", "amount": 40000, "threats": ["lawsuit"]}],
                                  "affordable_monthly": 3000, "hardship_reason": "失业/收入下降"})
    layout = layout_of(facts, region)
    texts = [layout.overview, layout.checklist, *(t for d in layout.lenders for _, t in d.parts)]
    for text in texts:
        assert not MAINLAND_ONLY.search(text), (region, MAINLAND_ONLY.search(text))
    assert "每期 2,000 元" in layout.lenders[0].written_request  # 80,000 of 120,000 → 2,000 of 3,000
