"""The questions people ask most (「网贷逾期了怎么办」「会员费能退吗」「怎么查自己有没有被起诉」): the pure reading of
a message (coach/zh/debt_words.py, knowledge.yml ``special``, coach/extraction.py bare_place) and what the actions do
with it (actions/common_questions.py), without servers."""

from __future__ import annotations

import re

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from actions.common_questions import not_a_contact
from coach import knowledge, replies
from coach.extraction import bare_place
from coach.zh.debt_words import asks_what_to_do, asks_without_contact, mentions_debt, reports_contact
from coach.zh.normalizer import to_traditional

# ---------- coach/zh/debt_words.py ----------

DEBT = ["网贷逾期了怎么办", "以經遲繳一年多",
        "京东白条逾期怎么办", "借呗到期还不上怎么办", "花呗没钱还逾期怎么办", "会员费能退吗",
        "怎么查自己有没有被起诉", "信用卡欠了三万", "卡數還唔到點算", "借唄到期了", "網貸預期了怎麼辦", "招行打电话来",
        "罚息太高了", "征信花了", "微粒贷", "安逸花", "财务公司成日打嚟", "我争银行好多钱", "xyk还不上了"]
NOT_DEBT = ["今天天气怎么样", "台灣啊 台北", "你好", "美团外卖怎么退款", "平安夜快乐", "讲个笑话", "招商引资的新闻", ""]


@pytest.mark.parametrize("text", DEBT)
def test_debt_words_in_simplified_traditional_cantonese_and_typos(text: str) -> None:
    assert mentions_debt(text)


@pytest.mark.parametrize("text", NOT_DEBT)
def test_everyday_words_and_ambiguous_lender_aliases_are_not_debt_words(text: str) -> None:
    assert not mentions_debt(text)


@pytest.mark.parametrize("text", ["催收前天下午三点打电话给我妈了", "昨晚十一点多催收打电话骂我", "他们说明天上门",
                                  "催收说要起诉我是真的吗", "收到律师函了", "佢哋成日打嚟", "爆了我的通讯录",
                                  "他们说明天上门，会来吗"])
def test_contacts_by_a_collector(text: str) -> None:
    assert reports_contact(text)
    assert not asks_without_contact(text)


@pytest.mark.parametrize("text", ["我现在欠了哪些", "你们是催收公司的吧", "会员费能退吗", "怎么查自己有没有被起诉",
                                  "网贷逾期了怎么办", "你说我该先还哪个", "借呗逾期了会上门吗？", "逾期会爆通讯录吗"])
def test_questions_with_no_contact(text: str) -> None:
    assert asks_without_contact(text)


def test_a_statement_is_not_a_question() -> None:
    assert not asks_without_contact("我已经点了 还填了身份证")
    assert not asks_without_contact("欠招行三万")


# ---------- what is not an evidence entry ----------

@pytest.mark.parametrize("text", ["我现在欠了哪些", "你们是催收公司的吧", "我已经点了 还填了身份证", "会员费能退吗",
                                  "把欠款清单给我看看"])
def test_not_a_contact(text: str) -> None:
    assert not_a_contact(text)


@pytest.mark.parametrize("text", ["催收前天下午三点打电话给我妈了", "他们天天打电话骂我", "催收说要起诉我是真的吗",
                                  "记录一下：催收问我什么时候还", "说明天上门"])
def test_reports_and_explicit_records_stay_entries(text: str) -> None:
    assert not not_a_contact(text)


# ---------- the question asked, whatever the intent ----------

