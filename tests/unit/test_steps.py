"""The steps the actions share (actions/steps.py) and the drafts' layout (drafting.layout)."""

from __future__ import annotations

import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import steps
from coach import drafting, replies
from coach.case import CaseFacts
from coach.plan import make_plan

TODAY = datetime.date(2026, 11, 23)
FACTS = CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=32000, overdue_days=60,
                  affordable_monthly=1500, hardship_reason="失业/收入下降", threat_types=("visit",))
BORROWER_KINDS = ["phone_script", "written_request", "short_reply", "checklist"]


def tracker(slots: dict | None = None, events: list | None = None, metadata: dict | None = None,
            channel: str = "rest") -> Tracker:
    user = {"event": "user", "text": "x", "metadata": metadata or {}, "parse_data": {"intent": {"name": "inform"}},
            "input_channel": channel}
    return Tracker("t", slots or {}, {"intent": {"name": "inform"}}, [user, *(events or [])], False, None, {}, None)


def sent_kinds(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["custom"]["draft"]["kind"] for m in dispatcher.messages if (m.get("custom") or {}).get("draft")]


def test_layout_borrower_and_staff_order():
    plan = make_plan(FACTS, TODAY)
    borrower = drafting.layout(FACTS, plan, TODAY)
    assert [k for k, _ in borrower.parts] == BORROWER_KINDS and borrower.next_questions == ()
    staff = drafting.layout(FACTS, plan, TODAY, staff=True, crisis=True)
    assert [k for k, _ in staff.parts] == ["case_summary", "risk_flags", "tell_borrower", *BORROWER_KINDS]
    assert staff.next_questions and staff.next_questions_body.startswith("· ")
    assert borrower.summary == staff.summary == drafting.plan_summary(FACTS, plan)
    pack = drafting.draft_staff(FACTS, plan, TODAY, crisis=True)
    assert dict(staff.parts)["case_summary"] == pack.case_summary
    assert dict(staff.parts)["phone_script"] == drafting.draft_borrower(FACTS, plan, TODAY).phone_script


def test_layout_leaves_out_empty_risk_flags():
    calm = CaseFacts(lender="借呗", lender_type="platform", debt_amount=5000, overdue_days=10, affordable_monthly=1000)
    parts = drafting.layout(calm, make_plan(calm, TODAY), TODAY, staff=True).parts
    assert "risk_flags" not in dict(parts)


def test_layout_builds_the_template_context_once(monkeypatch: pytest.MonkeyPatch):
    calls = []
    original = drafting._context
    monkeypatch.setattr(drafting, "_context", lambda *a, **k: calls.append(1) or original(*a, **k))
    drafting.layout(FACTS, make_plan(FACTS, TODAY), TODAY, staff=True, crisis=True, violence=True)
    assert len(calls) == 1


def test_draft_plan_sends_heading_parts_and_records_them(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(steps, "today", lambda: TODAY)
    dispatcher = CollectingDispatcher()
    events = steps.draft_plan(dispatcher, tracker(), FACTS)
    assert dispatcher.messages[0]["text"].startswith("方案：")
    assert sent_kinds(dispatcher) == BORROWER_KINDS
    assert dispatcher.messages[-1]["text"] == replies.after_draft_note()
    record = events[0]["value"]
    assert [p["kind"] for p in record["parts"]] == BORROWER_KINDS and record["next_questions"] == []


def test_acknowledge_facts_drafts_for_staff_with_enough_facts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(steps, "today", lambda: TODAY)
    dispatcher = CollectingDispatcher()
    steps.acknowledge_facts(dispatcher, tracker(metadata={"audience": "staff"}, channel="staff"), FACTS)
    assert dispatcher.messages[0]["text"].startswith("记下了：")
    assert sent_kinds(dispatcher)[0] == "case_summary" and sent_kinds(dispatcher)[-1] == "next_questions"


def test_staff_metadata_from_another_channel_gets_the_borrower_drafts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(steps, "today", lambda: TODAY)
    dispatcher = CollectingDispatcher()
    steps.acknowledge_facts(dispatcher, tracker(metadata={"audience": "staff"}, channel="rest"), FACTS)
    assert dispatcher.messages and "case_summary" not in sent_kinds(dispatcher)


def test_handle_deny_correction_plain_no_and_declined_offer(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(steps, "today", lambda: TODAY)
    dispatcher = CollectingDispatcher()
    corrected = tracker({"latest_drafts": {"parts": []}},
                        [{"event": "slot", "name": "debt_amount", "value": 20000.0}])
    steps.handle_deny(dispatcher, corrected, FACTS)
    assert dispatcher.messages[0]["text"].startswith("已更新：") and sent_kinds(dispatcher) == BORROWER_KINDS
    dispatcher = CollectingDispatcher()
    assert steps.handle_deny(dispatcher, tracker(), FACTS)[0]["name"] == "pending_offer"
    assert dispatcher.messages[0]["response"] == "utter_ok"
    dispatcher = CollectingDispatcher()
    steps.handle_deny(dispatcher, tracker({"pending_offer": "draft_plan"}), FACTS)
    assert dispatcher.messages[0]["text"] == replies.decline_offer_message()


def test_zero_capacity_gets_the_note_then_a_pause_and_never_a_lump_sum(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(steps, "today", lambda: TODAY)
    dispatcher = CollectingDispatcher()
    nothing = CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=90000, monthly_income=1200,
                        affordable_monthly=0, hardship_reason="其他")
    steps.draft_plan(dispatcher, tracker(), nothing)
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert "暂缓催收，收入恢复后再协商" in texts[0]
    assert texts[1].startswith("方案：暂缓催收")
    assert sent_kinds(dispatcher) == BORROWER_KINDS
    body = "\n".join(texts)
    assert "一次性还清" not in body and "到期前还清" not in body and "90,000 元" in body


def test_user_texts_and_a_stated_payment_reach_the_case(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(steps, "today", lambda: TODAY)
    t = Tracker("t", {"debt_amount": 8000.0}, {"intent": {"name": "inform"}},
                [{"event": "user", "text": "借呗八千"}, {"event": "bot", "text": "好"},
                 {"event": "user", "text": "下个月发了工资就能还清"}], False, None, {}, None)
    assert steps.user_texts(t) == ["借呗八千", "下个月发了工资就能还清"]
    assert steps.case_facts(t).stated_payment.whole
