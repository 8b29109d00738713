"""Local stand-ins of the LINE Messaging API and the WhatsApp Graph API, for tests and the channel transcripts
(``python -m channels.transcripts``): real HTTP servers on loopback that answer like the real APIs and record
every call. Also what LINE and Meta send: signed webhook bodies.

- ``FakeLineAPI``: ``POST /v2/bot/message/reply`` (a reply token works once, only if issued by
  ``reply_token()``, else 400) and ``POST /v2/bot/message/push`` (a repeated ``X-Line-Retry-Key`` that went
  through answers 409, as LINE does); both check the bearer token.
- ``FakeGraphAPI``: ``POST /<version>/<phone-number-id>/messages`` with the bearer token.
- ``fail_next(n)``: the next ``n`` calls answer 500 (to see the channel retry once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple


class _Recorder:
    """A threaded HTTP server on 127.0.0.1 that records calls; subclasses answer ``handle``."""

    def __init__(self, access_token: str) -> None:
        self.access_token = access_token
        self.calls: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        self.failures = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = None
                status, answer = outer._dispatch(self.path, dict(self.headers), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def fail_next(self, n: int = 1) -> None:
        with self.lock:
            self.failures = n

    def _dispatch(self, path: str, headers: Dict[str, str], body: Any) -> Tuple[int, Dict[str, Any]]:
        with self.lock:
            if headers.get("Authorization") != f"Bearer {self.access_token}":
                status, answer = 401, {"message": "Authentication failed"}
            elif self.failures > 0:
                self.failures -= 1
                status, answer = 500, {"message": "Internal server error (fake)"}
            else:
                status, answer = self.handle(path, headers, body)
            self.calls.append({"path": path, "status": status, "body": body, "time": time.time(),
                               "retry_key": headers.get("X-Line-Retry-Key")})
            return status, answer

    def handle(self, path: str, headers: Dict[str, str], body: Any) -> Tuple[int, Dict[str, Any]]:
        raise NotImplementedError

    def ok_calls(self) -> List[Dict[str, Any]]:
        with self.lock:
            return [c for c in self.calls if c["status"] == 200]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeLineAPI(_Recorder):
    def __init__(self, access_token: str = "fake-line-token") -> None:
        super().__init__(access_token)
        self.tokens: Dict[str, str] = {}  # reply token → user id, until used
        self.retry_keys: set[str] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reply_token(self, user: str) -> str:
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = user
        return token

    def handle(self, path: str, headers: Dict[str, str], body: Any) -> Tuple[int, Dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list) \
                or not 1 <= len(body["messages"]) <= 5:
            return 400, {"message": "The request body has 1 error(s)"}
        if any(len(m.get("text", "").encode("utf-16-le")) // 2 > 5000 for m in body["messages"]):
            return 400, {"message": "Length must be between 0 and 5000"}
        if path == "/v2/bot/message/reply":
            user = self.tokens.pop(str(body.get("replyToken")), None)
            if user is None:
                return 400, {"message": "Invalid reply token"}
            body["_user"] = user
            return 200, {"sentMessages": [{"id": uuid.uuid4().hex[:16]} for _ in body["messages"]]}
        if path == "/v2/bot/message/push":
            key = headers.get("X-Line-Retry-Key")
            if key and key in self.retry_keys:
                return 409, {"message": "The retry key is already accepted"}
            if key:
                self.retry_keys.add(key)
            body["_user"] = body.get("to")
            return 200, {"sentMessages": [{"id": uuid.uuid4().hex[:16]} for _ in body["messages"]]}
        return 404, {"message": "Not found"}

    def sent_to(self, user: str) -> List[Dict[str, Any]]:
        """The successful reply and push calls for a user, in order: {"kind", "messages"}."""
        return [{"kind": c["path"].rsplit("/", 1)[-1], "messages": c["body"]["messages"]}
                for c in self.ok_calls() if c["body"].get("_user") == user]

    def texts_to(self, user: str) -> List[str]:
        return [m.get("text", "") for call in self.sent_to(user) for m in call["messages"]]


class FakeGraphAPI(_Recorder):
    def __init__(self, access_token: str = "fake-graph-token", phone_number_id: str = "109876543210") -> None:
        super().__init__(access_token)
        self.phone_number_id = phone_number_id

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v19.0"

    def handle(self, path: str, headers: Dict[str, str], body: Any) -> Tuple[int, Dict[str, Any]]:
        if path != f"/v19.0/{self.phone_number_id}/messages":
            return 404, {"error": {"message": "Unknown path", "code": 100}}
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp" or not body.get("to"):
            return 400, {"error": {"message": "Invalid parameter", "code": 100}}
        if body.get("type") == "text" and len(body["text"]["body"]) > 4096:
            return 400, {"error": {"message": "Message too long", "code": 100}}
        if body.get("type") == "interactive":
            interactive = body["interactive"]
            if len(interactive["action"]["buttons"]) > 3 or len(interactive["body"]["text"]) > 1024:
                return 400, {"error": {"message": "Invalid interactive message", "code": 131009}}
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                     "messages": [{"id": "wamid." + uuid.uuid4().hex}]}

    def sent_to(self, user: str) -> List[Dict[str, Any]]:
        return [c["body"] for c in self.ok_calls() if c["body"].get("to") == user]

    def texts_to(self, user: str) -> List[str]:
        out = []
        for body in self.sent_to(user):
            out.append(body["text"]["body"] if body["type"] == "text" else body["interactive"]["body"]["text"])
        return out


# --- what LINE and Meta send ---

def line_signature(body: bytes, channel_secret: str) -> str:
    return base64.b64encode(hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()).decode()


def line_event(user: str, *, text: str | None = None, kind: str = "message", reply_token: str | None = None,
               event_id: str | None = None, redelivery: bool = False, message: Dict[str, Any] | None = None,
               postback: str | None = None) -> Dict[str, Any]:
    """One webhook event as LINE sends it (text message by default; ``kind`` follow/unfollow/postback)."""
    event: Dict[str, Any] = {"type": kind, "mode": "active", "timestamp": int(time.time() * 1000),
                             "source": {"type": "user", "userId": user},
                             "webhookEventId": event_id or uuid.uuid4().hex.upper()[:26],
                             "deliveryContext": {"isRedelivery": redelivery}}
    if reply_token and kind != "unfollow":
        event["replyToken"] = reply_token
    if kind == "message":
        event["message"] = message or {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text or "",
                                       "quoteToken": uuid.uuid4().hex}
    if kind == "postback":
        event["postback"] = {"data": postback or ""}
    return event


def line_body(*events: Dict[str, Any], destination: str = "Ubot0000000000000000000000000000") -> bytes:
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()


def whatsapp_signature(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_message(user: str, *, text: str | None = None, button: Tuple[str, str] | None = None,
                     message_id: str | None = None, kind: str | None = None) -> Dict[str, Any]:
    """One inbound message: text, an interactive button reply (id, title), or another ``kind`` (image …)."""
    message: Dict[str, Any] = {"from": user, "id": message_id or "wamid." + uuid.uuid4().hex,
                               "timestamp": str(int(time.time()))}
    if button is not None:
        message.update(type="interactive", interactive={"type": "button_reply",
                                                        "button_reply": {"id": button[0], "title": button[1]}})
    elif kind is not None:
        message.update(type=kind, **{kind: {"id": uuid.uuid4().hex, "mime_type": "image/jpeg"}})
    else:
        message.update(type="text", text={"body": text or ""})
    return message


def whatsapp_body(phone_number_id: str, messages: List[Dict[str, Any]] | None = None,
                  statuses: List[Dict[str, Any]] | None = None, name: str = "陳生") -> bytes:
    value: Dict[str, Any] = {"messaging_product": "whatsapp",
                             "metadata": {"display_phone_number": "85230000000", "phone_number_id": phone_number_id}}
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": messages[0]["from"]}]
        value["messages"] = messages
    if statuses:
        value["statuses"] = statuses
    payload = {"object": "whatsapp_business_account",
               "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]}
    return json.dumps(payload, ensure_ascii=False).encode()