TOPICS = [
    ("网贷逾期了怎么办", "overdue_what_now"), ("京东白条逾期怎么办", "overdue_what_now"),
    ("借呗到期还不上怎么办", "overdue_what_now"), ("花呗没钱还逾期怎么办", "overdue_what_now"),
    ("微粒贷逾期三天了咋办", "overdue_what_now"), ("美团借钱还不起了怎么办啊", "overdue_what_now"),
    ("消费金融逾期了怎么处理", "overdue_what_now"), ("小贷逾期了怎么办", "overdue_what_now"),
    ("網貸逾期了怎麼辦", "overdue_what_now"), ("网贷预期了怎么办", "overdue_what_now"),
    ("信用卡逾期了怎么办", "overdue_card"), ("卡數還唔到點算", "overdue_card"),
    ("招行信用卡还不上了咋办", "overdue_card"),
    ("借呗还不上会怎么样", "overdue_consequences"), ("逾期有什么影响", "overdue_consequences"),
    ("招聯逾期會怎樣", "overdue_consequences"), ("一直不还会怎么样", "overdue_consequences"),
    ("怎么查自己有没有被起诉", "sued_check"), ("怎么知道网贷有没有起诉我", "sued_check"),
    ("会员费能退吗", "fee_refund"), ("罚息能退吗", "fee_refund"), ("担保费可以要回来吗", "fee_refund"),
    ("这个号码真的是借呗的吗", "verify_caller"), ("打电话的人是不是真的催收", "verify_caller"),
    ("我已经点了 还填了身份证", "phishing_clicked"),
]
# A specific consequence keeps its ask_consequences topic; a request starts the form; a family member's debt and
# a plain complaint are not these questions.
NOT_THESE = ["逾期会坐牢吗", "逾期会影响征信吗", "我想申请分期，借呗逾期了怎么办", "我儿子网贷逾期了怎么办",
             "真的是烦死了，催收天天打电话", "能不能减免利息", "罚息能减免吗", "发律师函说要立案是真的吗"]


@pytest.mark.parametrize(("text", "topic"), TOPICS)
def test_common_questions_are_recognised_by_their_words(text: str, topic: str) -> None:
    assert knowledge.special_topic(text) == topic


@pytest.mark.parametrize("text", NOT_THESE)
def test_other_messages_keep_their_own_answer(text: str) -> None:
    assert knowledge.special_topic(text) not in {t for _, t in TOPICS}


def test_a_debt_named_with_an_off_topic_word_is_not_off_topic() -> None:
    assert knowledge.special_topic("今天天气怎么样") == "off_topic"
    assert knowledge.special_topic("打游戏花呗刷爆了") is None


def test_overdue_answer_what_happens_what_to_do_first() -> None:
    text = knowledge.special_answer("overdue_what_now")
    for needle in ("民事纠纷", "征信", "本人和担保人", "不能暴力", "主动联系贷款方", "延期或分期", "借新还旧", "免费"):
        assert needle in text, needle
    card = knowledge.special_answer("overdue_card")
    assert "第七十条" in card and "个性化分期" in card and "由银行决定" in card
    assert "必须同意" not in card + text and "不用还" not in card + text


def test_consequences_and_how_to_check_a_lawsuit() -> None:
    consequences = knowledge.special_answer("overdue_consequences")
    assert "民事纠纷" in consequences and "征信" in consequences and "执行阶段" in consequences
    sued = knowledge.special_answer("sued_check")
    assert "12368" in sued and "官方网站" in sued and "中国审判流程信息公开网" in sued
    assert not re.search(r"https?://|www\.|\.cn|\.com", sued)  # never a link
    assert "个人账户" in sued and "15 日" in sued


def test_fee_refund_is_hedged_and_routes_complaints_by_lender_kind() -> None:
    text = knowledge.special_answer("fee_refund")
    assert "据报道" in text and "没有查到明确规定" in text and "有律所引用" in text  # facts §12.13–12.14 marks
    assert "书面" in text and "12378" in text and "地方金融管理局" in text and "放款方" in text


def test_verifying_a_caller_uses_official_channels_only() -> None:
    text = knowledge.special_answer("verify_caller")
    assert "工号" in text and "卡背面" in text and "搜索结果" in text and "个人账户" in text and "96110" in text
    tw = knowledge.special_answer("verify_caller", "tw")
    assert "96110" not in tw and "0800-789-885" in tw


