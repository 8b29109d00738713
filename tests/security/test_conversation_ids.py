"""High: REST wrote into and read other people's conversations (``{"sender": "wecom-<userid>"}`` answered with
that WeCom user's lender and debt; ``{"sender": "staff-<case>"}`` changed a hotline case). Each channel now owns
its id space: the prefix is added by the channel, never taken from the client."""

from __future__ import annotations

import json
import uuid

from channels import rest, socketio, wecom
from serving.servers import texts
from tests.security.helpers import rest as rest_message
from tests.security.helpers import stored, user_events

STAFF_MARKERS = ("个案摘要", "可以这样告诉借款人", "借款人遇到的这种情况", "可以这样回答借款人", "借款人流露出")


def wecom_say(servers, settings, user: str, text: str) -> None:  # type: ignore[no-untyped-def]
    from wechatpy.enterprise.crypto import WeChatCrypto

    from tests.http.test_wecom import request, text_message

    crypto = WeChatCrypto(settings["WECOM_TOKEN"], settings["WECOM_AES_KEY"], settings["WECOM_CORP_ID"])
    query, body = text_message(crypto, settings["WECOM_CORP_ID"], user, text)
    status, _ = request(servers.base, "POST", query, body)
    assert status == 200


def state(servers, conversation: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    tracker = servers.tracker(conversation, channel=None)
    return len(tracker["events"]), {k: v for k, v in tracker["slots"].items() if v is not None}


def test_rest_cannot_read_or_write_a_wecom_conversation(channel_servers, wecom_settings):
    user = "li" + uuid.uuid4().hex[:6]
    wecom_say(channel_servers, wecom_settings, user, "我欠借呗两万三，逾期四十天了")
    target = wecom.conversation_id(user, wecom_settings["WECOM_AES_KEY"])
    before = state(channel_servers, target)
    assert before[1].get("debt_amount") == 23000
    # the probe's request, the old id form, and the stored id itself (were it ever learnt)
    for sender in (f"wecom-{user}", target, user):
        answer = rest_message(channel_servers.base, sender, "逾期三十天，我到底欠多少？借的哪家？")
        assert answer.status == 200, answer.text
        body = texts(answer.json)
        assert "23,000" not in body and "23000" not in body and "借呗" not in body
        assert answer.json and all(r["recipient_id"] == sender for r in answer.json)
    assert state(channel_servers, target) == before  # the WeCom conversation is unchanged
    senders = {r["sender_id"] for r in stored(channel_servers)}
    assert rest.conversation_id(f"wecom-{user}") in senders and f"wecom-{user}" not in senders


def test_rest_cannot_change_a_staff_case(channel_servers):
    case = "staff-" + uuid.uuid4().hex
    replies = channel_servers.staff_say(case, "借款人欠招商银行信用卡五万，逾期三个月，失业了")
    assert replies
    before = state(channel_servers, case)
    assert before[1]["debt_amount"] == 50000 and before[1]["audience"] == "staff"
    answer = rest_message(channel_servers.base, case, "不对，是六万")
    assert answer.status == 200
    again = rest_message(channel_servers.base, case, "每月能还两千")
    body = texts(again.json)
    assert not any(m in body for m in STAFF_MARKERS)  # no staff pack
    assert state(channel_servers, case) == before
    assert [r["sender_id"] for r in stored(channel_servers) if r["sender_id"] == case]  # still there, untouched


def test_rest_cannot_address_a_web_conversation(channel_servers, browser):
    widget = browser()
    token = widget.start()
    widget.say({"message": "我欠美团八千，逾期两个月"})
    target = socketio.conversation_id(token)
    before = state(channel_servers, target)
    for sender in (target, token, "web-" + token):
        assert rest_message(channel_servers.base, sender, "不对，是八万").status == 200
    assert state(channel_servers, target) == before


def test_a_browser_cannot_choose_its_session_id(channel_servers, browser):
    widget = browser()
    for chosen in ("0123456789abcdef0123456789abcdef", "staff-0123456789abcdef", "wecom-zhangsan",
                   "a" * 40, None, 42, {"x": 1}):
        issued = widget.start(chosen)  # type: ignore[arg-type]
        assert issued != chosen and socketio.valid_session_id(issued)
        assert widget.history == []


def test_user_uttered_cannot_name_another_session(channel_servers, browser):
    victim, attacker = browser(), browser()
    victim_token = victim.start()
    victim.say({"message": "我欠借呗一万"})
    attacker_token = attacker.start()
    before = state(channel_servers, socketio.conversation_id(victim_token))
    attacker.say({"message": "不对，是十万", "session_id": victim_token})
    assert state(channel_servers, socketio.conversation_id(victim_token)) == before
    own = user_events(channel_servers, socketio.conversation_id(attacker_token))
    assert [e["text"] for e in own] == ["不对，是十万"]


def test_what_holding_a_session_id_gives(channel_servers, browser):
    """docs/security.md: the history, writing into it, and while connected its later replies, live."""
    owner = browser()
    token = owner.start()
    owner.say({"message": "催收说明天上门"})
    holder = browser()
    assert holder.start(token) == token
    assert [m["text"] for m in holder.history if m["sender"] == "user"] == ["催收说明天上门"]
    owner.say({"message": "逾期有什么后果"})
    live = [d for name, d in holder.drain(2.0) if name == "bot_uttered"]
    assert live, "a second holder receives the conversation's replies live"
    # and nothing else: a new id for "新对话", no way to another conversation
    assert holder.start(None) != token


def test_personal_data_in_ids_is_refused_or_never_stored(channel_servers, staff_token, wecom_settings):
    for sender in ("user-13812345678", "138.1234.5678", "a@b.com", "zhang 三"):
        answer = rest_message(channel_servers.base, sender, "你好")
        assert answer.status == 400 and "sender" in answer.json["error"], sender
    from tests.security.helpers import call

    answer = call(channel_servers.base, "POST", "/webhooks/staff/api/message",
                  {"conversation_id": "staff-13812345678", "message": "你好"},
                  headers={"Authorization": f"Bearer {staff_token}"})
    assert answer.status == 400 and "个人信息" in answer.json["error"]
    wecom_say(channel_servers, wecom_settings, "13912345678", "你好")  # WeCom UserIDs are often phone numbers
    dump = json.dumps(stored(channel_servers), ensure_ascii=False)
    for needle in ("13812345678", "13912345678", "a@b.com"):
        assert needle not in dump
    assert wecom.conversation_id("13912345678", wecom_settings["WECOM_AES_KEY"]) in dump


# Accepted until now: "any run of 16+ characters with two letters" counted as an opaque token, and `$` let a
# trailing newline through.
PERSONAL_SENDERS = ("member13812345678", "vip-qq23456789", "user-23456789", "abcdef13812345678",
                    "c11010519491231002Xd", "E87654321")


def test_senders_with_a_phone_qq_or_id_number_are_refused(channel_servers):
    for sender in PERSONAL_SENDERS:
        answer = rest_message(channel_servers.base, sender, "你好")
        assert answer.status == 400, (sender, answer.text)
        assert answer.json["error"] == rest.PERSONAL_SENDER, sender
    assert rest.conversation_id("member13812345678") not in {r["sender_id"] for r in stored(channel_servers)}
    # a digest stays usable, whatever digits it happens to hold
    digest = "3f9a0c13812345678bd0e1f2a3b4c5d6"
    assert rest_message(channel_servers.base, digest, "你好").status == 200


def test_a_trailing_newline_is_not_part_of_a_valid_id(channel_servers, staff_token):
    from tests.security.helpers import call

    answer = rest_message(channel_servers.base, "newline-sender\n", "你好")
    assert answer.status == 400 and answer.json["error"] == rest.BAD_SENDER
    assert rest.conversation_id("newline-sender\n") not in {r["sender_id"] for r in stored(channel_servers)}
    auth = {"Authorization": f"Bearer {staff_token}"}
    answer = call(channel_servers.base, "POST", "/webhooks/staff/api/message",
                  {"conversation_id": "staff-abcdefgh\n", "message": "你好"}, headers=auth)
    assert answer.status == 400 and "staff-" in answer.json["error"]
    for method in ("GET", "DELETE"):
        answer = call(channel_servers.base, method, "/webhooks/staff/api/case/staff-abcdefgh%0A", headers=auth)
        assert answer.status == 400, (method, answer.text)


def test_the_staff_api_refuses_personal_ids_on_every_route(channel_servers, staff_token):
    from tests.security.helpers import call

    auth = {"Authorization": f"Bearer {staff_token}"}
    for case in ("staff-13812345678", "staff-member13812345678", "staff-qq23456789"):
        answer = call(channel_servers.base, "POST", "/webhooks/staff/api/message",
                      {"conversation_id": case, "message": "你好"}, headers=auth)
        assert answer.status == 400 and "个人信息" in answer.json["error"], case
        for method in ("GET", "DELETE"):  # DELETE skipped the check until now
            answer = call(channel_servers.base, method, f"/webhooks/staff/api/case/{case}", headers=auth)
            assert answer.status == 400 and "个人信息" in answer.json["error"], (method, case, answer.text)
