"""Fuzzing run against the real servers: hypothesis-generated requests for a fixed time, then a scan of storage.

    python bench/fuzz.py --minutes 20 --out reports/fuzz      # `make fuzz`
    python bench/fuzz.py --smoke --out /tmp/fuzz               # about 60 s of requests (`make bench-smoke`)

Starts the action server and Rasa (serving/servers.py ``Servers``: free loopback ports, a temporary SQLite
tracker store) with every channel configured as the tests configure it (tests/conftest.py: the staff token, the
WeCom, LINE and WhatsApp secrets; the channels' outbound clients pointed at local fakes of their APIs), then
sends one request at a time until the deadline, of these kinds (``KINDS``, drawn by hypothesis):

- ``rest_json``  JSON bodies for ``POST /webhooks/rest/webhook``: the right shape with fuzzed sender, message and
  metadata; wrong types; deep nesting; sizes at and past the 64 KB body limit and the 1,000-character cut;
  emoji, mixed scripts, HTML/script, bidi controls, lone surrogates, Rasa's ``/intent{...}`` syntax;
- ``rest_bytes`` malformed bodies: broken or truncated JSON, invalid UTF-8, BOMs, giant numbers, deep nesting;
- ``framing``    raw HTTP over a socket: negative, non-numeric and duplicate Content-Length, Content-Length with
  chunked, bad chunk sizes, bad request lines and headers, pipelining, requests sent slowly or left unfinished;
- ``staff``      the staff console's API with no, a wrong and the right token; odd page names and case ids;
- ``download``   the download route with odd names, conversations, ``exp`` and ``sig`` (valid links too);
- ``wecom``, ``line``, ``whatsapp``  unsigned and badly signed webhooks (must get 4xx) and correctly signed ones
  (WeCom encrypted, LINE and Meta signatures) with fuzzed content;
- ``pii`` / ``pii_conversation``  messages with personal data in dodging spellings (tests/security/spellings.py
  plus 「138，1234，5678」, 「lisi艾特163点com」, QQ and WeChat ids) through every channel, the ground truth kept;
  now and then (``CONVERSATION_EVERY``) the whole benchmark conversation up to the drafts instead, the personal
  data in one of its turns, and its documents downloaded with a valid link.

Findings, each with an example request: a 5xx answer (the action server's 500s are read from its log: Rasa
calls it); a hang: after a request, ``GET /`` or a REST message does not answer within 10 s (Rasa is restarted
if it does not recover within a minute); a request that should be refused but was not (unsigned or badly signed
webhook, staff API without the token, a download without a valid link: anything but 4xx); personal data found:
every generated number (and e-mail/WeChat user name) searched, as ASCII letters and digits only (NFKC, Chinese
numerals read as digits), in every string of the tracker store, in the raw bytes of the SQLite files, in the
servers' logs and in the downloaded documents (.docx, .ics, and .pdf read through its fonts' ToUnicode maps).
Reported beside them, not counted: connections closed without an answer while the server stays up, and the
tracebacks in Rasa's log by kind. The generation is deterministic for a seed (hypothesis, with ``@seed``, no
shrinking, nothing that fails inside it; see ``drive``); the seed is in the report. Writes ``fuzz.md`` and
``fuzz.json`` to ``--out``; exits 1 when any count is not zero.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import random
import re
import socket
import sqlite3
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import uuid
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st

from tests.security import spellings as sp

REST = "/webhooks/rest/webhook"
STAFF = "/webhooks/staff"
DOWNLOAD = "/webhooks/files/download"
WECOM = "/webhooks/wecom/webhook"
LINE = "/webhooks/line/webhook"
WHATSAPP = "/webhooks/whatsapp/webhook"
MAX_BODY = 64 * 1024
DEFAULT_SEED = 2026
PROBE_TIMEOUT = 10.0  # a normal request after the fuzzed one must answer within this (the hang criterion)
RECOVERY = 60.0  # after a hang: how long Rasa gets to answer again before it is restarted
REQUEST_TIMEOUT = 30.0  # a well-formed HTTP request that gets no answer in this time is a hang itself
FRAMING_READ = 3.0  # how long a malformed request's own answer is awaited (the server may wait for more)

# The kinds, as many times as they should come up: hypothesis draws the kind of each request first (the draws
# may depend on nothing but earlier draws). Every CONVERSATION_EVERY requests (and once early, so that a smoke run
# downloads documents too) a "pii" request is sent as a whole conversation instead ("pii_conversation").
KINDS = ("rest_json", "rest_json", "rest_json", "pii", "pii", "pii", "framing", "framing", "rest_bytes", "staff",
         "download", "wecom", "line", "whatsapp")
CONVERSATION_EVERY = 120
FIRST_CONVERSATION = 5

# The benchmark conversation (bench/README.md): it ends with drafts, so the download route has documents.
CONVERSATION = ("想申请分期", "招行信用卡", "三万二", "两个月了", "失业了", "每月能还一千五")


# ---------------------------------------------------------------- strategies (pure: no network, no clock)

CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=40)
EMOJI = st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=30)
MIXED = st.text(st.sampled_from(list("欠款催收上门逾期ABCxyz09абвгαβγمرحباשלוםनमस्ते한국어ひらがなカタカナ๑๒๓ﾊﾝｶｸ")),
                min_size=1, max_size=60)
BIDI = st.sampled_from(["\u202e", "\u202d", "\u202a", "\u202b", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f",
                        "\u200e", "\u061c", "\u200b", "\u200d", "\ufeff", "\u2028", "\u00ad"])
HTML = st.sampled_from(["<script>alert(1)</script>", '<img src=x onerror="alert(1)">',
                        "</textarea><svg onload=alert(1)>",
                        "{{7*7}}", "${7*7}", "'; DROP TABLE events; --", '" OR 1=1 --', "javascript:alert(1)",
                        "<iframe src=//example.invalid>", "%s%s%n%x", "../../../../etc/passwd", "\\u0000",
                        "<![CDATA[x]]>", "]]><x>", "&lt;&#x3C;&#60;", "<?xml version='1.0'?><!DOCTYPE x>"])
COMMANDS = st.sampled_from([
    '/inform{"x":1}', "/restart", "/session_start", "/affirm@0.99", '/inform{"amount":"1e300"}',
    '/greet{"lender":"招行"}@1.0', '／inform{"x":1}', "\u200b/restart", '/ask_plan{"debt_amount": -1}', "/" + "a" * 70,
    "/action_restart", "/nlu_fallback", "/__proto__{}", "//", "/", "/ ", '/inform{"monthly_payment": 1e309}',
    '/inform{"lender": ["a", {"b": null}]}', "/stop@-1", "/affirm@NaN"])
TALK = st.sampled_from(["催收说明天上门", "想申请分期", "招行信用卡", "三万二", "两个月了", "失业了", "每月能还一千五",
                        "你好", "逾期有什么后果", "催收打电话给我家人", "删除我的记录", "我的记录", "帮我写投诉信",
                        "借呗欠两万，花呗欠五千", "可以停息挂账吗", "催收說要打給我公司"])
SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
PIECE = st.one_of(st.text(max_size=40), CJK, EMOJI, MIXED, BIDI, HTML, COMMANDS, TALK, SURROGATES,
                  st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co"]), max_size=10))
MESSAGE = st.one_of(PIECE, st.lists(PIECE, min_size=2, max_size=6).map("".join))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), MESSAGE)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) |
                    st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
VALID_SENDER = st.from_regex(r"[A-Za-z0-9_.:-]{1,40}", fullmatch=True)


def dumps(value: Any, ascii_only: bool = False) -> bytes:
    """JSON as a client might send it: NaN and Infinity allowed, lone surrogates passed through as bytes."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@dataclass
class Case:
    """One fuzzed request, as drawn: ``mode`` names the variant; ``data`` holds what is needed to build it."""

    kind: str
    mode: str
    data: dict[str, Any] = field(default_factory=dict)


@st.composite
def rest_json_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["valid", "valid", "valid", "wrong_types", "deep", "huge", "cut", "extra"]))
    sender_mode = draw(st.sampled_from(["unique", "unique", "fuzzed", "invalid"]))
    sender: Any = draw(VALID_SENDER)
    if sender_mode == "invalid":
        sender = draw(st.one_of(st.text(max_size=200), JSON, st.just(""), st.just("x" * 129),
                                st.just("fz-13812345678"), st.just("a/b"), st.just("rest-x\n")))
    message: Any = draw(MESSAGE)
    body: dict[str, Any] = {"sender": sender, "message": message}
    if draw(st.booleans()):
        body["metadata"] = draw(st.one_of(st.fixed_dictionaries({"source": st.text(max_size=80)}), JSON,
                                          st.dictionaries(st.text(max_size=8), st.text(max_size=200), max_size=8)))
    data: dict[str, Any] = {"sender_mode": sender_mode, "ascii": draw(st.booleans())}
    if mode == "wrong_types":
        body[draw(st.sampled_from(["sender", "message", "metadata"]))] = draw(JSON)
        if draw(st.booleans()):
            body = draw(st.one_of(JSON, st.lists(st.just(body), max_size=3)))
    elif mode == "deep":
        data.update(depth=draw(st.integers(2, 3000)), where=draw(st.sampled_from(["message", "metadata", "sender"])),
                    leaf=draw(SCALAR))  # nested when sent (a repr of 3,000 levels would overflow the stack)
    elif mode == "huge":
        data["unit"] = draw(st.one_of(st.text(min_size=1, max_size=4), CJK.map(lambda s: s[:2]),
                                      EMOJI.map(lambda s: s[:1])))
        data["delta"] = draw(st.sampled_from([-2, -1, 0, 1, 2, -300, 5000, 200_000]))
        data["field"] = draw(st.sampled_from(["message", "message", "sender", "metadata"]))
    elif mode == "cut":  # around the 1,000-character cut of a message, with a number across the cut
        data["chars"] = draw(st.integers(990, 1010))
        data["fill"] = draw(st.sampled_from(["欠", "a", "1", "一", "😀", " "]))
        data["tail"] = draw(st.sampled_from(["13812345678", "一三八一二三四五六七八",
                                             "６２２２０２１２３４５６７８９０１２", ""]))
    elif mode == "extra":
        body.update(draw(st.dictionaries(st.text(max_size=12), JSON, min_size=1, max_size=5)))
    data["body"] = body
    return Case("rest_json", mode, data)


