"""The practice call through the real event path (tests/unit/rasa_loop.py: Rasa's tracker and domain, the
project's action server code), whatever intent the classifier gives each reply."""

from __future__ import annotations

from typing import Any

from tests.unit.rasa_loop import Conversation

CASE = dict(lender="招商银行", lender_type="credit_card", debt_amount=32000.0, overdue_days=45.0,
            affordable_monthly=1000.0, hardship_reason="失业/收入下降", requested_plan="installment")


def drafted() -> Conversation:
    conversation = Conversation("rehearsal")
    conversation.say("好", "affirm", None, **CASE)
    return conversation


def state(conversation: Conversation) -> Any:
    return conversation.tracker.get_slot("rehearsal")


def test_a_practice_runs_through_whatever_action_the_intent_reaches_and_keeps_the_case() -> None:
    c = drafted()
    _, said = c.say("我想练习怎么跟催收说", "ask_script", "action_start_plan")
    assert "【催收】" in said and "32,000" in said and state(c)["active"]
    assert c.tracker.active_loop_name is None  # no case form started on 「我想练习…」
    _, said = c.say("我每个月还两千吧", "request_installment", "action_start_plan")
    assert "2,000" in said and "1,000" in said and "【催收】" in said
    _, said = c.say("你们找我家人是违规的", "report_third_party_contact", "action_respond_threat")
    assert "【催收】" in said and not c.tracker.get_slot("contact_log")  # a practice line is no contact
    _, said = c.say("验证码是 482913", "inform", "action_acknowledge_facts")
    assert "验证码" in said and "【催收】" in said
    assert c.tracker.get_slot("affordable_monthly") == 1000.0  # 「两千」 said to the collector changed nothing
    assert len(state(c)["replies"]) == 3
    _, said = c.say("不练了", "goodbye", "action_goodbye")
    assert "练习结束" in said and "【电话话术（练习后改好）】" in said and not state(c)["active"]
    _, said = c.say("换个凶一点的", "out_of_scope", "action_answer_question")
    assert "网贷平台" in said and state(c)["style"] == "platform"


def test_a_crisis_during_the_practice_ends_it_and_gets_the_crisis_help() -> None:
    c = drafted()
    c.say("练一下", "out_of_scope", "action_answer_question")
    events, _ = c.say("我真的不想活了", "inform", None)
    assert not any(getattr(e, "key", None) in ("affordable_monthly", "debt_amount") for e in events)
    events, replies = c.run("action_acknowledge_facts")  # the classifier missed it: the cue still wins
    assert any(getattr(e, "action_name", None) == "action_crisis_support" for e in events)
    assert state(c) is None
    _, replies = c.run("action_crisis_support")
    assert "12356" in replies[0]["text"]


def test_the_crisis_action_ends_a_running_practice() -> None:
    c = drafted()
    c.say("练一下", "out_of_scope", "action_answer_question")
    c.say("我不想活了", "express_crisis", None)
    c.run("action_crisis_support")
    assert state(c) is None


def test_a_crisis_reading_with_no_word_of_one_checks_in_and_the_practice_goes_on() -> None:
    """The classifier may read 「好好好我今天想办法」, said to the collector, as a crisis: with no cue of self-harm in
    the words, the person gets a check-in with the crisis line and the practice goes on."""
    c = drafted()
    c.say("练一下", "out_of_scope", "action_answer_question")
    _, said = c.say("好好好我今天想办法", "express_crisis", "action_crisis_support")
    assert "12356" in said and "还好吗" in said and "压力下答应" in said and state(c)["active"]
    _, said = c.say("我想死了算了", "express_crisis", "action_crisis_support")
    assert state(c) is None and "12356" in said and "【催收】" not in said


def test_without_an_amount_the_practice_waits_for_the_case() -> None:
    c = Conversation("rehearsal-empty")
    _, said = c.say("练一下", "out_of_scope", "action_answer_question")
    assert "欠哪家" in said and state(c) is None


def test_the_improved_script_replaces_the_drafted_one_for_the_downloads() -> None:
    from actions.rehearsal import with_script

    drafts = {"summary": "s", "parts": [{"kind": "letter", "text": "信"}, {"kind": "phone_script", "text": "旧"}]}
    updated = with_script(drafts, "新", "招商银行")
    assert updated is not None and [p["text"] for p in updated["parts"]] == ["信", "新"]
    assert drafts["parts"][1]["text"] == "旧"  # the slot's old value is not changed in place
    several = {"parts": [{"kind": "phone_script", "lender": "借呗", "text": "旧"}]}
    assert with_script(several, "新", "招商银行") is None  # another lender's script is left alone
    assert with_script(None, "新", None) is None


def test_asking_the_collector_who_they_are_is_a_reply_in_the_practice_whatever_the_intent() -> None:
    """「你们是哪家公司？」 said to the collector, read as bot_challenge by one model, had got the bot's introduction
    and the practice lost its turn (the bot-challenge rule sent a plain response, not an action)."""
    c = drafted()
    c.say("模拟一下外包催收公司", "ask_script", "action_start_plan")
    _, said = c.say("你们是哪家公司？", "bot_challenge", "action_bot_challenge")
    assert "【催收】" in said and "自动回复" not in said
    assert len(state(c)["replies"]) == 1
    c.say("不练了", "goodbye", "action_goodbye")
    _, replies = c.run("action_bot_challenge")  # after the practice: the plain answer (a response of the domain)
    assert [r.get("response") for r in replies] == ["utter_bot_challenge"]
