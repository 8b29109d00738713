"""WhatsApp Cloud API channel: ``/webhooks/whatsapp/webhook``.

- ``GET /webhook?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…``: Meta's verification handshake. The
  challenge comes back (200, text) only when the token matches the configured verify token (constant-time
  compare); otherwise 403.
- ``POST /webhook``: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>``
  checked with ``hmac.compare_digest`` (missing → 401, wrong → 403), then answered 200 at once; the messages are
  handled in the background, one conversation's in order. Text messages and interactive button replies go to
  Rasa (conversation ``whatsapp-`` + an HMAC of the sender's WhatsApp id: a phone number, never stored in
  clear); other kinds (image, sticker, voice, location …) get a short text saying what the bot can do; status
  callbacks (sent, delivered, read) and changes for another phone number are ignored. A message whose own
  ``timestamp`` (seconds) is more than ``max_clock_skew`` seconds (300) from the server's clock is dropped
  (logged; the webhook still answers 200): a captured signed body cannot be replayed later, also once its
  record has expired. Each message id is claimed in a replay record (``channels/replay.py``): Meta's
  redeliveries are answered once — also after a restart and on another process (a SQLite file in var/ by
  default, Redis in production).
- Replies through the Graph API messages endpoint with aiohttp (never blocking the event loop), each call with
  a timeout and retried once: text cut at paragraph boundaries into messages of at most 4,096 characters; one
  to three buttons as interactive reply buttons (titles ≤ 20 characters), more as a numbered list, answered by
  its number.
- Hong Kong rules and Traditional characters (Hong Kong standard) by default (metadata ``default_script: hk``),
  unless the user writes Simplified.

Config under ``channels.whatsapp.WhatsAppInput`` in credentials.yml, each with an environment fallback:
``verify_token`` (WHATSAPP_VERIFY_TOKEN), ``app_secret`` (WHATSAPP_APP_SECRET), ``access_token``
(WHATSAPP_ACCESS_TOKEN), ``phone_number_id`` (WHATSAPP_PHONE_NUMBER_ID), ``api_base`` (WHATSAPP_API_BASE,
default ``https://graph.facebook.com/v19.0``), ``timeout`` (WHATSAPP_TIMEOUT, 10 s), ``max_clock_skew``
(WHATSAPP_MAX_CLOCK_SKEW, 300 s), ``replay_record`` (WHATSAPP_REPLAY_RECORD, default
``sqlite:///var/whatsapp-replay.db`` under the project; ``redis://…`` in production). Without them the endpoint
answers 503.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.messenger import (
    Background,
    BotReply,
    OrderedRuns,
    RecentOptions,
    ask_bot,
    button_options,
    call_with_retry,
    conversation_id,
    is_traditional,
    setting,
    text,
)
from channels.replay import MAX_CLOCK_SKEW, ReplayRecord, default_spec, event_time_ok, make_record
from channels.splitting import clip, numbered_options, pick_option, split_text
from coach.secrets_compare import equal

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://graph.facebook.com/v19.0"
PREFIX = "whatsapp-"
SCRIPT = "hk"  # Hong Kong rules, Traditional (Hong Kong standard) unless the user writes Simplified
MAX_CHARS = 4096  # one text message body
MAX_BUTTON_BODY = 1024  # the body of an interactive message
MAX_BUTTONS = 3
MAX_TITLE = 20
MAX_ID = 256
MAX_BODY = 64 * 1024
REPLAY_TTL = 24 * 3600
NOT_CONFIGURED = "WhatsApp 渠道未配置（verify_token / app_secret / access_token / phone_number_id）"


@dataclass(frozen=True)
class Incoming:
    """One user message of a webhook: its id, the sender's WhatsApp id, its text (None: not text) and its time
    as Meta signed it (Unix seconds; None when missing)."""

    message_id: str
    user: str
    text: str | None
    timestamp: str | None = None


def signature_ok(body: bytes, header: str, app_secret: str) -> bool:
    """``X-Hub-Signature-256`` is ``sha256=`` + the hex HMAC-SHA256 of the raw body with the app secret."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return equal((header or "").strip(), expected)


