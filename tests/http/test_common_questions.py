"""The questions people ask most, over REST against the real servers (actions/common_questions.py, knowledge.yml
``special``): an overdue debt with any kind of lender, what happens, how to check a lawsuit, fee refunds, whether a
caller is really the lender — answered whatever intent the classifier gives, never 「这个我帮不上忙」; the answer
to the bot's own region question; and what the evidence log does not record.

Each message is one a new user typed or one written in the same manner (colloquial, typos, Traditional,
Cantonese). Replies are compared in Simplified characters (a Traditional writer gets Traditional replies).
"""

from __future__ import annotations

import re
import time
import uuid

import pytest

from coach import knowledge, replies
from coach.zh.normalizer import to_simplified
from serving.servers import Servers, texts

# What the bot says when it cannot place a message: never for a message about a debt.
REFUSALS = ("帮不上忙", "没太看懂", "回答不了")
LOGGED = "已记入证据记录"


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def say(servers: Servers, sender: str, message: str) -> tuple[str, list[dict]]:
    replies_ = servers.say(sender, message)
    time.sleep(0.3)  # well inside the per-conversation rate limit
    return to_simplified(texts(replies_)), replies_


def logged(servers: Servers, sender: str) -> list:
    return servers.tracker(sender)["slots"].get("contact_log") or []


def first_line(topic: str, region: str = "mainland") -> str:
    return to_simplified(knowledge.special_answer(topic, region).splitlines()[0])


def assert_answered(body: str, message: str) -> None:
    for refusal in REFUSALS:
        assert refusal not in body, (message, body)


# ---------- an overdue debt: what happens, what to do first, the offer with the lender named ----------

# (message, the special topic that answers it, the lender the offer names or None)
OVERDUE = [
    ("网贷逾期了怎么办", "overdue_what_now", None),
    ("京东白条逾期怎么办", "overdue_what_now", "京东白条"),
    ("借呗到期还不上怎么办", "overdue_what_now", "借呗"),
    ("花呗没钱还逾期怎么办", "overdue_what_now", "花呗"),
    ("网贷预期了怎么办啊", "overdue_what_now", None),
    ("兄弟 微粒贷逾期了 咋办啊 急", "overdue_what_now", "微粒贷"),
    ("美团月付逾期了怎么处理", "overdue_what_now", "美团借钱"),
    ("分期乐还不起了怎么办", "overdue_what_now", "分期乐"),
    ("度小满逾期了咋整", "overdue_what_now", "度小满"),
    ("消费贷逾期了 有什么办法吗", "overdue_what_now", None),
    ("马上消费金融逾期了怎么处理", "overdue_what_now", "马上消费金融"),
    ("小贷公司的钱逾期了怎么办", "overdue_what_now", None),
    ("白条还款日过了还没还怎么办", "overdue_what_now", "京东白条"),
    ("信用卡逾期三个月了 咋办", "overdue_card", None),
    ("招行信用卡还不上了怎么办", "overdue_card", "招商银行"),
]


@pytest.mark.parametrize(("message", "topic", "lender"), OVERDUE)
def test_overdue_what_now_for_every_kind_of_lender(servers: Servers, message: str, topic: str,
                                                   lender: str | None) -> None:
    sender = new_sender("overdue")
    body, replies_ = say(servers, sender, message)
    assert_answered(body, message)
    assert first_line(topic) in body, (message, body)
    for needle in ("民事纠纷", "征信", "主动联系贷款方", "延期或分期", "借新还旧"):
        assert needle in body, (message, needle, body)
    assert "要现在开始吗" in body and any(r.get("buttons") for r in replies_), body  # the offer to draft
    if lender:
        assert f"给{lender}的协商方案" in body, body
        assert servers.tracker(sender)["slots"]["lender"] == lender
    assert "您是欠哪家机构的" not in body  # a question does not start the form
    assert LOGGED not in body and not logged(servers, sender)


def test_accepting_the_offer_starts_the_form_without_asking_the_lender_again(servers: Servers) -> None:
    sender = new_sender("offer-yes")
    body, _ = say(servers, sender, "借呗到期还不上怎么办")
    assert "给借呗的协商方案" in body
    after, _ = say(servers, sender, "好")
    assert "哪家机构" not in after and "一共欠多少" in after, after


def test_a_credit_card_gets_its_personal_installment_rule(servers: Servers) -> None:
    body, _ = say(servers, new_sender("card"), "信用卡逾期了怎么办")
    assert "第七十条" in body and "个性化分期" in body and "由银行决定" in body


CONSEQUENCES = ["借呗还不上会怎么样", "逾期有什么影响", "招联好期贷逾期了会怎么样", "安逸花逾期有什么后果",
                "360借条一直不还会怎么样"]


@pytest.mark.parametrize("message", CONSEQUENCES)
def test_what_will_happen_gets_the_consequences_not_the_form(servers: Servers, message: str) -> None:
    sender = new_sender("conseq")
    body, _ = say(servers, sender, message)
    assert_answered(body, message)
    assert first_line("overdue_consequences") in body and "征信" in body and "执行阶段" in body, body
    assert "您是欠哪家机构的" not in body and "一共欠多少" not in body
    assert not logged(servers, sender)