@st.composite
def rest_bytes_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["binary", "bad_utf8", "truncated", "bom", "syntax", "literal", "deep_bytes",
                                 "big_number", "too_big"]))
    valid = dumps({"sender": "SENDER", "message": draw(MESSAGE)})
    if mode == "binary":
        raw = draw(st.binary(max_size=400))
    elif mode == "bad_utf8":
        bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf",
                                    b"\xe2\x82", b"\x80", b"\xfe\xff", b"\xf8\x88\x80\x80\x80"]))
        raw = b'{"sender": "SENDER", "message": "' + draw(st.binary(max_size=8)) + bad + b'"}'
    elif mode == "truncated":
        raw = valid[:draw(st.integers(0, max(0, len(valid) - 1)))]
    elif mode == "bom":
        raw = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + valid
        if draw(st.booleans()):
            raw = valid.decode("utf-8", "surrogatepass").encode("utf-16", "surrogatepass")
    elif mode == "syntax":
        raw = draw(st.sampled_from([
            b'{"sender": "SENDER", "message": "a",}', b"{'sender': 'SENDER', 'message': 'a'}",
            b'{"sender": "SENDER", /* c */ "message": "a"}', b'{"sender": "SENDER", "message": NaN}',
            b'{"sender": "SENDER", "message": Infinity}', b'{"sender": "SENDER", "sender": 1, "message": "a"}',
            b'{"sender": "SENDER" "message": "a"}', b'{"sender": "SENDER", "message": "\\ud800"}',
            b'{"sender": "SENDER", "message": "\\u0000\\u001f"}', b'{"sender": "SENDER", "message": "a"}garbage',
            b'{"sender": "SENDER", "message": "a"}{"sender": "x"}', b"\x00" + valid, valid + b"\x00",
            b'{"sender": "SENDER", "message": "\\x41"}', b'{"sender": "SENDER", "message": "\\uZZZZ"}']))
    elif mode == "literal":
        raw = draw(st.sampled_from([b"", b"null", b"[]", b"{}", b'"x"', b"1e999", b"-0", b"true", b"[{}]", b" ",
                                    b"\n\n", b"0x10"]))
    elif mode == "deep_bytes":
        depth = draw(st.integers(100, 32_000))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        raw = b'{"sender": "SENDER", "message": ' + opener * depth + b"1" + closer * depth + b"}"
        raw = raw[:MAX_BODY - 100]
    elif mode == "big_number":
        raw = b'{"sender": "SENDER", "message": ' + b"9" * draw(st.integers(4000, 20_000)) + b"}"
    else:  # too_big
        raw = valid[:-2] + b" " * draw(st.integers(MAX_BODY - len(valid), MAX_BODY + 4000)) + b'"}'
    content_type = draw(st.sampled_from(["application/json", "application/json", "text/plain", "",
                                         "multipart/form-data; boundary=", "application/x-www-form-urlencoded",
                                         "application/json; charset=utf-16", "application/json; charset=\"\\\""]))
    return Case("rest_bytes", mode, {"raw": raw, "content_type": content_type})


FRAMING_PATHS = [REST, "/", "/status", STAFF + "/api/message", LINE, WHATSAPP, WECOM,
                 "/socket.io/?EIO=4&transport=polling", "*", "http://127.0.0.1/", "/%00", "/" + "a" * 9000,
                 REST + "?a=%ZZ&b", "/webhooks/rest/../rest/webhook",
                 "//" + REST, "/webhooks/rest/webhook#x", REST + "?" + "a=1&" * 500]


@st.composite
def framing_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["cl_negative", "cl_nonnumeric", "cl_duplicate", "cl_and_te", "te_odd", "bad_chunks",
                                 "short_body", "long_body", "no_cl", "headers", "request_line", "pipelined",
                                 "partial_head"]))
    method = draw(st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "DELETE", "OPTIONS", "HEAD", "post", "P0ST",
                                   "GET\x00", "CONNECT"]))
    path = draw(st.sampled_from([REST, REST, *FRAMING_PATHS]))
    version = "HTTP/1.1"
    body = dumps({"sender": "SENDER", "message": draw(TALK)})
    headers: list[tuple[str, str]] = [("Host", "127.0.0.1"), ("Content-Type", "application/json")]
    chunks: list[bytes] | None = None
    if mode == "cl_negative":
        headers.append(("Content-Length", draw(st.sampled_from(["-1", "-0", "-100", "-9999999999", " -1", "-1 "]))))
    elif mode == "cl_nonnumeric":
        headers.append(("Content-Length", draw(st.sampled_from([
            "abc", "1e3", "0x10", " 12", "12 ", "+12", "１２", "", "99999999999999999999999", "1.5", "12,12",
            "١٢", "0012", "NaN", "\t5"]))))
    elif mode == "cl_duplicate":
        first, second = draw(st.sampled_from([(len(body), len(body)), (len(body), len(body) + 5),
                                              (len(body), 0), (len(body), -1), (0, len(body))]))
        headers += [("Content-Length", str(first)), ("Content-Length", str(second))]
    elif mode == "cl_and_te":
        headers += [("Content-Length", str(draw(st.sampled_from([len(body), 0, 5, -1])))),
                    ("Transfer-Encoding", "chunked")]
        chunks = [b"%x\r\n" % len(body) + body + b"\r\n", b"0\r\n\r\n"]
    elif mode == "te_odd":
        headers.append(("Transfer-Encoding", draw(st.sampled_from([
            "chunked, identity", "gzip, chunked", "xchunked", "chunked\x0b", "Chunked", "identity", "chunked, chunked",
            " chunked", "deflate"]))))
        chunks = [b"%x\r\n" % len(body) + body + b"\r\n", b"0\r\n\r\n"]
    elif mode == "bad_chunks":
        headers.append(("Transfer-Encoding", "chunked"))
        size = draw(st.sampled_from([b"zz", b"-1", b"ffffffffffffffffff", b"5;ext=1", b"0x5", b"", b" 5",
                                     b"%x" % (len(body) + 10),
                                     b"%x" % max(1, len(body) - 3), b"1" * 40]))
        ending = draw(st.sampled_from([b"0\r\n\r\n", b"", b"0\r\n", b"0\r\nX-Trailer: 1\r\n\r\n", b"\r\n"]))
        chunks = [size + b"\r\n" + body + draw(st.sampled_from([b"\r\n", b"", b"\n"])), ending]
    elif mode == "short_body":
        headers.append(("Content-Length", str(len(body) + draw(st.integers(1, 10_000)))))
    elif mode == "long_body":
        headers.append(("Content-Length", str(max(0, len(body) - draw(st.integers(1, 20))))))
        body += draw(st.sampled_from([b"", b"GET / HTTP/1.1\r\n\r\n", b"\r\n\r\n", b"xx"]))
    elif mode == "headers":
        headers.append(("Content-Length", str(len(body))))
        headers += draw(st.lists(st.sampled_from([
            ("X Bad Name", "1"), ("NoColon", None), ("X-Nul", "a\x00b"), ("X-Fold", "a\r\n  folded"),
            ("X-Utf8", "催收"), ("X-Long", "a" * 10_000), ("Host", "evil.example"), ("X-Real-IP", "not-an-ip"),
            ("Forwarded", "for=\"[::1]\";proto=gopher"), ("Expect", "100-continue"), ("Expect", "bogus"),
            ("Connection", "upgrade"), ("Upgrade", "h2c"), ("Content-Encoding", "gzip"), (":authority", "x"),
            ("Authorization", "Bearer " + "x" * 3000), ("Cookie", "a=" + ";" * 200)]), min_size=1, max_size=6))
        if draw(st.booleans()):
            headers += [(f"X-Many-{i}", "v") for i in range(draw(st.integers(50, 150)))]
    elif mode == "request_line":
        version = draw(st.sampled_from(["HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.1 extra", "", "HTTP/9.9",
                                        "http/1.1", "HTTP/1.1\x00", "HTTP/1.10"]))
        headers.append(("Content-Length", str(len(body))))
    elif mode == "pipelined":
        headers.append(("Content-Length", str(len(body))))
    elif mode == "partial_head":
        headers.append(("Content-Length", str(len(body))))
    else:  # no_cl
        pass
    return Case("framing", mode, {
        "method": method, "path": path, "version": version, "headers": headers, "body": body, "chunks": chunks,
        "pieces": draw(st.integers(1, 4)), "gap": draw(st.sampled_from([0.0, 0.05, 0.3])),
        "second": draw(st.sampled_from([b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"POST " + REST.encode() +
                                        b" HTTP/1.1\r\nContent-Length: -1\r\n\r\n", b"\r\n\r\n\r\n", b"XYZ\r\n"])),
        "cut": draw(st.floats(0.1, 0.9))})


