"""Several debts (共债) over REST against the real servers: one plan across all lenders, an overview and one
card of drafts per lender; debts given in one message or several, added, corrected and removed in plain words;
token mode; Traditional-Chinese users with their own rules; hotline staff.

Dialogue facts come from the deterministic extractors and the form takes answers as answers, so these hold for any
reasonable NLU model.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from serving.servers import Servers, texts

MAINLAND_ONLY = re.compile(r"第七十条|个性化分期|(?<![\d,])(12378|12363|12321|12356|12368)(?![\d,])|逃废债|"
                           r"地方金融管理局")


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def cards(replies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The lender cards sent, by lender."""
    out = {}
    for reply in replies:
        draft = (reply.get("custom") or {}).get("draft") or {}
        if draft.get("kind") == "lender_drafts":
            out[draft["lender"]] = draft
    return out


def overview(replies: list[dict[str, Any]]) -> str:
    return next(r["text"] for r in replies if ((r.get("custom") or {}).get("draft") or {}).get("kind")
                == "debts_overview")


def say(servers: Servers, sender: str, message: str, metadata: dict | None = None) -> list[dict[str, Any]]:
    """servers.say at a person's pace: a long conversation may meet the per-conversation rate limit (burst 10,
    then 20 a minute); the limit says how long to wait, and a person would wait."""
    if metadata:
        return servers.say(sender, message, metadata)
    body = json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode()
    for _ in range(3):
        status, replies = servers.post_raw("/webhooks/rest/webhook", body)
        if status != 429:
            assert status == 200, replies
            return replies
        time.sleep(int(re.search(r"(\d+) 秒", replies["error"]).group(1)) + 0.5)
    raise AssertionError("still rate-limited")


def converse(servers: Servers, sender: str, messages: list[str], metadata: dict | None = None) -> list[dict]:
    replies: list[dict] = []
    for message in messages:
        replies = say(servers, sender, message, metadata)
    return replies


def debts_slot(servers: Servers, sender: str) -> list[tuple[str, int | None]]:
    return [(d["lender"], d.get("amount")) for d in servers.tracker(sender)["slots"]["debts"] or []]


def test_four_debts_in_one_message_one_plan_and_a_card_per_lender(servers: Servers) -> None:
    sender = new_sender("four")
    replies = converse(servers, sender, [
        "我欠了好几个平台，借呗2万，微粒贷1万5，美团5千，还有招行信用卡3万，每个月只能拿出2000，怎么办",
        "两个月", "失业了"])
    assert debts_slot(servers, sender) == [("借呗", 20000), ("微粒贷", 15000), ("美团借钱", 5000), ("招商银行", 30000)]
    text = overview(replies)
    assert "4 家，合计 70,000 元" in text
    assert "借呗（网络借贷平台）｜欠 20,000 元｜每月 556 元｜36 期" in text
    assert "招商银行（银行信用卡）｜欠 30,000 元｜每月 834 元｜36 期" in text
    by_lender = cards(replies)
    assert list(by_lender) == ["借呗", "微粒贷", "美团借钱", "招商银行"]
    cmb = by_lender["招商银行"]
    assert cmb["collapsed"] is True and [s["kind"] for s in cmb["sections"]] == [
        "phone_script", "written_request", "short_reply"]
    phone = cmb["sections"][0]["text"]
    assert "贵行这一份是每月 834 元" in phone and "还欠另外 3 家，几家一共 70,000 元" in phone
    assert "个性化分期" in phone
    assert "每月 2,000 元按各家欠款占总额的比例分" in texts(replies)


