"""A lender's answer after a call: read into numbers, checked against what the borrower can pay, answered with the
right draft (accept / counter / escalate), and kept as the lender's status (coach/outcomes.py)."""

from __future__ import annotations

import datetime

import pytest

from coach import outcomes
from coach.multi_debt import Debt, plan_across, plan_with_agreed
from coach.outcomes import Context, Terms, decide, read, reply
from coach.zh.outcome_words import Reading

DAY = datetime.date(2026, 12, 6)
PLAN = Terms(1000, 20, last=1000)  # 20,000 at 1,000 a month


def decided(text: str, limit: int | None = 1000, debt: int = 20000) -> outcomes.Decision:
    reading = read(text)
    assert reading is not None, text
    return decide(reading, lender="招商银行", debt=debt, limit=limit, proposed=PLAN, today=DAY)


@pytest.mark.parametrize(("text", "expected"), [
    ("同意分12期", Reading("agreed", months=12)),
    ("同意了", Reading("agreed")),
    ("不同意", Reading("refused")),
    ("说不行", Reading("refused")),
    ("最多分12期", Reading("counter", months=12)),
    ("他们说最多分十二期", Reading("counter", months=12)),
    ("要先还30%", Reading("counter", down_share=0.3)),
    ("他们说要先还三成", Reading("counter", down_share=0.3)),
    ("他们说要先还3000", Reading("counter", down_amount=3000)),
    ("罚息可以减一半", Reading("counter", fee_cut=0.5)),
    ("让我一次结清打八折", Reading("counter", discount=0.8)),
    ("他们说结清打七五折", Reading("counter", discount=0.75)),
    ("他们说首付3000剩下分12期", Reading("counter", months=12, down_amount=3000)),
    ("他们说每个月至少还2000", Reading("counter", monthly=2000)),
    ("打了几次都没人接", Reading("no_answer")),
    ("他们发了短信确认", Reading("written")),
    ("收到短信确认了", Reading("written")),
    ("签了协议", Reading("written")),
    ("对方发邮件同意了", Reading("written")),
])
def test_each_answer_is_read_into_numbers(text: str, expected: Reading) -> None:
    assert read(text) == expected


@pytest.mark.parametrize("text", ["好", "不", "我想分12期", "我想先还两万", "我不同意这个方案", "罚息可以减一半吗",
                                  "欠招行两万", "", "每月能还一千", "如果他们说不行怎么办", "银行同意了吗",
                                  "怎么让银行同意分期", "收到催收短信", "催收发短信说明天上门", "他们又发短信了"])
def test_the_borrower_s_own_words_are_no_lender_answer(text: str) -> None:
    assert read(text) is None


def test_a_lender_named_counts_as_saying_who_answered() -> None:
    assert read("招行不给分", names_lender=True) == Reading("refused")
    assert read("招行最多12期", names_lender=True) == Reading("counter", months=12)
    assert read("招行说不给我分期，要我全额还", names_lender=True) == Reading("refused")
    assert read("他们说最多分12期，怎么办？") == Reading("counter", months=12)  # a question that reports an answer


@pytest.mark.parametrize(("text", "action", "terms"), [
    # 12 × 1,667 is above 1,000: counter with 20 × 1,000
    ("最多分12期", "counter", Terms(1000, 20, last=1000)),
    ("同意分12期", "counter", Terms(1000, 20, last=1000)),
    # 24 × 834 fits: accept the lender's terms
    ("同意分24期", "accept", Terms(834, 24, last=818)),
    ("他们说最多分24期", "accept", Terms(834, 24, last=818)),
    # 30% = 6,000 first: above 1,000 → first 1,000, then 19 × 1,000
    ("要先还30%", "counter", Terms(1000, 19, down=1000, last=1000)),
    # 800 first fits: the rest over as few months as 1,000 allows, levelled (19,200 = 20 × 960)
    ("他们说要先还800", "accept", Terms(960, 20, down=800, last=960)),
    # a cut in fees: accepted, the installments stay within 1,000
    ("罚息可以减一半", "accept", Terms(1000, 20, last=1000, fee_cut=0.5)),
    # 16,000 at once is out of reach: the same reduced amount in 16 × 1,000
    ("让我一次结清打八折", "counter", Terms(1000, 16, last=1000)),
    ("他们说每个月至少还2000", "counter", Terms(1000, 20, last=1000)),
    ("他们说每个月还800就行", "accept", Terms(800, 25, last=800)),
    ("同意了", "accept", PLAN),
    ("不同意", "escalate", PLAN),
    ("打了没人接", "follow_up", PLAN),
    ("他们发了短信确认", "confirm", PLAN),
])
def test_each_answer_gets_the_right_draft(text: str, action: str, terms: Terms) -> None:
    decision = decided(text)
    assert decision.action == action
    assert decision.terms == terms