STAFF_NAMES = st.one_of(st.sampled_from(["console", "console.js", "console.css", "../console.html", "CONSOLE",
                                         "console%00", "%2e%2e", "api", "console.html"]), st.text(max_size=30))


@st.composite
def staff_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["check", "labels", "case_get", "case_delete", "message", "page"]))
    auth = draw(st.sampled_from(["right", "right", "none", "wrong", "empty_bearer", "basic", "lower", "padded",
                                 "token_plus", "long"]))
    wrong = draw(st.text(max_size=60))
    conversation = draw(st.one_of(st.from_regex(r"staff-[A-Za-z0-9_-]{6,64}", fullmatch=True),
                                  st.text(max_size=80), st.just("staff-13812345678"), st.just("staff-" + "a" * 65),
                                  st.just("rest-abcdef")))
    body: Any = {"conversation_id": conversation, "message": draw(MESSAGE)}
    if draw(st.booleans()):
        body = draw(st.one_of(JSON, st.just(body)))
    return Case("staff", mode, {"auth": auth, "wrong": wrong, "conversation": conversation, "body": body,
                                "page": draw(STAFF_NAMES), "quote": draw(st.booleans())})


@st.composite
def download_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["fuzzed", "fuzzed", "valid", "other_conversation", "expired", "tampered"]))
    name = draw(st.one_of(st.sampled_from(["drafts.docx", "drafts.pdf", "schedule.ics"]),
                          st.sampled_from(["../etc/passwd", "drafts.docx%00", "DRAFTS.DOCX", "drafts.docx/",
                                           "schedule.ics.", "%2e%2e%2f", "drafts.pdf;x", "a" * 300]),
                          st.text(max_size=20)))
    return Case("download", mode, {
        "name": name, "conversation": draw(st.one_of(st.text(max_size=60), st.from_regex(r"rest-[a-z0-9]{1,20}",
                                                                                             fullmatch=True))),
        "known": draw(st.integers(0, 10_000)),
        "exp": draw(st.one_of(st.none(), st.text(max_size=20), st.integers().map(str), st.just("9" * 400),
                              st.just("1e10"), st.just("٣٣٣٣٣٣٣٣٣٣"), st.just(" 12 "))),
        "sig": draw(st.one_of(st.none(), st.text(max_size=50), st.from_regex(r"[0-9a-f]{40}", fullmatch=True))),
        "tamper": draw(st.sampled_from(["upper", "truncate", "flip", "append"])), "quote": draw(st.booleans())})


@st.composite
def wecom_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["unsigned", "bad_signature", "stale", "signed", "signed", "signed_xml",
                                 "signed_nontext", "verify"]))
    return Case("wecom", mode, {
        "user": draw(st.one_of(st.from_regex(r"[a-z]{2,12}", fullmatch=True), st.text(min_size=1, max_size=40))),
        "content": draw(MESSAGE), "inner": draw(st.sampled_from([
            "<xml><MsgType>text</MsgType>", "<!DOCTYPE x [<!ENTITY a 'b'>]><xml>&a;</xml>", "not xml", "",
            "<xml><FromUserName>u</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>",
            "<xml>" + "<a>" * 500 + "</a>" * 500 + "</xml>"])),
        "msgtype": draw(st.sampled_from(["image", "voice", "location", "link", "video", "file", "unknown"])),
        "signature": draw(st.one_of(st.text(max_size=50), st.just("0" * 40))),
        "body": draw(st.one_of(st.binary(max_size=300), st.just(b"<xml><Encrypt>AAAA</Encrypt></xml>"))),
        "skew": draw(st.sampled_from([-100_000, 301, 10**12])), "echostr": draw(st.text(max_size=50))})


@st.composite
def line_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["unsigned", "bad_signature", "signed_json", "signed_event", "signed_event"]))
    event_kind = draw(st.sampled_from(["message", "message", "postback", "follow", "unfollow", "sticker", "group"]))
    return Case("line", mode, {
        "user": draw(st.one_of(st.from_regex(r"U[0-9a-f]{32}", fullmatch=True), st.text(max_size=40))),
        "text": draw(MESSAGE), "event_kind": event_kind, "json": draw(JSON), "redelivery": draw(st.booleans()),
        "signature": draw(st.one_of(st.text(max_size=60), st.just("AAAA"))), "events": draw(st.integers(1, 3)),
        "fields": draw(st.dictionaries(st.sampled_from(["timestamp", "mode", "replyToken", "webhookEventId",
                                                        "deliveryContext", "source", "message"]), JSON, max_size=2))})


@st.composite
def whatsapp_case(draw: Any) -> Case:
    mode = draw(st.sampled_from(["unsigned", "bad_signature", "signed_json", "signed_message", "signed_message",
                                 "verify"]))
    return Case("whatsapp", mode, {
        "user": draw(st.one_of(st.from_regex(r"852[0-9]{8}", fullmatch=True), st.text(max_size=30))),
        "text": draw(MESSAGE), "msgtype": draw(st.sampled_from(["text", "text", "interactive", "button", "image",
                                                               "reaction", "unknown"])),
        "json": draw(JSON), "signature": draw(st.one_of(st.text(max_size=80), st.just("sha256=" + "0" * 64))),
        "hub": draw(st.dictionaries(st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge"]),
                                    st.text(max_size=30), max_size=3)),
        "fields": draw(st.dictionaries(st.sampled_from(["from", "id", "timestamp", "type", "text"]), JSON,
                                       max_size=2))})


# ---- personal data: tests/security/spellings.py's numbers and forms, plus more ways of dodging a filter

def _comma_groups(n: str) -> str:
    return "，".join(sp._groups(n, [3, 4], " ").split(" "))


def _mixed_numerals(n: str) -> str:
    return "".join(sp.NUMERALS[int(c)] if i % 2 and c.isdigit() else c for i, c in enumerate(n))


DODGE_MOBILE: list[Callable[[str], str]] = [
    _comma_groups, lambda n: "、".join(sp._groups(n, [3, 4], " ").split(" ")),
    lambda n: ",".join(sp._groups(n, [3, 4], " ").split(" ")), _mixed_numerals,
    lambda n: "，".join(sp._cn(sp._groups(n, [3, 4], " ")).split(" ")), lambda n: "/".join(n),
    lambda n: "尾号" + n[-4:] + "，前面是" + n[:7], lambda n: sp._full(n[:3]) + sp._cn(n[3:7]) + n[7:],
    lambda n: n[:3] + "＊" + n[3:], lambda n: "电话：" + sp._groups(n, [3, 4], "～"),
]
DODGE_EMAIL: list[Callable[[str, str], str]] = [
    lambda u, d: f"{u}艾特{d.replace('.', '点')}", lambda u, d: f"{u} 艾特 {d}", lambda u, d: f"{u}#{d}",
    lambda u, d: f"{u}[at]{d.replace('.', '[dot]')}", lambda u, d: f"{u}＠{d.replace('.', '。')}",
    lambda u, d: f"邮箱{u}，后缀{d}", lambda u, d: f"{u} at {d.replace('.', ' dot ')}",
]
QQ_FORMS: list[Callable[[str], str]] = [lambda q: f"QQ：{q}", lambda q: f"扣扣{q}", lambda q: f"q号 {sp._full(q)}",
                                        lambda q: f"加我QQ {sp._cn(q)}", lambda q: f"QQ {' '.join(q)}"]
WECHAT_FORMS: list[Callable[[str], str]] = [lambda w: f"微信 {w}", lambda w: f"vx：{w}", lambda w: f"威信{w}",
                                            lambda w: f"加我wx {w}", lambda w: f"微信号是{sp._full(w)}"]
CONTEXTS = st.sampled_from(["我的电话是{}，催收天天打", "{}", "催收打到{}了，怎么办", "这是我的联系方式 {} 欠招行三万",
                            "{}，麻烦帮我看看怎么跟银行说", "催收员让我打{}", "我叫张三，{}，想申请分期"])


@dataclass(frozen=True)
class Personal:
    """A piece of personal data as typed (``text``) and what must never be found in storage (``core``)."""

    kind: str
    text: str
    core: str


@st.composite
def personal(draw: Any) -> Personal:
    rnd = random.Random(draw(st.integers(0, 2**64)))
    kind = draw(st.sampled_from(["mainland mobile", "mainland mobile", "mobile dodge", "Hong Kong phone",
                                 "Taiwan mobile", "ID card", "bank card", "e-mail", "e-mail dodge", "landline",
                                 "QQ", "WeChat"]))
    if kind == "mainland mobile":
        n = sp._mobile(rnd)
        return Personal(kind, draw(st.sampled_from(sp.MAINLAND_FORMS))(n), n)
    if kind == "mobile dodge":
        n = sp._mobile(rnd)
        return Personal(kind, draw(st.sampled_from(DODGE_MOBILE))(n), n)
    if kind == "Hong Kong phone":
        n = rnd.choice("569") + "".join(rnd.choice("0123456789") for _ in range(7))
        return Personal(kind, draw(st.sampled_from(sp.HK_FORMS))(n), n)
    if kind == "Taiwan mobile":
        n = "09" + "".join(rnd.choice("0123456789") for _ in range(8))
        return Personal(kind, draw(st.sampled_from(sp.TW_FORMS))(n), n[1:])
    if kind == "ID card":
        n = sp._id_card(rnd)
        return Personal(kind, draw(st.sampled_from(sp.ID_FORMS))(n), n[:17])
    if kind == "bank card":
        n = sp._luhn(rnd.choice(["6222", "6228", "6217", "6225", "4367", "6214"]), rnd.choice([16, 19]), rnd)
        return Personal(kind, draw(st.sampled_from(sp.CARD_FORMS))(n), n)
    if kind in ("e-mail", "e-mail dodge"):
        user = rnd.choice(["zhang.san", "lisi", "wang_wu", "chen.xiaoming", "liu", "amy.chan"]) + \
            str(rnd.randint(10_000, 999_999))  # one user name per address: a finding names the spelling sent
        domain = rnd.choice(["qq.com", "163.com", "gmail.com", "outlook.com", "yahoo.com.hk"])
        text = draw(st.sampled_from(sp.EMAIL_FORMS))(f"{user}@{domain}") if kind == "e-mail" else \
            draw(st.sampled_from(DODGE_EMAIL))(user, domain)
        return Personal(kind, text, user)
    if kind == "landline":
        area = rnd.choice(["010", "021", "0755", "020", "0571"])
        n = rnd.choice("2345678") + "".join(rnd.choice("0123456789") for _ in range(7))
        return Personal(kind, draw(st.sampled_from(sp.LANDLINE_FORMS))(area, n), n)
    if kind == "QQ":
        q = str(rnd.randint(10**7, 10**10 - 1))
        return Personal(kind, draw(st.sampled_from(QQ_FORMS))(q), q)
    w = rnd.choice(["lisi", "zhangsan", "amy", "xiaoming", "wxid_"]) + \
        "".join(rnd.choice("abcdefghjk") for _ in range(3)) + str(rnd.randint(1000, 9999))
    return Personal(kind, draw(st.sampled_from(WECHAT_FORMS))(w), w)


