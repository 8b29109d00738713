"""The conversation simulator's generator (sim/generate.py) and checks (sim/check.py): the same seed gives the same
conversations, the ground truth agrees with what the messages say, the grammar is covered, the checks catch what
they are for."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
import yaml

from coach.zh.numbers import parse_amount
from sim import check
from sim.generate import (
    GRAMMAR_PATH,
    Truth,
    Turn,
    conversation,
    conversations,
    grammar,
    registry_names,
    spell,
    spellings_for,
    to_simplified,
)

TODAY = datetime.date(2026, 12, 6)
SAMPLE = conversations(7, 400, TODAY)


def test_the_same_seed_gives_the_same_conversations_and_another_seed_others():
    again = conversations(7, 400, TODAY)
    assert [c.to_dict() for c in again] == [c.to_dict() for c in SAMPLE]
    other = conversations(8, 400, TODAY)
    assert [c.to_dict() for c in other] != [c.to_dict() for c in SAMPLE]


def test_a_conversation_does_not_depend_on_how_many_are_generated():
    assert conversation(7, 123, TODAY) == SAMPLE[123]


def test_every_spelling_shows_its_value():
    """The spellings the number parser reads alone must give the value back (the others carry 左右/元 and are
    read in a sentence by the NLU)."""
    for value in (30000, 25000, 16000, 8000, 2500, 1500, 800, 125000, 100000, 4200):
        for style in spellings_for(value):
            text = spell(value, style)
            parsed = parse_amount(text.replace("左右", "").replace(",", "").replace("元", ""))
            assert parsed == value, (style, text, parsed)


def test_at_least_twelve_spellings_and_every_one_is_used():
    styles = {s["style"] for s in grammar()["amount_spellings"]}
    assert len(styles) >= 12
    used = set()
    for value in range(300, 200001, 100):
        used |= set(spellings_for(value))
    assert used == styles


def test_registry_lenders_are_in_the_registry():
    names = set(registry_names())
    for entry in grammar()["lenders"]["registry"]:
        assert entry["name"] in names, entry["name"]


def _amounts_said(turn: Turn) -> list[int]:
    return [lt.amount for lt in turn.truth.lenders if lt.amount is not None]


def test_ground_truth_follows_the_messages():
    """Each fact the truth gains on a turn is said in that turn, in some spelling (or, for the answer to the bot's
    question about an amount, in the turn before); facts never appear from nowhere."""
    for conv in SAMPLE:
        before, previous = Truth(), ""
        for turn in conv.turns:
            truth = turn.truth
            plain = to_simplified(turn.text) + (previous if turn.kind == "unsettled_monthly" else "")
            previous = to_simplified(turn.text)
            digits = re.sub(r"[,，\s]", "", plain)
            for field in ("affordable", "income", "lump_offer"):
                value = getattr(truth, field)
                if value != getattr(before, field) and value is not None:
                    assert any(spell(value, s) in plain or spell(value, s).replace(",", "") in digits
                               for s in spellings_for(value)), (conv.id, field, value, turn.text)
            for lender in truth.lenders:
                if before.lender(lender.name) is None:
                    assert lender.name in plain or turn.kind.startswith(
                        ("list", "each", "one_debt", "lender_only", "addition", "plan_request")), (conv.id, turn.text)
            assert len(truth.lenders) >= len(before.lenders)
            before = truth


def test_ground_truth_is_consistent():
    for conv in SAMPLE:
        for turn in conv.turns:
            truth = turn.truth
            names = [lt.name for lt in truth.lenders]
            assert len(names) == len(set(names))
            if truth.total is not None:
                assert len(truth.lenders) == 1 and truth.lenders[0].amount == truth.total
            if truth.pay_date:
                assert datetime.date.fromisoformat(truth.pay_date) > TODAY
        assert conv.turns, conv.id
        last = conv.turns[-1].truth
        assert 1 <= len(last.lenders) <= 6


def test_the_grammar_is_covered():
    kinds = Counter(k for c in SAMPLE for t in c.turns for k in t.kind.split("+"))
    patterns = set(grammar()["patterns"]) - {"list_intro", "list_item", "list_joiners"}
    assert patterns - set(kinds) <= set(), patterns - set(kinds)
    assert kinds["list"] > 0
    assert {c.region for c in SAMPLE} == {"mainland", "hk", "tw"}
    assert {c.channel for c in SAMPLE} == {"rest", "staff"}
    assert {c.style for c in SAMPLE} == set(grammar()["styles"]["weights"])
    lenders = Counter(len(c.turns[-1].truth.lenders) for c in SAMPLE)
    assert set(lenders) == {1, 2, 3, 4, 5, 6}
    said = " ".join(to_simplified(t.text) for c in SAMPLE for t in c.turns)
    for duration in grammar()["durations"]:
        assert duration["say"] in said, duration["say"]


def test_a_hong_kong_or_taiwan_persona_writes_traditional_and_a_mainland_one_simplified():
    for conv in SAMPLE:
        text = "".join(t.text for t in conv.turns)
        if conv.region == "mainland":
            assert to_simplified(text) == text, conv.id
        else:
            assert to_simplified(text) != text, conv.id


def test_said_in_december_a_january_pay_day_is_next_year():
    dates = [t.truth.pay_date for c in conversations(7, 2000, TODAY) for t in c.turns if t.truth.pay_date]
    assert dates and all(d.startswith("2027-") for d in dates if d[5:7] == "01")


def test_the_grammar_file_is_commented_data():
    text = GRAMMAR_PATH.read_text(encoding="utf-8")
    assert text.count("\n#") > 10
    assert isinstance(yaml.safe_load(text), dict)


def _scripted(after: str) -> list[tuple[Turn, Turn]]:
    """(the turn before, the turn) for every turn of SAMPLE that answers the bot's question ``after``."""
    return [(conv.turns[i - 1], turn) for conv in SAMPLE for i, turn in enumerate(conv.turns)
            if turn.after == after]


