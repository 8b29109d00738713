"""LINE and WhatsApp channels without servers: splitting, buttons, signatures, payload reading, retries, the
503 of an unconfigured channel, and the channel's default script in the slot-filling action."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import json
import logging
import re
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from linebot.v3.messaging import PushMessageRequest, TextMessage
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionExtractCaseFacts
from channels import line, whatsapp
from channels.fakes import FakeLineAPI, whatsapp_body, whatsapp_message
from channels.messenger import OrderedRuns, RecentOptions, call_with_retry, conversation_id, is_traditional
from channels.splitting import batches, numbered_options, pick_option, split_text, utf16_len
from coach import drafting
from coach.case import CaseFacts
from coach.plan import make_plan
from coach.zh.normalizer import to_traditional

TODAY = datetime.date(2026, 11, 23)
FACTS = CaseFacts(lender="招商银行", lender_type="credit_card", debt_amount=32000, overdue_days=60,
                  affordable_monthly=1500, hardship_reason="失业/收入下降", threat_types=("visit",))
SENTENCE_END = re.compile(r"[。！？!?；;：:）)」』”’】\w]$")


def drafts_text(region: str = "tw") -> str:
    """Every draft of the borrower's layout, one after another, as the bot words them for ``region``."""
    layout = drafting.layout(FACTS, make_plan(FACTS, TODAY), TODAY, region=region)
    return to_traditional("\n\n".join(body for _, body in layout.parts), region)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- splitting ---

def test_short_text_is_one_piece_and_empty_is_none():
    assert split_text("  催收說要上門  ", 5000) == ["催收說要上門"]
    assert split_text("\n\n", 10) == []


def test_paragraphs_are_packed_whole_before_anything_is_cut():
    paragraphs = ["一、開場。" + "請問您的姓名和工號。" * 3, "二、說明情況。" + "我最近失業了。" * 4,
                  "三、提出方案。" + "每期還款。" * 5]
    text = "\n\n".join(paragraphs)
    limit = len(paragraphs[0]) + len(paragraphs[1]) + 2
    assert split_text(text, limit) == ["\n\n".join(paragraphs[:2]), paragraphs[2]]


def test_a_long_paragraph_is_cut_at_lines_then_after_a_sentence_with_its_closing_quote():
    lines = ["通話前：準備好紙筆。", "可以說：「我想申請分期。」然後等對方回答。", "記下對方的工號。"]
    assert split_text("\n".join(lines), 25) == lines
    quoted = "可以說：「我想申請分期。」然後等對方回答。記下對方的工號。"
    assert split_text(quoted, 14) == ["可以說：「我想申請分期。」", "然後等對方回答。", "記下對方的工號。"]


def test_only_a_sentence_longer_than_the_limit_is_cut_inside():
    assert split_text("長" * 25, 10) == ["長" * 10, "長" * 10, "長" * 5]


def test_real_drafts_split_on_paragraph_or_sentence_boundaries():
    text = drafts_text("tw")
    assert len(text) > 1500
    for limit in (300, 800, 5000):
        pieces = split_text(text, limit)
        assert all(len(p) <= limit for p in pieces)
        assert squash("".join(pieces)) == squash(text)  # nothing lost, nothing added
        assert all(SENTENCE_END.search(p) for p in pieces), [p[-12:] for p in pieces]
    if len(text) <= 5000:
        assert split_text(text, 5000) == [text]


def test_utf16_length_counts_emoji_twice():
    assert utf16_len("你好") == 2 and utf16_len("👍") == 2
    assert all(utf16_len(p) <= 5 for p in split_text("👍👍👍👍👍", 5, utf16_len))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="催收協商分期還款我你。！？\n」「", min_size=1, max_size=60), min_size=1, max_size=30),
       st.integers(min_value=5, max_value=200))
def test_split_text_keeps_every_character_within_the_limit(parts, limit):
    text = "\n\n".join(parts)
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert squash("".join(pieces)) == squash(text)


