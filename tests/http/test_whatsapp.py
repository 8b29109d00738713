"""WhatsApp channel inside the real Rasa server, its client pointed at a local fake of the Graph API
(channels/fakes.py: a real HTTP server that records every message sent). Webhooks are signed with the app
secret as Meta signs them."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest

from channels.fakes import whatsapp_body, whatsapp_message, whatsapp_signature
from channels.messenger import conversation_id, is_traditional
from channels.whatsapp import PREFIX
from coach import knowledge
from coach.zh.normalizer import to_traditional
from tests.http.waiting import wait_until

PATH = "/webhooks/whatsapp/webhook"


def request(base: str, method: str, query: str = "", body: bytes | None = None,
            signature: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    req = urllib.request.Request(f"{base}{PATH}{'?' + query if query else ''}", data=body, headers=headers,
                                 method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def wa(channel_servers, fake_graph, messenger_settings):  # type: ignore[no-untyped-def]
    secret = messenger_settings["WHATSAPP_APP_SECRET"]
    phone_id = messenger_settings["WHATSAPP_PHONE_NUMBER_ID"]

    class WhatsApp:
        def post(self, messages: list[dict[str, Any]] | None = None, **kwargs: Any) -> tuple[int, str]:
            body = whatsapp_body(phone_id, messages, **kwargs)
            return request(channel_servers.base, "POST", body=body, signature=whatsapp_signature(body, secret))

        def say(self, user: str, text: str | None = None, **kwargs: Any) -> list[dict[str, Any]]:
            """One message; the Graph API message bodies sent for it (waits until they stop coming)."""
            before = len(fake_graph.sent_to(user))
            assert self.post([whatsapp_message(user, text=text, **kwargs)])[0] == 200
            wait_until(lambda: len(fake_graph.sent_to(user)) > before)
            settled = -1
            while settled != len(fake_graph.sent_to(user)):
                settled = len(fake_graph.sent_to(user))
                time.sleep(0.7)
            return fake_graph.sent_to(user)[before:]

        def user_texts(self, user: str) -> list[str]:
            tracker = channel_servers.tracker(conversation_id(PREFIX, user, secret), channel=None)
            return [e["text"] for e in tracker["events"] if e["event"] == "user"]

        def slot(self, user: str, name: str) -> Any:
            return channel_servers.tracker(conversation_id(PREFIX, user, secret), channel=None)["slots"].get(name)

    return WhatsApp()


def new_user() -> str:
    return "8526" + str(uuid.uuid4().int)[:7]


def body_text(message: dict[str, Any]) -> str:
    return message["text"]["body"] if message["type"] == "text" else message["interactive"]["body"]["text"]


def test_verification_handshake_returns_the_challenge_only_for_the_right_token(channel_servers, messenger_settings):
    token = messenger_settings["WHATSAPP_VERIFY_TOKEN"]
    query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    assert request(channel_servers.base, "GET", urllib.parse.urlencode(query)) == (200, "1158201444")
    wrong = {**query, "hub.verify_token": token + "x"}
    status, text = request(channel_servers.base, "GET", urllib.parse.urlencode(wrong))
    assert status == 403 and "1158201444" not in text
    assert request(channel_servers.base, "GET", urllib.parse.urlencode({**query, "hub.mode": "unsubscribe"}))[0] == 403
    assert request(channel_servers.base, "GET")[0] == 403


def test_hong_kong_user_gets_traditional_replies_with_hong_kong_rules(wa):
    user = new_user()
    sent = wa.say(user, "催收話要打去我公司搵我老細")
    joined = "\n".join(body_text(m) for m in sent)
    rule = knowledge.special_answer("workplace", "hk").splitlines()[0]  # 香港《銀行營運守則》（非法定…
    assert to_traditional(rule, "hk") in joined
    assert "(852) 2878 1378" in joined and "12378" not in joined
    assert wa.slot(user, "script") == "hk"
    assert all(m["to"] == user and m["messaging_product"] == "whatsapp" for m in sent)
    assert wa.user_texts(user) == ["催收話要打去我公司搵我老細"]


def test_numbered_list_answered_by_its_number_then_the_drafts(wa):
    user = new_user()
    greeting = wa.say(user, "你好")
    text = body_text(greeting[-1])
    # Four buttons are more than WhatsApp shows: a numbered list in Traditional (Hong Kong standard: 説),
    # answered by its number.
    assert greeting[-1]["type"] == "text" and "1. 催收説要上門" in text and "4. 怎麼投訴催收" in text
    assert is_traditional(text)
    asked = wa.say(user, "3")
    assert wa.user_texts(user)[-1] == "/request_installment"
    assert asked and "欠" in body_text(asked[-1])  # the form asks for the lender first
    for message in ["欠招行信用卡三萬二", "逾期兩個月", "失業了，沒有收入"]:
        wa.say(user, message)
    plan = wa.say(user, "每月能還一千五")
    texts = [body_text(m) for m in plan]
    assert any("每期 1,455 元" in t for t in texts) and not any("【電話協商話術】" in t for t in texts)
    assert any("1. 看電話協商話術" in t for t in texts)  # four drafts: a numbered list, answered by its number
    drafts = wa.say(user, "1")
    texts = [body_text(m) for m in drafts]
    assert any(t.startswith("【電話協商話術】") for t in texts) and not any("【書面協商申請】" in t for t in texts)
    drafts = wa.say(user, "全部")
    texts = [body_text(m) for m in drafts]
    assert any(t.startswith("【書面協商申請】") for t in texts) and all(len(t) <= 4096 for t in texts)
    assert all(m["type"] == "text" or len(m["interactive"]["action"]["buttons"]) <= 3 for m in drafts)


def test_interactive_buttons_for_the_offer(wa):
    user = new_user()
    sent = wa.say(user, "我欠招行三萬二，逾期兩個月")  # facts → acknowledged, with the offer to draft (yes / no)
    interactive = [m for m in sent if m["type"] == "interactive"]
    assert interactive, [body_text(m) for m in sent]
    buttons = interactive[-1]["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["/affirm", "/deny"]
    assert [b["reply"]["title"] for b in buttons] == ["好，開始", "先不用"]
    asked = wa.say(user, None, button=("/affirm", "好，開始"))
    assert wa.user_texts(user)[-1] == "/affirm" and asked


def test_bad_signature_is_refused_and_never_reaches_rasa(wa, channel_servers, messenger_settings):
    user = new_user()
    body = whatsapp_body(messenger_settings["WHATSAPP_PHONE_NUMBER_ID"], [whatsapp_message(user, text="你好")])
    assert request(channel_servers.base, "POST", body=body, signature=whatsapp_signature(body, "wrong"))[0] == 403
    assert request(channel_servers.base, "POST", body=body)[0] == 401
    assert request(channel_servers.base, "POST", body=body, signature="sha256=" + "0" * 64)[0] == 403
    time.sleep(1)
    assert wa.user_texts(user) == []


def test_duplicate_message_ids_and_statuses(wa, fake_graph):
    user = new_user()
    message = whatsapp_message(user, text="逾期會有咩後果")
    first = wa.say(user, message_id=message["id"], text="逾期會有咩後果")
    assert first
    assert wa.post([message])[0] == 200  # Meta's redelivery: same message id
    status = {"id": message["id"], "status": "read", "timestamp": str(int(time.time())), "recipient_id": user}
    assert wa.post(statuses=[status])[0] == 200  # a status callback: ignored
    time.sleep(3)
    assert fake_graph.sent_to(user) == first
    assert wa.user_texts(user) == ["逾期會有咩後果"]


def test_image_gets_a_text_reply_and_simplified_writer_gets_simplified(wa):
    user = new_user()
    sent = wa.say(user, kind="image")
    assert len(sent) == 1 and "文字" in body_text(sent[0]) and is_traditional(body_text(sent[0]))
    assert wa.user_texts(user) == []
    sent = wa.say(user, "催收说要打电话到我单位")
    assert not is_traditional("\n".join(body_text(m) for m in sent))
    assert wa.slot(user, "script") == "simplified"


def test_failed_send_is_retried_once(wa, fake_graph):
    user = new_user()
    fake_graph.fail_next(1)
    assert wa.say(user, "催收每日打十幾個電話嚟")
    failed = [i for i, c in enumerate(fake_graph.calls) if c["status"] == 500 and c["body"]["to"] == user]
    assert len(failed) == 1
    retry = fake_graph.calls[failed[0] + 1]
    assert retry["status"] == 200 and retry["body"] == fake_graph.calls[failed[0]]["body"]


def test_empty_message_gets_the_input_checks_answer(wa):
    user = new_user()
    sent = wa.say(user, " \n\t ")
    assert len(sent) == 1 and "空" in body_text(sent[0]) and is_traditional(body_text(sent[0]))
    assert wa.user_texts(user) == []


def test_a_hong_kong_user_deletes_their_own_conversation(wa):
    user = new_user()
    wa.say(user, "我欠招行三萬二，逾期兩個月")
    asked = "\n".join(body_text(m) for m in wa.say(user, "刪除我的紀錄"))
    assert "確認刪除" in asked and is_traditional(asked)
    assert wa.user_texts(user) == ["我欠招行三萬二，逾期兩個月"]
    done = "\n".join(body_text(m) for m in wa.say(user, "確認刪除"))
    assert "已經刪除" in done
    assert wa.user_texts(user) == []