# ---------- the answer to 「您在香港、台湾还是内地？」 ----------

@pytest.mark.parametrize(("text", "script"), [("台灣啊 台北", "tw"), ("台北", "tw"), ("在台湾，台北市", "tw"),
                                              ("香港", "hk"), ("我喺香港啊", "hk"), ("深圳", "simplified"),
                                              ("台灣啦", "tw")])
def test_a_message_that_only_names_a_place(text: str, script: str) -> None:
    assert bare_place(text) == script


@pytest.mark.parametrize("text", ["台湾的催收说要上门", "台灣啊 香港", "我在台北欠了国泰世华十万", "你好"])
def test_a_place_in_a_sentence_is_not_a_bare_answer(text: str) -> None:
    assert bare_place(text) is None


# ---------- the actions ----------

def tracker(text: str, intent: str, slots: dict | None = None, earlier: list[tuple[str, str]] | None = None,
            bot_last_turn: list[str] | None = None, loop: str | None = None) -> Tracker:
    events: list[dict] = []
    for said, said_intent in earlier or []:
        events.append({"event": "user", "text": said, "parse_data": {"intent": {"name": said_intent}}})
    events += [{"event": "bot", "text": t} for t in bot_last_turn or []]
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})
    latest = {"text": text, "intent": {"name": intent}, "intent_ranking": [{"name": intent, "confidence": 0.9}]}
    return Tracker("t", slots or {}, latest, events, False, None, {"name": loop} if loop else {}, "action_listen")


async def run(action_class: type, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action_class().run(dispatcher, t, {})
    return dispatcher.messages, events


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
async def test_a_debt_message_no_answer_fits_gets_one_question_with_quick_replies(intent: str) -> None:
    messages, _ = await run(actions.ActionAnswerQuestion, tracker("信用卡的事", intent))
    assert [m.get("text") for m in messages] == [replies.line("clarify_debt")]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_consequences", "/request_installment",
                                                             "/ask_complaint_channel"]
    assert not any(m.get("response") in ("utter_out_of_scope", "utter_ask_rephrase") for m in messages)


async def test_the_clarifying_question_is_not_asked_twice_the_same_way() -> None:
    t = tracker("信用卡的事啊", "out_of_scope", earlier=[("信用卡的事", "out_of_scope")],
                bot_last_turn=[replies.line("clarify_debt")])
    messages, _ = await run(actions.ActionAnswerQuestion, t)
    assert messages[0]["text"] == replies.line("clarify_debt_again") and messages[0]["buttons"]


@pytest.mark.parametrize("text", ["怎么办", "那我该怎么办啊", "點算好"])
def test_a_bare_what_to_do(text: str) -> None:
    assert asks_what_to_do(text)
    assert not asks_what_to_do("怎么办理信用卡") and not asks_what_to_do("网贷逾期了怎么办")


async def test_a_bare_what_to_do_after_a_debt_message_gets_the_clarifying_question() -> None:
    t = tracker("怎么办", "out_of_scope", earlier=[("欠了网贷", "inform")])
    messages, _ = await run(actions.ActionAnswerQuestion, t)
    assert messages[0]["text"] == replies.line("clarify_debt")
    alone, _ = await run(actions.ActionAnswerQuestion, tracker("怎么办", "out_of_scope"))
    assert [m.get("response") for m in alone] == ["utter_out_of_scope"]


async def test_a_message_with_no_debt_word_still_gets_the_plain_fallback() -> None:
    messages, _ = await run(actions.ActionAnswerQuestion, tracker("讲个故事", "out_of_scope"))
    assert [m.get("response") for m in messages] == ["utter_out_of_scope"]


async def test_inside_the_form_the_forms_question_follows_instead() -> None:
    t = tracker("信用卡的事", "out_of_scope", loop="debt_profile_form")
    messages, _ = await run(actions.ActionAnswerQuestion, t)
    assert messages == []


