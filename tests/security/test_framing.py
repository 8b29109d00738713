"""Malformed HTTP/1 framing against the real Rasa server and the real action server. One request with
``Content-Length: -1`` and a two-byte body used to hang Rasa for good (100 % CPU, every route silent); the causes
in Sanic 21.12 are in serving/patches/http_framing.py. Each request below goes over a raw socket with a bounded
timeout and must be refused (one answer, 400, 408 or 413, then the connection closed; or closed without an
answer); then the server must still answer a normal request: a REST message to Rasa, ``GET /health`` to the
action server.

These tests start their own pair of servers, with ``SANIC_REQUEST_TIMEOUT=2`` (the default is 20 s) so that the
slow-header and slow-body cases take seconds, and so that a regression that hangs a server cannot take the shared
servers of tests/conftest.py down with it. A server found dead before a test is restarted: each case is judged
on its own."""

from __future__ import annotations

import json
import re
import select
import socket
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from time import monotonic
from typing import Callable, Iterator

import pytest

from serving.servers import MODEL, Servers

REFUSED = {400, 408, 413}
REQUEST_TIMEOUT = 2  # SANIC_REQUEST_TIMEOUT of these servers
ANSWER_TIMEOUT = 15.0  # a refusal needs no model: it comes well within this, even on a busy machine
DRIP_INTERVAL = 0.25  # well under the request timeout: Sanic's idle timer alone never fires
DRIP_LIMIT = REQUEST_TIMEOUT * 3 + 3  # how long a slow client keeps going before the test gives up
MESSAGE = "催收说明天上门"


@dataclass(frozen=True)
class Target:
    """One server under test: where malformed requests go, and how to tell it still works."""

    name: str
    port: int
    path: str
    body: bytes
    check: Callable[[], None]
    accepted: Callable[[int, bytes], bool]  # (status, body) of the answer to ``body``: read and understood


def request(path: str, headers: list[str], body: bytes) -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "".join(f"{h}\r\n" for h in headers) + "\r\n")
    return head.encode("latin-1") + body


def chunk(body: bytes, size: bytes | None = None, end: bytes = b"\r\n") -> bytes:
    """``body`` as one chunk and the last chunk; ``size`` and ``end`` replace the size line and its data's CRLF."""
    return (size if size is not None else b"%x" % len(body)) + b"\r\n" + body + end + b"0\r\n\r\n"


# Each case: (path, a valid body) -> the raw request. Every one but "too-long-header" got a wrong answer from
# Sanic 21.12.2 (a hang, a 500, or a 200 for a request framed two ways); that one Sanic refused already (413).
CASES: dict[str, Callable[[str, bytes], bytes]] = {
    "negative-length": lambda path, body: request(path, ["Content-Length: -1"], b"ab"),
    "non-numeric-length": lambda path, body: request(path, ["Content-Length: abc"], body),
    "signed-length": lambda path, body: request(path, [f"Content-Length: +{len(body)}"], body),
    "huge-length": lambda path, body: request(path, ["Content-Length: " + "9" * 5000], body),
    "conflicting-lengths": lambda path, body: request(
        path, [f"Content-Length: {len(body)}", f"Content-Length: {len(body) + 10}"], body + b" " * 10),
    "length-and-chunked": lambda path, body: request(
        path, [f"Content-Length: {len(body)}", "Transfer-Encoding: chunked"], chunk(body)),
    "unknown-transfer-encoding": lambda path, body: request(path, ["Transfer-Encoding: gzip"], body),
    "chunk-size-0x": lambda path, body: request(
        path, ["Transfer-Encoding: chunked"], chunk(body, size=b"0x%x" % len(body))),
    "chunk-data-without-crlf": lambda path, body: request(
        path, ["Transfer-Encoding: chunked"], chunk(body, end=b"XX")),
    "space-before-colon": lambda path, body: request(path, [f"Content-Length : {len(body)}"], body),
    "too-many-headers": lambda path, body: request(
        path, [f"Content-Length: {len(body)}", *(f"X{i}: 1" for i in range(600))], body),
    "too-long-header": lambda path, body: request(
        path, [f"Content-Length: {len(body)}", "X-Long: " + "a" * 9000], body),
}


def _status(head: bytes) -> int | None:
    """The status code of an answer's first line; None for no answer (the connection closed)."""
    if not head:
        return None
    parts = head.split(b"\r\n", 1)[0].split(b" ")
    assert len(parts) >= 2 and parts[0].startswith(b"HTTP/1."), f"not an HTTP answer: {head[:80]!r}"
    return int(parts[1])