@st.composite
def pii_case(draw: Any) -> Case:
    item = draw(personal())
    channel = draw(st.sampled_from(["rest", "rest", "rest_metadata", "rest_sender", "staff", "line", "whatsapp",
                                    "whatsapp_from", "wecom", "wecom_user"]))
    return Case("pii", channel, {"item": item, "context": draw(CONTEXTS),
                                 "turn": draw(st.integers(0, len(CONVERSATION) - 1))})


STRATEGIES: dict[str, st.SearchStrategy[Case]] = {
    "rest_json": rest_json_case(), "rest_bytes": rest_bytes_case(), "framing": framing_case(),
    "staff": staff_case(), "download": download_case(), "wecom": wecom_case(), "line": line_case(),
    "whatsapp": whatsapp_case(), "pii": pii_case()}


# One example of hypothesis is one round: a case of every kind in KINDS, in that order (exact shares; the kind of
# a draw may depend on nothing but earlier draws).
ROUND = st.tuples(*(STRATEGIES[kind] for kind in KINDS))


class _Done(Exception):
    """Raised inside the hypothesis test at the deadline: hypothesis stops generating (nothing is shrunk)."""


EXAMPLES_PER_RUN = 50  # hypothesis runs of this many rounds, one after the other (see drive)


def drive(seed_value: int, step: Callable[[int, Case], None], stop: Callable[[int], bool]) -> int:
    """Draw case after case with hypothesis, deterministically for ``seed_value``, and give each to ``step``
    until ``stop(i)``; returns how many were given. ``step`` must not raise (a failure would make hypothesis
    replay and stop).

    Hypothesis starts a run with the simplest examples (the first 10 % of ``max_examples``, at most 50), so one
    endless run would begin with 50 near-empty rounds: instead, runs of EXAMPLES_PER_RUN rounds follow each other,
    each seeded from the seed and its number, and a case drawn before (the simplest ones) is not sent again."""
    count = [0]
    seen: set[bytes] = set()
    run = 0
    while not stop(count[0]):

        @seed(seed_value * 100_003 + run)
        # derandomize=False: a profile another module loads (tests/unit/test_plan.py) must not replace the seed
        @settings(max_examples=EXAMPLES_PER_RUN, database=None, deadline=None, phases=[Phase.generate],
                  derandomize=False,
                  suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet, report_multiple_bugs=False,
                  print_blob=False)
        @given(st.data())
        def fuzz(data: st.DataObject) -> None:
            drawn = data.draw(ROUND)
            for case in drawn:
                if stop(count[0]):  # only after the draws: a choice sequence must always end the same way
                    raise _Done
                key = hashlib.sha256(repr(case).encode("utf-8", "surrogatepass")).digest()
                if key in seen:
                    continue
                seen.add(key)
                count[0] += 1
                step(count[0] - 1, case)

        try:
            fuzz()
        except _Done:
            break
        run += 1
    return count[0]


def cases(seed_value: int, n: int) -> list[Case]:
    """The first n cases for a seed, without any server (what the unit test compares)."""
    out: list[Case] = []
    drive(seed_value, lambda i, case: out.append(case), lambda i: i >= n)
    return out


# ---------------------------------------------------------------- HTTP over a bare socket

@dataclass
class Reply:
    status: int | None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


def parse_reply(buf: bytes) -> tuple[int | None, dict[str, str], bytes]:
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status: int | None = int(lines[0].split()[1])
    except (IndexError, ValueError):
        status = None
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = dechunk(body)
    return status, headers, body


def dechunk(body: bytes) -> bytes:
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


def _complete(buf: bytes) -> bool:
    if b"\r\n\r\n" not in buf:
        return False
    head, _, body = buf.partition(b"\r\n\r\n")
    lower = head.lower()
    m = re.search(rb"\r\ncontent-length:\s*(\d+)", lower)
    if m:
        return len(body) >= int(m.group(1))
    if b"transfer-encoding: chunked" in lower:
        return body.endswith(b"0\r\n\r\n")
    return False


def exchange(port: int, pieces: list[bytes], timeout: float, gap: float = 0.0,
             keep_open: Callable[[], None] | None = None) -> Reply:
    """Send the pieces (``gap`` seconds apart) and read one answer until complete, EOF or ``timeout``; then
    ``keep_open()`` is called while the connection is still open (the hang probe)."""
    start = time.monotonic()
    buf = b""
    error = None
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            for i, piece in enumerate(pieces):
                if i and gap:
                    time.sleep(gap)
                try:
                    sock.sendall(piece)
                except OSError:
                    break  # answered (413) and closed before everything was sent: read the answer
            deadline = start + timeout
            while not _complete(buf):
                left = deadline - time.monotonic()
                if left <= 0:
                    error = "timeout"
                    break
                sock.settimeout(left)
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    error = "timeout"
                    break
                except OSError as err:
                    error = type(err).__name__
                    break
                if not chunk:
                    break
                buf += chunk
            if keep_open is not None:
                keep_open()
    except OSError as err:
        error = error or type(err).__name__
    seconds = time.monotonic() - start
    if not buf:
        return Reply(None, error=error or "closed without an answer", seconds=seconds)
    status, headers, body = parse_reply(buf)
    return Reply(status, body, headers, error if status is None else None, seconds)


def http_request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    head = {"Host": "127.0.0.1", "Content-Type": "application/json", "Content-Length": str(len(body)),
            "Connection": "close", **(headers or {})}
    lines = "".join(f"{k}: {v}\r\n" for k, v in head.items() if v is not None)
    return f"{method} {path} HTTP/1.1\r\n{lines}\r\n".encode("utf-8", "surrogatepass") + body


# ---------------------------------------------------------------- personal data search

_NUMERAL_MAP = {**{c: str(i) for i, c in enumerate(sp.NUMERALS)}, **{c: str(i) for i, c in enumerate(sp.FINANCIAL)},
                "零": "0", "幺": "1", "两": "2", "兩": "2", "○": "0", "貳": "2", "參": "3", "陸": "6"}


# A stored decimal number (a timestamp 1796534425.1152449, a confidence): its point stays a boundary, or the
# digits on both sides would join into runs that contain any 8-digit number by chance. A dotted phone number
# (138.1234.5678) has more than one point and is not touched.
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d{3,})(?![\d.])")


def ascii_view(text: str) -> str:
    """Letters and digits only, lower case, after NFKC and Chinese numerals read as digits: 「138，1234，5678」,
    「一三八 1234 ５６７８」 and 「lisi艾特163点com」 all keep their digits and letters in order ("|" stays where a
    decimal number had its point)."""
    text = "".join(_NUMERAL_MAP.get(c, c) for c in unicodedata.normalize("NFKC", text))
    return re.sub(r"[^0-9a-z|]", "", _DECIMAL.sub(r"\1|\2", text.lower()))


def core_view(core: str) -> str:
    return ascii_view(core)