def test_a_correction_while_the_bot_confirms_an_unknown_name_changes_the_fact_and_keeps_the_name():
    """「不对 是逾期一个半月」 right after 「我记下的机构是「金豆分期」，对吗？」: the overdue changes, the name
    stays."""
    pairs = [(b, t) for b, t in _scripted("confirm_lender") if t.kind == "correct_overdue"]
    assert len(pairs) >= 5
    for before, turn in pairs:
        assert re.search("[逾预]期", to_simplified(turn.text)), turn.text
        # the name said alone, answering 「您是欠哪家机构的？」 after a request for a plan that named none
        assert before.kind == "lender_name" and before.after == "ask_lender" and before.in_domain
        assert to_simplified(before.text).startswith(before.truth.lenders[0].name)  # a Cantonese particle may follow
        assert turn.truth.overdue_days != before.truth.overdue_days is not None
        assert turn.truth.lenders == before.truth.lenders
        assert len(turn.truth.lenders) == 1 and not turn.truth.lenders[0].registry


def test_a_correction_right_after_the_offer_changes_the_fact():
    """「不对 是101000」 after 「要现在开始吗？」 is no 「不」: the truth takes the new value."""
    pairs = [(b, t) for b, t in _scripted("offer") if t.kind.startswith("correct")]
    assert len(pairs) >= 20
    said = {to_simplified(t.text) for _, t in pairs}
    assert {"不对 是{A}", "不是 我看错了 是{A}"} <= set(grammar()["patterns"]["correct_amount"]["plain"])
    assert {"correct_amount", "correct_overdue", "correct_affordable", "correct_lender"} == {t.kind for _, t in pairs}
    assert any("不对" in s for s in said)
    for before, turn in pairs:
        assert turn.truth != before.truth, turn.text


def test_lender_names_with_their_own_words_and_names_listed_before_each():
    said = [to_simplified(t.text) for c in SAMPLE for t in c.turns]
    assert any("张卡" in s for s in said)
    assert any(re.search(r"(花旗|汇丰|中银|东亚|台新|玉山)[^ ，、]*那边", s) for s in said)
    each = [t for c in SAMPLE for t in c.turns if t.kind == "each"]
    spaced = [t for t in each if re.search(r"\S \S+ 各", to_simplified(t.text))]
    assert spaced, "no 「台新 快易花 各42000」"
    for turn in each:
        amounts = {lt.amount for lt in turn.truth.lenders[-2:]}
        assert len(amounts) == 1