def test_batches_and_numbered_options():
    assert batches(list(range(12)), 5) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    listed = numbered_options("想做什麼？", ["分期", "延期"], "回覆數字即可選擇：")
    assert listed == "想做什麼？\n\n回覆數字即可選擇：\n1. 分期\n2. 延期"
    payloads = ["/request_installment", "/request_extension", "/ask_legality", "/cannot_pay"]
    assert pick_option("2", payloads) == "/request_extension"
    assert pick_option(" ４ ", payloads) == "/cannot_pay" and pick_option("1.", payloads) == payloads[0]
    assert pick_option("5", payloads) is None and pick_option("2個月", payloads) is None
    assert pick_option("0", payloads) is None and pick_option("1", []) is None


# --- LINE ---

def bot(text: str, *buttons: tuple[str, str]) -> dict[str, Any]:
    return {"text": text, "buttons": [{"title": t, "payload": p} for t, p in buttons]}


def test_line_first_five_messages_reply_the_rest_push_in_fives():
    messages = line.plan_messages([bot(f"第{i}條。") for i in range(12)])
    plan = line.plan_sends(messages, "token")
    assert [(kind, len(group)) for kind, group in plan] == [("reply", 5), ("push", 5), ("push", 2)]
    assert [(kind, len(group)) for kind, group in line.plan_sends(messages, None)] == [("push", 5)] * 2 + [("push", 2)]
    assert line.plan_sends([], "token") == []


def test_line_long_draft_in_pieces_and_buttons_as_quick_replies_on_the_last():
    draft = drafts_text("tw") * 4
    messages = line.plan_messages([bot(draft, ("好，開始", "/affirm"), ("先不用", "/deny"))])
    assert len(messages) > 1 and all(utf16_len(m.text) <= line.MAX_CHARS for m in messages)
    assert [m.quick_replies for m in messages[:-1]] == [[]] * (len(messages) - 1)
    assert messages[-1].quick_replies == [("好，開始", "/affirm"), ("先不用", "/deny")]
    sdk = line.to_line(messages[-1]).to_dict()
    assert sdk["quickReply"]["items"][0]["action"] == {"type": "postback", "label": "好，開始", "data": "/affirm",
                                                       "displayText": "好，開始"}
    many = line.plan_messages([bot("選一個：", *[(f"選項{i}", f"/x{i}") for i in range(15)])])
    assert len(many[0].quick_replies) == 13


# --- WhatsApp ---

def test_whatsapp_up_to_three_buttons_are_interactive_more_are_numbered():
    bodies, numbered = whatsapp.plan_messages([bot("要現在開始嗎？", ("好，開始", "/affirm"), ("先不用", "/deny"))])
    assert numbered == [] and bodies == [whatsapp._buttons_body("要現在開始嗎？", [("好，開始", "/affirm"),
                                                                               ("先不用", "/deny")])]
    four = [("催收說要上門", "/report_visit_threat"), ("這個月還不上", "/cannot_pay"),
            ("想申請分期", "/request_installment"), ("怎麼投訴催收", "/ask_complaint_channel")]
    bodies, numbered = whatsapp.plan_messages([bot("您好，我是債務協商助手。", *four)])
    assert numbered == [p for _, p in four] and [b["type"] for b in bodies] == ["text"]
    assert bodies[0]["text"]["body"].endswith(
        "回覆數字即可選擇：\n1. 催收說要上門\n2. 這個月還不上\n3. 想申請分期\n4. 怎麼投訴催收")
    _, simplified = whatsapp.plan_messages([bot("您好，我是债务协商助手。", *four)])[0][0]["text"]["body"].split("\n\n")
    assert simplified.startswith("回复数字即可选择：")


