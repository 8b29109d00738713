"""LINE Messaging API channel: ``/webhooks/line/webhook``, on ``line-bot-sdk`` v3 (``linebot.v3``, async client).

- ``POST /webhook``: ``X-Line-Signature`` (base64 HMAC-SHA256 of the raw body with the channel secret) checked
  by the SDK's ``WebhookParser`` (``hmac.compare_digest``): missing → 401, wrong → 403, nothing reaches Rasa.
  A signed body that is not the webhook's JSON → 400. The webhook answers 200 at once (LINE recommends
  processing events asynchronously); the events are handled in the background, one conversation's in order.
- Events from a user's 1:1 chat: a text message goes to Rasa (conversation ``line-`` + an HMAC of the LINE user
  id); a quick-reply tap comes back as a postback and sends the button's payload; a sticker, image, video,
  voice message, file or location gets a short text saying what the bot can do; a follow (added as a friend)
  is a greeting (``/greet``); an unfollow is only logged. Group and room chats are not answered (debts are
  private).
- An event whose own ``timestamp`` (ms) is more than ``max_clock_skew`` seconds (300) from the server's clock is
  dropped (logged; the webhook still answers 200): a captured signed event cannot be replayed later, also once
  its record has expired. A redelivery after a longer outage is dropped the same way (its answer would be late).
- ``webhookEventId`` is claimed in a replay record (``channels/replay.py``) before anything is done: a
  redelivered event (``deliveryContext.isRedelivery``) or a repeated request is answered once — also after a
  restart and on another process (the record is a SQLite file in var/ by default, Redis in production). A
  redelivered event that was never taken is answered by push (its reply token may have expired).
- Replies: the bot's messages cut at paragraph boundaries into LINE text messages of at most 5,000 characters
  (``channels/splitting.py``); the first five go out with the reply token, the rest with the push API in calls
  of at most five (the same ``X-Line-Retry-Key`` on the retry, so LINE never delivers a push twice). A reply
  that fails is pushed instead. The bot's buttons become quick replies (at most 13, labels ≤ 20 characters).
- Traditional characters and Taiwan rules by default (metadata ``default_script: tw``), unless the user
  writes Simplified.

Config under ``channels.line.LineInput`` in credentials.yml, each with an environment fallback:
``channel_secret`` (LINE_CHANNEL_SECRET), ``access_token`` (LINE_CHANNEL_ACCESS_TOKEN), ``api_base``
(LINE_API_BASE, default ``https://api.line.me``), ``timeout`` (LINE_TIMEOUT, 10 s per call), ``max_clock_skew``
(LINE_MAX_CLOCK_SKEW, 300 s), ``replay_record`` (LINE_REPLAY_RECORD, default ``sqlite:///var/line-replay.db``
under the project; ``redis://…`` in production). Without the secret and the token the endpoint answers 503.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Sequence, Tuple

from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import (
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.messenger import (
    Background,
    BotReply,
    OrderedRuns,
    ask_bot,
    button_options,
    call_with_retry,
    conversation_id,
    setting,
    text,
)
from channels.replay import MAX_CLOCK_SKEW, ReplayRecord, default_spec, event_time_ok, make_record
from channels.splitting import batches, clip, split_text, utf16_len

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.line.me"
PREFIX = "line-"
SCRIPT = "tw"  # Taiwan rules, Traditional (Taiwan standard) unless the user writes Simplified
MAX_CHARS = 5000  # one LINE text message
MAX_MESSAGES = 5  # message objects per reply or push call
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_BODY = 64 * 1024
REPLAY_TTL = 24 * 3600  # LINE redelivers for a while; an event id is remembered for a day
NOT_CONFIGURED = "LINE 渠道未配置（channel_secret / access_token）"


@dataclass
class OutText:
    """One LINE text message to send, with the quick replies (title, payload) it carries."""

    text: str
    quick_replies: List[Tuple[str, str]] = field(default_factory=list)


def plan_messages(messages: Sequence[Dict[str, Any]]) -> List[OutText]:
    """The bot's messages as LINE text messages: split at paragraphs, buttons as quick replies on the last piece."""
    out: List[OutText] = []
    for message in messages:
        options = button_options(message)[:MAX_QUICK_REPLIES]
        pieces = split_text(message.get("text") or "", MAX_CHARS, utf16_len)
        if not pieces and options:
            pieces = [text("buttons_prompt", SCRIPT)]
        out.extend(OutText(piece) for piece in pieces)
        if options and out:
            out[-1].quick_replies = options
    return out