@pytest.mark.parametrize("text", ["最多分3期", "要先还50%", "他们说要先还9000", "让我一次结清打九折",
                                  "他们说每个月至少还5000", "他们说首付3000剩下分6期", "罚息全免但要分6期"])
@pytest.mark.parametrize("limit", [1, 150, 999, 1000, 2500])
def test_a_counter_never_asks_more_than_the_borrower_can_pay(text: str, limit: int) -> None:
    decision = decided(text, limit=limit)
    assert decision.terms is not None
    assert decision.terms.monthly <= limit and decision.terms.down <= limit
    assert decision.terms.months <= 60
    body = "\n".join(reply(decision, Context(today=DAY, debt=20000)))
    assert f"{limit:,} 元" in body


def test_sixty_months_at_most_and_the_rest_for_a_review() -> None:
    decision = decided("最多分12期", limit=200, debt=50000)  # 50,000 at 200 a month would take 250 months
    assert decision.action == "counter" and decision.beyond
    assert decision.terms == Terms(200, 60, last=200)
    assert "60 期" in "\n".join(reply(decision, Context(today=DAY, debt=50000)))


def test_nothing_to_pay_asks_for_a_pause_never_installments() -> None:
    decision = decided("最多分12期", limit=0)
    assert decision.action == "counter" and decision.terms is not None and decision.terms.monthly == 0
    assert "暂缓" in "\n".join(reply(decision, Context(today=DAY)))


def test_affordability_unknown_asks_for_the_budget_first() -> None:
    decision = decided("最多分12期", limit=None)
    assert decision.action == "ask_budget"
    assert "收入" in reply(decision, Context(today=DAY))[0]


def test_the_counter_has_numbers_and_the_accept_asks_in_writing() -> None:
    counter = "\n".join(reply(decided("要先还30%"), Context(lender_kind="credit_card", today=DAY, debt=20000)))
    assert "先还 30%（约 6,000 元）" in counter
    assert "先还 1,000 元，剩下的 19,000 元分 19 期，每期 1,000 元" in counter
    assert "个性化分期，最长 5 年（60 期）" in counter  # a card: facts §1.1
    accept = "\n".join(reply(decided("同意分24期"), Context(today=DAY, debt=20000)))
    assert "书面确认" in accept and "是否还收利息" in accept and "24 期，每期 834 元（最后一期 818 元）" in accept


def test_a_refusal_escalates_to_that_lender_then_the_regulator() -> None:
    body = "\n".join(reply(decided("说不行"), Context(lender_kind="credit_card", today=DAY, log_count=2)))
    assert "招商银行拒绝了" in body and "12378" in body
    assert "说「帮我写投诉信」" in body and "2 条" in body
    taiwan = "\n".join(reply(decided("说不行"), Context(lender_kind="credit_card", region="tw", today=DAY)))
    assert "12378" not in taiwan and "30天" in taiwan


def test_no_answer_gives_the_follow_up_date() -> None:
    body = reply(decided("打了没人接"), Context(today=DAY))[0]
    assert "15 天" in body and "2026年12月21日" in body


def test_the_status_keeps_a_dated_history() -> None:
    first = outcomes.record(None, decided("要先还30%"), DAY)
    assert first["status"] == "counter_offer" and first["since"] == "2026-12-06"
    assert first["terms"]["down"] == 1000 and first["offer"] == "先还 30%（约 6,000 元）"
    later = DAY + datetime.timedelta(days=3)
    agreed = decide(read("同意了"), lender="招商银行", debt=20000, limit=1000,  # type: ignore[arg-type]
                    proposed=Terms.from_dict(first["terms"]), today=later)
    second = outcomes.record(first, agreed, later)
    assert second["status"] == "agreed" and second["terms"] == first["terms"]
    assert [(h["date"], h["status"]) for h in second["history"]] == [("2026-12-06", "counter_offer"),
                                                                     ("2026-12-09", "agreed")]
    assert outcomes.agreed_monthly(second) == 1000
    assert outcomes.agreed_monthly(first) is None