def test_whatsapp_long_text_with_buttons_and_limits():
    draft = drafts_text("hk") * 3
    bodies, _ = whatsapp.plan_messages([bot(draft, ("好", "/affirm"))])
    texts = [b["text"]["body"] for b in bodies if b["type"] == "text"]
    assert all(len(t) <= whatsapp.MAX_CHARS for t in texts) and len(texts) >= 2
    last = bodies[-1]["interactive"]
    assert last["action"]["buttons"][0]["reply"] == {"id": "/affirm", "title": "好"}
    carried = last["body"]["text"]  # the last piece when it fits an interactive body (1,024), else a prompt
    assert len(carried) <= whatsapp.MAX_BUTTON_BODY
    assert squash("".join(texts) + carried) == squash(draft) or (
        squash("".join(texts)) == squash(draft) and carried == "請選擇：")


def test_whatsapp_signature_and_payload_reading():
    body = whatsapp_body("42", [whatsapp_message("85261234567", text="你好", message_id="wamid.1")])
    good = whatsapp.signature_ok  # hex HMAC-SHA256 with the app secret, "sha256=" in front
    digest = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert good(body, "sha256=" + digest, "secret")
    assert not good(body, digest, "secret") and not good(body, "sha256=" + digest, "other") and not good(body, "", "s")
    payload = json.loads(body)
    sent = payload["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"]  # its signed time, kept
    assert whatsapp.incoming_messages(payload, "42") == [whatsapp.Incoming("wamid.1", "85261234567", "你好", sent)]
    assert whatsapp.incoming_messages(payload, "43") == []  # another number of the same app
    button = json.loads(whatsapp_body("42", [whatsapp_message("852", button=("/affirm", "好，開始"))]))
    assert whatsapp.incoming_messages(button, "42")[0].text == "/affirm"
    image = json.loads(whatsapp_body("42", [whatsapp_message("852", kind="image")]))
    assert whatsapp.incoming_messages(image, "42")[0].text is None
    status = json.loads(whatsapp_body("42", statuses=[{"id": "wamid.1", "status": "delivered"}]))
    assert whatsapp.incoming_messages(status, "42") == []
    with pytest.raises(ValueError):
        whatsapp.incoming_messages({"object": "x"}, "42")


# --- shared ---

def test_conversation_ids_never_contain_the_user_id():
    cid = conversation_id("whatsapp-", "85261234567", "app-secret")
    assert cid.startswith("whatsapp-") and "85261234567" not in cid
    assert cid == conversation_id("whatsapp-", "85261234567", "app-secret")
    assert cid != conversation_id("whatsapp-", "85261234567", "other-secret")
    assert is_traditional("催收說") and not is_traditional("催收说") and not is_traditional("")


async def test_call_with_retry_retries_once_and_logs_no_text(caplog):
    calls: list[int] = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("refused")

    assert await call_with_retry(flaky, timeout=1, conversation="line-abc", what="LINE push")
    assert len(calls) == 2

    async def slow() -> None:
        calls.append(1)
        await asyncio.sleep(5)

    calls.clear()
    with caplog.at_level(logging.WARNING):
        assert not await call_with_retry(slow, timeout=0.05, conversation="line-abc", what="LINE push")
    assert len(calls) == 2
    assert "line-abc" in caplog.text and "TimeoutError" in caplog.text and "after 2 attempts" in caplog.text


def handler(bp: Any, uri: str, method: str) -> Any:
    return next(r.handler for r in bp._future_routes if r.uri == uri and method in r.methods)


async def test_unconfigured_channels_answer_503_with_a_log_line(caplog, monkeypatch):
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET",
                 "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(name, raising=False)
    request = SimpleNamespace(body=b"{}", headers={}, args={})
    with caplog.at_level(logging.WARNING):
        line_channel = line.LineInput.from_credentials({"channel_secret": "", "access_token": ""})
        wa_channel = whatsapp.WhatsAppInput.from_credentials(None)
    assert "LINE channel not configured" in caplog.text and "WhatsApp channel not configured" in caplog.text
    line_bp, wa_bp = line_channel.blueprint(None), wa_channel.blueprint(None)
    assert (await handler(line_bp, "/webhook", "POST")(request)).status == 503
    assert (await handler(wa_bp, "/webhook", "POST")(request)).status == 503
    assert (await handler(wa_bp, "/webhook", "GET")(request)).status == 503