def _first_line(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n" not in data:
        try:
            more = sock.recv(4096)
        except ConnectionResetError:
            return data
        if not more:
            return data
        data += more
    return data


def _until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket.timeout if it does not)."""
    data = b""
    while True:
        try:
            more = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not more:
            return data
        data += more


def exchange(port: int, raw: bytes) -> list[int]:
    """Send ``raw`` at once and read until the server closes the connection: the status of every answer it
    sent (two answers mean it read part of the request as a second one: a smuggled request)."""
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT) as sock:
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            return []
        try:
            data = _until_closed(sock)
        except TimeoutError:
            raise AssertionError(f"no answer and no close within {ANSWER_TIMEOUT} s: the server hangs, still "
                                 "waits for a body it should have refused, or keeps the connection open") from None
    return _statuses(data)


def _statuses(data: bytes) -> list[int]:
    """The status of each response in ``data``, one after the other (each framed by its Content-Length)."""
    statuses = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        statuses.append(_status(head) or 0)
        length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
        data = rest[int(length.group(1)):] if length else b""
    return statuses


def drip(port: int, first: bytes, more: bytes) -> int | None:
    """Send ``first``, then ``more`` every DRIP_INTERVAL seconds (a slowloris client) until the server answers
    or closes the connection; its status or None. Fails if it is still reading after DRIP_LIMIT seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT) as sock:
        sock.sendall(first)
        give_up = monotonic() + DRIP_LIMIT
        while monotonic() < give_up:
            readable, _, _ = select.select([sock], [], [], DRIP_INTERVAL)
            if readable:
                return _status(_first_line(sock))
            try:
                sock.sendall(more)
            except (BrokenPipeError, ConnectionResetError):
                return None
    raise AssertionError(f"the server was still reading a request after {DRIP_LIMIT} s (timeout "
                         f"{REQUEST_TIMEOUT} s): a handful of such clients hold it for ever")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def framing_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The action server and Rasa with a 2 s request timeout, each started when a test first needs it."""
    servers = Servers(Path(tmp_path_factory.mktemp("framing-servers")))
    servers.env["SANIC_REQUEST_TIMEOUT"] = str(REQUEST_TIMEOUT)
    try:
        yield servers
    finally:
        servers.stop_rasa()
        servers.stop_actions()


def _ensure_actions(servers: Servers) -> None:
    if servers.actions is None or not _answers(f"http://127.0.0.1:{servers.action_port}/health"):
        servers.stop_actions()  # dead or hung since the last case: a fresh one
        servers.start_actions()


def _ensure_rasa(servers: Servers) -> None:
    if not MODEL.exists():
        raise FileNotFoundError(f"no trained model at {MODEL}: run `make train` first")
    _ensure_actions(servers)  # Rasa's replies need it
    if servers.rasa is None or not _answers(f"{servers.base}/status"):
        servers.stop_rasa()
        servers.start_rasa()


def _rasa_replies(servers: Servers) -> None:
    body = json.dumps({"sender": f"framing-{uuid.uuid4().hex}", "message": MESSAGE}, ensure_ascii=False).encode()
    status, replies = servers.post_raw("/webhooks/rest/webhook", body, timeout=60)
    assert status == 200, replies
    assert any(reply.get("text") for reply in replies), replies


def _health(servers: Servers) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{servers.action_port}/health", timeout=10) as resp:
        assert resp.status == 200


@pytest.fixture(params=["actions", "rasa"])
def target(request: pytest.FixtureRequest, framing_servers: Servers) -> Target:
    servers = framing_servers
    if request.param == "actions":
        _ensure_actions(servers)
        # rasa_sdk read the body when it names the action it could not find
        return Target("actions", servers.action_port, "/webhook",
                      json.dumps({"next_action": "action_framing_probe", "tracker": {}}).encode(),
                      lambda: _health(servers), lambda status, body: status == 404 and b"action_framing_probe" in body)
    _ensure_rasa(servers)
    # a conversation of its own for each test: a conversation may send 20 messages a minute
    body = json.dumps({"sender": f"framing-{uuid.uuid4().hex}", "message": MESSAGE}, ensure_ascii=False).encode()
    return Target("rasa", servers.rasa_port, "/webhooks/rest/webhook", body, lambda: _rasa_replies(servers),
                  lambda status, body: status == 200 and any(r.get("text") for r in json.loads(body)))


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_framing_is_refused_and_the_server_keeps_answering(target: Target, case: str) -> None:
    statuses = exchange(target.port, CASES[case](target.path, target.body))
    assert statuses == [] or (len(statuses) == 1 and statuses[0] in REFUSED), \
        f"{target.name} answered {statuses} to {case}"
    target.check()


def test_slow_header_is_cut_off(target: Target) -> None:
    first = f"POST {target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".encode()
    status = drip(target.port, first, b"a")
    assert status is None or status == 408, f"{target.name} answered {status} to a slow header"
    target.check()


def test_slow_body_is_cut_off(target: Target) -> None:
    first = request(target.path, ["Content-Length: 4096"], target.body[:1])
    status = drip(target.port, first, b" ")
    assert status is None or status == 408, f"{target.name} answered {status} to a slow body"
    target.check()


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    """One whole answer (framed by its Content-Length): its status and body."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        assert more, f"closed before a whole answer: {data!r}"
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
    assert length, head
    while len(body) < int(length.group(1)):
        more = sock.recv(65536)
        assert more, "closed in the middle of an answer"
        body += more
    return _status(head) or 0, body


def test_well_framed_requests_are_still_answered(target: Target) -> None:
    """The checks refuse only what is malformed: a chunked body in two chunks (one with an extension) after
    ``Expect: 100-continue``, then, on the same connection, a body announced by the same length twice."""
    body = target.body
    with socket.create_connection(("127.0.0.1", target.port), timeout=60) as sock:
        sock.sendall(request(target.path, ["Transfer-Encoding: chunked", "Expect: 100-continue"], b""))
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            more = sock.recv(1)
            assert more, f"closed instead of 100 Continue: {interim!r}"
            interim += more
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        sock.sendall(b"%x;probe=1\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (7, body[:7], len(body) - 7, body[7:]))
        status, answer = _answer(sock)
        assert target.accepted(status, answer), (status, answer[:300])
        sock.sendall(request(target.path, [f"Content-Length: {len(body)}"] * 2, body))
        status, answer = _answer(sock)
        assert target.accepted(status, answer), (status, answer[:300])