def test_debts_over_several_messages_then_added_corrected_removed(servers: Servers) -> None:
    sender = new_sender("steps")
    converse(servers, sender, ["我想申请分期", "招行信用卡", "3万，还有借呗2万", "三个月", "生病了"])
    replies = say(servers, sender, "1500")
    assert debts_slot(servers, sender) == [("招商银行", 30000), ("借呗", 20000)]
    assert "2 家，合计 50,000 元" in overview(replies)
    assert set(cards(replies)) == {"招商银行", "借呗"}

    replies = say(servers, sender, "另外微粒贷也欠了1万5")
    assert debts_slot(servers, sender)[-1] == ("微粒贷", 15000)
    assert "3 家，合计 65,000 元" in overview(replies) and len(cards(replies)) == 3

    listed = texts(say(servers, sender, "我现在欠了哪些"))
    assert "3 家" in listed and "· 微粒贷：15,000 元" in listed and "合计 65,000 元" in listed

    replies = say(servers, sender, "招行是三万五不是三万")
    assert ("招商银行", 35000) in debts_slot(servers, sender)
    assert "3 家，合计 70,000 元" in overview(replies)

    replies = say(servers, sender, "借呗那笔已经还清了")
    assert debts_slot(servers, sender) == [("招商银行", 35000), ("微粒贷", 15000)]
    assert "2 家，合计 50,000 元" in overview(replies)

    replies = say(servers, sender, "还有花呗")
    assert "花呗大概欠多少" in texts(replies) and not cards(replies)
    replies = say(servers, sender, "8000")  # a bare number: never goodbye
    assert ("花呗", 8000) in debts_slot(servers, sender)
    assert "3 家，合计 58,000 元" in overview(replies)

    # one lender's drafts again, on request: that card only
    replies = say(servers, sender, "微粒贷的话术再发我一下")
    assert list(cards(replies)) == ["微粒贷"]


def test_five_debts_in_one_message(servers: Servers) -> None:
    sender = new_sender("five")
    replies = converse(servers, sender, [
        "借呗3万，花呗1万，微粒贷2万，京东白条8000，建行信用卡5万，每月最多能还3000", "逾期一个多月", "做生意赔了"])
    assert len(debts_slot(servers, sender)) == 5
    text = overview(replies)
    assert "5 家，合计 118,000 元" in text
    assert len(cards(replies)) == 5


def test_token_mode_when_too_little_for_every_lender(servers: Servers) -> None:
    sender = new_sender("token")
    replies = converse(servers, sender, ["借呗2万，微粒贷1万5，美团5千，每月只能还两百五", "半年了", "生病住院了"])
    text = overview(replies)
    assert "每月先还 83 元" in text and "暂缓催收" in text
    for card in cards(replies).values():
        phone = card["sections"][0]["text"]
        assert "每月先还 83 元" in phone and "分 " not in card["sections"][2]["text"]


def test_taiwan_borrower_gets_traditional_text_and_no_mainland_rule(servers: Servers) -> None:
    sender = new_sender("tw")
    replies = converse(servers, sender, ["我在台北，欠國泰世華信用卡8萬、台新銀行信貸4萬，每個月最多只能還3000",
                                         "兩個月", "失業了"])
    text = texts(replies)
    assert "欠款清單" in text and "2 家，合計 120,000 元" in text
    assert not MAINLAND_ONLY.search(text)
    assert set(cards(replies)) == {"國泰世華銀行", "台新銀行"} or len(cards(replies)) == 2


def test_hong_kong_borrower_gets_traditional_text_and_no_mainland_rule(servers: Servers) -> None:
    sender = new_sender("hk")
    # An unmistakable request first: the form then takes 「兩個月」「冇咗份工」 as answers whatever the classifier says.
    first = "我喺香港，欠滙豐信用卡8萬同渣打4萬，每個月最多還3000，想同銀行傾分期"
    replies = converse(servers, sender, [first, "兩個月", "冇咗份工"])
    text = texts(replies)
    assert "2 家，合計 120,000 元" in text and not MAINLAND_ONLY.search(text)


def test_hotline_staff_get_a_case_summary_and_the_same_cards(servers: Servers) -> None:
    sender = new_sender("staffcase")
    staff = {"audience": "staff"}
    replies = converse(servers, sender, ["借款人欠招行信用卡3万、借呗2万，招行说要起诉她，每月能还2000", "逾期四个月",
                                         "失业"], staff)
    text = texts(replies)
    assert "借款人同时欠 2 家，合计 50,000 元" in text
    assert "优先联系：招商银行" in text
    assert len(cards(replies)) == 2
