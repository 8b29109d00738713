"""Pure helpers of the channels (no servers)."""

from __future__ import annotations

import time

import pytest
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels import history, limits, origins, rest, socketio, wecom
from channels.inbound import contains_personal_data
from channels.replay import MemoryReplayRecord, SQLiteReplayRecord, make_record
from channels.socketio import WidgetSocketIOInput, new_session_id, valid_session_id
from channels.wecom import MAX_BYTES, RecentMessages, cut_to, reply_texts, split_text


def test_split_text_keeps_every_piece_within_the_wecom_limit():
    text = "\n".join(f"第{i}行：" + "协商还款" * 40 for i in range(30)) + "\n" + "长" * 3000
    pieces = split_text(text)
    assert all(0 < len(p.encode()) <= MAX_BYTES for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    assert split_text("短消息") == ["短消息"]


def test_cut_to_adds_a_note_only_when_needed():
    assert cut_to("你好") == "你好"
    cut = cut_to("很长" * 2000)
    assert len(cut.encode()) <= MAX_BYTES and cut.endswith("请使用网页版。）")


def test_buttons_become_a_reply_hint():
    texts = reply_texts([{"text": "要现在开始吗？", "buttons": [{"title": "好，开始", "payload": "/affirm"},
                                                              {"title": "先不用", "payload": "/deny"}]}])
    assert texts == ["要现在开始吗？\n可以回复：好，开始 / 先不用"]


class Item:
    def __init__(self) -> None:
        self.created = time.monotonic()


def test_recent_messages_is_bounded_and_expires():
    recent = RecentMessages(size=3, ttl=60)
    for i in range(5):
        recent.add(str(i), Item())  # type: ignore[arg-type]
    assert len(recent) == 3 and recent.get("0") is None and recent.get("4") is not None
    expiring = RecentMessages(size=10, ttl=0.01)
    expiring.add("a", Item())  # type: ignore[arg-type]
    time.sleep(0.02)
    assert expiring.get("a") is None


def test_each_channel_keys_its_own_conversations():
    assert rest.conversation_id("me") == "rest-me"
    session = new_session_id()
    assert valid_session_id(session) and len(session) >= 32 and session != new_session_id()
    web = socketio.conversation_id(session)
    assert web.startswith("web-") and session not in web and web == socketio.conversation_id(session)
    user = wecom.conversation_id("13812345678", "k" * 43)
    assert user.startswith("wecom-") and "13812345678" not in user
    assert user != wecom.conversation_id("13812345678", "other-key")  # keyed: not computable without the key
    for bad in ("staff-0123456789abcdef", "short", "../../etc/passwd", None, 42, "x" * 65, "a b" * 12):
        assert not valid_session_id(bad)


def test_rest_senders_are_plain_ids_without_personal_data():
    assert rest.SENDER.match("load-u10-3-0") and rest.SENDER.match("a:b.c_d")
    for bad in ("", "x" * 129, "张三", "a/b", "a b", "../x"):
        assert not rest.SENDER.match(bad)
    assert contains_personal_data("user-13812345678") and not contains_personal_data("load-u10-3-0")


def test_token_buckets_refuse_after_the_burst_and_refill():
    now = [0.0]
    buckets = limits.Buckets(limits.Rate(per_minute=60, burst=3), clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(1.0)  # one token a second
    assert buckets.take("b") == 0  # another key has its own bucket
    now[0] += 1.0
    assert buckets.take("a") == 0
    small = limits.Buckets(limits.Rate(60, 1), max_keys=2)
    for key in "abc":
        small.take(key)
    assert len(small) == 2
    assert limits.Buckets(None).take("a") == 0


def test_addresses_are_bucketed_by_client_loopback_exempt():
    assert limits.address_key("127.0.0.1") is None and limits.address_key("::1") is None
    assert limits.address_key("") is None
    assert limits.address_key("203.0.113.7") == "203.0.113.7"
    assert limits.address_key("::ffff:203.0.113.7") == "203.0.113.7"
    # IPv6: the whole address, one key for every spelling of it (a /64 is a whole network, not one client).
    assert limits.address_key("2001:db8::1") == limits.address_key("2001:DB8:0:0::0001") == "2001:db8::1"
    assert limits.address_key("2001:db8::ffff") == limits.address_key("[2001:db8::ffff]") == "2001:db8::ffff"
    assert limits.address_key("fe80::1%eth0") == "fe80::1"


def test_ipv6_neighbours_in_one_64_have_their_own_allowance():
    """Two borrowers on one office network (one /64): the first using up her allowance does not stop the other;
    she herself is stopped, whichever way her address is written."""
    shared = limits.Limits(limits.Rate(60, 1), None)
    assert shared.check_address("2001:db8:0:1::a") == 0
    assert shared.check_address("2001:db8:0:1:0:0:0:a") > 0  # the same address, the bucket is empty
    assert shared.check_address("2001:db8:0:1::b") == 0  # her neighbour on the same /64
    assert shared.check_address("::1") == 0 and shared.check_address("::1") == 0  # loopback stays exempt


def test_metadata_limits():
    assert limits.metadata_problem({"source": "x"}) is None
    assert "层级" in limits.metadata_problem({"a": {"b": 1}})
    deep: dict = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    assert "层级" in limits.metadata_problem(deep)
    assert "过大" in limits.metadata_problem({"source": "x" * 2000})


def test_partner_origins():
    try:
        origins.configure(["https://partner.example", "https://b.example/"])
        assert origins.allowed("https://partner.example") and origins.allowed("https://b.example")
        assert not origins.allowed("https://evil.example")
        assert origins.allowed("http://bot:5005", {"HTTP_HOST": "bot:5005", "wsgi.url_scheme": "http"})  # own page
        assert origins.allowed(None)  # not a browser
        origins.configure("*")
        assert origins.allowed("https://evil.example")
        origins.configure(None)
        assert not origins.allowed("https://partner.example")
    finally:
        origins.configure(None)


async def test_replay_records_claim_once(tmp_path):
    now = [1000.0]
    memory = MemoryReplayRecord(size=10, clock=lambda: now[0])
    assert await memory.claim("m1", 60) and not await memory.claim("m1", 60)
    now[0] += 61
    assert await memory.claim("m1", 60)
    path = tmp_path / "replay.db"
    first, second = SQLiteReplayRecord(path), SQLiteReplayRecord(path)  # two processes' views of one file
    assert await first.claim("m2", 60) and not await second.claim("m2", 60)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert isinstance(make_record("memory"), MemoryReplayRecord)
    assert isinstance(make_record(f"sqlite:///{tmp_path / 'r2.db'}"), SQLiteReplayRecord)


def test_wecom_timestamps_and_inner_xml():
    assert wecom.fresh("1000", 300, now=1200) and not wecom.fresh("1000", 300, now=1301)
    assert not wecom.fresh("978307200", 300) and not wecom.fresh("abc", 300) and not wecom.fresh("", 300)
    good = ("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
            "<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId><AgentID>1</AgentID></xml>")
    assert wecom.parse_inner(good).content == "hi"
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
              "<xml><Content>&lol2;</Content></xml>")
    for bad in (laughs, "<xml><Content>hi</Content>", "not xml", "", "<xml>\x00</xml>", b"\xff\xfe<xml/>"):
        assert wecom.parse_inner(bad) is None, bad


def test_browser_metadata_cannot_claim_staff_audience():
    assert WidgetSocketIOInput._metadata({"audience": "staff", "source": "合作方"}) == \
        {"source": "合作方", "audience": "borrower"}
    assert WidgetSocketIOInput._metadata('{"audience": "staff"}') == {"audience": "borrower"}
    assert WidgetSocketIOInput._metadata("not json") == {"audience": "borrower"}


def test_history_shows_button_titles_and_keeps_draft_info():
    tracker = DialogueStateTracker.from_events("s", [
        UserUttered("催收说要上门"),
        BotUttered("要现在开始吗？", {"buttons": [{"title": "好，开始", "payload": "/affirm"}]}),
        UserUttered("/affirm"),
        BotUttered("【电话协商话术】\n您好", {"custom": {"draft": {"kind": "phone_script", "title": "电话协商话术"}}}),
    ])
    msgs = history.messages(tracker)
    assert [m["sender"] for m in msgs] == ["user", "bot", "user", "bot"]
    assert msgs[1]["quick_replies"] == [{"title": "好，开始", "payload": "/affirm"}]
    assert msgs[2]["text"] == "好，开始"
    assert msgs[3]["custom"]["draft"]["kind"] == "phone_script"
    assert history.case(None)["lender"] is None