DEBTS = [{"lender": "借呗", "amount": 20000, "registry": True}, {"lender": "微粒贷", "amount": 10000, "registry": True},
         {"lender": "招商银行", "amount": 30000, "registry": True}]


def test_with_several_debts_the_limit_leaves_the_others_their_floor_and_agreed_amounts() -> None:
    assert outcomes.limit_for("借呗", DEBTS, 2000) == 1800
    agreed = [*DEBTS[:2], {**DEBTS[2], "outcome": {"status": "agreed", "terms": Terms(750, 40).as_dict()}}]
    assert outcomes.limit_for("借呗", agreed, 2000) == 2000 - 750 - 100
    assert outcomes.limit_for("借呗", DEBTS, None) is None


def test_an_agreement_fixes_that_lender_and_the_rest_share_what_is_left() -> None:
    agreed = [*DEBTS[:2], {**DEBTS[2], "outcome": {"status": "agreed", "terms": Terms(750, 40).as_dict()}}]
    plan = outcomes.split_after(agreed, 2000, DAY)
    assert {s.debt.lender: s.monthly for s in plan.shares} == {"借呗": 833, "微粒贷": 417, "招商银行": 750}
    assert plan.monthly_total == 2000
    text = outcomes.split_lines("招商银行", plan, {"招商银行": 750})
    assert "招商银行的金额定了：每月 750 元" in text and "其余 1,250 元" in text
    # nothing agreed: the plan across all debts, as before
    debts = [Debt(str(d["lender"]), int(d["amount"])) for d in DEBTS]  # type: ignore[call-overload]
    assert plan_with_agreed(debts, 2000, {}, DAY) == plan_across(debts, 2000, DAY)


def test_an_agreement_taking_everything_leaves_the_others_a_pause() -> None:
    debts = [Debt("借呗", 20000), Debt("招商银行", 30000)]
    plan = plan_with_agreed(debts, 1000, {"招商银行": 1000}, DAY)
    assert plan.share_of("招商银行").monthly == 1000  # type: ignore[union-attr]
    assert plan.share_of("借呗").monthly == 0  # type: ignore[union-attr]
    text = outcomes.split_lines("招商银行", plan, {"招商银行": 1000})
    assert "暂缓" in text


def test_a_returning_borrower_hears_each_lender_s_last_answer() -> None:
    status = outcomes.record(None, decided("最多分12期"), DAY)
    lines = outcomes.pending_lines({"招商银行": status})
    assert lines == ["上次招商银行说分 12 期（每期约 1,667 元），您考虑得怎么样？"
                     "我起草的还价是：20 期，每期 1,000 元。"]
    refused = outcomes.record(None, decided("不同意"), DAY)
    assert outcomes.pending_lines({"借呗": refused}) == ["借呗：对方拒绝（2026年12月6日）"]


def test_statuses_are_read_from_the_debts_or_the_single_case() -> None:
    status = {"status": "refused", "since": "2026-12-06"}
    assert outcomes.statuses_of([{**DEBTS[0], "outcome": status}, DEBTS[1]], None, None) == {"借呗": status}
    assert outcomes.statuses_of(None, {"summary": "x", "outcome": {**status, "lender": "招商银行"}}, None) == \
        {"招商银行": {**status, "lender": "招商银行"}}
    assert outcomes.statuses_of(None, {"summary": "x"}, "招商银行") == {}


AGREED = {"status": "agreed", "since": "2026-12-06", "lender": "招商银行",
          "terms": Terms(1000, 19, down=1000, last=1000).as_dict()}
SINGLE_SLOTS = {"lender": "招商银行", "lender_type": "credit_card", "debt_amount": 20000, "overdue_days": 60,
                "affordable_monthly": 1000, "hardship_reason": "失业/收入下降"}


