"""People at the court stage, and Taiwan's and Hong Kong's debt relief, over REST against the real servers: a payment
order, lawsuit papers, mediation, a freeze, enforcement, papers that may be fake, 「怎么查自己有没有被起诉」, a
collector's 「已经立案了」 — answered by the words whatever intent the classifier gives (knowledge.yml ``special``,
coach/zh/court_words.py); the 支付令异议书 and 答辩状 drafts produced on request from the case; Taiwan and Hong Kong
users answered by their own rules in their own words, never the mainland's.

Replies are compared in Simplified characters unless a test checks the script itself.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest

from coach.zh.normalizer import to_simplified
from serving.servers import Servers, texts

REFUSALS = ("帮不上忙", "没太看懂", "回答不了")
LOGGED = "已记入证据记录"
# Mainland rules and lines a Hong Kong or Taiwan user must never be given as theirs.
MAINLAND = re.compile(r"(?<!\d)(12378|12363|12321|12356|12368|12348|96110)(?!\d)|民事诉讼法|15 日内|"
                      r"第[一二三四五六七八九十百]+条|行业规范|人民币")


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def say(servers: Servers, sender: str, message: str) -> tuple[str, list[dict]]:
    got = servers.say(sender, message)
    time.sleep(0.3)  # well inside the per-conversation rate limit
    return texts(got), got


def slots(servers: Servers, sender: str) -> dict:
    return servers.tracker(sender)["slots"]


def assert_answered(body: str, message: str) -> None:
    for refusal in REFUSALS:
        assert refusal not in body, (message, body)


# (message, what the reply must say)
COURT = [
    ("收到法院支付令了怎么办", ("15 日内", "书面异议", "债务本身", "只说没钱还", "不影响支付令的效力", "帮我写异议书")),
    ("法院寄来传票 下周开庭 我没钱请律师", ("起诉状副本", "答辩状", "缺席判决", "小额诉讼", "12348", "帮我写答辩状")),
    ("说要诉前调解 必须去吗", ("自愿", "也可以拒绝", "2025 年起", "不收费", "个人账户")),
    ("微信上有人发了个法院传票照片 怎么辨别真假",
     ("照片", "12368", "中国审判流程信息公开网", "链接或二维码", "个人账户")),
    ("怎么查自己有没有被起诉", ("12368", "中国审判流程信息公开网", "官方网站", "15 日")),
    ("催收说已经立案了", ("不等于真的立案", "12368", "法院和案号", "起诉状副本")),
    ("法院把我的银行卡冻结了 怎么办", ("财产保全", "立即通知", "复议", "12368")),
    ("强制执行会不会把工资全扣光", ("生活必需费用", "不得拍卖", "执行和解")),
]


@pytest.mark.parametrize(("message", "needles"), COURT)
def test_the_court_stage_is_answered_with_its_facts(servers: Servers, message: str, needles: tuple[str, ...]) -> None:
    body, _ = say(servers, new_sender("court"), message)
    body = to_simplified(body)
    assert_answered(body, message)
    for needle in needles:
        assert needle in body, (message, needle, body)
    assert not re.search(r"https?://|www\.", body)  # never a link to check papers with


def test_the_courts_papers_are_not_logged_but_a_collectors_claim_is(servers: Servers) -> None:
    court = new_sender("court-log")
    say(servers, court, "法院寄来传票 下周开庭 我没钱请律师")
    say(servers, court, "收到法院支付令了")
    assert not slots(servers, court).get("contact_log")
    collector = new_sender("court-claim")
    body, _ = say(servers, collector, "催收今天打电话说已经立案了")
    assert "不等于真的立案" in to_simplified(body)
    assert LOGGED in to_simplified(body) and len(slots(servers, collector).get("contact_log") or []) == 1


def drafts(replies: list[dict]) -> dict[str, str]:
    return {((r.get("custom") or {}).get("draft") or {}).get("kind"): r.get("text", "") for r in replies
            if (r.get("custom") or {}).get("draft")}


def test_a_payment_order_conversation_ends_with_the_drafted_objection(servers: Servers) -> None:
    sender = new_sender("court-objection")
    say(servers, sender, "我欠招商银行信用卡三万二")
    answer, _ = say(servers, sender, "收到法院支付令了怎么办")
    assert "帮我写异议书" in to_simplified(answer)
    body, got = say(servers, sender, "帮我写支付令异议书")
    body = to_simplified(body)
    made = drafts(got)
    assert set(made) == {"letter_objection"}, body
    letter = to_simplified(made["letter_objection"])
    assert "申请人（债权人）：招商银行" in letter and "32,000 元" in letter
    for blank in ("【发出支付令的法院名称】", "【支付令上的案号】", "【收到日期】"):
        assert blank in letter, blank
    assert "债务本身" in letter and "只写确有依据的内容" in letter and "15 日内" in letter
    assert "只是一时还不上" in body  # the intro: no dispute, no objection; negotiate within the 15 days
    sent = slots(servers, sender).get("latest_letters") or {}
    assert [x["kind"] for x in sent.get("letters") or []] == ["objection"]
    assert not slots(servers, sender).get("contact_log")  # a request for a draft is no entry


def test_the_defence_outline_on_request(servers: Servers) -> None:
    sender = new_sender("court-defence")
    say(servers, sender, "我欠借呗两万")
    body, got = say(servers, sender, "答辩状怎么写")
    made = drafts(got)
    assert set(made) == {"letter_defence"}, body
    letter = to_simplified(made["letter_defence"])
    assert "答辩状要点" in letter and "20,000 元" in letter and "【起诉状副本或传票上的案号】" in letter
    assert "不回避这笔欠款" in letter and "第一百二十八条" in letter and "缺席判决" in letter


# ---------- Taiwan and Hong Kong: their own rules, in Traditional characters ----------

def test_taiwan_pre_filing_negotiation(servers: Servers) -> None:
    body, _ = say(servers, new_sender("tw-relief"), "我想走前置協商 要怎麼開始")
    assert_answered(to_simplified(body), "前置協商")
    for needle in ("前置協商", "最大債權金融機構", "財產及收入狀況說明書", "NT$1,000", "更生或清算", "02-8596-1629"):
        assert needle in body, (needle, body)
    assert not MAINLAND.search(to_simplified(body)), body
    assert "协商" not in body  # written in Traditional characters


def test_hong_kong_iva_and_bankruptcy(servers: Servers) -> None:
    sender = new_sender("hk-relief")
    say(servers, sender, "我喺香港")
    body, _ = say(servers, sender, "IVA同破產有咩分別")
    assert_answered(to_simplified(body), "IVA")
    for needle in ("個人自願安排", "破產管理署", "2867 2448", "HK$10,000", "3161 2929"):
        assert needle in body, (needle, body)
    assert not MAINLAND.search(to_simplified(body)), body
    assert "75%" not in body  # not verified (facts §12.18)


def test_a_taiwan_user_with_court_papers_gets_no_mainland_procedure(servers: Servers) -> None:
    sender = new_sender("tw-court")
    body, _ = say(servers, sender, "我住在台北，收到法院寄來的傳票怎麼辦")
    assert "並不適用" in body and ("法扶" in body or "法律扶助" in body), body
    assert not MAINLAND.search(to_simplified(body)) and "答辩状" not in to_simplified(body), body
    body, got = say(servers, sender, "幫我寫支付令異議書")
    assert not drafts(got), body  # the drafts follow the mainland's procedure
    assert "不能直接套用" in body and not MAINLAND.search(to_simplified(body)), body
