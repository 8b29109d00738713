"""WeCom (企业微信) self-built app callback channel: ``/webhooks/wecom/webhook``.

- ``GET  ?msg_signature&timestamp&nonce&echostr`` URL verification: the decrypted echostr, or 403.
- ``POST ?msg_signature&timestamp&nonce`` with ``<xml><Encrypt>…</Encrypt></xml>``: the signature is checked and
  the message decrypted with wechatpy's ``WeChatCrypto`` (bad signature → 403). Text messages go to Rasa as
  sender ``wecom-<UserID>``, cleaned like every channel (phone/ID/card numbers redacted).
- Replies: when the bot answers within ``reply_timeout`` seconds and the answer fits into one WeCom text
  message (2,048 bytes), it goes back as an encrypted passive reply. Longer or slower answers (the drafts) go
  out through the message API (``message/send``), split into messages of at most 2,048 bytes, when the app's
  ``secret`` and ``agent_id`` are configured; without them the passive reply is cut with a note. wechatpy's
  HTTP client is synchronous, so API calls run in a thread (``run_in_executor``), never on the event loop.
- WeCom retries a callback that got no answer within 5 s (same MsgId). A replay record
  (``channels/replay.py``: in memory by default, a SQLite file or a shared server for several processes)
  claims each MsgId once for 10 minutes: a retry or a replayed request never reaches Rasa again. Within the
  process that took it, a bounded cache of the running deliveries makes sure a reply is delivered once (a retry
  that arrives while the first delivery is still pending may carry it, if the first request gave up).
- A callback whose signed ``timestamp`` is more than ``max_clock_skew`` seconds (300) from the server's clock
  is refused (403): an old signed request cannot be replayed after its record has expired.
- A correctly signed body whose inner XML is malformed (or declares a DTD/entities) gets 400, never 500.
- The conversation is ``wecom-`` + an HMAC of the UserID keyed with the app's EncodingAESKey: WeCom ids are
  often names or phone numbers, and the tracker store must not keep them in clear; no other channel can
  address a WeCom conversation (each has its own prefix). ``python -m channels.wecom id <UserID>`` prints
  the id of a user (with the same settings).

Config under ``channels.wecom.WeComInput`` in credentials.yml, each with an environment fallback:
``token`` (WECOM_TOKEN), ``aes_key`` (WECOM_AES_KEY, 43 characters), ``corp_id`` (WECOM_CORP_ID),
``agent_id`` (WECOM_AGENT_ID), ``secret`` (WECOM_SECRET), ``api_base`` (WECOM_API_BASE, default
``https://qyapi.weixin.qq.com/cgi-bin/``), ``max_clock_skew`` (WECOM_MAX_CLOCK_SKEW, 300), ``replay_record``
(WECOM_REPLAY_RECORD, ``memory``). Without token/aes_key/corp_id the endpoint answers 503.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Set

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.client import WeChatClient
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply

from channels import forget
from channels.inbound import EMPTY_REPLY, clean
from channels.replay import ReplayRecord, make_record
from channels.rest import WholeMessageCollector

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin/"
MAX_BYTES = 2048  # WeCom text message limit (bytes of UTF-8)
MAX_BODY = 64 * 1024
MAX_CLOCK_SKEW = 300  # seconds between WeCom's signed timestamp and this server's clock
REPLAY_TTL = 600  # a MsgId is remembered this long (longer than the clock window: old requests are refused anyway)
PREFIX = "wecom-"
NON_TEXT_REPLY = "目前只能看懂文字消息。请用文字说说您遇到的情况，比如「催收说要上门」或「这个月还不上」。"
CUT_NOTE = "\n……（内容较长，这里只显示了前面部分，完整内容请使用网页版。）"
ERROR_REPLY = "抱歉，系统刚才出了点问题，没能处理这条消息。请稍后再发一次。"
SETTINGS = {"token": "WECOM_TOKEN", "aes_key": "WECOM_AES_KEY", "corp_id": "WECOM_CORP_ID",
            "agent_id": "WECOM_AGENT_ID", "secret": "WECOM_SECRET", "api_base": "WECOM_API_BASE"}
STALE = "时间戳超出允许范围（请求过旧或服务器时间不准）"
MALFORMED = "消息格式错误"


def conversation_id(user: str, aes_key: str) -> str:
    """The tracker's id of a WeCom UserID: an HMAC keyed with the app's EncodingAESKey (no UserID in clear)."""
    return PREFIX + hmac.new(aes_key.encode(), user.encode(), hashlib.sha256).hexdigest()[:32]


def fresh(timestamp: str, skew: float, now: float | None = None) -> bool:
    """Is WeCom's signed timestamp within ``skew`` seconds of this server's clock?"""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    return abs((time.time() if now is None else now) - ts) <= skew


def parse_inner(xml: str | bytes) -> Any:
    """The decrypted message, or None when its XML is malformed; DTDs and entities are never expanded."""
    text = xml.decode("utf-8", "replace") if isinstance(xml, bytes) else str(xml)
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper() or "\x00" in text:
        return None
    try:
        return parse_message(text)
    except Exception:
        return None


def split_text(text: str, limit: int = MAX_BYTES) -> List[str]:
    """Cut text into pieces of at most ``limit`` UTF-8 bytes, at line breaks where possible."""
    pieces: List[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > limit:  # one very long line: cut by characters
            cut = len(line)
            while len(line[:cut].encode()) > limit:
                cut = max(1, cut * limit // len(line[:cut].encode()) - 1)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:]
        if len((current + line).encode()) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current.strip():
        pieces.append(current)
    return [p.strip("\n") for p in pieces if p.strip()]


def reply_texts(messages: List[Dict[str, Any]]) -> List[str]:
    """Bot messages → plain texts; buttons become a line telling what to reply (WeCom text has no buttons)."""
    out = []
    for message in messages:
        text = (message.get("text") or "").strip()
        titles = [str(b.get("title")) for b in message.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
        if titles:
            text = (text + "\n" if text else "") + "可以回复：" + " / ".join(titles)
        if text:
            out.append(text)
    return out


def cut_to(text: str, limit: int = MAX_BYTES) -> str:
    if len(text.encode()) <= limit:
        return text
    room = limit - len(CUT_NOTE.encode())
    while len(text.encode()) > room:
        text = text[: max(0, len(text) - max(1, (len(text.encode()) - room) // 3))]
    return text + CUT_NOTE


class WeComClient(WeChatClient):
    """wechatpy's WeCom client with a configurable API base (tests point it at a local fake server)."""

    def __init__(self, corp_id: str, secret: str, api_base: str = DEFAULT_API_BASE, timeout: float = 10) -> None:
        super().__init__(corp_id, secret, timeout=timeout)
        self.API_BASE_URL = api_base if api_base.endswith("/") else api_base + "/"

    def fetch_access_token(self) -> Dict[str, Any]:
        return self._fetch_access_token(url=self.API_BASE_URL + "gettoken",
                                        params={"corpid": self.corp_id, "corpsecret": self.secret})