@pytest.mark.parametrize("message", ["借唄還不上了怎麼辦", "花唄逾期會怎樣", "張卡還唔到點算好"])
def test_traditional_and_cantonese_writers_get_an_answer_for_their_region(servers: Servers, message: str) -> None:
    body, _ = say(servers, new_sender("trad"), message)
    assert_answered(body, message)
    assert "12378" not in body and "12368" not in body  # not the mainland's lines
    assert re.search(r"香港|台湾|前置协商|银行营运守则", body), body


# ---------- a lawsuit, fees, a caller ----------

SUED = ["怎么查自己有没有被起诉", "我想查下自己是不是被起诉了", "怎么知道网贷有没有起诉我"]


@pytest.mark.parametrize("message", SUED)
def test_how_to_check_whether_one_has_been_sued(servers: Servers, message: str) -> None:
    sender = new_sender("sued")
    body, _ = say(servers, sender, message)
    assert_answered(body, message)
    assert "12368" in body and "官方网站" in body and "中国审判流程信息公开网" in body, body
    assert not re.search(r"https?://|www\.", body)  # never a link
    assert not logged(servers, sender)


@pytest.mark.parametrize("message", ["会员费能退吗", "罚息能退吗", "加速包的钱可以要回来吗"])
def test_fee_refunds_hedged_with_the_complaint_route(servers: Servers, message: str) -> None:
    sender = new_sender("fee")
    body, _ = say(servers, sender, message)
    assert_answered(body, message)
    assert "据报道" in body and "书面" in body and "12378" in body and "地方金融管理局" in body, body
    assert "不用还" not in body
    assert not logged(servers, sender)


@pytest.mark.parametrize("message", ["这个号码真的是借呗的吗", "打电话的人是不是真的催收"])
def test_is_this_caller_really_the_lender(servers: Servers, message: str) -> None:
    body, _ = say(servers, new_sender("verify"), message)
    assert_answered(body, message)
    assert "官方" in body and "卡背面" in body and "个人账户" in body and "96110" in body, body


# ---------- a message about a debt that nothing answers: one question with quick replies ----------

VAGUE = ["信用卡", "网贷的事", "征信花了", "额度被降了", "欠钱", "催收", "利息怎么算的"]


@pytest.mark.parametrize("message", VAGUE)
def test_a_debt_word_is_never_answered_with_a_refusal(servers: Servers, message: str) -> None:
    body, replies_ = say(servers, new_sender("vague"), message)
    assert_answered(body, message)
    assert body.strip(), message
    if to_simplified(replies.line("clarify_debt")) in body:
        buttons = [b["payload"] for r in replies_ for b in r.get("buttons") or []]
        assert buttons == ["/ask_consequences", "/request_installment", "/ask_complaint_channel"], replies_


def test_a_bare_what_to_do_after_a_debt_gets_one_question_with_quick_replies(servers: Servers) -> None:
    sender = new_sender("what-to-do")
    say(servers, sender, "欠了网贷")
    body, replies_ = say(servers, sender, "怎么办")
    assert_answered(body, "怎么办")
    assert to_simplified(replies.line("clarify_debt")) in body, body
    buttons = [b["payload"] for r in replies_ for b in r.get("buttons") or []]
    assert buttons == ["/ask_consequences", "/request_installment", "/ask_complaint_channel"], replies_


@pytest.mark.parametrize(("payload", "expected"), [("/ask_consequences", "民事纠纷"),
                                                   ("/request_installment", "哪家机构"),
                                                   ("/ask_complaint_channel", "12378")])
def test_the_quick_replies_lead_where_they_say(servers: Servers, payload: str, expected: str) -> None:
    body, _ = say(servers, new_sender("button"), payload)
    assert expected in body, (payload, body)


# ---------- the answer to the bot's own region question ----------

def test_taiwan_answer_to_the_region_question_sets_the_rules(servers: Servers) -> None:
    sender = new_sender("tw-answer")
    first, _ = say(servers, sender, "銀行的催收說要打給我公司")
    assert "还是内地" in first
    body, _ = say(servers, sender, "台灣啊 台北")
    assert_answered(body, "台灣啊 台北")
    assert "您在台湾" in body and "上午七时至晚上十时" in body, body  # noted, and the question answered again
    assert servers.tracker(sender)["slots"]["script"] == "tw"


def test_hong_kong_answer_to_the_region_question(servers: Servers) -> None:
    sender = new_sender("hk-answer")
    say(servers, sender, "銀行的催收說要打給我公司")
    body, _ = say(servers, sender, "香港啊")
    assert_answered(body, "香港啊")
    assert "您在香港" in body and "不合理时间" in body and "12378" not in body, body
    assert servers.tracker(sender)["slots"]["script"] == "hk"


# ---------- the evidence log records contacts only ----------

@pytest.mark.parametrize("message", ["我现在欠了哪些", "你们是催收公司的吧", "我已经点了 还填了身份证",
                                     "借呗逾期了会上门吗？", "利息怎么算的"])
def test_what_is_not_a_contact_is_not_logged(servers: Servers, message: str) -> None:
    sender = new_sender("no-log")
    body, _ = say(servers, sender, message)
    assert LOGGED not in body, body
    assert not logged(servers, sender)


def test_a_contact_by_a_collector_is_still_logged(servers: Servers) -> None:
    sender = new_sender("log")
    body, _ = say(servers, sender, "催收前天下午三点打电话给我妈了")
    assert LOGGED in body and len(logged(servers, sender)) == 1
