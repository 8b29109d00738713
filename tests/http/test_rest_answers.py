"""Issue 11 over REST against the real servers: the question that was asked gets its answer, the same block is not
sent twice in a row, and a borrower with nothing to pay gets a pause and a review date, never a lump sum.

The answers are chosen from the words of the message (knowledge.yml ``special``) by every action the classifier's
reasonable intents lead to (questions, threat reports, requests that start the form, a no, facts), so these hold for
any reasonable model. The messages are the ones quoted in the issue, except where the model of 2026-11-28 10:22 sends
a quoted message to a rule that answers without the action server (greeting/goodbye/bot_challenge/nlu_fallback):
「先还哪个」 → goodbye, 「综合年化加上担保费会员费都超过国家标准了」 and the mother's short 「我到底要不要还」 →
nlu_fallback; those are asked here in the fuller words a borrower also uses.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from coach import knowledge, replies
from coach.zh.normalizer import to_simplified
from serving.servers import Servers, texts

# A promise of one payment of everything (「无法一次性还清」 states a hardship, not a promise).
LUMP_SUM = re.compile(r"前还清|(?<!无法)(?<!没办法)一次性还清|到期前一次|一次性结清|剩余[^。；]*还清")


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def drafted(replies_: list[dict[str, Any]]) -> dict[str, str]:
    return {r["custom"]["draft"]["kind"]: r["text"] for r in replies_ if (r.get("custom") or {}).get("draft")}


def first_line(topic: str, region: str = "mainland") -> str:
    return knowledge.special_answer(topic, region).splitlines()[0]


# ---------- one message, its answer ----------

SINGLE = [
    ("收到一条短信说我已经被法院立案了，让我点链接查看传票，是真的吗", "court_sms", ("12368", "别点", "官方网站")),
    ("法院会发短信让人点链接吗？", "court_sms", ("12368", "别点")),
    ("利息超过24%合不合法", "interest", ("四倍", "不直接适用", "有律所解读", "书面", "12378")),
    ("他们的综合年化超过了国家标准，还收担保费和会员费，这合法吗", "interest", ("担保费", "年化", "12378")),
    ("综合年化超过国家标准了，还收担保费和会员费，合法吗", "interest", ("四倍", "地方金融管理局")),
    ("催收说要去我单位找我领导", "workplace", ("单位", "第六十八条", "不要联系我的单位")),
    ("欠了好几家网贷，应该先还哪个？", "priority", ("比例", "必要开支", "借新还旧")),
    ("催收在群里说我是骗子，算不算诽谤", "defamation", ("治安管理处罚法", "截图", "公安机关认定")),
    ("算不算诽谤", "defamation", ("治安管理处罚法",)),
    ("没钱请律师", "legal_aid", ("12348", "公共法律服务热线", "12368")),
]


@pytest.mark.parametrize(("message", "topic", "needles"), SINGLE)
def test_the_question_asked_gets_its_answer(servers: Servers, message: str, topic: str,
                                            needles: tuple[str, ...]) -> None:
    replies_ = servers.say(new_sender(topic), message)
    body = texts(replies_)
    assert first_line(topic) in body, body
    for needle in needles:
        assert needle in body, (needle, body)
    assert "您是欠哪家机构的" not in body  # a question is not the start of the form
    assert "工号" not in body or topic == "workplace"  # not the generic "ask the collector's ID" block


def test_the_weather_gets_a_polite_out_of_scope_reply(servers: Servers) -> None:
    body = texts(servers.say(new_sender("weather"), "今天天气怎么样"))
    assert "回答不了" in body or "帮不上" in body
    for wrong in ("坐牢", "征信", "失信", "民事纠纷"):  # not the overdue consequences
        assert wrong not in body, body


def test_a_taiwan_borrower_gets_taiwan_workplace_rules(servers: Servers) -> None:
    body = texts(servers.say(new_sender("tw-work"), "催收說要到我公司找我主管"))
    assert "上午七時至晚上十時" in body and "工作地點" in body and "主管" in body
    assert "0800-789-885" in body and "110" in body
    assert not re.search(r"(?<!\d)(12378|12363|12321)(?!\d)|第六十八条|第六十八條", body)
    assert to_simplified(body) != body  # in Traditional characters


def test_a_hong_kong_borrower_gets_hong_kong_rules(servers: Servers) -> None:
    body = texts(servers.say(new_sender("hk-work"), "收數公司話要嚟我公司搵我老細"))
    assert "銀行營運守則" in body and "不合理時間" in body and "2878 1378" in body and "999" in body
    assert "七時" not in body and not re.search(r"(?<!\d)(12378|110)(?!\d)", body)


# ---------- conversations ----------

def test_phishing_click_conversation(servers: Servers) -> None:
    sender = new_sender("phish")
    first = texts(servers.say(sender, "收到一条短信说我已经被法院立案了，让我点链接查看传票，是真的吗"))
    assert "12368" in first and "别点" in first
    # The same question again: not the same block, a plain statement and a clarifying question.
    second = texts(servers.say(sender, "法院会发短信让人点链接吗？"))
    assert second.strip() == replies.repeat_message("court_sms")
    third = texts(servers.say(sender, "我刚才已经点了 还填了身份证号和银行卡"))
    lines = third.splitlines()
    freeze = next(i for i, line in enumerate(lines) if "冻结" in line)
    passwords = next(i for i, line in enumerate(lines) if "密码" in line)
    report = next(i for i, line in enumerate(lines) if "96110" in line)
    assert freeze < passwords < report and "110" in lines[report]
    assert "官方" in lines[freeze] and "信用报告" in third
    fourth = texts(servers.say(sender, "谢谢"))
    assert fourth and "冻结" not in fourth


def test_a_mother_whose_sons_collector_calls_her(servers: Servers) -> None:
    sender = new_sender("mother")
    first = servers.say(sender, "我儿子欠了网贷，催收天天给我打电话，我到底要不要还")
    body = texts(first)
    assert "没有义务替他还" in body and "担保" in body and "「我不是借款人" in body
    assert "收到。家人、同事通常与您的债务无关" not in body  # she is not the borrower
    # Asked again: never the same paragraph a second time; a plain answer and what else she may want to know.
    second = texts(servers.say(sender, "我儿子欠了网贷，催收天天打我电话，这钱我要替他还吗"))
    # (the calls she reports may be logged as evidence: one line after the answer, whatever intent the model gives)
    assert second.strip().startswith(replies.repeat_message("family_not_liable"))
    assert "没有义务替他还" in second and "①" in second
    third = texts(servers.say(sender, "我该怎么回复催收"))
    assert "「我不是借款人" in third and "不能向您透露欠款细节" in third
    assert "您是欠哪家机构的" not in third
    fourth = texts(servers.say(sender, "那我能怎么帮他"))
    assert "不是义务" in fourth and "协商" in fourth and "12356" in fourth
    assert "您是欠哪家机构的" not in fourth
    tracker = servers.tracker(sender)
    assert not (tracker.get("active_loop") or {}).get("name"), "no form was started for the mother"
    all_bot = [e.get("text") or "" for e in tracker["events"] if e.get("event") == "bot"]
    long_blocks = [t for t in all_bot if len(t) > 60]
    assert len(long_blocks) == len(set(long_blocks)), "the same block twice"


def test_a_borrower_with_nothing_left_gets_a_pause_and_a_review_never_a_lump_sum(servers: Servers) -> None:
    sender = new_sender("dibao")
    # Asks for an extension, as borrowers on 低保 do, but has nothing to pay and names no date: no extension plan.
    start = texts(servers.say(sender, "信用卡还不上了，想跟银行申请延期"))
    assert "哪家" in start
    servers.say(sender, "招商银行信用卡")
    servers.say(sender, "九万左右")
    servers.say(sender, "逾期四个月了")
    servers.say(sender, "不知道")  # how long an extension: nobody can say
    reason = texts(servers.say(sender, "生病了没法工作，现在靠低保"))
    assert "每个月" in reason or "拿出" in reason, reason
    final = servers.say(sender, "一分钱都拿不出来")
    body = texts(final)
    drafts = drafted(final)
    assert set(drafts) >= {"phone_script", "written_request", "short_reply", "checklist"}
    assert "暂缓催收，收入恢复后再协商" in body  # the note before the drafts
    for kind in ("phone_script", "written_request", "short_reply"):
        text = drafts[kind]
        assert "暂缓催收" in text, kind
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text), kind  # the review date
        assert not LUMP_SUM.search(text), (kind, LUMP_SUM.search(text))
        assert "延期 30 天" not in text and "分 60 期" not in text
    assert "90,000 元" in drafts["written_request"] and "没有能力" in drafts["written_request"]
    assert "拿不出钱" in drafts["phone_script"]
    assert "招商银行" in drafts["written_request"]


def test_an_extension_asked_for_with_no_date_to_pay_is_drafted_as_installments(servers: Servers) -> None:
    sender = new_sender("ext")
    servers.say(sender, "想申请延期还款")
    servers.say(sender, "借呗")
    servers.say(sender, "四万三")
    servers.say(sender, "逾期一个月")
    servers.say(sender, "一个月")  # how long they would like
    servers.say(sender, "失业了")
    final = servers.say(sender, "每个月能还一千五")
    body = texts(final)
    drafts = drafted(final)
    assert "您想申请延期" in body and "1,500 元" in body
    assert "分 29 期" in drafts["written_request"]
    for kind in ("phone_script", "written_request", "short_reply"):
        assert not LUMP_SUM.search(drafts[kind]), kind
        assert "41,500" not in drafts[kind]


def test_the_borrowers_own_number_of_installments(servers: Servers) -> None:
    sender = new_sender("months")
    servers.say(sender, "我想分12期还")
    servers.say(sender, "招行信用卡")
    servers.say(sender, "三万六")
    servers.say(sender, "两个月")
    servers.say(sender, "失业了")
    final = servers.say(sender, "每月最多还一千五")
    body = texts(final)
    assert "您想分 12 期，每期要 3,000 元，超过您每月能还的 1,500 元" in body
    assert "分 24 期，每期 1,500 元" in drafted(final)["written_request"]