def _sqlite_strings(db: Path) -> Iterator[tuple[str, str]]:
    """(where, string) for every string in every row of every table of a SQLite file (JSON columns opened)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                sender = next((str(v) for v in row if isinstance(v, str)), "")
                for value in row:
                    if not isinstance(value, str):
                        continue
                    try:
                        parsed = json.loads(value)
                    except ValueError:
                        parsed = value
                    for s in _strings(parsed):
                        yield f"{db.name} table {table}, row of {sender[:60]}", s
    finally:
        con.close()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _raw_segments(path: Path) -> Iterator[tuple[str, str]]:
    """Printable runs of a binary file (free pages of SQLite keep deleted rows), as text."""
    text = path.read_bytes().decode("utf-8", "replace")
    # Rasa stores events as JSON with non-ASCII characters escaped (backslash-u): read them as the characters
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    for i, seg in enumerate(re.split(r"[\x00-\x08\x0e-\x1f\ufffd]+", text)):
        if len(seg) >= 6:
            yield f"{path.name} (raw bytes, segment {i})", seg


def _lines(path: Path) -> Iterator[tuple[str, str]]:
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        yield f"{path.name} line {n}", line


def _pdf_stream(body: bytes) -> bytes | None:
    """The decoded stream of a PDF object (ReportLab writes ASCII85 and Flate), None when it has none."""
    m = re.search(rb"stream\r?\n(.*?)\s*endstream", body, re.S)
    if not m:
        return None
    data = m.group(1)
    for name in re.findall(rb"/(ASCII85Decode|FlateDecode)", body[:m.start()]):
        data = base64.a85decode(data.strip().removesuffix(b"~>")) if name == b"ASCII85Decode" else zlib.decompress(data)
    return data


def _pdf_literal(s: bytes) -> bytes:
    """A PDF literal string's bytes, escapes resolved."""
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    out, i = bytearray(), 0
    while i < len(s):
        if s[i:i + 1] != b"\\":
            out += s[i:i + 1]
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", s[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out += escapes.get(s[i + 1:i + 2], s[i + 1:i + 2])
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text of a ReportLab PDF: its Chinese font subsets are one-byte codes, read through each subset's
    ToUnicode map (the text itself is not in the file as characters)."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}
    maps: dict[int, dict[int, str]] = {}
    for num, body in objects.items():
        ref = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if ref:
            cmap = (_pdf_stream(objects.get(int(ref.group(1)), b"")) or b"").decode("latin-1")
            pairs = re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap.split("beginbfchar", 1)[-1])
            maps[num] = {int(a, 16): bytes.fromhex(u).decode("utf-16-be", "replace") for a, u in pairs}
    fonts = {name: maps[int(num)] for body in objects.values()
             for name, num in re.findall(rb"/(F[\w+]+) (\d+) 0 R", body) if int(num) in maps}
    out = []
    for body in objects.values():
        if b"/Length1" in body or b"stream" not in body:  # font files
            continue
        try:
            content = _pdf_stream(body) or b""
        except (ValueError, zlib.error):
            continue
        font: dict[int, str] = {}
        for m in re.finditer(rb"/(F[\w+]+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", content, re.S):
            if m.group(1) is not None:
                font = fonts.get(m.group(1), {})
            else:
                raw = _pdf_literal(m.group(2))
                out.append("".join(font.get(b, chr(b)) for b in raw) if font else raw.decode("latin-1"))
    return "".join(out)


def document_text(path: Path) -> str:
    """The text of a downloaded document: .docx XML without tags, .pdf through its fonts' maps, .ics unfolded."""
    data = path.read_bytes()
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(re.sub(r"<[^>]+>", "", z.read(n).decode("utf-8", "replace"))
                             for n in z.namelist() if n.endswith(".xml"))
    if path.suffix == ".pdf":
        return pdf_text(data)
    return re.sub(r"\r?\n[ \t]", "", data.decode("utf-8", "replace"))  # .ics: long lines are folded


def find_personal_data(items: Iterable[Personal], sources: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """Where each item's core is found in the sources ((where, text) pairs), one finding per item."""
    wanted: dict[str, Personal] = {}
    for item in items:
        core = core_view(item.core)
        if len(core) >= 6:
            wanted.setdefault(core, item)
    views: dict[str, tuple[str, str]] = {}  # each distinct view once (JSON keys and flags repeat in every row)
    for where, text in sources:
        view = ascii_view(text)
        if len(view) >= 6:
            views.setdefault(view, (where, text))
    big = "\x00".join(views)
    found = []
    for core, item in wanted.items():
        if core not in big:
            continue
        for view, (where, text) in views.items():
            if core in view:
                found.append({"kind": item.kind, "sent": item.text, "core": item.core, "where": where,
                              "stored": text[:200]})
                break
    return found


# ---------------------------------------------------------------- the run

@dataclass
class Tally:
    sent: Counter = field(default_factory=Counter)
    requests: Counter = field(default_factory=Counter)
    mode_statuses: Counter = field(default_factory=Counter)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    dropped_count: int = 0
    modes: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    server_error_count: int = 0
    hangs: list[dict[str, Any]] = field(default_factory=list)
    not_refused: list[dict[str, Any]] = field(default_factory=list)
    not_refused_count: int = 0
    personal_sent: list[Personal] = field(default_factory=list)
    personal_found: list[dict[str, str]] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)


def show(raw: bytes, limit: int = 400) -> str:
    """A request for the report: its start, and its length when cut."""
    text = raw[:limit].decode("utf-8", "backslashreplace")
    return text + (f" …[{len(raw)} bytes in all]" if len(raw) > limit else "")


# Personal data that a REST sender can carry recognisably (an e-mail loses its @, a QQ or Hong Kong number its
# context: as ids they are indistinguishable from random ones).
SENDER_KINDS = ("mainland mobile", "mobile dodge", "ID card", "bank card")


class _AsciiJson:
    """Stands in for the json module inside channels.fakes while a body with lone surrogates is built."""

    loads = staticmethod(json.loads)

    @staticmethod
    def dumps(value: Any, **_: Any) -> str:
        return json.dumps(value)


