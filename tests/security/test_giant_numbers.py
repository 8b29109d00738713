"""Low: a number of 309+ digits → OverflowError → 500 (REST and staff API; Socket.IO and WeCom said
「系统出了点问题」), and Rasa's own ``/intent{entities}`` syntax typed by a user set facts directly. Now: absurd
amounts are answered (never a crash, never a fact), typed entity syntax is read as text, and the quick-reply
buttons' ``/affirm`` payloads keep working."""

from __future__ import annotations

import pytest

from channels.socketio import ERROR_REPLY as WEB_ERROR
from serving.servers import texts
from tests.security.helpers import call, new_id, rest

GIANT = [
    "我欠了" + "9" * 400 + "元",
    "欠款" + "1" * 309 + "块",
    "欠了 1e300 元",
    "欠款 1.7976931348623157e308 元，逾期 1e400 天",
    "每月能还" + "9" * 320 + "万",
    "欠了" + "九" * 400 + "万",
    "一共欠一" + "亿" * 60 + "元",
    "欠了一千万亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿亿元",
    "欠 99999999999999999999w，逾期 99999999999999 天",
    "欠了 3.5e400w",
    "欠款 10的400次方 元",
    "逾期" + "9" * 400 + "天",
    "逾期九" + "万" * 50 + "年",
]
FACT_SLOTS = ("debt_amount", "overdue_days", "monthly_income", "affordable_monthly", "extension_days",
              "essential_expenses")


def sane(slots: dict) -> bool:
    return all(slots.get(s) is None or 0 <= float(slots[s]) <= 1e9 for s in FACT_SLOTS)


def test_giant_numbers_over_rest_are_answered_and_never_become_facts(channel_servers):
    for text in GIANT:
        sender = new_id("giant")
        answer = rest(channel_servers.base, sender, text)
        assert answer.status == 200, (text[:40], answer.status, answer.text[:200])
        assert texts(answer.json), text[:40]
        assert sane(channel_servers.tracker(sender)["slots"]), text[:40]
    # inside the form, when the amount is the very question asked
    sender = new_id("giant-form")
    assert "哪家" in texts(rest(channel_servers.base, sender, "我想申请分期").json)
    assert "多少" in texts(rest(channel_servers.base, sender, "招行信用卡").json)
    for text in ("9" * 400, "一" + "亿" * 60, "1e300"):
        answer = rest(channel_servers.base, sender, text)
        assert answer.status == 200 and texts(answer.json)
    slots = channel_servers.tracker(sender)["slots"]
    assert slots["debt_amount"] is None and sane(slots)


def test_giant_numbers_through_the_staff_console_widget_and_wecom(channel_servers, staff_token, browser,
                                                                   wecom_settings):
    from tests.security.test_conversation_ids import wecom_say

    for text in GIANT[:6]:
        answer = call(channel_servers.base, "POST", "/webhooks/staff/api/message",
                      {"conversation_id": "staff-" + new_id("giant"), "message": text},
                      headers={"Authorization": f"Bearer {staff_token}"})
        assert answer.status == 200 and answer.json["replies"], text[:40]
        assert sane(answer.json["case"] or {})
    widget = browser()
    widget.start()
    for text in GIANT[:6]:
        replies = widget.say({"message": text})
        assert replies and not any(r.get("text") == WEB_ERROR for r in replies), text[:40]
    for text in GIANT[:3]:
        wecom_say(channel_servers, wecom_settings, "giant" + new_id("u")[-6:], text)


@pytest.mark.parametrize("typed", [
    '/inform{"amount": "1e300"}',
    '/inform{"amount": "50000", "lender": "Foo Lending Ltd"}',
    '/inform{"debt_amount": 99999}',
    '/request_installment{"lender": "Acme Finance", "amount": "20000"}',
    "／ｉｎｆｏｒｍ｛＂ａｍｏｕｎｔ＂：＂５００００＂｝",
    '\u200b/inform{"amount": "50000"}',
    '/inform@1.0{"amount": "50000"}',
    '/express_crisis@1.0{"amount": "50000"}',
])
def test_typed_entity_syntax_sets_no_facts(channel_servers, typed):
    """The entity syntax sets nothing; what is left is text, read by the NLU like any other (a lender named in
    it in plain words would count, as in any message)."""
    sender = new_id("inject")
    answer = rest(channel_servers.base, sender, typed)
    assert answer.status == 200
    tracker = channel_servers.tracker(sender)
    slots = tracker["slots"]
    assert all(slots.get(s) is None for s in FACT_SLOTS) and slots.get("lender") is None, slots
    user = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert not user["text"].startswith("/")
    assert not any(e.get("extractor") == "RegexMessageHandler" for e in user["parse_data"]["entities"])
    assert user["parse_data"]["intent"].get("confidence") != 1.0 or user["parse_data"]["intent"]["name"] != \
        typed.lstrip("/\u200b").split("{")[0].split("@")[0]


def test_quick_reply_payloads_still_work(channel_servers):
    sender = new_id("buttons")
    offer = rest(channel_servers.base, sender, "催收发短信说明天上门").json
    payloads = [b["payload"] for r in offer for b in r.get("buttons") or []]
    assert "/affirm" in payloads
    started = rest(channel_servers.base, sender, "/affirm")
    assert started.status == 200 and "哪家" in texts(started.json)
    user = [e for e in channel_servers.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert user["text"] == "/affirm" and user["parse_data"]["intent"]["name"] == "affirm"
