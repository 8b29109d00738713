"""The question that was asked gets its answer whatever intent the classifier gave, and the same block is never
sent twice in a row (actions/actions.py, actions/steps.py, knowledge.yml ``special``)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions, steps
from coach import knowledge, replies
from coach.zh.normalizer import to_traditional

# Every intent a classifier may reasonably give these messages, and the action the rules then run.
ACTION_BY_INTENT = {
    "ask_legality": actions.ActionAnswerQuestion,
    "ask_consequences": actions.ActionAnswerQuestion,
    "verify_collector": actions.ActionAnswerQuestion,
    "ask_complaint_channel": actions.ActionAnswerQuestion,
    "out_of_scope": actions.ActionAnswerQuestion,  # when the rules send out_of_scope and nlu_fallback to the action
    "nlu_fallback": actions.ActionAnswerQuestion,
    "report_harassment": actions.ActionRespondThreat,
    "report_lawsuit_threat": actions.ActionRespondThreat,
    "report_third_party_contact": actions.ActionRespondThreat,
    "report_visit_threat": actions.ActionRespondThreat,
    "cannot_pay": actions.ActionStartPlan,
    "inform": actions.ActionAcknowledgeFacts,
    "ask_script": actions.ActionStartPlan,
    "request_fee_waiver": actions.ActionStartPlan,
}


def tracker(text: str, intent: str, earlier: list[str] | None = None, slots: dict | None = None,
            bot_last_turn: list[str] | None = None) -> Tracker:
    events: list[dict] = []
    for i, said in enumerate(earlier or []):
        events.append({"event": "user", "text": said, "parse_data": {"intent": {"name": "inform"}}})
        if i == len(earlier or []) - 1:
            events += [{"event": "bot", "text": t} for t in bot_last_turn or []]
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})
    latest = {"text": text, "intent": {"name": intent}, "intent_ranking": [{"name": intent, "confidence": 0.9}]}
    return Tracker("t", slots or {}, latest, events, False, None, {}, "action_listen")


async def run(action_class, t: Tracker) -> tuple[list[str], list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action_class().run(dispatcher, t, {})
    return [m.get("text") or "" for m in dispatcher.messages], dispatcher.messages, events


QUOTED = [
    ("收到一条短信说我已经被法院立案了，让我点链接查看传票，是真的吗", [], "court_sms"),
    ("法院会发短信让人点链接吗？", [], "court_sms"),
    ("我刚才已经点了 还填了身份证号和银行卡", ["收到一条短信说我被法院立案了，让我点链接"], "phishing_clicked"),
    ("利息超过24%合不合法", [], "interest"),
    ("他们的综合年化超过了国家标准，还收担保费和会员费，这合法吗", [], "interest"),
    ("我儿子欠了网贷，催收天天给我打电话，我到底要不要还", [], "family_not_liable"),
    ("我到底要不要还", ["我儿子欠了网贷，催收天天给我打电话"], "family_not_liable"),
    ("那我能怎么帮他", ["我儿子欠了网贷，催收天天给我打电话"], "family_help"),
    ("我该怎么回复催收", ["我儿子欠了网贷，催收天天给我打电话"], "family_reply"),
    ("催收说要去我单位找我领导", [], "workplace"),
    ("我欠了好几家，先还哪个", [], "priority"),
    ("催收在群里说我是骗子，算不算诽谤", [], "defamation"),
    ("没钱请律师", [], "legal_aid"),
]


@pytest.mark.parametrize(("text", "earlier", "topic"), QUOTED)
@pytest.mark.parametrize("intent", sorted(ACTION_BY_INTENT))
async def test_the_question_asked_is_answered_whatever_the_intent(text, earlier, topic, intent):
    texts, _, events = await run(ACTION_BY_INTENT[intent], tracker(text, intent, earlier))
    assert texts[0] == knowledge.special_answer(topic), (intent, texts)
    assert "记下了" not in "".join(texts)
    assert not any("您是欠哪家机构的" in t for t in texts)
    if ACTION_BY_INTENT[intent] is actions.ActionStartPlan:
        # The form does not start: the follow-up action replaces the rule's next step.
        assert any(e["event"] == "followup" and e["name"] == "action_listen" for e in events)
        assert replies.start_plan_message(intent) not in texts


@pytest.mark.parametrize("intent", ["ask_consequences", "ask_legality", "verify_collector", "out_of_scope"])
async def test_the_weather_gets_a_polite_out_of_scope_reply(intent):
    texts, _, _ = await run(ACTION_BY_INTENT[intent], tracker("今天天气怎么样", intent))
    assert texts == [replies.line("off_topic")]
    assert "逾期" in texts[0] and "坐牢" not in texts[0] and "征信" not in texts[0]


async def test_an_out_of_scope_intent_with_no_special_topic_gets_the_domain_reply():
    _, messages, _ = await run(actions.ActionAnswerQuestion, tracker("红烧肉怎么做", "out_of_scope"))
    assert messages[0]["response"] == "utter_out_of_scope"
    _, messages, _ = await run(actions.ActionAnswerQuestion, tracker("嗯那个就是", "nlu_fallback"))
    assert messages[0]["response"] == "utter_ask_rephrase"


async def test_a_question_that_reads_like_a_no_is_answered():
    t = tracker("我到底要不要还", "deny", ["我儿子欠了网贷，催收天天给我打电话"])
    dispatcher = CollectingDispatcher()
    steps.handle_deny(dispatcher, t, actions.case_facts(t))
    assert dispatcher.messages[0]["text"] == knowledge.special_answer("family_not_liable")


async def test_the_same_block_twice_in_a_row_becomes_a_clarifying_question():
    first = knowledge.special_answer("family_not_liable")
    t = tracker("我到底要不要还", "ask_consequences", ["我儿子欠了网贷，催收天天给我打电话，我要不要还"],
                bot_last_turn=[first])
    texts, _, _ = await run(actions.ActionAnswerQuestion, t)
    assert texts == [replies.repeat_message("family_not_liable")]
    assert "没有义务替他还" in texts[0] and "①" in texts[0]


async def test_a_repeated_threat_answer_is_not_sent_again_nor_the_offer():
    answer = knowledge.threat_answer("report_harassment", "天天骂我")
    t = tracker("他们又骂我", "report_harassment", ["天天骂我"], bot_last_turn=[answer, "要不要我帮您起草？"])
    texts, _, events = await run(actions.ActionRespondThreat, t)
    assert texts == [replies.repeat_message()] and events == []
    assert "12348" in texts[0] and "具体想问" in texts[0]


async def test_a_different_answer_is_not_a_repeat():
    t = tracker("上门催收合法吗", "ask_legality", ["半夜打电话合法吗"],
                bot_last_turn=[knowledge.answer("ask_legality", "night_calls")])
    texts, _, _ = await run(actions.ActionAnswerQuestion, t)
    assert texts == [knowledge.answer("ask_legality", "visit")]


async def test_repeats_are_recognised_in_traditional_characters():
    answer = knowledge.special_answer("workplace", "tw")
    sent = to_traditional(answer, "tw")
    t = tracker("催收說要到我公司找我主管", "report_visit_threat", ["催收說要到我公司找我主管"], slots={"script": "tw"},
                bot_last_turn=[sent])
    texts, _, _ = await run(actions.ActionRespondThreat, t)
    assert texts == [to_traditional(replies.repeat_message("workplace"), "tw")]


async def test_taiwan_workplace_answer_reaches_a_taiwan_user():
    t = tracker("我在台北，催收說要到我公司找我主管", "report_visit_threat", slots={"script": "tw"})
    texts, messages, _ = await run(actions.ActionRespondThreat, t)
    assert "上午七時至晚上十時" in texts[0] and "0800-789-885" in texts[0]
    assert any(m.get("response") == "utter_offer_plan" for m in messages)  # a threat still gets the plan offer


async def test_traditional_writer_without_a_place_is_asked_where_before_the_offer():
    t = tracker("催收說要到我公司找我主管", "report_visit_threat", slots={"script": "tw"})
    texts, messages, _ = await run(actions.ActionRespondThreat, t)
    assert "上午七時至晚上十時" in texts[0] and "還是內地？" in texts[-1]
    assert not any(m.get("response") == "utter_offer_plan" for m in messages)  # the question first


async def test_staff_get_the_special_answer_introduced_for_the_borrower():
    t = tracker("利息超过24%合不合法", "ask_legality", slots={"audience": "staff"})
    texts, _, _ = await run(actions.ActionAnswerQuestion, t)
    assert texts[0].startswith("可以这样回答借款人：") and knowledge.special_answer("interest") in texts[0]


def test_repeat_messages_take_their_numbers_from_the_hotlines():
    for topic in (None, "interest", "court_sms", "legal_aid", "defamation"):
        text = replies.repeat_message(topic)
        assert "{" not in text
    assert "12348" in replies.repeat_message() and "12368" in replies.repeat_message("court_sms")
