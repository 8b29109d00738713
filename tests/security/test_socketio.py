"""Low (Socket.IO): ``user_uttered`` without a payload → TypeError and the user got nothing. Now every payload
gets an answer; the session is the one the server confirmed; origins are checked."""

from __future__ import annotations

import json

from channels.inbound import EMPTY_REPLY
from channels.socketio import NO_SESSION_REPLY
from serving.servers import texts
from tests.security.helpers import REAL_IP_HEADER, address, call


def test_user_uttered_without_or_with_odd_payloads_is_answered(browser):
    widget = browser()
    widget.start()
    deep: object = "x"
    for _ in range(100):  # python-socketio's client recurses on it; 5,000 levels: the raw test below
        deep = [deep]
    for args in ((), (None,), ([],), (123,), ({"message": {"a": 1}},), ({"message": None},), ("",),
                 ({"metadata": "not json"},), ({"message": "", "metadata": {"audience": "staff"}},),
                 ({"message": deep},), (("你好", "extra", "args"),)):  # a tuple: several arguments
        if args == ({"metadata": "not json"},):
            widget.start()  # a fresh conversation: one takes 10 messages at once (rate limit)
        replies = widget.say(*args, timeout=60)
        assert replies and replies[0].get("text") and replies[0].get("error") != 429, args
    widget.start()
    answer = widget.say({"message": "催收说明天要上门"})  # still a working conversation: a real turn
    assert answer and texts(answer) and not any(r.get("notice") or r.get("error") for r in answer)


def test_user_uttered_before_a_session_gets_a_notice(browser):
    widget = browser()  # connected, no session_request
    replies = widget.say({"message": "你好"})
    assert replies[0]["text"] == NO_SESSION_REPLY and replies[0]["notice"]
    widget.start()
    assert widget.say({"message": ""})[0]["text"] == EMPTY_REPLY


def test_origins(channel_servers, partner_origin):
    from tests.security.helpers import Browser

    handshake = "/socket.io/?EIO=4&transport=polling"
    for origin, allowed in ((partner_origin[0], True), (channel_servers.base, True), ("https://evil.example", False),
                            ("null", False)):
        answer = call(channel_servers.base, "GET", handshake, headers={"Origin": origin})
        assert (answer.status == 200) == allowed, (origin, answer.status)
        assert "Access-Control-Allow-Credentials" not in answer.headers
        if allowed:
            assert answer.headers["Access-Control-Allow-Origin"] == origin
    try:
        Browser(channel_servers.base, origin="https://evil.example")
        raise AssertionError("a page from an unlisted origin connected")
    except Exception as err:
        assert "evil" in str(err) or "Connection" in type(err).__name__ or "accepted" in str(err), err
    assert Browser(channel_servers.base, origin=partner_origin[0]).start()


def test_a_5000_level_packet_is_no_crash(channel_servers, browser):
    """Socket.IO packets are JSON too: the probe's 5,000 levels of nesting, sent as a raw Engine.IO packet."""
    client = address()
    poll = "/socket.io/?EIO=4&transport=polling"
    handshake = call(channel_servers.base, "GET", poll, headers={REAL_IP_HEADER: client})
    assert handshake.status == 200
    sid = json.loads(handshake.text[1:])["sid"]
    url = f"{poll}&sid={sid}"
    assert call(channel_servers.base, "POST", url, "40", headers={REAL_IP_HEADER: client}).status == 200
    call(channel_servers.base, "GET", url, headers={REAL_IP_HEADER: client})  # the namespace's connect answer
    packet = '42["user_uttered",{"message":"你好","metadata":' + '{"a":' * 5000 + "1" + "}" * 5000 + "}]"
    assert len(packet.encode()) < 64 * 1024
    answer = call(channel_servers.base, "POST", url, packet, headers={REAL_IP_HEADER: client})
    assert answer.status < 500, answer.status
    widget = browser()  # the server is still serving
    widget.start()
    assert widget.say({"message": "你好"})