def test_a_per_month_amount_said_with_how_long_overdue_is_no_duration():
    """「逾期有5个月 一个月顶多还得起1600」: the truth's overdue is the duration said, not 一个月's 30 days."""
    merged = [t for c in SAMPLE for t in c.turns if t.kind.startswith("overdue+") and t.kind.endswith("_month")]
    assert len(merged) >= 20
    assert {t.kind for t in merged} == {"overdue+affordable_month", "overdue+income_month"}
    durations = {d["say"]: d["days"] for d in grammar()["durations"]}
    for turn in merged:
        plain = to_simplified(turn.text)
        assert "一个月" in plain
        said = [days for say, days in durations.items() if say in plain]
        assert turn.truth.overdue_days in said, (turn.text, turn.truth.overdue_days)
        assert turn.truth.overdue_days != 30


def test_the_budget_path_follows_the_questions_and_its_truth_adds_up():
    """「不知道」 to what they can pay → the income (unless said) → the month's costs, answered four ways."""
    answers = _scripted("ask_costs")
    assert {t.kind for _, t in answers} == {"costs_items", "costs_total", "unknown", "affordable"}
    for before, turn in answers:
        assert before.after in ("ask_income", "ask_affordable")
        assert turn.truth.income is not None
        if turn.kind == "costs_items":
            values = [int(v.replace(",", "")) for v in re.findall(r"\d[\d,]*", turn.text)]
            assert sum(values) == turn.truth.costs and turn.truth.affordable is None, turn.text
            assert turn.truth.budget_left == max(turn.truth.income - sum(values), 0)
        elif turn.kind == "affordable":
            assert turn.truth.costs is None and turn.truth.affordable is not None
        elif turn.kind == "unknown":
            assert turn.truth.costs is None and turn.truth.budget_left is None
    for _, turn in _scripted("ask_affordable"):
        assert turn.kind == "unknown" and turn.truth.affordable is None
    items = [t.text for _, t in answers if t.kind == "costs_items"]
    assert any(re.search(r"\d,\d{3}元", text) for text in items), "no 「1,400元」 among the items"
    said = [to_simplified(t.text) for c in SAMPLE for t in c.turns if t.truth.affordable is not None]
    assert any(re.search(r"\d,\d{3}元", s) for s in said)


def test_an_explicit_plan_request_carries_its_facts_and_no_yes_follows():
    requests = [(c, i) for c in SAMPLE for i, t in enumerate(c.turns) if t.kind == "plan_request"]
    assert len(requests) >= 10
    for conv, i in requests:
        truth = conv.turns[i].truth
        assert conv.turns[i].plan_request
        assert len(truth.lenders) == 1 and truth.lenders[0].amount and truth.overdue_days
        assert all(t.kind != "affirm" for t in conv.turns[i + 1:]), conv.id


# --- the checks ---------------------------------------------------------------------------------------------------

def _turn(truth: Truth, text: str = "招行欠三万", contact: bool = False) -> Turn:
    return Turn(text=text, kind="one_debt", truth=truth, in_domain=True, contact_report=contact)


def _kinds(violations: list[check.Violation]) -> set[str]:
    return {v.kind for v in violations}


def test_checks_find_a_missing_a_wrong_and_a_confused_fact():
    truth = Truth(total=30000, affordable=1500, noise=(("demand", 5000),))
    assert _kinds(check.check_facts(truth, {"debt_amount": 30000, "affordable_monthly": 1500})) == set()
    assert _kinds(check.check_facts(truth, {"debt_amount": 30000})) == {"fact_missing"}
    assert _kinds(check.check_facts(truth, {"debt_amount": 3000, "affordable_monthly": 1500})) \
        == {"fact_wrong_value"}
    assert _kinds(check.check_facts(truth, {"debt_amount": 30000, "affordable_monthly": 5000})) \
        == {"role_confused"}


