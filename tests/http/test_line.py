"""LINE channel inside the real Rasa server, its client pointed at a local fake of the LINE Messaging API
(channels/fakes.py: a real HTTP server that records every reply and push call). Webhooks are signed with the
channel secret as LINE signs them."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from channels.fakes import line_body, line_event, line_signature
from channels.line import PREFIX
from channels.messenger import conversation_id, is_traditional
from coach import knowledge
from coach.zh.normalizer import to_traditional
from tests.http.waiting import wait_until

PATH = "/webhooks/line/webhook"
DRAFT_TITLES = ("【電話協商話術】", "【書面協商申請】")


def post(base: str, body: bytes, signature: str | None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    req = urllib.request.Request(base + PATH, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def line(channel_servers, fake_line, messenger_settings):  # type: ignore[no-untyped-def]
    secret = messenger_settings["LINE_CHANNEL_SECRET"]

    class Line:
        def send(self, user: str, text: str | None = None, **kwargs: Any) -> tuple[int, str]:
            """A signed webhook with one event; waits for the replies it causes when it expects some."""
            token = fake_line.reply_token(user)
            body = line_body(line_event(user, text=text, reply_token=token, **kwargs))
            return post(channel_servers.base, body, line_signature(body, secret))

        def say(self, user: str, text: str, **kwargs: Any) -> list[str]:
            """One text message; the texts LINE delivered for it (waits until they stop coming)."""
            before = len(fake_line.texts_to(user))
            assert self.send(user, text, **kwargs)[0] == 200
            wait_until(lambda: len(fake_line.texts_to(user)) > before)
            settled = -1
            while settled != len(fake_line.texts_to(user)):  # pushes follow the reply
                settled = len(fake_line.texts_to(user))
                time.sleep(0.7)
            return fake_line.texts_to(user)[before:]

        def user_texts(self, user: str) -> list[str]:
            tracker = channel_servers.tracker(conversation_id(PREFIX, user, secret), channel=None)
            return [e["text"] for e in tracker["events"] if e["event"] == "user"]

        def slot(self, user: str, name: str) -> Any:
            return channel_servers.tracker(conversation_id(PREFIX, user, secret), channel=None)["slots"].get(name)

    return Line()


def new_user() -> str:
    return "U" + uuid.uuid4().hex


def test_taiwan_user_gets_traditional_replies_with_taiwan_rules(line, fake_line):
    user = new_user()
    texts = line.say(user, "催收說要打給我公司")
    joined = "\n".join(texts)
    rule = knowledge.special_answer("workplace", "tw").splitlines()[0]  # 台灣規定：催收時間為上午七時至晚上十時…
    assert to_traditional(rule, "tw") in joined
    assert "金融消費評議中心" in joined and "12378" not in joined  # Taiwan's lines, not the mainland's
    assert all(is_traditional(t) for t in texts if len(t) > 10)
    assert line.slot(user, "script") == "tw"
    calls = fake_line.sent_to(user)
    assert calls[0]["kind"] == "reply" and all(len(c["messages"]) <= 5 for c in calls)
    assert line.user_texts(user) == ["催收說要打給我公司"]


def test_simplified_writer_on_line_gets_simplified_and_mainland_rules(line):
    user = new_user()
    texts = line.say(user, "催收说要打电话到我单位")
    joined = "\n".join(texts)
    assert not is_traditional(joined)
    assert "台灣" not in joined and "台湾" not in joined
    assert line.slot(user, "script") == "simplified"


def test_a_plan_is_its_summary_then_each_draft_on_request(line, fake_line, channel_servers):
    """On a phone the plan comes first, with the next step and a quick reply per draft; each draft is the one
    REST gets in its whole pack; long turns are split across the reply and pushes in fives."""
    user, rest_user = new_user(), "line-compare-" + uuid.uuid4().hex
    for message in ["想申請分期", "欠招行信用卡三萬二", "逾期兩個月", "失業了，沒有收入"]:
        line.say(user, message)
        channel_servers.say(rest_user, message)
    before = len(fake_line.sent_to(user))
    texts = line.say(user, "每月能還一千五")
    joined = "\n".join(texts)
    assert "每期 1,455 元" in joined and is_traditional(joined)
    assert not any(title in joined for title in DRAFT_TITLES)  # no pack of drafts on a phone
    quick = [item["action"] for c in fake_line.sent_to(user)[before:] for m in c["messages"]
             for item in (m.get("quickReply") or {}).get("items", [])]
    assert [q["data"] for q in quick][:2] == ["看電話協商話術", "看書面協商申請"]
    pack = [r["text"] for r in channel_servers.say(rest_user, "每月能還一千五")]

    phone = line.say(user, None, kind="postback", postback=quick[0]["data"])
    assert [t for t in phone if t.startswith("【")] == [t for t in pack if t.startswith("【電話協商話術】")]
    assert "書面協商申請" in phone[-1]  # what else there is

    before = len(fake_line.sent_to(user))
    rest = line.say(user, "全部")
    calls = fake_line.sent_to(user)[before:]
    assert [t for t in rest if t.startswith("【")] == [t for t in pack if t.startswith("【")]
    assert calls[0]["kind"] == "reply" and all(c["kind"] == "push" for c in calls[1:])
    assert all(len(c["messages"]) <= 5 for c in calls) and sum(len(c["messages"]) for c in calls) == len(rest)
    assert all(len(t.encode("utf-16-le")) // 2 <= 5000 for t in rest)


def test_bad_or_missing_signature_is_refused_and_never_reaches_rasa(line, channel_servers, messenger_settings):
    user = new_user()
    body = line_body(line_event(user, text="你好"))
    assert post(channel_servers.base, body, line_signature(body, "another-secret"))[0] == 403
    assert post(channel_servers.base, body, None)[0] == 401
    tampered = body.replace("你好".encode(), "再見".encode())
    assert post(channel_servers.base, tampered,
                line_signature(body, messenger_settings["LINE_CHANNEL_SECRET"]))[0] == 403
    assert line.user_texts(user) == []  # nothing reached Rasa


def test_redelivered_event_is_answered_once(line, fake_line):
    user = new_user()
    event_id = uuid.uuid4().hex.upper()[:26]
    first = line.say(user, "逾期會有什麼後果", event_id=event_id)
    assert first
    assert line.send(user, "逾期會有什麼後果", event_id=event_id, redelivery=True)[0] == 200
    assert line.send(user, "逾期會有什麼後果", event_id=event_id, redelivery=True)[0] == 200
    time.sleep(3)
    assert fake_line.texts_to(user) == first
    assert line.user_texts(user) == ["逾期會有什麼後果"]
    # A redelivered event never seen before is answered, by push (its reply token may have expired).
    again = line.say(user, "那要怎麼申訴", redelivery=True)
    assert again and fake_line.sent_to(user)[-1]["kind"] == "push"


def test_follow_sticker_and_quick_reply(line, fake_line):
    user = new_user()
    assert line.send(user, kind="follow")[0] == 200
    wait_until(lambda: fake_line.sent_to(user))
    greeting = fake_line.sent_to(user)[0]["messages"][-1]
    assert "債務協商助手" in greeting["text"]  # the domain's greeting, in Traditional
    items = greeting["quickReply"]["items"]
    assert [i["action"]["data"] for i in items][:3] == ["/report_visit_threat", "/cannot_pay", "/request_installment"]
    assert [i["action"]["label"] for i in items] == ["催收說要上門", "這個月還不上", "想申請分期", "怎麼投訴催收"]

    sticker = {"id": "1", "type": "sticker", "packageId": "446", "stickerId": "1988",
               "stickerResourceType": "STATIC"}
    texts = line.say(user, None, message=sticker)
    assert len(texts) == 1 and "文字" in texts[0] and is_traditional(texts[0])

    # An unfollow is only logged (LINE allows no message then).
    calls = len(fake_line.calls)
    assert line.send(user, kind="unfollow")[0] == 200
    time.sleep(1)
    assert len(fake_line.calls) == calls

    # Tapping the quick reply 「想申請分期」 sends its payload: the form starts and asks for the lender.
    texts = line.say(user, None, kind="postback", postback="/request_installment")
    assert texts and any("哪" in t for t in texts)
    assert line.user_texts(user)[-1] == "/request_installment"


def test_failed_call_is_retried_once(line, fake_line):
    user = new_user()
    fake_line.fail_next(1)
    texts = line.say(user, "催收每天打十幾通電話")
    assert texts
    ok = next(i for i, c in enumerate(fake_line.calls) if c["status"] == 200 and c["body"].get("_user") == user)
    failed = fake_line.calls[ok - 1]  # the same reply, refused once by the API, then sent again
    assert failed["status"] == 500 and failed["body"]["replyToken"] == fake_line.calls[ok]["body"]["replyToken"]


def test_personal_data_is_redacted_before_rasa(line):
    user = new_user()
    texts = line.say(user, "催收打我電話0912345678說要告我")
    assert any("隱去" in t for t in texts)  # the note, in Traditional
    assert "0912345678" not in line.user_texts(user)[0]


def test_a_taiwan_user_deletes_their_own_conversation(line):
    """「刪除我的紀錄」 on LINE: the confirmation is asked in Traditional, 「確認刪除」 deletes, and it is gone."""
    user = new_user()
    line.say(user, "欠中信銀行信用卡八萬，逾期三個月")
    asked = "\n".join(line.say(user, "刪除我的紀錄"))
    assert "確認刪除" in asked and is_traditional(asked)
    assert line.user_texts(user) == ["欠中信銀行信用卡八萬，逾期三個月"]
    assert "已經刪除" in "\n".join(line.say(user, "確認刪除"))
    assert line.user_texts(user) == []
