"""The Traditional-script step of the NLG, on the real domain responses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from components.nlg import ScriptAwareNLG, localise_response

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain"))


def render(action: str, script: str | None, audience: str | None = None) -> dict:
    events = [SlotSet("script", script)] if script else []
    events += [SlotSet("audience", audience)] if audience else []
    tracker = DialogueStateTracker.from_events("t", events, slots=DOMAIN.slots)
    nlg = ScriptAwareNLG(domain=DOMAIN)
    return asyncio.run(nlg.generate(action, tracker, "rest"))


def _default_text(name: str) -> str:
    return next(r["text"] for r in DOMAIN.responses[name] if not r.get("condition"))


def test_simplified_conversations_get_the_domain_text_unchanged() -> None:
    assert render("utter_ask_lender", None)["text"] == _default_text("utter_ask_lender")
    assert render("utter_ask_lender", "simplified")["text"] == _default_text("utter_ask_lender")


@pytest.mark.parametrize(("script", "local", "mainland"), [("hk", "財務公司", "借唄"), ("tw", "融資公司", "借唄")])
def test_the_lender_question_gives_local_examples(script: str, local: str, mainland: str) -> None:
    text = render("utter_ask_lender", script)["text"]
    assert local in text and mainland not in text and "机构" not in text


@pytest.mark.parametrize("script", ["hk", "tw"])
def test_traditional_conversations_get_traditional_text_and_button_titles(script: str) -> None:
    out = render("utter_offer_plan", script)
    assert "協商方案" in out["text"] and "协商" not in out["text"]
    assert [b["title"] for b in out["buttons"]] == ["好，開始", "先不用"]
    assert [b["payload"] for b in out["buttons"]] == ["/affirm", "/deny"]  # payloads are intents, untouched


def test_hong_kong_and_taiwan_standards_differ_where_they_should() -> None:
    # OpenCC s2hk and s2tw pick different variant characters (e.g. 着 → 著 in Taiwan, 着 in Hong Kong)
    assert localise_response({"text": "着急"}, "tw")["text"] == "著急"
    assert localise_response({"text": "着急"}, "hk")["text"] == "着急"


def test_every_domain_response_renders_in_both_traditional_standards() -> None:
    for name in DOMAIN.responses:
        for script in ("hk", "tw"):
            out = render(name, script)
            assert out and out["text"], name


def test_unknown_response_is_none_and_other_keys_pass_through() -> None:
    assert render("utter_no_such_thing", "hk") is None
    response = {"text": "还款", "custom": {"draft": {"kind": "x"}}, "image": None}
    out = localise_response(response, "hk")
    assert out["text"] == "還款" and out["custom"] == response["custom"]
    assert response["text"] == "还款", "the domain's own response is not modified"


def test_staff_get_the_offer_worded_for_them_in_either_script() -> None:
    assert "借款人的情况" in render("utter_offer_plan", None, "staff")["text"]
    assert "借款人的情況" in render("utter_offer_plan", "tw", "staff")["text"]
    assert "您的情况" in render("utter_offer_plan", None, "borrower")["text"]