def test_checks_find_a_dropped_lender_and_accept_its_registry_name():
    truth = Truth().with_lender("招商银行", 30000, True).with_lender("速借宝", 2000, False)
    slots = {"debts": [{"lender": "招商银行", "amount": 30000}, {"lender": "速借宝", "amount": 2000}]}
    assert check.check_lenders(truth, slots) == []
    assert _kinds(check.check_lenders(truth, {"debts": slots["debts"][:1]})) == {"lender_dropped"}


def test_checks_find_a_plan_above_what_can_be_paid_and_an_unoffered_lump_sum():
    truth = Truth(total=30000, affordable=1000)
    above = {"latest_drafts": {"summary": "分 20 期，每期 1,500 元（共 30,000 元）"}}
    within = {"latest_drafts": {"summary": "分 30 期，每期 1,000 元（共 30,000 元）"}}
    lump = {"latest_drafts": {"summary": "延期 30 天至 2027年1月5日，到期前还清 30,000 元"}}
    assert _kinds(check.check_plan(truth, None, above, {})) == {"plan_above_affordable"}
    assert check.check_plan(truth, None, within, {}) == []
    assert _kinds(check.check_plan(truth, None, lump, {})) == {"lump_sum_not_offered"}
    assert check.check_plan(Truth(total=30000, lump_offer=30000), None, lump, {}) == []


def test_checks_find_a_pay_day_in_the_wrong_year():
    truth = Truth(lump_offer=3000, pay_date="2027-01-15")
    wrong = {"latest_drafts": {"summary": "延期 40 天至 2026年1月15日，到期前先还 3,000 元"}}
    right = {"latest_drafts": {"summary": "延期 40 天至 2027年1月15日，到期前先还 3,000 元"}}
    assert _kinds(check.check_plan(truth, None, wrong, {})) == {"wrong_date"}
    assert check.check_plan(truth, None, right, {}) == []


def test_checks_find_a_loop_a_refusal_and_an_error():
    turn = _turn(Truth())
    assert _kinds(check.check_replies(turn, ["好的。"], ["好的。", "好的。"])) == {"loop"}
    assert check.check_replies(turn, ["好的。"], ["别的", "好的。"]) == []
    assert _kinds(check.check_replies(turn, ["这个我帮不上忙。我专门协助…"], [])) == {"refusal"}
    assert _kinds(check.check_replies(turn, ["抱歉，这一步我没处理好。"], [])) == {"bot_error"}
    # in Traditional script too (a Hong Kong or Taiwan person's replies)
    assert _kinds(check.check_replies(turn, ["這個我幫不上忙。我專門協助處理催收和還款協商的問題"], [])) == {"refusal"}
    assert _kinds(check.check_replies(turn, ["抱歉，這一步我沒處理好。"], [])) == {"bot_error"}


def test_checks_find_a_spurious_log_entry_and_a_wrong_region():
    log = {"contact_log": [{"id": 1, "text": "x"}]}
    assert _kinds(check.check_evidence(_turn(Truth()), log, {})) == {"evidence_log_spurious"}
    assert check.check_evidence(_turn(Truth(), contact=True), log, {}) == []
    hk = Truth(region="hk", expect_script="hk", region_evident=True)
    assert _kinds(check.check_region(hk, {"script": "tw"})) == {"wrong_region"}
    assert check.check_region(hk, {"script": "hk"}) == []
    assert check.check_region(Truth(region_evident=True), {"script": None}) == []


@pytest.mark.parametrize("kind", sorted(check.KINDS))
def test_every_kind_has_a_meaning(kind: str):
    assert check.KINDS[kind]


