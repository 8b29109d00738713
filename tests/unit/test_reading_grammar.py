"""The simulator's grammar (sim/grammar.yml) read offline, turn by turn, by the same reading the action server uses
(the registry's LenderExtractor, the number extractor, coach.extraction): no lender the person did not name, none
they named dropped, no fact with a wrong value or another amount's role (a demand held as what they can pay).

Why in unit time: rules for one spelling have read other spellings wrong (a rule for 「裕融30000」 read 「唔係
係16000」 as a lender in seven conversations of one 5,000-conversation run). The full simulator (sim/run.py, the real
servers) finds that only at the end of a session; this reads 2,400 conversations (about 20,000 turns) in about
35 s, so a rule that breaks another sentence of the grammar fails `make unit`.

What the bot asks is not known offline, so the form is modelled the simplest way that matches the dialogue: a turn
the grammar wrote as the answer to a question is read as that answer; the lender question is open once the person
has asked for a plan or accepted the offer, until a lender is held; a conversation is read up to the answer to the
question about an amount the bot held back. The checks are the simulator's own (sim/check.py).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from coach.extraction import extract_facts
from sim.check import check_facts, check_invented, check_lenders
from sim.generate import conversation
from tests.unit.test_form_reading import parse

DAY = datetime.date(2026, 12, 7)
NOON = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
SEEDS = (2468, 4242, 9191)  # each read in full by the simulator against the real servers too
PER_SEED = 800
# A turn written as the answer to one of the bot's questions (Turn.after) is read as that answer, as the form does.
ASKED = {"ask_lender": "lender", "ask_affordable": "affordable_monthly", "ask_income": "monthly_income",
         "ask_costs": "essential_expenses"}


def _read_conversation(seed: int, index: int) -> list[str]:
    """The findings of one conversation: 'kind subject (turn n: text)'."""
    conv = conversation(seed, index, DAY)
    current: dict[str, Any] = {}
    form_open = False
    seen: set[tuple[str, str]] = set()
    findings = []
    for n, turn in enumerate(conv.turns):
        form_open = form_open or turn.plan_request or turn.after == "offer"
        if turn.after == "amount_role":
            break  # answers the bot's question about an amount it held back: only the real dialogue has that state
        text, entities = parse(turn.text)
        requested = ASKED.get(turn.after or "") or ("lender" if form_open and not current.get("lender") else None)
        current = {**current, **extract_facts(intent="inform", entities=entities, text=text, raw_text=turn.text,
                                              requested_slot=requested, current=current,
                                              as_answer=requested is not None, now=NOON)}
        # a fact not yet held is no finding here (the bot asks for it, offline nothing does); a wrong one is
        facts = [v for v in check_facts(turn.truth, current) if v.kind != "fact_missing"]
        for v in check_invented(turn.truth, current) + check_lenders(turn.truth, current) + facts:
            if (v.kind, v.subject) not in seen:
                seen.add((v.kind, v.subject))
                findings.append(f"{conv.id} {v.kind} {v.subject} (turn {n + 1}: {turn.text})")
    return findings


@pytest.mark.parametrize("seed", SEEDS)
def test_every_lender_and_fact_of_the_grammar_read_right(seed: int) -> None:
    findings = [f for i in range(PER_SEED) for f in _read_conversation(seed, i)]
    assert findings == []


def test_the_check_catches_a_dropped_and_an_invented_lender() -> None:
    """The property above can fail: the same checks on a case that lost a lender and holds a made-up one."""
    for index in range(200):
        conv = conversation(SEEDS[0], index, DAY)
        named = [t.truth for t in conv.turns if t.truth.lenders]
        if named:
            truth = named[-1]
            break
    else:
        pytest.fail("no conversation names a lender")
    kinds = {v.kind for v in check_lenders(truth, {"lender": "其实是"}) + check_invented(truth, {"lender": "其实是"})}
    assert kinds == {"lender_dropped", "lender_invented"}


def test_the_check_catches_a_demand_held_as_what_they_can_pay() -> None:
    for index in range(400):
        conv = conversation(SEEDS[0], index, DAY)
        noisy = [t.truth for t in conv.turns if any(role == "demand" for role, _ in t.truth.noise)]
        if noisy:
            truth = noisy[-1]
            break
    else:
        pytest.fail("no conversation has a demand")
    demand = next(value for role, value in truth.noise if role == "demand")
    found = {(v.kind, v.subject) for v in check_facts(truth, {"affordable_monthly": demand})}
    assert ("role_confused", "affordable_monthly") in found