def test_the_calendar_follows_the_agreement() -> None:
    from coach.bundle import bundle
    planned = bundle({**SINGLE_SLOTS, "latest_drafts": {"summary": "分 20 期", "parts": []}}, user_texts=[],
                     drafted_on=DAY, today=DAY)
    assert sum("（计划）" in e.summary for e in planned.events) == 20
    slots = {**SINGLE_SLOTS, "latest_drafts": {"summary": "分 20 期", "parts": [], "outcome": AGREED}}
    events = bundle(slots, user_texts=[], drafted_on=DAY, today=DAY).events
    summaries = [e.summary for e in events]
    assert not any("（计划）" in s for s in summaries)  # the agreed payments replace the plan's
    assert "招商银行：先还 1,000 元（已口头同意，待书面确认）" in summaries
    paid = [e for e in events if "期还款" in e.summary]
    assert len(paid) == 19 and paid[0].day == datetime.date(2027, 2, 6)
    assert paid[-1].summary == "招商银行：第 19/19 期还款 1,000 元（已口头同意，待书面确认）"


def test_a_returning_borrower_is_asked_about_the_counter_offer() -> None:
    from coach.pending import pending_lines
    status = outcomes.record(None, decided("他们说最多分12期"), DAY)
    slots = {**SINGLE_SLOTS, "latest_drafts": {"summary": "分 20 期", "outcome": {**status, "lender": "招商银行"}}}
    lines = pending_lines(slots, DAY, DAY + datetime.timedelta(days=3))
    assert "上次招商银行说分 12 期（每期约 1,667 元），您考虑得怎么样？我起草的还价是：20 期，每期 1,000 元。" in lines
    several = {"debts": [{**DEBTS[0], "outcome": outcomes.record(None, decided("不同意"), DAY)}, *DEBTS[1:]],
               "latest_drafts": {"summary": "x"}}
    assert "借呗：对方拒绝（2026年12月6日）" in pending_lines(several, DAY, DAY)


def test_complaints_go_to_the_lender_the_contacts_came_from() -> None:
    from coach import letters
    from coach.case import contact_log
    now = datetime.datetime(2026, 12, 5, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    log: list = []
    log, _ = contact_log.add(log, contact_log.Report("借呗的催收半夜打电话骂我", now, "借呗"))
    log, _ = contact_log.add(log, contact_log.Report("招行的人打给我妈", now, "招商银行"))
    case = letters.Case(lender="招商银行", lender_kind="credit_card", region="mainland", debt=30000)
    parts = letters.by_lender(case, log, {"借呗": 20000})
    assert [(c.lender, c.debt, len(e)) for c, e in parts] == [("借呗", 20000, 1), ("招商银行", 30000, 1)]
    made = [x for c, e in parts for x in letters.letters_for("complaint", c, e, DAY)]
    complaints = [x.text for x in made if x.kind == "complaint"]
    assert "本人在借呗的借款尚欠约 20,000 元" in complaints[0]  # a platform: the lender behind it is looked up
    assert "招商银行" not in complaints[0]
    assert "招商银行" in complaints[1]
    # one lender only: the case as it is
    only = letters.by_lender(case, log[1:])
    assert [c for c, _ in only] == [case]


def test_every_sourced_line_exists_and_its_section_is_in_the_facts() -> None:
    import re
    from pathlib import Path
    facts = (Path(__file__).parents[2] / "knowledge" / "sources.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ (\d+(?:\.\d+)?)[. ]", facts, flags=re.M))
    data = outcomes.load()
    for key, source in data["sources"].items():
        assert key in data["lines"], key
        for section in re.findall(r"§(\d+(?:\.\d+)?)", source):
            assert section in headings, (key, section)
    # the lines that state a rule have a source
    for key in ("accept", "accept_fee_cut", "counter_card_rule", "refused_card_rule", "refused", "confirmed"):
        assert key in data["sources"], key


def test_what_the_borrower_can_pay_in_an_advisers_note_is_no_answer_from_the_lender() -> None:
    from coach.zh.outcome_words import read

    assert read("他说一个月能拿出五百块来还") is None
    assert read("他们说最多分12期") is not None
