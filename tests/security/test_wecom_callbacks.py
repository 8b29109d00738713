"""Low (WeCom): a correctly signed but malformed inner XML → 500 with an HTML page (7 forms incl. billion laughs
and NUL); no timestamp freshness window (a 2001 timestamp was accepted); the replay cache was per process. Now:
400, a ±5-minute window, and a replay record several processes share."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from typing import Any

import pytest
import xmltodict
from wechatpy.crypto import _get_signature
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto

from tests.http.test_wecom import request, text_message
from tests.security.helpers import stored

BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + ']><xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType>'
                  "<Content>&lol9;</Content><MsgId>1</MsgId></xml>")
XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>")
MALFORMED = [
    BILLION_LAUGHS,
    XXE,
    "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>a\x00b</Content><MsgId>3</MsgId></xml>",
    "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>cut",
    "not xml at all",
    "",
    "<xml><a><b></a></b></xml>",
]


@pytest.fixture(scope="module")
def crypto(wecom_settings) -> WeChatCrypto:
    return WeChatCrypto(wecom_settings["WECOM_TOKEN"], wecom_settings["WECOM_AES_KEY"],
                        wecom_settings["WECOM_CORP_ID"])


def signed(crypto: WeChatCrypto, corp_id: str, inner: str, timestamp: int | None = None) -> tuple[dict, bytes]:
    nonce, ts = uuid.uuid4().hex[:10], str(int(time.time()) if timestamp is None else timestamp)
    envelope = xmltodict.parse(crypto.encrypt_message(inner, nonce, ts))["xml"]
    body = f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]>" \
           "</Encrypt></xml>"
    return {"msg_signature": envelope["MsgSignature"], "timestamp": ts, "nonce": nonce}, body.encode()


def test_malformed_inner_xml_gets_400_not_500(channel_servers, crypto, wecom_settings):
    before = len(stored(channel_servers))
    for inner in MALFORMED:
        query, body = signed(crypto, wecom_settings["WECOM_CORP_ID"], inner)
        status, text = request(channel_servers.base, "POST", query, body)
        assert status == 400 and "<html" not in text.lower(), (inner[:40], status, text[:200])
    assert len(stored(channel_servers)) == before  # nothing reached Rasa


def test_old_and_future_timestamps_are_refused(channel_servers, crypto, wecom_settings):
    corp = wecom_settings["WECOM_CORP_ID"]
    inner_ok = text_message(crypto, corp, "timely", "你好")  # a fresh, valid message for contrast
    for ts in (978307200, int(time.time()) - 3600, int(time.time()) + 3600):  # 2001, an hour ago, an hour ahead
        plain = ("<xml><ToUserName>c</ToUserName><FromUserName>old</FromUserName><CreateTime>1</CreateTime>"
                 f"<MsgType>text</MsgType><Content>你好</Content><MsgId>{ts}</MsgId></xml>")
        query, body = signed(crypto, corp, plain, timestamp=ts)
        status, text = request(channel_servers.base, "POST", query, body)
        assert status == 403 and "时间戳" in text, (ts, status)
    assert request(channel_servers.base, "POST", *inner_ok)[0] == 200
    # the URL verification too
    echostr = PrpCrypto(crypto.key).encrypt("echo", corp).decode()
    ts, nonce = "978307200", "n1"
    query = {"msg_signature": _get_signature(wecom_settings["WECOM_TOKEN"], ts, nonce, echostr), "timestamp": ts,
             "nonce": nonce, "echostr": echostr}
    assert request(channel_servers.base, "GET", query)[0] == 403


def test_a_replayed_request_never_reaches_rasa_twice(channel_servers, crypto, wecom_settings):
    from channels.wecom import conversation_id

    query, body = text_message(crypto, wecom_settings["WECOM_CORP_ID"], "replayed", "逾期有什么后果")
    assert request(channel_servers.base, "POST", query, body)[0] == 200
    for _ in range(3):
        assert request(channel_servers.base, "POST", query, body) == (200, "")
    conversation = conversation_id("replayed", wecom_settings["WECOM_AES_KEY"])
    assert sum(1 for r in stored(channel_servers) if r["sender_id"] == conversation and r["type"] == "user") == 1


def _claim(path: str, key: str, out: Any) -> None:
    import asyncio

    from channels.replay import SQLiteReplayRecord

    out.put(asyncio.run(SQLiteReplayRecord(path).claim(key, 600)))


def test_the_replay_record_is_shared_across_processes(tmp_path):
    """Four processes take the same MsgId at once through one record: exactly one of them gets it."""
    path = str(tmp_path / "replay.db")
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claim, args=(path, "wecom:corp:123456", out)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    results = [out.get(timeout=10) for _ in procs]
    assert sorted(results) == [False, False, False, True]