@dataclass
class Delivery:
    """One WeCom message (by MsgId): the bot's run and whether its reply has gone out."""

    task: asyncio.Task[List[str]]
    delivered: bool = False
    api_scheduled: bool = False
    created: float = field(default_factory=time.monotonic)


class RecentMessages:
    """Bounded, time-limited memory of MsgIds already taken (WeCom retries up to 3 times within ~15 s)."""

    def __init__(self, size: int = 2048, ttl: float = 600) -> None:
        self.size = size
        self.ttl = ttl
        self._items: OrderedDict[str, Delivery] = OrderedDict()

    def get(self, key: str) -> Delivery | None:
        self._expire()
        return self._items.get(key)

    def add(self, key: str, item: Delivery) -> None:
        self._expire()
        self._items[key] = item
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._items:
            key, first = next(iter(self._items.items()))
            if now - first.created <= self.ttl:
                break
            del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


class WeComInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "wecom"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        values = {key: str(credentials.get(key) or os.environ.get(env, "") or "").strip()
                  for key, env in SETTINGS.items()}
        timeout = float(credentials.get("reply_timeout") or os.environ.get("WECOM_REPLY_TIMEOUT") or 4.0)
        skew = float(credentials.get("max_clock_skew") or os.environ.get("WECOM_MAX_CLOCK_SKEW") or MAX_CLOCK_SKEW)
        record = make_record(credentials.get("replay_record") or os.environ.get("WECOM_REPLAY_RECORD"))
        return cls(**values, reply_timeout=timeout, max_clock_skew=skew, replay=record)

    def __init__(self, token: str = "", aes_key: str = "", corp_id: str = "", agent_id: str = "", secret: str = "",
                 api_base: str = "", reply_timeout: float = 4.0, cache_size: int = 2048,
                 max_clock_skew: float = MAX_CLOCK_SKEW, replay: ReplayRecord | None = None) -> None:
        self.corp_id = corp_id
        self.aes_key = aes_key
        self.crypto = WeChatCrypto(token, aes_key, corp_id) if token and aes_key and corp_id else None
        self.agent_id = agent_id
        self.client = WeComClient(corp_id, secret, api_base or DEFAULT_API_BASE) if secret and agent_id else None
        self.reply_timeout = reply_timeout
        self.max_clock_skew = max_clock_skew
        self.replay = replay or make_record("memory")
        self.recent = RecentMessages(cache_size)
        self._background: Set[asyncio.Task] = set()

    # --- sending through the message API (sync wechatpy client → thread) ---
    async def send_api(self, user: str, texts: List[str]) -> None:
        assert self.client is not None
        loop = asyncio.get_running_loop()
        for text in texts:
            for piece in split_text(text):
                try:
                    await loop.run_in_executor(None, self.client.message.send_text, self.agent_id, user, piece)
                except Exception:
                    logger.exception("WeCom message API call failed")
                    return

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("wecom_webhook", __name__)

        async def run_bot(user: str, text: Any) -> List[str]:
            inbound = clean(text)
            if inbound.empty:
                return [EMPTY_REPLY]
            deletion = await forget.answer_here(conversation_id(user, self.aes_key), inbound.text)  # 删除我的记录
            if deletion:
                return [deletion]
            collector = WholeMessageCollector()
            try:
                await on_new_message(UserMessage(inbound.text, collector, conversation_id(user, self.aes_key),
                                                 input_channel=self.name(), metadata={"audience": "borrower"}))
            except Exception:
                logger.exception("WeCom message failed")
                return [*inbound.notes, ERROR_REPLY]
            return [*inbound.notes, *reply_texts(collector.messages)]

        def passive(texts: List[str], message: Any, nonce: str, timestamp: str) -> HTTPResponse:
            assert self.crypto is not None
            xml = TextReply(message=message, content=cut_to("\n\n".join(texts))).render()
            return response.text(self.crypto.encrypt_message(xml, nonce, timestamp),
                                 content_type="application/xml; charset=utf-8")

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.crypto is not None,
                                  "message_api": self.client is not None})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if self.crypto is None:
                return response.text("企业微信渠道未配置（token / aes_key / corp_id）", status=503)
            args = request.args
            if not fresh(args.get("timestamp", ""), self.max_clock_skew):
                return response.text(STALE, status=403)
            try:
                echo = self.crypto.check_signature(args.get("msg_signature", ""), args.get("timestamp", ""),
                                                   args.get("nonce", ""), args.get("echostr", ""))
            except InvalidSignatureException:
                return response.text("签名校验失败", status=403)
            except Exception:
                return response.text("echostr 无法解密", status=400)
            return response.text(echo.decode() if isinstance(echo, bytes) else str(echo))

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.crypto is None:
                return response.text("企业微信渠道未配置（token / aes_key / corp_id）", status=503)
            if len(request.body or b"") > MAX_BODY:
                return response.text("消息过大", status=413)
            args = request.args
            nonce, timestamp = args.get("nonce", ""), args.get("timestamp", "")
            if not fresh(timestamp, self.max_clock_skew):
                return response.text(STALE, status=403)
            try:
                xml = self.crypto.decrypt_message(request.body, args.get("msg_signature", ""), timestamp, nonce)
            except InvalidSignatureException:
                return response.text("签名校验失败", status=403)
            except Exception:
                return response.text(MALFORMED, status=400)
            message = parse_inner(xml)
            if message is None:
                return response.text(MALFORMED, status=400)
            if message.type == "event" or not message.source:
                return response.text("")
            user = str(message.source)[:128]
            key = str(message.id) if message.id else f"{message.source}:{message.time}"
            delivery = self.recent.get(key)
            if delivery is None:
                if not await self.replay.claim(f"wecom:{self.corp_id}:{key}", REPLAY_TTL):
                    return response.text("")  # taken before (by this process, since forgotten, or another one)
                text = message.content if message.type == "text" else None
                coro = run_bot(user, text) if text is not None else _constant([NON_TEXT_REPLY])
                delivery = Delivery(asyncio.ensure_future(coro))
                self.recent.add(key, delivery)
            if delivery.delivered:
                return response.text("")
            done, _ = await asyncio.wait({delivery.task}, timeout=self.reply_timeout)
            if delivery.delivered:
                return response.text("")
            if not done:
                # Too slow for a passive reply: the message API sends it when ready; without the API, a retry
                # of this callback (same MsgId) carries it.
                if self.client is not None and not delivery.api_scheduled:
                    delivery.api_scheduled = True
                    self._spawn(self._send_when_done(delivery, user))
                return response.text("")
            texts = delivery.task.result()
            delivery.delivered = True
            if self.client is not None and len("\n\n".join(texts).encode()) > MAX_BYTES:
                self._spawn(self.send_api(user, texts))
                return response.text("")
            return passive(texts, message, nonce, timestamp)

        return bp

    async def _send_when_done(self, delivery: Delivery, user: str) -> None:
        texts = await delivery.task
        if delivery.delivered:  # a retry's passive reply took it
            return
        delivery.delivered = True
        await self.send_api(user, texts)


async def _constant(texts: List[str]) -> List[str]:
    return texts


def main(argv: List[str] | None = None) -> int:
    """``python -m channels.wecom id <UserID>``: the conversation id of a WeCom user (WECOM_AES_KEY set)."""
    args = sys.argv[1:] if argv is None else argv
    aes_key = os.environ.get("WECOM_AES_KEY", "")
    if len(args) != 2 or args[0] != "id" or not aes_key:
        print("usage: WECOM_AES_KEY=… python -m channels.wecom id <UserID>", file=sys.stderr)
        return 2
    print(conversation_id(args[1], aes_key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