@pytest.mark.parametrize("intent", ["out_of_scope", "ask_consequences", "cannot_pay", "inform", "request_extension"])
async def test_overdue_question_is_answered_then_offered_with_the_lender_named(intent: str) -> None:
    action = actions.ActionStartPlan if intent in ("cannot_pay", "request_extension") else \
        actions.ActionAcknowledgeFacts if intent == "inform" else actions.ActionAnswerQuestion
    t = tracker("借呗到期还不上怎么办", intent, slots={"lender": "借呗", "lender_type": "platform"})
    messages, events = await run(action, t)
    texts = [m.get("text") or "" for m in messages]
    assert texts[0] == knowledge.special_answer("overdue_what_now")
    assert texts[-1] == replies.line("offer_plan_lender", lender="借呗")
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]
    assert {"event": "slot", "name": "pending_offer", "value": "draft_plan", "timestamp": None} in events


@pytest.mark.parametrize("intent", ["cannot_pay", "out_of_scope"])
async def test_a_traditional_writer_is_asked_where_they_are_before_any_offer(intent: str) -> None:
    action = actions.ActionStartPlan if intent == "cannot_pay" else actions.ActionAnswerQuestion
    t = tracker("借唄還不上了怎麼辦", intent, slots={"script": "tw", "lender": "借呗"})
    messages, events = await run(action, t)
    texts = [m.get("text") or "" for m in messages]
    assert "前置協商" in texts[0] and "還是內地？" in texts[-1]
    assert not any(m.get("buttons") or m.get("response") == "utter_offer_plan" for m in messages)
    assert not any(e.get("name") == "pending_offer" and e.get("value") for e in events)


async def test_without_a_lender_the_usual_offer_follows() -> None:
    messages, _ = await run(actions.ActionAnswerQuestion, tracker("逾期有什么影响", "out_of_scope"))
    assert messages[0]["text"] == knowledge.special_answer("overdue_consequences")
    assert messages[-1].get("response") == "utter_offer_plan"


async def test_a_question_read_as_distress_gets_its_answer() -> None:
    messages, _ = await run(actions.ActionDistressSupport, tracker("加速包的钱可以要回来吗", "express_distress"))
    assert [m.get("text") for m in messages] == [knowledge.special_answer("fee_refund")]


async def test_other_questions_get_no_offer() -> None:
    messages, _ = await run(actions.ActionAnswerQuestion, tracker("会员费能退吗", "out_of_scope"))
    assert [m.get("text") for m in messages] == [knowledge.special_answer("fee_refund")]


async def test_the_answer_to_the_region_question_is_noted_and_the_question_answered_again() -> None:
    asked = replies.line("region_question", **knowledge.hotlines())
    t = tracker("台灣啊 台北", "out_of_scope", slots={"script": "tw"},
                earlier=[("銀行的催收說要打給我公司", "report_third_party_contact")],
                bot_last_turn=["某個回答", asked])
    messages, _ = await run(actions.ActionAnswerQuestion, t)
    texts = [m.get("text") or "" for m in messages]
    assert texts[0] == to_traditional(replies.line("region_noted", place="台湾"), "tw")
    assert "上午七時至晚上十時" in texts[1]  # the workplace question, by Taiwan's rules
    assert not any(m.get("response") == "utter_out_of_scope" for m in messages)


async def test_a_place_named_without_the_question_is_only_noted() -> None:
    messages, _ = await run(actions.ActionAcknowledgeFacts, tracker("香港", "inform", slots={"script": "hk"}))
    assert [m.get("text") for m in messages] == [to_traditional(replies.line("region_noted", place="香港"), "hk")]



@pytest.mark.parametrize(("text", "entry"), [("我再马上消费金融借了6万8 拖了一个半月 想跟他们谈分期 你帮我弄一下",
                                              False),
                                             ("催收天天打电话 我想分期", True),
                                             ("他们打电话给我妈了 我想申请延期", True)])
def test_a_plan_asked_for_with_no_contact_in_it_is_no_evidence_entry(text: str, entry: bool) -> None:
    assert not_a_contact(text) is not entry