def incoming_messages(payload: Any, phone_number_id: str) -> List[Incoming]:
    """The user messages of a webhook payload addressed to our number; statuses and other fields left out."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise ValueError("not a WhatsApp webhook payload")
    out: List[Incoming] = []
    for entry in payload["entry"]:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            if (change or {}).get("field") != "messages" or not isinstance(value, dict):
                continue
            if str((value.get("metadata") or {}).get("phone_number_id") or "") != phone_number_id:
                continue
            for message in value.get("messages") or []:
                if isinstance(message, dict) and message.get("id") and message.get("from"):
                    sent = message.get("timestamp")
                    out.append(Incoming(str(message["id"]), str(message["from"]), message_text(message),
                                        None if sent is None else str(sent)))
    return out


def message_text(message: Dict[str, Any]) -> str | None:
    """What a message says: the text, or the id (payload) of the reply button tapped; None for other kinds."""
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body") or "")
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return str(reply.get("id") or reply.get("title") or "")
    if kind == "button":  # a quick-reply button of a template message
        button = message.get("button") or {}
        return str(button.get("payload") or button.get("text") or "")
    return None


def _text_body(body: str) -> Dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _buttons_body(body: str, options: List[Tuple[str, str]]) -> Dict[str, Any]:
    buttons = [{"type": "reply", "reply": {"id": payload[:MAX_ID], "title": clip(title, MAX_TITLE)}}
               for title, payload in options]
    return {"type": "interactive", "interactive": {"type": "button", "body": {"text": body},
                                                   "action": {"buttons": buttons}}}


def plan_messages(messages: List[Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], List[str]]:
    """The bot's messages as Graph API message bodies (without ``to``), and the payloads of the last numbered
    list (empty when the reply shows none): 1–3 buttons as reply buttons, more as numbered lines."""
    out: List[Dict[str, Any]] = []
    numbered: List[str] = []
    for message in messages:
        body = (message.get("text") or "").strip()
        options = button_options(message)
        script = SCRIPT if is_traditional(body) else None
        if len(options) > MAX_BUTTONS:
            body = numbered_options(body, [t for t, _ in options], text("options_prompt", script))
            numbered = [p for _, p in options]
            options = []
        pieces = split_text(body, MAX_CHARS)
        if not options:
            out.extend(_text_body(p) for p in pieces)
            continue
        if pieces and len(pieces[-1]) <= MAX_BUTTON_BODY:
            out.extend(_text_body(p) for p in pieces[:-1])
            out.append(_buttons_body(pieces[-1], options))
        else:
            out.extend(_text_body(p) for p in pieces)
            out.append(_buttons_body(text("buttons_prompt", script), options))
    return out, numbered


class WhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        channel = cls(verify_token=setting(credentials, "verify_token", "WHATSAPP_VERIFY_TOKEN"),
                      app_secret=setting(credentials, "app_secret", "WHATSAPP_APP_SECRET"),
                      access_token=setting(credentials, "access_token", "WHATSAPP_ACCESS_TOKEN"),
                      phone_number_id=setting(credentials, "phone_number_id", "WHATSAPP_PHONE_NUMBER_ID"),
                      api_base=setting(credentials, "api_base", "WHATSAPP_API_BASE", DEFAULT_API_BASE),
                      timeout=float(setting(credentials, "timeout", "WHATSAPP_TIMEOUT", "10")),
                      max_clock_skew=float(setting(credentials, "max_clock_skew", "WHATSAPP_MAX_CLOCK_SKEW",
                                                   str(MAX_CLOCK_SKEW))))
        if channel.configured:  # the shared record only for a configured channel (no file for an unused one)
            channel.replay = make_record(setting(credentials, "replay_record", "WHATSAPP_REPLAY_RECORD",
                                                 default_spec("whatsapp")))
        return channel

    def __init__(self, verify_token: str = "", app_secret: str = "", access_token: str = "",
                 phone_number_id: str = "", api_base: str = DEFAULT_API_BASE, timeout: float = 10.0,
                 replay: ReplayRecord | None = None, max_clock_skew: float = MAX_CLOCK_SKEW) -> None:
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.api_base = (api_base or DEFAULT_API_BASE).rstrip("/")
        self.timeout = timeout
        self.max_clock_skew = max_clock_skew
        self.replay = replay if replay is not None else make_record("memory")  # an empty record is falsy
        self.runs = OrderedRuns()
        self.background = Background()
        self.options = RecentOptions()
        self._session: aiohttp.ClientSession | None = None
        if not self.configured:
            logger.warning("WhatsApp channel not configured (set WHATSAPP_VERIFY_TOKEN, WHATSAPP_APP_SECRET, "
                           "WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID): /webhooks/whatsapp/webhook "
                           "answers 503; the other channels run")

    @property
    def configured(self) -> bool:
        return bool(self.verify_token and self.app_secret and self.access_token and self.phone_number_id)

    def session(self) -> aiohttp.ClientSession:
        """One aiohttp session, made on first use inside the running event loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {self.access_token}"})
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- sending ---
    async def post_message(self, user: str, body: Dict[str, Any]) -> None:
        url = f"{self.api_base}/{self.phone_number_id}/messages"
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": user, **body}
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with self.session().post(url, json=payload, timeout=timeout) as resp:
            resp.raise_for_status()
            await resp.read()

    async def send(self, conversation: str, user: str, bodies: List[Dict[str, Any]]) -> None:
        for body in bodies:
            if not await call_with_retry(partial(self.post_message, user, body), timeout=self.timeout + 1,
                                         conversation=conversation, what="WhatsApp send"):
                return  # the rest would arrive without its beginning

    # --- receiving ---
    async def answer(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: Incoming) -> None:
        conversation = conversation_id(PREFIX, message.user, self.app_secret)
        if message.text is None:
            reply = BotReply([{"text": text("non_text", SCRIPT)}])
        else:
            raw = pick_option(message.text, self.options.get(conversation)) or message.text
            reply = await ask_bot(on_new_message, raw, conversation, self.name(), SCRIPT)
        bodies, numbered = plan_messages(reply.messages)
        if numbered:
            self.options.remember(conversation, numbered)
        else:
            self.options.forget(conversation)
        await self.send(conversation, message.user, bodies)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("whatsapp_webhook", __name__)

        @bp.listener("before_server_stop")
        async def close_session(*_: Any) -> None:
            await self.close()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.verify_token:
                logger.error("WhatsApp verification called, but no verify token is configured: answered 503")
                return response.text(NOT_CONFIGURED, status=503)
            mode = request.args.get("hub.mode", "")
            token = request.args.get("hub.verify_token", "")
            challenge = request.args.get("hub.challenge", "")
            if mode == "subscribe" and challenge and equal(token, self.verify_token):
                return response.text(challenge)
            return response.text("验证失败", status=403)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.configured:
                logger.error("WhatsApp webhook called, but the channel is not configured: answered 503")
                return response.text(NOT_CONFIGURED, status=503)
            body = request.body or b""
            if len(body) > MAX_BODY:
                return response.text("消息过大", status=413)
            header = request.headers.get("X-Hub-Signature-256") or ""
            if not header:
                return response.text("缺少 X-Hub-Signature-256", status=401)
            if not signature_ok(body, header, self.app_secret):
                return response.text("签名校验失败", status=403)
            try:
                messages = incoming_messages(json.loads(body), self.phone_number_id)
            except (ValueError, TypeError, AttributeError, RecursionError):
                return response.text("消息格式错误", status=400)
            for message in messages:
                if not event_time_ok(message.timestamp, self.max_clock_skew):
                    logger.warning("WhatsApp: message %s dropped: its time is not within %g s of this server's "
                                   "clock", message.message_id, self.max_clock_skew)
                    continue
                if await self.replay.claim(f"whatsapp:{message.message_id}", REPLAY_TTL):
                    conversation = conversation_id(PREFIX, message.user, self.app_secret)
                    self.background.spawn(self.runs.run(conversation, partial(self.answer, on_new_message, message)))
            return response.text("OK")

        return bp
