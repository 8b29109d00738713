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
    """Each fact the truth gains on a turn is said in that turn, in some spelling; facts never appear from nowhere."""
    for conv in SAMPLE:
        before = Truth()
        for turn in conv.turns:
            truth = turn.truth
            plain = to_simplified(turn.text)
            digits = re.sub(r"[,，\s]", "", plain)
            for field in ("affordable", "income", "lump_offer"):
                value = getattr(truth, field)
                if value != getattr(before, field) and value is not None:
                    assert any(spell(value, s) in plain or spell(value, s).replace(",", "") in digits
                               for s in spellings_for(value)), (conv.id, field, value, turn.text)
            for lender in truth.lenders:
                if before.lender(lender.name) is None:
                    assert lender.name in plain or turn.kind.startswith(("list", "each", "one_debt", "lender_only",
                                                                          "addition")), (conv.id, turn.text)
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