def test_checks_find_a_plan_request_answered_with_the_question_whether_to_start():
    request = Turn(text="我欠招行信用卡3万 逾期两个月了 能帮我做个方案吗", kind="plan_request", truth=Truth(),
                   in_domain=True, contact_report=False, plan_request=True)
    offer = "需要的话，我可以根据您的情况起草一份协商方案。要现在開始嗎？"
    assert _kinds(check.check_replies(request, ["记下了。", offer], [])) == {"asked_again"}
    assert check.check_replies(request, ["好的，先确认几个数字。逾期多久了？"], []) == []
    assert check.check_replies(_turn(Truth()), [offer], []) == []  # an offer after plain facts is right
    noted = "记下了：欠款机构：招商银行。\n要起草协商方案的话，回复「好」就开始；也可以继续补充情况。"
    assert _kinds(check.check_replies(request, [noted], [])) == {"asked_again"}


def test_checks_find_an_invented_lender_and_accept_aliases_and_names_as_said():
    truth = Truth().with_lender("恒生银行", 3000, True).with_lender("金豆分期", 5000, False)
    good = {"lender": "恒生银行",
            "debts": [{"lender": "恒生銀行", "amount": 3000}, {"lender": "金豆分期", "amount": 5000}]}
    assert check.check_invented(truth, good) == []
    assert check.check_invented(Truth().with_lender("招商银行", None, True), {"lender": "招行"}) == []
    assert check.check_invented(Truth().with_lender("花旗银行", None, True), {"lender": "花旗"}) == []
    for spurious in ("張卡", "之前每个月要还", "其实是", "有这几笔"):
        bad = {"debts": [*good["debts"], {"lender": spurious, "amount": 3000}]}
        found = check.check_invented(truth, bad)
        assert _kinds(found) == {"lender_invented"} and found[0].subject == spurious
    assert _kinds(check.check_invented(Truth(), {"lender": "信用卡"})) == {"lender_invented"}
    assert _kinds(check.check_invented(truth, {"debts": [{"lender": "款金豆分期"}]})) == {"lender_invented"}
    assert check.check_invented(Truth().with_lender("招商银行", None, True), {"lender": "招商银行信用卡"}) == []


def test_checks_hold_what_can_be_paid_within_income_less_costs_or_to_the_amount_stated():
    worked = Truth(income=5000, costs=3500)
    assert check.check_facts(worked, {"monthly_income": 5000, "essential_expenses": 3500,
                                      "affordable_monthly": 1200}) == []
    above = check.check_facts(worked, {"monthly_income": 5000, "essential_expenses": 3500,
                                       "affordable_monthly": 1800})
    assert _kinds(above) == {"fact_wrong_value"} and "income − costs" in above[0].detail
    assert _kinds(check.check_facts(worked, {"monthly_income": 5000, "affordable_monthly": 1000})) \
        == {"fact_missing"}  # the costs said are not in the case
    over = Truth(income=3000, costs=3800)   # costs above income: nothing is left
    assert check.check_facts(over, {"monthly_income": 3000, "essential_expenses": 3800,
                                    "affordable_monthly": 0}) == []
    # the plan drafted from the working: within income − costs, nothing said about a monthly amount otherwise
    within = {"latest_drafts": {"summary": "分 25 期，每期 1,200 元（共 30,000 元）"}}
    beyond = {"latest_drafts": {"summary": "分 10 期，每期 3,000 元（共 30,000 元）"}}
    assert check.check_plan(worked, None, within, {}) == []
    assert _kinds(check.check_plan(worked, None, beyond, {})) == {"plan_above_affordable"}
    assert _kinds(check.check_plan(Truth(income=5000), None, within, {})) == {"plan_above_affordable"}
    stated = Truth(income=5000, affordable=600)   # 「每月还600块还行」 in place of the costs
    assert check.check_facts(stated, {"monthly_income": 5000, "affordable_monthly": 600}) == []
    assert _kinds(check.check_facts(stated, {"monthly_income": 5000, "affordable_monthly": 2000})) \
        == {"fact_wrong_value"}


def test_a_scripted_turn_knows_whether_the_bot_asked_its_question():
    assert check.asked("confirm_lender", "我記下的機構是「金豆分期」，對嗎？名字對了才會寫進給機構的信裡。")
    assert check.asked("offer", "记下了。要现在开始吗？")
    assert not check.asked("ask_costs", "逾期多久了？")
    assert set(check.ASKED) >= {t.after for c in SAMPLE for t in c.turns if t.after}
