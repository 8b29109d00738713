"""The case vocabulary (coach/case/vocabulary.yml) and the lender registry agree with the domain and the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions import actions
from coach import extraction
from coach.case import lenders, vocabulary
from coach.case.facts import LENDER_TYPES, THREAT_TYPES, CaseFacts

ROOT = Path(__file__).resolve().parents[2]
CORE = yaml.safe_load((ROOT / "domain" / "core.yml").read_text(encoding="utf-8"))
EXTRACTED = [{"type": "custom", "action": "action_extract_case_facts"}]


def test_fact_and_state_slots_are_domain_slots_filled_by_the_extraction():
    for slot in vocabulary.FACT_SLOTS + vocabulary.STATE_SLOTS:
        assert slot in CORE["slots"], slot
        assert CORE["slots"][slot]["mappings"] == EXTRACTED, slot
        assert CORE["slots"][slot]["influence_conversation"] is False, slot
    for slot in vocabulary.CONSOLE_SLOTS:
        assert slot in CORE["slots"], slot


def test_form_slots_agree_with_the_domain_form():
    form = CORE["forms"][vocabulary.FORM_NAME]
    assert form["required_slots"] == list(vocabulary.FORM_BASE_SLOTS)
    assert vocabulary.FORM_OPTIONAL_SLOTS <= set(vocabulary.FACT_SLOTS)
    for slot in vocabulary.FORM_OPTIONAL_SLOTS:
        assert f"utter_ask_{slot}" in CORE["actions"], slot


def test_kinds_name_domain_intents():
    intents = set(CORE["intents"])
    assert set(vocabulary.THREAT_BY_INTENT) <= intents
    assert set(vocabulary.PLAN_BY_INTENT) <= intents


def test_code_reads_the_vocabulary():
    assert actions.FACT_SLOTS == vocabulary.FACT_SLOTS + vocabulary.STATE_SLOTS
    assert tuple(actions.BASE_FORM_SLOTS) == vocabulary.FORM_BASE_SLOTS
    assert set(actions.OPTIONAL_FORM_SLOTS) == vocabulary.FORM_OPTIONAL_SLOTS
    assert extraction.THREAT_BY_INTENT == vocabulary.THREAT_BY_INTENT
    assert extraction.PLAN_BY_INTENT == vocabulary.PLAN_BY_INTENT
    assert THREAT_TYPES == vocabulary.THREAT_KINDS and LENDER_TYPES == vocabulary.LENDER_KINDS
    case_fields = set(CaseFacts.__dataclass_fields__)
    # stated_payment is read from the borrower's messages (case.facts.stated_payment_in), not from a slot
    # loan_received (what reached the borrower of an illegal loan) is read from the messages too
    # budget is the form's working (slot ``budget``, set with affordable_monthly), no fact the extraction reads
    # unconfirmed_lender is the slot ``lender`` while ``lender_confirmed`` is false (shown to staff, never drafted)
    assert case_fields <= set(vocabulary.FACT_SLOTS) | {"lender_type", "stated_payment", "loan_received", "budget",
                                                        "unconfirmed_lender"}


def test_labels_for_the_staff_console():
    labels = vocabulary.labels()
    assert labels["threat_kinds"]["visit"] == "上门催收"
    assert labels["lender_kinds"] == dict(LENDER_TYPES)
    assert set(labels["plan_kinds"]) == {"installment", "extension", "fee_waiver"}
    assert vocabulary.THREAT_SUMMARY_NAMES["visit"] == "威胁上门"


def test_plan_words_normalise_to_kinds():
    assert CaseFacts.from_slots({"requested_plan": "个性化分期"}).requested_plan == "installment"
    assert CaseFacts.from_slots({"requested_plan": "宽限"}).requested_plan == "extension"
    assert CaseFacts.from_slots({"requested_plan": "减免"}).requested_plan == "fee_waiver"
    assert CaseFacts.from_slots({"requested_plan": "别的"}).requested_plan is None


def test_lender_registry():
    assert len(lenders.CANONICAL) == len(set(lenders.CANONICAL)) > 30
    assert set(lenders.ALIASES) <= set(lenders.CANONICAL)
    assert "借呗" in lenders.PLATFORMS and "招商银行" not in lenders.PLATFORMS
    assert not any(n.endswith("消费金融") for n in lenders.PLATFORMS)
    assert {"招行", "浦发", "邮政储蓄"} <= set(lenders.BANK_SHORT_NAMES)
    assert not any("银行" in a for a in lenders.BANK_SHORT_NAMES)