def plan_sends(messages: Sequence[OutText], reply_token: str | None) -> List[Tuple[str, List[OutText]]]:
    """("reply", first five) when there is a reply token, then ("push", at most five) for the rest."""
    groups = batches(messages, MAX_MESSAGES)
    if not groups:
        return []
    if reply_token:
        return [("reply", groups[0])] + [("push", g) for g in groups[1:]]
    return [("push", g) for g in groups]


def to_line(message: OutText) -> TextMessage:
    quick = None
    if message.quick_replies:
        quick = QuickReply(items=[
            QuickReplyItem(action=PostbackAction(label=clip(title, MAX_LABEL), data=payload[:300],
                                                 displayText=title[:300]))
            for title, payload in message.quick_replies])
    return TextMessage(text=message.text, quickReply=quick)


class LineInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "line"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        secret = setting(credentials, "channel_secret", "LINE_CHANNEL_SECRET")
        token = setting(credentials, "access_token", "LINE_CHANNEL_ACCESS_TOKEN")
        # The shared record only for a configured channel (no file in var/ for a channel nobody uses).
        spec = setting(credentials, "replay_record", "LINE_REPLAY_RECORD", default_spec("line"))
        return cls(channel_secret=secret, access_token=token,
                   api_base=setting(credentials, "api_base", "LINE_API_BASE", DEFAULT_API_BASE),
                   timeout=float(setting(credentials, "timeout", "LINE_TIMEOUT", "10")),
                   max_clock_skew=float(setting(credentials, "max_clock_skew", "LINE_MAX_CLOCK_SKEW",
                                                str(MAX_CLOCK_SKEW))),
                   replay=make_record(spec if secret and token else "memory"))

    def __init__(self, channel_secret: str = "", access_token: str = "", api_base: str = DEFAULT_API_BASE,
                 timeout: float = 10.0, replay: ReplayRecord | None = None,
                 max_clock_skew: float = MAX_CLOCK_SKEW) -> None:
        self.secret = channel_secret
        self.access_token = access_token
        self.api_base = (api_base or DEFAULT_API_BASE).rstrip("/")
        self.timeout = timeout
        self.max_clock_skew = max_clock_skew
        self.parser = WebhookParser(channel_secret) if channel_secret else None
        self.replay = replay if replay is not None else make_record("memory")  # an empty record is falsy
        self.runs = OrderedRuns()
        self.background = Background()
        self._client: AsyncApiClient | None = None
        if not self.configured:
            logger.warning("LINE channel not configured (set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN): "
                           "/webhooks/line/webhook answers 503; the other channels run")

    @property
    def configured(self) -> bool:
        return bool(self.secret and self.access_token)

    def api(self) -> AsyncMessagingApi:
        """The SDK's async client, made on first use inside the running event loop (it owns an aiohttp session)."""
        if self._client is None:
            self._client = AsyncApiClient(Configuration(host=self.api_base, access_token=self.access_token))
        return AsyncMessagingApi(self._client)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    # --- sending ---
    async def _reply(self, request: ReplyMessageRequest) -> None:
        await self.api().reply_message(request, _request_timeout=self.timeout)

    async def _push(self, request: PushMessageRequest, retry_key: str) -> None:
        try:
            await self.api().push_message(request, x_line_retry_key=retry_key, _request_timeout=self.timeout)
        except ApiException as err:
            if err.status != 409:  # 409: LINE already accepted this retry key (the first try went through)
                raise

    async def send(self, conversation: str, user: str, reply_token: str | None, messages: List[OutText]) -> None:
        for kind, group in plan_sends(messages, reply_token):
            line_messages = [to_line(m) for m in group]
            if kind == "reply" and reply_token:
                request = ReplyMessageRequest(replyToken=reply_token, messages=line_messages)
                if await call_with_retry(partial(self._reply, request), timeout=self.timeout + 1,
                                         conversation=conversation, what="LINE reply"):
                    continue
            push = PushMessageRequest(to=user, messages=line_messages)
            # The same retry key on the retry: LINE never delivers one push twice.
            if not await call_with_retry(partial(self._push, push, str(uuid.uuid4())), timeout=self.timeout + 1,
                                         conversation=conversation, what="LINE push"):
                return  # the rest would arrive without its beginning

    # --- receiving ---
    async def answer(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], event: Any, user: str,
                     reply_token: str | None) -> None:
        conversation = conversation_id(PREFIX, user, self.secret)
        if isinstance(event, MessageEvent) and not isinstance(event.message, TextMessageContent):
            reply = BotReply([{"text": text("non_text", SCRIPT)}])
        else:
            raw = (event.message.text if isinstance(event, MessageEvent)
                   else event.postback.data if isinstance(event, PostbackEvent) else "/greet")
            reply = await ask_bot(on_new_message, raw, conversation, self.name(), SCRIPT)
        await self.send(conversation, user, reply_token, plan_messages(reply.messages))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("line_webhook", __name__)

        @bp.listener("before_server_stop")
        async def close_client(*_: Any) -> None:
            await self.close()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.configured or self.parser is None:
                logger.error("LINE webhook called, but the channel is not configured: answered 503")
                return response.text(NOT_CONFIGURED, status=503)
            if len(request.body or b"") > MAX_BODY:
                return response.text("消息过大", status=413)
            signature = request.headers.get("X-Line-Signature") or ""
            if not signature:
                return response.text("缺少 X-Line-Signature", status=401)
            try:
                body = (request.body or b"").decode("utf-8")
                events = self.parser.parse(body, signature)
            except InvalidSignatureError:
                return response.text("签名校验失败", status=403)
            except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
                return response.text("消息格式错误", status=400)
            for event in events:
                await self.take(on_new_message, event)
            return response.text("OK")

        return bp

    async def take(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], event: Any) -> None:
        """Claim the event (once per webhookEventId) and answer it in the background."""
        source = getattr(event, "source", None)
        if not isinstance(source, UserSource) or not source.user_id:
            return  # group and room chats, and events without a user
        if isinstance(event, UnfollowEvent):
            logger.info("LINE: conversation %s unfollowed", conversation_id(PREFIX, source.user_id, self.secret))
            return
        if not isinstance(event, (MessageEvent, PostbackEvent, FollowEvent)):
            return
        timestamp = getattr(event, "timestamp", None)
        if not isinstance(timestamp, int) or not event_time_ok(timestamp / 1000, self.max_clock_skew):
            logger.warning("LINE: event %s dropped: its time is not within %g s of this server's clock",
                           getattr(event, "webhook_event_id", None), self.max_clock_skew)
            return
        event_id = getattr(event, "webhook_event_id", None) or ""
        if not event_id or not await self.replay.claim(f"line:{event_id}", REPLAY_TTL):
            return
        redelivered = bool(getattr(getattr(event, "delivery_context", None), "is_redelivery", False))
        reply_token = None if redelivered else getattr(event, "reply_token", None)
        user = source.user_id
        self.background.spawn(self.runs.run(conversation_id(PREFIX, user, self.secret),
                                            partial(self.answer, on_new_message, event, user, reply_token)))
