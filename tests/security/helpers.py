"""Helpers of the security tests: ``call`` (any HTTP request, raw answer), ``rest`` (a REST message from a client
address of its own), ``stored`` (every row of the SQLite tracker store, read from the file itself), ``Browser``
(a Socket.IO client over long-polling, as the widget speaks)."""

from __future__ import annotations

import json
import queue
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

REST = "/webhooks/rest/webhook"
REAL_IP_HEADER = "X-Real-IP"  # the proxy header tests/conftest.py declares (SANIC_REAL_IP_HEADER)


@dataclass
class Answer:
    status: int
    headers: Any
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw or b"null")

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "replace")


def call(base: str, method: str, path: str, body: bytes | str | dict | list | None = None,
         headers: dict[str, str] | None = None, timeout: float = 90) -> Answer:
    if isinstance(body, (dict, list)):
        body = json.dumps(body, ensure_ascii=False)
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Answer(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.headers, err.read())


def raw_post(port: int, path: str, body: bytes, headers: dict[str, str] | None = None,
             timeout: float = 60) -> tuple[int, str]:
    """POST over a bare socket: the server may answer (413) before the body is sent, and close; urllib would
    report the broken pipe instead of the answer. Returns the status and the response body."""
    import socket

    head = {"Host": f"127.0.0.1:{port}", "Content-Type": "application/json", "Content-Length": str(len(body)),
            "Connection": "close", **(headers or {})}
    request = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request.encode())
        try:
            s.sendall(body)
        except OSError:
            pass  # answered and closed before the whole body was sent
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks).decode("utf-8", "replace")
    status_line, _, rest_of = raw.partition("\r\n")
    return int(status_line.split()[1]), rest_of.partition("\r\n\r\n")[2]


def address() -> str:
    """A client address of its own (TEST-NET-3 range), so tests never share a rate-limit bucket."""
    n = uuid.uuid4().int
    return f"203.0.{n % 250 + 1}.{(n >> 8) % 250 + 1}"


def rest(base: str, sender: str, message: Any, metadata: Any = None, client: str | None = None) -> Answer:
    body: dict[str, Any] = {"sender": sender, "message": message}
    if metadata is not None:
        body["metadata"] = metadata
    return call(base, "POST", REST, body, headers={REAL_IP_HEADER: client or address()})


def new_id(prefix: str = "sec") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def stored(servers: Any) -> list[dict[str, Any]]:
    """Every event row of the tracker store file: sender_id, type, intent, action, and the event's JSON."""
    db = sqlite3.connect(f"file:{servers.workdir / 'trackers.db'}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT sender_id, type_name, intent_name, action_name, data FROM events").fetchall()
    finally:
        db.close()
    return [{"sender_id": r[0], "type": r[1], "intent": r[2], "action": r[3], "data": json.loads(r[4] or "{}")}
            for r in rows]


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def user_events(servers: Any, conversation: str) -> list[dict[str, Any]]:
    return [r["data"] for r in stored(servers) if r["sender_id"] == conversation and r["type"] == "user"]


RASA_METADATA = ("model_id", "assistant_id")  # what Rasa itself adds to every event's metadata


def client_metadata(event: dict[str, Any]) -> dict[str, Any]:
    """The metadata a channel passed on with a user event (without what Rasa adds)."""
    return {k: v for k, v in (event.get("metadata") or {}).items() if k not in RASA_METADATA}


class Browser:
    """The widget's side of the Socket.IO protocol (python-socketio's client, long-polling)."""

    def __init__(self, base: str, origin: str | None = None, client: str | None = None) -> None:
        import socketio

        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        for name in ("session_confirm", "session_history", "bot_uttered", "bot_typing"):
            self.sio.on(name, lambda data=None, _n=name: self.events.put((_n, data)))
        headers = {REAL_IP_HEADER: client or address()}
        if origin:
            headers["Origin"] = origin
        self.sio.connect(base, headers=headers, transports=["polling"], wait_timeout=10)
        self.session_id: str | None = None
        self.history: list[dict[str, Any]] = []

    def wait(self, name: str, timeout: float = 90) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got, data = self.events.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if got == name:
                return data
        raise TimeoutError(name)

    def start(self, session_id: str | None = None) -> str:
        self.sio.emit("session_request", {"session_id": session_id})
        self.session_id = self.wait("session_confirm")
        self.history = self.wait("session_history")["messages"]
        return self.session_id

    def say(self, *args: Any, timeout: float = 90) -> list[dict[str, Any]]:
        """Emit user_uttered with exactly ``args``; the bot messages of the turn (typing on … typing off), or
        the one message sent without a turn (an empty message, a notice)."""
        self.sio.emit("user_uttered", *args)
        out: list[dict[str, Any]] = []
        typing = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                name, data = self.events.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if name == "bot_typing":
                typing = bool(data and data.get("typing"))
                if not typing:
                    return out
            elif name == "bot_uttered":
                out.append(data)
                if not typing:
                    return out
        raise TimeoutError(f"no complete answer to user_uttered: {out}")

    def drain(self, seconds: float = 1.0) -> list[tuple[str, Any]]:
        time.sleep(seconds)
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    def close(self) -> None:
        self.sio.disconnect()
