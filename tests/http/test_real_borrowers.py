"""The messages a new user sent on a fresh machine, over REST against the real servers.

The form takes an answer as an answer whatever intent the model gives it, so these hold for any reasonable model:
short answers never end the chat, every fact in a message is kept (and never a wrong one), garbage never becomes a
lender's name in a letter, and numbers in everyday forms are read.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from serving.servers import Servers, texts

CRISIS_LINE = "12356"


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def slots(servers: Servers, sender: str) -> dict[str, Any]:
    return servers.tracker(sender)["slots"]


def drafted(replies: list[dict[str, Any]]) -> list[str]:
    return [r["custom"]["draft"]["kind"] for r in replies if (r.get("custom") or {}).get("draft")]


def start_form(servers: Servers, sender: str) -> None:
    assert "哪家" in texts(servers.say(sender, "我想申请分期还款"))


@pytest.mark.parametrize("amount_text,amount", [("8000", 8000), ("30000", 30000), ("43000多啊", 43000)])
def test_a_bare_amount_answers_the_amount_question(servers: Servers, amount_text: str, amount: int) -> None:
    sender = new_sender("amount")
    start_form(servers, sender)
    servers.say(sender, "招行信用卡")
    body = texts(servers.say(sender, amount_text))
    assert "照顾好自己" not in body and "逾期多久" in body
    assert slots(servers, sender)["debt_amount"] == amount


def test_short_answers_all_the_way_to_the_drafts(servers: Servers) -> None:
    sender = new_sender("short")
    start_form(servers, sender)
    servers.say(sender, "招行信用卡")
    servers.say(sender, "8000")
    assert "原因" in texts(servers.say(sender, "俩月"))
    body = texts(servers.say(sender, "失业了"))
    assert "照顾好自己" not in body and "每个月" in body
    replies = servers.say(sender, "2500")
    assert "phone_script" in drafted(replies) and "8,000" in texts(replies)
    facts = slots(servers, sender)
    assert (facts["hardship_reason"], facts["overdue_days"], facts["affordable_monthly"]) == ("失业/收入下降", 60, 2500)


def test_a_goodbye_mid_form_is_confirmed_and_continuing_keeps_the_facts(servers: Servers) -> None:
    sender = new_sender("bye")
    start_form(servers, sender)
    servers.say(sender, "微粒贷")
    replies = servers.say(sender, "先不聊了")
    assert "要先停在这里吗" in texts(replies) and any(r.get("buttons") for r in replies)
    body = texts(servers.say(sender, "继续"))
    assert "一共欠多少" in body  # the form resumes where it was: the lender is kept
    assert slots(servers, sender)["lender"] == "微粒贷"


def test_every_lender_and_amount_in_one_message(servers: Servers) -> None:
    sender = new_sender("many")
    body = texts(servers.say(sender, "我欠了好几个平台，借呗2万，微粒贷1万5，美团5千，还有招行信用卡3万，"
                                     "每个月只能拿出2000，怎么办"))
    facts = slots(servers, sender)
    assert [(d["lender"], d["amount"]) for d in facts["debts"]] == [
        ("借呗", 20000), ("微粒贷", 15000), ("美团借钱", 5000), ("招商银行", 30000)]
    assert (facts["debt_amount"], facts["affordable_monthly"]) == (70000, 2000)
    assert "30,000 元每月" not in body


def test_corrections_in_plain_words(servers: Servers) -> None:
    sender = new_sender("fix")
    servers.say(sender, "欠建行32000")
    servers.say(sender, "建行是3万 2万是借呗的")
    facts = slots(servers, sender)
    assert [(d["lender"], d["amount"]) for d in facts["debts"]] == [("建设银行", 30000), ("借呗", 20000)]
    assert facts["debt_amount"] == 50000


def test_the_borrowers_own_installments_and_monthly_amount_are_kept(servers: Servers) -> None:
    sender = new_sender("own")
    servers.say(sender, "想延期，欠招行4万3")
    servers.say(sender, "改成分期 每月1500")
    facts = slots(servers, sender)
    assert (facts["requested_plan"], facts["affordable_monthly"]) == ("installment", 1500)
    servers.say(sender, "分12期")
    assert slots(servers, sender)["requested_months"] == 12


def test_no_garbage_lender_in_a_letter(servers: Servers) -> None:
    sender = new_sender("junk")
    servers.say(sender, "他说他们有内部渠道 银行只认他们")
    assert slots(servers, sender)["lender"] is None
    start_form(servers, sender)
    servers.say(sender, "國泰世華啊 剛剛說過了")
    assert slots(servers, sender)["lender"] == "国泰世华银行"


def test_an_unknown_lender_is_confirmed_before_it_reaches_a_draft(servers: Servers) -> None:
    sender = new_sender("confirm")
    start_form(servers, sender)
    body = texts(servers.say(sender, "某某小贷"))
    assert "「某某小贷」，对吗" in body
    assert "一共欠多少" in texts(servers.say(sender, "对"))
    assert slots(servers, sender)["lender_confirmed"] is True


@pytest.mark.parametrize("message,slot,value", [
    ("一共欠了十万零五千", "debt_amount", 105000),
    ("税后6800", "monthly_income", 6800),
])
def test_numbers_in_everyday_forms(servers: Servers, message: str, slot: str, value: int) -> None:
    sender = new_sender("num")
    servers.say(sender, message)
    assert slots(servers, sender)[slot] == value


def test_everyday_numbers_as_form_answers(servers: Servers) -> None:
    sender = new_sender("num-form")
    servers.say(sender, "能不能延期还款")
    servers.say(sender, "借呗")
    servers.say(sender, "两万")
    assert "宽限多久" in texts(servers.say(sender, "一个多月"))
    assert "原因" in texts(servers.say(sender, "再等我45天"))
    assert (slots(servers, sender)["overdue_days"], slots(servers, sender)["extension_days"]) == (30, 45)


@pytest.mark.parametrize("message", ["借呗逾期了会怎么样", "买什么保险比较好"])
def test_no_false_crisis_alarm(servers: Servers, message: str) -> None:
    assert CRISIS_LINE not in texts(servers.say(new_sender("calm"), message))


def test_declining_an_offer_is_not_a_crisis(servers: Servers) -> None:
    sender = new_sender("decline")
    replies = servers.say(sender, "我欠招行三万，逾期两个月了")
    assert any(r.get("buttons") for r in replies)  # the offer to draft a plan
    assert CRISIS_LINE not in texts(servers.say(sender, "不想"))