class Fuzzer:
    """Runs cases against the servers and keeps the tally."""

    def __init__(self, servers: Any, secrets: dict[str, str], fakes: dict[str, Any], downloads: Path) -> None:
        self.servers = servers
        self.secrets = secrets
        self.fakes = fakes
        self.downloads = downloads
        self.tally = Tally()
        self.known: list[str] = []  # conversations with drafts (for valid download links)
        self.n = 0
        self.probes = 0
        self.next_conversation = FIRST_CONVERSATION
        from wechatpy.enterprise.crypto import WeChatCrypto

        self.crypto = WeChatCrypto(secrets["WECOM_TOKEN"], secrets["WECOM_AES_KEY"], secrets["WECOM_CORP_ID"])

    @property
    def port(self) -> int:
        return self.servers.rasa_port

    # ---- recording
    def record(self, case: Case, raw: bytes, reply: Reply, refuse: bool = False, note: str = "") -> Reply:
        kind = case.kind
        self.tally.requests[kind] += 1
        self.tally.mode_statuses[f"{kind}/{case.mode} {reply.status or reply.error}"] += 1
        if reply.status is None and kind != "framing":  # a well-formed request, no answer (the server is up)
            self.tally.dropped_count += 1
            if len(self.tally.dropped) < 10:
                self.tally.dropped.append({"kind": kind, "mode": case.mode, "error": reply.error,
                                           "request": show(raw)})
        self.tally.statuses[f"{kind} {reply.status if reply.status is not None else reply.error}"] += 1
        if reply.status is not None and reply.status >= 500:
            self.tally.server_error_count += 1
            key = (kind, reply.status, case.mode)
            if not any((e["kind"], e["status"], e["mode"]) == key for e in self.tally.server_errors):
                self.tally.server_errors.append({"kind": kind, "mode": case.mode, "status": reply.status,
                                                 "request": show(raw), "answer": show(reply.body, 300), "note": note})
        if refuse and reply.status is not None and not 400 <= reply.status < 500:
            self.tally.not_refused_count += 1
            if len(self.tally.not_refused) < 20:
                self.tally.not_refused.append({"kind": kind, "mode": case.mode, "status": reply.status,
                                               "request": show(raw), "answer": show(reply.body, 200), "note": note})
        return reply

    def send(self, case: Case, raw: bytes, refuse: bool = False, note: str = "",
             timeout: float = REQUEST_TIMEOUT) -> Reply:
        """A whole HTTP request; no answer within the timeout is a hang (checked with the probe)."""
        reply = exchange(self.port, [raw], timeout)
        self.record(case, raw, reply, refuse, note)
        if reply.status is None:
            self.check_alive(case, raw, f"no answer within {timeout:.0f} s ({reply.error})")
        return reply

    # ---- hangs
    def probe(self) -> str | None:
        """None when Rasa answers ``GET /`` and a REST message within PROBE_TIMEOUT; else what failed."""
        if self.servers.rasa is None or self.servers.rasa.poll() is not None:
            return "Rasa is not running"
        root = exchange(self.port, [http_request("GET", "/")], PROBE_TIMEOUT)
        if root.status != 200:
            return f"GET / → {root.status or root.error} after {root.seconds:.1f} s"
        for _ in range(2):  # GET / answered: the process is alive; a REST turn gets two chances on a busy machine
            self.probes += 1
            self.tally.requests["hang probe (GET / and a REST message)"] += 1
            body = dumps({"sender": f"fuzz-probe-{self.probes}", "message": "你好"})
            rest = exchange(self.port, [http_request("POST", REST, body)], PROBE_TIMEOUT)
            if rest.status == 200:
                return None
        return f"REST message → {rest.status or rest.error} after {rest.seconds:.1f} s"

    def check_alive(self, case: Case, raw: bytes, what: str) -> None:
        failure = self.probe()
        if failure is None:
            return
        start = time.monotonic()
        recovered = None
        while time.monotonic() - start < RECOVERY:
            time.sleep(2)
            if self.probe() is None:
                recovered = time.monotonic() - start
                break
        entry = {"kind": case.kind, "mode": case.mode, "request": show(raw, 600), "what": what, "probe": failure,
                 "recovered_after_s": recovered}
        if recovered is None:
            entry["action"] = "Rasa restarted"
            print(f"[fuzz] hang after {case.kind}/{case.mode}: {failure}; restarting Rasa", flush=True)
            self.servers.stop_rasa()
            if self.servers.actions is None or self.servers.actions.poll() is not None:
                self.servers.start_actions()
            self.servers.start_rasa()
        self.tally.hangs.append(entry)

    # ---- the kinds
    def run(self, i: int, case: Case) -> None:
        self.n = i
        if case.kind == "pii" and i >= self.next_conversation:
            case = Case("pii_conversation", "rest", case.data)
            self.next_conversation = i + CONVERSATION_EVERY
        self.tally.sent[case.kind] += 1
        self.tally.modes[f"{case.kind}/{case.mode}"] += 1
        try:
            getattr(self, "do_" + case.kind)(case)
        except Exception as err:  # a bug of the fuzzer must not end the run (nor make hypothesis replay)
            self.tally.statuses[f"{case.kind} fuzzer error {type(err).__name__}: {err}"[:200]] += 1

    def sender(self, drawn: Any, mode: str) -> Any:
        return f"fz{self.n}-{drawn}"[:128] if mode == "unique" else drawn

    def do_rest_json(self, case: Case) -> None:
        d = case.data
        body = d["body"]
        if isinstance(body, dict) and "sender" in body:
            body = {**body, "sender": self.sender(body["sender"], d["sender_mode"])}
        if case.mode == "deep" and isinstance(body, dict):
            nested: Any = d["leaf"]
            for level in range(d["depth"]):
                nested = [nested] if level % 2 else {"k": nested}
            body = {**body, d["where"]: nested}
        try:
            raw_body = dumps(body, d["ascii"])
        except RecursionError:  # deeper than json.dumps goes: the same bytes by hand
            raw_body = b'{"sender": "fz", "message": ' + b'{"k": [' * (d["depth"] // 2) + b"1" + \
                b"]}" * (d["depth"] // 2) + b"}"
        if case.mode == "huge":
            body = body if isinstance(body, dict) else {"sender": f"fz{self.n}", "message": ""}
            body = {**body, d["field"]: ""}
            base = len(dumps(body, d["ascii"]))
            unit_bytes = len(dumps(d["unit"], d["ascii"])) - 2 or 1
            target = MAX_BODY + d["delta"] - base
            value = d["unit"] * max(0, target // unit_bytes)
            if d["field"] == "metadata":
                body[d["field"]] = {"source": value}
            else:
                body[d["field"]] = value
            raw_body = dumps(body, d["ascii"])
        elif case.mode == "cut":
            text = d["fill"] * d["chars"] + d["tail"]
            raw_body = dumps({"sender": f"fz{self.n}", "message": text})
        self.send(case, http_request("POST", REST, raw_body))

    def do_rest_bytes(self, case: Case) -> None:
        raw = case.data["raw"].replace(b"SENDER", f"fz{self.n}".encode())
        self.send(case, http_request("POST", REST, raw, {"Content-Type": case.data["content_type"] or None}))

    def do_framing(self, case: Case) -> None:
        d = case.data
        body = d["body"].replace(b"SENDER", f"fz{self.n}".encode())
        headers = [(k, v.replace(str(len(d["body"])), str(len(body))) if k == "Content-Length" and v else v)
                   for k, v in d["headers"]]
        head = f"{d['method']} {d['path']} {d['version']}".rstrip() + "\r\n"
        for k, v in headers:
            head += f"{k}\r\n" if v is None else f"{k}: {v}\r\n"
        raw = head.encode("utf-8") + b"\r\n"
        payload = b"".join(d["chunks"]) if d["chunks"] is not None else body
        if case.mode == "short_body":
            payload = body  # announced more than is sent: the server waits for the rest
        if case.mode == "pipelined":
            payload = body + d["second"]
        whole = raw + payload
        if case.mode == "partial_head":
            whole = raw[:max(1, int(len(raw) * d["cut"]))]
        size = max(1, len(whole) // d["pieces"])
        pieces = [whole[j:j + size] for j in range(0, len(whole), size)]
        outcome: dict[str, str | None] = {}
        reply = exchange(self.port, pieces, FRAMING_READ, d["gap"],
                         keep_open=lambda: outcome.update(probe=self.probe()))
        self.record(case, whole, reply)
        if outcome.get("probe") is not None:  # the probe ran while the malformed connection was open
            self.check_alive(case, whole, f"answer: {reply.status or reply.error}")

    def do_staff(self, case: Case) -> None:
        d = case.data
        token = self.secrets["STAFF_TOKEN"]
        auth = {"right": f"Bearer {token}", "none": None, "wrong": f"Bearer {d['wrong']}", "empty_bearer": "Bearer ",
                "basic": "Basic " + base64.b64encode(token.encode()).decode(), "lower": f"bearer {token}",
                "padded": f"Bearer   {token}  ", "token_plus": f"Bearer {token}x", "long": "Bearer " + "t" * 5000}
        header = auth[d["auth"]]
        if header is not None:
            header = header.encode("utf-8", "surrogatepass").decode("latin-1", "replace")
            header = re.sub(r"[\r\n\x00]", "", header)
        authorised = d["auth"] in ("right", "lower", "padded")
        conversation = d["conversation"]
        quoted = urllib.parse.quote(conversation.encode("utf-8", "surrogatepass"), safe="") if d["quote"] \
            else re.sub(r"[\s\x00-\x1f/?#%]", "_", conversation)
        headers = {"Authorization": header, "X-Staff-Name": "fuzz"}
        if case.mode == "page":
            page = urllib.parse.quote(d["page"].encode("utf-8", "surrogatepass"), safe="")
            raw = http_request("GET", f"{STAFF}/{page}", headers=headers)
            self.send(case, raw)
            return
        method, path, body = {
            "check": ("GET", f"{STAFF}/api/check", b""), "labels": ("GET", f"{STAFF}/api/labels", b""),
            "case_get": ("GET", f"{STAFF}/api/case/{quoted}", b""),
            "case_delete": ("DELETE", f"{STAFF}/api/case/{quoted}", b""),
            "message": ("POST", f"{STAFF}/api/message", dumps(d["body"]))}[case.mode]
        self.send(case, http_request(method, path, body, headers), refuse=not authorised,
                  note="" if authorised else f"staff API, token {d['auth']}")

    def do_download(self, case: Case) -> None:
        from coach import download_links

        d = case.data
        key = self.secrets["DOWNLOAD_SECRET"].encode()
        conversation = d["conversation"]
        if self.known and case.mode != "fuzzed":
            conversation = self.known[d["known"] % len(self.known)]
        exp, sig = d["exp"], d["sig"]
        good = False
        if case.mode in ("valid", "other_conversation", "expired", "tampered"):
            exp = str(int(time.time()) + (-10 if case.mode == "expired" else 3600))
            signed_for = conversation if case.mode != "other_conversation" else conversation + "x"
            sig = download_links.signature(key, signed_for, int(exp))
            if case.mode == "tampered":
                sig = {"upper": sig.upper(), "truncate": sig[:-1], "flip": ("0" if sig[0] != "0" else "1") + sig[1:],
                       "append": sig + "0"}[d["tamper"]]
            good = case.mode == "valid" and sig == download_links.signature(key, conversation, int(exp))
        query = {k: v for k, v in (("exp", exp), ("sig", sig)) if v is not None}
        encoded = urllib.parse.urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in query.items()})
        conv = urllib.parse.quote(conversation.encode("utf-8", "surrogatepass"), safe="")
        name = d["name"] if not d["quote"] else urllib.parse.quote(d["name"].encode("utf-8", "surrogatepass"), safe="")
        name = re.sub(r"[\s\x00-\x1f?#]", "_", name)  # unquoted: raw UTF-8 bytes in the request line
        raw = http_request("GET", f"{DOWNLOAD}/{conv}/{name}" + (f"?{encoded}" if encoded else ""))
        reply = self.send(case, raw, refuse=not good, note="download without a valid link" if not good else "")
        if good and reply.status == 200 and d["name"] in download_links.NAMES:
            self.save_download(conversation, d["name"], reply.body)

    def save_download(self, conversation: str, name: str, body: bytes) -> None:
        tag = hashlib.sha256(conversation.encode()).hexdigest()[:12]
        path = self.downloads / f"{tag}-{len(self.tally.downloads)}-{name}"
        path.write_bytes(body)
        self.tally.downloads.append(str(path))

    # -- WeCom
    def wecom_message(self, user: str, inner: str) -> tuple[dict[str, str], bytes]:
        import xmltodict

        nonce, timestamp = uuid.uuid4().hex[:10], str(int(time.time()))
        envelope = xmltodict.parse(self.crypto.encrypt_message(inner, nonce, timestamp))["xml"]
        corp = self.secrets["WECOM_CORP_ID"]
        body = (f"<xml><ToUserName><![CDATA[{corp}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
                f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>").encode()
        return {"msg_signature": envelope["MsgSignature"], "timestamp": timestamp, "nonce": nonce}, body

    def wecom_text(self, user: str, content: str, msgtype: str = "text") -> str:
        corp = self.secrets["WECOM_CORP_ID"]
        return (f"<xml><ToUserName><![CDATA[{corp}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
                f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{msgtype}]]></MsgType>"
                f"<Content><![CDATA[{content}]]></Content><MsgId>{10**12 + self.n}</MsgId>"
                f"<AgentID>1000002</AgentID></xml>")

    def do_wecom(self, case: Case) -> None:
        d = case.data
        user = d["user"].encode("utf-8", "replace").decode("utf-8")
        content = d["content"].encode("utf-8", "replace").decode("utf-8")
        refuse = case.mode in ("unsigned", "bad_signature", "stale", "verify")
        if case.mode == "verify":
            query = {"msg_signature": d["signature"], "timestamp": str(int(time.time())), "nonce": "n",
                     "echostr": d["echostr"]}
            raw = http_request("GET", WECOM + "?" + urllib.parse.urlencode(
                {k: v.encode("utf-8", "surrogatepass") for k, v in query.items()}))
            self.send(case, raw, refuse=True, note="WeCom verification with a wrong signature")
            return
        inner = {"signed_xml": d["inner"], "signed_nontext": self.wecom_text(user, content, d["msgtype"])}.get(
            case.mode, self.wecom_text(user, content))
        query, body = self.wecom_message(user, inner)
        if case.mode == "unsigned":
            query, body = {}, d["body"] if d["body"] else body
        elif case.mode == "bad_signature":
            query["msg_signature"] = d["signature"] if d["signature"] != query["msg_signature"] else "0" * 40
        elif case.mode == "stale":
            query["timestamp"] = str(int(query["timestamp"]) + d["skew"])
        raw = http_request("POST", WECOM + "?" + urllib.parse.urlencode(
            {k: v.encode("utf-8", "surrogatepass") for k, v in query.items()}), body, {"Content-Type": "text/xml"})
        self.send(case, raw, refuse=refuse, note="WeCom callback, " + case.mode if refuse else "")

    # -- LINE
    @staticmethod
    def messenger_body(builder: Callable[..., bytes], *args: Any, **kwargs: Any) -> bytes:
        """A body from channels.fakes' builders, which write UTF-8 JSON: with a lone surrogate in it, the same
        JSON written in ASCII (the surrogate as an escape, as a client may send it)."""
        import channels.fakes as fakes

        try:
            return builder(*args, **kwargs)
        except UnicodeEncodeError:
            saved = fakes.json
            fakes.json = _AsciiJson  # type: ignore[assignment]
            try:
                return builder(*args, **kwargs)
            finally:
                fakes.json = saved

    def line_post(self, case: Case, body: bytes, signature: str | None, refuse: bool) -> Reply:
        headers = {"X-Line-Signature": signature}
        return self.send(case, http_request("POST", LINE, body, headers), refuse=refuse,
                         note="LINE webhook, " + case.mode if refuse else "")

    def do_line(self, case: Case) -> None:
        from channels.fakes import line_body, line_event, line_signature

        d = case.data
        secret = self.secrets["LINE_CHANNEL_SECRET"]
        user = d["user"] or "U0"
        events = []
        for j in range(d["events"]):
            kind = d["event_kind"]
            token = self.fakes["line"].reply_token(user)
            if kind in ("sticker", "group"):
                event = line_event(user, text="x", reply_token=token, event_id=f"FZ{self.n}x{j}")
                if kind == "sticker":
                    event["message"] = {"id": "1", "type": "sticker", "packageId": "1", "stickerId": "1"}
                else:
                    event["source"] = {"type": "group", "groupId": "C" + "0" * 32, "userId": user}
            else:
                event = line_event(user, text=d["text"], kind=kind, reply_token=token, event_id=f"FZ{self.n}x{j}",
                                   redelivery=d["redelivery"], postback=d["text"] if kind == "postback" else None)
            if j == 0:
                event.update(d["fields"])
            events.append(event)
        body = self.messenger_body(line_body, *events)
        if case.mode == "signed_json":
            body = dumps(d["json"])
        if case.mode == "unsigned":
            self.line_post(case, body, None, True)
        elif case.mode == "bad_signature":
            good = line_signature(body, secret)
            self.line_post(case, body, d["signature"] if d["signature"] != good else good[:-2] + "AA", True)
        else:
            self.line_post(case, body, line_signature(body, secret), False)

    # -- WhatsApp
    def do_whatsapp(self, case: Case) -> None:
        from channels.fakes import whatsapp_body, whatsapp_message, whatsapp_signature

        d = case.data
        secret = self.secrets["WHATSAPP_APP_SECRET"]
        if case.mode == "verify":
            hub = {k: v.encode("utf-8", "surrogatepass") for k, v in d["hub"].items()}
            raw = http_request("GET", WHATSAPP + "?" + urllib.parse.urlencode(hub))
            self.send(case, raw, refuse=True, note="WhatsApp verification with a wrong token")
            return
        user = d["user"] or "0"
        kind = d["msgtype"]
        if kind == "interactive":
            message = whatsapp_message(user, button=("/affirm", d["text"]), message_id=f"wamid.fz{self.n}")
        elif kind == "text":
            message = whatsapp_message(user, text=d["text"], message_id=f"wamid.fz{self.n}")
        else:
            message = whatsapp_message(user, kind=kind, message_id=f"wamid.fz{self.n}")
            if kind == "button":
                message["button"] = {"payload": d["text"], "text": d["text"]}
        message.update(d["fields"])
        body = self.messenger_body(whatsapp_body, self.secrets["WHATSAPP_PHONE_NUMBER_ID"], [message])
        if case.mode == "signed_json":
            body = dumps(d["json"])
        signature: str | None = whatsapp_signature(body, secret)
        refuse = case.mode in ("unsigned", "bad_signature")
        if case.mode == "unsigned":
            signature = None
        elif case.mode == "bad_signature":
            signature = d["signature"] if d["signature"] != signature else "sha256=" + "0" * 64
        if signature is not None:
            signature = re.sub(r"[\r\n\x00]", "", signature.encode("utf-8", "surrogatepass").decode("latin-1"))
        self.send(case, http_request("POST", WHATSAPP, body, {"X-Hub-Signature-256": signature}), refuse=refuse,
                  note="WhatsApp webhook, " + case.mode if refuse else "")

    # -- personal data
    def say_rest(self, case: Case, sender: str, text: str, metadata: Any = None) -> Reply:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        return self.send(case, http_request("POST", REST, dumps(body)))

    def do_pii(self, case: Case) -> None:
        from channels.fakes import (
            line_body,
            line_event,
            line_signature,
            whatsapp_body,
            whatsapp_message,
            whatsapp_signature,
        )

        item: Personal = case.data["item"]
        text = case.data["context"].format(item.text)
        self.tally.personal_sent.append(item)
        channel = case.mode
        if channel == "rest":
            self.say_rest(case, f"fz{self.n}", text)
        elif channel == "rest_metadata":
            self.say_rest(case, f"fz{self.n}", "你好", {"source": item.text})
        elif channel == "rest_sender" and item.kind in SENDER_KINDS:
            # as typed, less what a sender may not hold: a number a server can still tell from a random id
            sender = re.sub(r"[^A-Za-z0-9_.:-]", "", f"fz-{item.text}")
            self.say_rest(case, sender, "你好")
        elif channel == "rest_sender":  # an e-mail without its @, a bare QQ number: no longer personal data
            self.say_rest(case, f"fz{self.n}", text)
        elif channel == "staff":
            body = dumps({"conversation_id": f"staff-fz{self.n:06d}", "message": text})
            self.send(case, http_request("POST", f"{STAFF}/api/message", body,
                                         {"Authorization": f"Bearer {self.secrets['STAFF_TOKEN']}"}))
        elif channel == "line":
            body = line_body(line_event(f"U{self.n:032x}", text=text, event_id=f"FZP{self.n}",
                                        reply_token=self.fakes["line"].reply_token(f"U{self.n:032x}")))
            signature = line_signature(body, self.secrets["LINE_CHANNEL_SECRET"])
            self.send(case, http_request("POST", LINE, body, {"X-Line-Signature": signature}))
        elif channel in ("whatsapp", "whatsapp_from"):
            user = ascii_view(item.core) if channel == "whatsapp_from" else f"8529{self.n:07d}"
            body = whatsapp_body(self.secrets["WHATSAPP_PHONE_NUMBER_ID"],
                                 [whatsapp_message(user, text=text if channel == "whatsapp" else "你好",
                                                   message_id=f"wamid.fzp{self.n}")])
            sig = whatsapp_signature(body, self.secrets["WHATSAPP_APP_SECRET"])
            self.send(case, http_request("POST", WHATSAPP, body, {"X-Hub-Signature-256": sig}))
        else:  # wecom, wecom_user (a UserID that is the personal data itself)
            user = item.text if channel == "wecom_user" else f"fz{self.n}"
            query, body = self.wecom_message(user, self.wecom_text(user, text if channel == "wecom" else "你好"))
            raw = http_request("POST", WECOM + "?" + urllib.parse.urlencode(query), body, {"Content-Type": "text/xml"})
            self.send(case, raw)

    def do_pii_conversation(self, case: Case) -> None:
        """A whole conversation up to the drafts, personal data in some of its turns; then its documents."""
        from coach import download_links

        item: Personal = case.data["item"]
        sender = f"fzc{self.n}"
        turns = list(CONVERSATION)
        turns[case.data["turn"]] += "，" + case.data["context"].format(item.text)
        self.tally.personal_sent.append(item)
        for turn in turns:
            self.say_rest(case, sender, turn)
        conversation = f"rest-{sender}"
        self.known.append(conversation)
        key = self.secrets["DOWNLOAD_SECRET"].encode()
        for name in download_links.NAMES:
            raw = http_request("GET", download_links.link(conversation, name, key=key) or "/")
            reply = self.send(case, raw)
            if reply.status == 200:
                self.save_download(conversation, name, reply.body)


# ---------------------------------------------------------------- logs of the servers

def log_errors(workdir: Path) -> dict[str, Any]:
    """The action server's 500s (rasa_sdk logs each as "Exception occurred during execution of request") and the
    tracebacks in Rasa's log: how many, and the exceptions they end with, by kind, most frequent first."""
    out: dict[str, Any] = {}
    for name, marker in (("actions.log", "Exception occurred during execution of request"),
                         ("rasa.log", "Traceback (most recent call last)")):
        path = workdir / name
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
        hits = [i for i, line in enumerate(lines) if marker in line]
        ends: Counter = Counter()
        for i in hits:
            end = next((lines[j] for j in range(i + 1, min(i + 80, len(lines)))
                        if re.match(r"^[A-Za-z_.]+(Error|Exception)\b", lines[j])), lines[i]).strip()
            ends[re.sub(r"b'[^']*'?", "b'…'", end)[:160]] += 1  # one entry per kind of error
        out[name] = {"count": len(hits), "examples": [f"{n} × {end}" for end, n in ends.most_common(6)]}
    return out


def scan(workdir: Path, tally: Tally) -> tuple[list[dict[str, str]], dict[str, int]]:
    sources: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    db = workdir / "trackers.db"
    if db.exists():
        rows = list(_sqlite_strings(db))
        counts["tracker store strings"] = len(rows)
        sources += rows
    for path in sorted(workdir.glob("trackers.db*")):
        segments = list(_raw_segments(path))
        counts[f"{path.name} raw segments"] = len(segments)
        sources += segments
    for path in sorted(workdir.glob("*.log")):
        lines = list(_lines(path))
        counts[f"{path.name} lines"] = len(lines)
        sources += lines
    for doc in tally.downloads:
        sources.append((f"download {Path(doc).name}", document_text(Path(doc))))
    counts["documents"] = len(tally.downloads)
    return find_personal_data(tally.personal_sent, sources), counts


# ---------------------------------------------------------------- report

def write_report(out: Path, result: dict[str, Any]) -> None:
    from bench.common import write_json

    write_json(out / "fuzz.json", result)
    t = result
    lines = [f"# Fuzzing run ({'smoke' if t['smoke'] else 'full'})", "",
             f"{t['machine']['date']}, commit {t['machine']['commit']}, {t['machine']['nproc']} CPUs "
             f"({t['machine']['cpu']}), load at start {t['machine']['loadavg_at_start']}.", "",
             f"Seed **{t['seed']}** (same seed, same requests in the same order); {t['minutes']} min of requests "
             f"asked, {t['fuzz_seconds']:.0f} s sent, {t['total_seconds']:.0f} s in all with start-up and scan.", "",
             "| finding | count |", "|---|---|",
             f"| 5xx answers (Rasa) | {t['server_errors']['count']} |",
             f"| 5xx answers (action server, from its log) | {t['action_server_errors']['count']} |",
             f"| hangs | {len(t['hangs'])} |",
             f"| should have been refused (4xx) but were not | {t['not_refused']['count']} |",
             f"| personal data found in storage, logs or documents | {len(t['personal_data_found'])} |", "",
             "## Requests sent", "", "| kind | fuzzed cases | HTTP requests |", "|---|---|---|"]
    lines += [f"| {k} | {t['sent'].get(k, '')} | {v} |" for k, v in sorted(t["requests"].items())]
    lines += [f"| **all** | **{sum(t['sent'].values())}** | **{sum(t['requests'].values())}** |", "",
              "A pii_conversation case is the 6-turn conversation plus its 3 downloads; after every framing case "
              "(and every request left without an answer) the hang probe sends `GET /` and a REST message.", "",
              f"Variants: {', '.join(f'{k} {v}' for k, v in sorted(t['modes'].items()))}.", "",
              f"Answers: {', '.join(f'{k}: {v}' for k, v in sorted(t['statuses'].items()))}.", ""]

    def block(title: str, entries: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
        lines.extend([f"## {title}", ""])
        if not entries:
            lines.extend(["None.", ""])
        for e in entries:
            lines.append("- " + ", ".join(f"{k}: {e[k]}" for k in keys if k in e and k not in ("request", "answer",
                                                                                                  "stored")))
            for k in ("request", "answer", "stored", "sent"):
                if e.get(k):
                    text = str(e[k]).replace("```", "'''")[:800].replace("\n", "\n  ")
                    lines.extend([f"  {k}:", "", "  ```", "  " + text, "  ```"])
        lines.append("")

    block("5xx answers (one example per kind, variant and status)", t["server_errors"]["examples"],
          ("kind", "mode", "status", "note"))
    lines.extend(["## The servers' logs (action server: its 500s; Rasa: tracebacks by kind)", ""])
    lines += [f"- {name}: {v['count']} — " + ("; ".join(v["examples"]) or "none")
              for name, v in t["logs"].items()]
    lines.append("")
    block(f"Connections closed without an answer ({t['dropped']['count']}; not a hang: the server answered the "
          "next request)", t["dropped"]["examples"], ("kind", "mode", "error"))
    block("Hangs", t["hangs"], ("kind", "mode", "what", "probe", "recovered_after_s", "action"))
    block("Not refused", t["not_refused"]["examples"], ("kind", "mode", "status", "note"))
    block("Personal data found", t["personal_data_found"], ("kind", "sent", "core", "where", "stored"))
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(t["personal_kinds"].items()))
    lines += ["## Searched", "",
              f"{t['personal_sent']} pieces of personal data sent ({kinds}); searched in: "
              + ", ".join(f"{k} {v}" for k, v in t["scanned"].items()) + ".", ""]
    (out / "fuzz.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="how long requests are sent")
    parser.add_argument("--smoke", action="store_true", help="about 60 s of requests")
    parser.add_argument("--out", required=True, help="where fuzz.md and fuzz.json go")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--work", default=None, help="servers' workdir (kept); default: a temporary folder")
    parser.add_argument("--model", type=Path, default=None, help="default: models/latest.tar.gz")
    args = parser.parse_args(argv)
    minutes = 1.0 if args.smoke else args.minutes

    from bench.common import machine, quiet_environment

    quiet_environment()
    from channels.fakes import FakeGraphAPI, FakeLineAPI
    from serving.servers import MODEL, Servers
    from tests.conftest import LINE as LINE_ENV
    from tests.conftest import STAFF_TOKEN, FakeWeComAPI
    from tests.conftest import WECOM as WECOM_ENV
    from tests.conftest import WHATSAPP as WHATSAPP_ENV

    model = args.model or MODEL
    if not model.exists():
        print(f"[fuzz] no trained model at {model}: run `make train` first", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="fuzz-work-")
    workdir = Path(args.work or tmp.name).resolve()  # type: ignore[union-attr]
    workdir.mkdir(parents=True, exist_ok=True)
    downloads = workdir / "downloads"
    downloads.mkdir(exist_ok=True)
    meta = machine()
    started = time.monotonic()
    secrets = {"STAFF_TOKEN": STAFF_TOKEN, "DOWNLOAD_SECRET": "fuzz-download-secret-" + "0" * 16,
               **WECOM_ENV, **LINE_ENV, **WHATSAPP_ENV}
    fakes = {"line": FakeLineAPI(LINE_ENV["LINE_CHANNEL_ACCESS_TOKEN"]),
             "graph": FakeGraphAPI(WHATSAPP_ENV["WHATSAPP_ACCESS_TOKEN"], WHATSAPP_ENV["WHATSAPP_PHONE_NUMBER_ID"]),
             "wecom": FakeWeComAPI()}
    for fake in fakes.values():
        fake.start()
    servers = Servers(workdir, model=model.resolve())
    servers.env.update(secrets, WECOM_API_BASE=fakes["wecom"].base, LINE_API_BASE=fakes["line"].base,
                       WHATSAPP_API_BASE=fakes["graph"].base, RASA_TELEMETRY_ENABLED="false")
    fuzzer = Fuzzer(servers, secrets, fakes, downloads)
    try:
        with servers.running():
            print(f"[fuzz] servers up in {time.monotonic() - started:.0f} s (Rasa :{servers.rasa_port}); "
                  f"{minutes:g} min of requests, seed {args.seed}", flush=True)
            fuzz_start = time.monotonic()
            deadline = fuzz_start + minutes * 60
            drawn = drive(args.seed, fuzzer.run, lambda i: time.monotonic() >= deadline)
            fuzz_seconds = time.monotonic() - fuzz_start
            time.sleep(8)  # LINE and WhatsApp answer in the background: let the last messages reach the store
        logs = log_errors(workdir)
        found, scanned = scan(workdir, fuzzer.tally)
    finally:
        for fake in fakes.values():
            fake.stop()
    tally = fuzzer.tally
    actions = logs["actions.log"]
    result = {
        "smoke": args.smoke, "seed": args.seed, "minutes": minutes, "fuzz_seconds": fuzz_seconds,
        "total_seconds": time.monotonic() - started, "machine": meta, "requests_drawn": drawn,
        "sent": dict(tally.sent), "requests": dict(tally.requests), "modes": dict(tally.modes),
        "statuses": dict(tally.statuses), "statuses_by_variant": dict(tally.mode_statuses),
        "dropped": {"count": tally.dropped_count, "examples": tally.dropped},
        "server_errors": {"count": tally.server_error_count, "examples": tally.server_errors},
        "action_server_errors": {"count": actions["count"], "examples": actions["examples"]},
        "logs": logs, "hangs": tally.hangs,
        "not_refused": {"count": tally.not_refused_count, "examples": tally.not_refused},
        "personal_sent": len(tally.personal_sent), "personal_kinds": dict(Counter(p.kind for p in tally.personal_sent)),
        "personal_data_found": found, "scanned": scanned,
        "personal_items": [{"kind": p.kind, "text": p.text, "core": p.core} for p in tally.personal_sent],
        "downloads": [Path(d).name for d in tally.downloads],
        "workdir": str(workdir) if args.work else None,
    }
    write_report(out, result)
    counts = {"5xx": tally.server_error_count + actions["count"], "hangs": len(tally.hangs),
              "not refused": tally.not_refused_count, "personal data found": len(found)}
    print(f"[fuzz] {sum(tally.sent.values())} requests in {fuzz_seconds:.0f} s (seed {args.seed}): "
          + ", ".join(f"{k} {v}" for k, v in counts.items()) + f"; report {out / 'fuzz.md'}", flush=True)
    if tmp:
        tmp.cleanup()
    return 1 if any(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