def test_credentials_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "from-env")
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "token-env")
    channel = line.LineInput.from_credentials({"channel_secret": "from-yml", "api_base": "http://127.0.0.1:9/"})
    assert channel.secret == "from-yml" and channel.access_token == "token-env"
    assert channel.api_base == "http://127.0.0.1:9" and channel.configured


# --- the channel's default script, in the slot-filling action ---

def extracted(text: str, metadata: dict[str, Any], slots: dict[str, Any] | None = None) -> dict[str, Any]:
    user = {"event": "user", "text": text, "metadata": metadata,
            "parse_data": {"intent": {"name": "greet"}, "entities": [], "text": text}}
    tracker = Tracker("t", slots or {}, {"intent": {"name": "greet"}, "entities": [], "text": text}, [user],
                      False, None, {}, None)
    events = asyncio.run(ActionExtractCaseFacts().run(CollectingDispatcher(), tracker, {}))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_channel_default_script_until_the_users_writing_decides():
    assert extracted("你好", {"default_script": "tw"}).get("script") == "tw"  # LINE: Taiwan, Traditional
    assert extracted("你好", {"default_script": "hk"}).get("script") == "hk"  # WhatsApp: Hong Kong
    assert extracted("催收说要打电话到我单位", {"default_script": "hk"})["script"] == "simplified"
    assert extracted("催收話要打去我公司", {"default_script": "tw"})["script"] == "hk"  # Cantonese: Hong Kong
    assert "script" not in extracted("你好", {"default_script": "tw"}, {"script": "simplified"})
    assert "script" not in extracted("你好", {"source": "app"})  # REST / web: no default, mainland
    assert "script" not in extracted("你好", {"default_script": "mainland-please"})


async def test_ordered_runs_keep_one_conversations_order_and_forget_idle_locks():
    runs, seen = OrderedRuns(), []

    async def work(tag: str, pause: float) -> None:
        seen.append(f"{tag}-start")
        await asyncio.sleep(pause)
        seen.append(f"{tag}-end")

    await asyncio.gather(runs.run("line-a", lambda: work("first", 0.05)),
                         runs.run("line-a", lambda: work("second", 0)))
    assert seen == ["first-start", "first-end", "second-start", "second-end"]
    assert runs._locks == {} and runs._waiting == {}


def test_recent_options_expire_and_are_bounded():
    options = RecentOptions(size=2, ttl=60)
    options.remember("a", ["/x"])
    options.remember("b", ["/y"])
    options.remember("c", ["/z"])
    assert options.get("a") == [] and options.get("c") == ["/z"]
    options.forget("c")
    assert options.get("c") == []
    stale = RecentOptions(ttl=0)
    stale.remember("a", ["/x"])
    assert stale.get("a") == []


async def test_line_sends_through_the_sdk_client_to_a_local_fake():
    """The channel's own send path (SDK async client → HTTP) against the fake, without Rasa."""
    fake = FakeLineAPI("tok")
    fake.start()
    try:
        channel = line.LineInput(channel_secret="s", access_token="tok", api_base=fake.base, timeout=3)
        token = fake.reply_token("U1")
        await channel.send("line-x", "U1", token, line.plan_messages([bot(f"第{i}條。") for i in range(7)]))
        assert [(c["kind"], len(c["messages"])) for c in fake.sent_to("U1")] == [("reply", 5), ("push", 2)]
        # A push whose retry key LINE already accepted (409) went through: not an error.
        push = PushMessageRequest(to="U2", messages=[TextMessage(text="一次")])
        await channel._push(push, "key-1")
        await channel._push(push, "key-1")
        assert [c["status"] for c in fake.calls[-2:]] == [200, 409] and fake.texts_to("U2") == ["一次"]
        # A used reply token is refused by LINE: the messages are pushed instead.
        await channel.send("line-x", "U1", token, line.plan_messages([bot("再一次。")]))
        assert fake.sent_to("U1")[-1] == {"kind": "push", "messages": [{"type": "text", "text": "再一次。"}]}
        await channel.close()
    finally:
        fake.stop()
