"""Socket.IO channel for the borrower web widget (``web/widget.js``), replacing Rasa's ``socketio`` channel.

Same protocol as Rasa's SocketIOInput (``session_request {session_id}`` → ``session_confirm``; ``user_uttered
{message, session_id, metadata}`` → ``bot_uttered``), with these differences:

- session ids are issued by the server: 32 random URL-safe characters (192 bits; never one that reads as a
  phone or ID number, and such a value brought back is not confirmed), the only secret of a web
  conversation. A ``session_request`` may bring one back (after a reload) and gets it confirmed only when the
  server knows a conversation for it; any other value gets a new id. The tracker store keys the conversation
  as ``web-`` + a hash of the id, so the stored ids (and logs, and the REST channel, which has its own
  ``rest-`` space) never give the session id away, and no other channel can address a web conversation;
- holding a session id gives exactly: the conversation's history (``session_history``), writing into it, and,
  while connected, every later reply in it live (a second tab of the same browser, or anyone the id was given
  to). Nothing else: no other conversation, no staff output;
- ``user_uttered`` is bound to the socket's confirmed session; the ``session_id`` in it is ignored; a missing
  or malformed payload gets an answer, never an exception;
- every message goes through ``channels.inbound.clean`` (empty / too long / personal data redacted,
  ``/intent{…}`` read as text);
- client metadata is not trusted: only ``source`` is kept, ``audience`` is always ``borrower``;
- rate limits per client address (connections, session requests, messages) and per conversation
  (``channels/limits.py``): a message over the limit gets a notice ``{text, notice: true, error: 429}``;
  Engine.IO packets are limited to ``limits.MAX_BODY`` bytes;
- origins: a page may connect only from the bot's own origin or a configured partner origin
  (``channels/origins.py``), without credentials;
- ``enter_room`` is awaited when it is a coroutine (python-socketio ≥ 5.10, RasaHQ/rasa#13027);
- one ``bot_uttered`` per bot message, whole (Rasa's output cuts text at blank lines, which splits a drafted
  letter, and sends ``custom`` as a separate event): ``{text, quick_replies?, custom?}``;
- ``session_history {session_id, messages}`` after ``session_confirm`` (from the tracker store) so the widget can
  re-render the conversation after a reload or a reconnection, and ``bot_typing {typing}`` around each turn.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import re
import secrets
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels import forget, history, limits, origins
from channels.inbound import EMPTY_REPLY, clean, id_contains_personal_data, public_metadata

logger = logging.getLogger(__name__)

PREFIX = "web-"
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{32,64}\Z")
ERROR_REPLY = "抱歉，系统刚才出了点问题，没能处理这条消息。请稍后再发一次。"
NO_SESSION_REPLY = "连接还没准备好，请稍等一下再发送，或刷新页面。"


async def _maybe_await(result: Any) -> None:
    """python-socketio < 5.10 returns None from enter_room/leave_room, ≥ 5.10 a coroutine (RasaHQ/rasa#13027)."""
    if inspect.isawaitable(result):
        await result


def new_session_id() -> str:
    """32 random URL-safe characters; drawn again in the rare case they hold a run that reads as a phone or ID
    number (about once in 100,000), since every id with one is refused."""
    while True:
        session_id = secrets.token_urlsafe(24)
        if not id_contains_personal_data(session_id):
            return session_id


def valid_session_id(value: Any) -> bool:
    """The shape of an id this server issues (whether it knows a conversation for it is checked apart): never a
    trailing newline (``fullmatch``), never a phone or ID number brought back as a "session id"."""
    return isinstance(value, str) and bool(SESSION_ID.fullmatch(value)) and not id_contains_personal_data(value)


def conversation_id(session_id: str) -> str:
    """The tracker's id of a web session: a one-way hash, so stored ids do not give the session id away."""
    return PREFIX + hashlib.sha256(("web-session:" + session_id).encode()).hexdigest()[:32]


class WidgetOutput(OutputChannel):
    """Sends each bot message whole, as one ``bot_uttered`` event to the conversation's room."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self.sio.emit(self.bot_message_evt, history.bot_message(message), room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class _Blueprint(SocketBlueprint):
    """Remembers the Sanic app so that socket handlers can read the tracker store."""

    def register(self, app: Sanic, options: Dict[str, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)


class WidgetSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        return WidgetOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origins.allowed, cors_credentials=False,
                          max_http_buffer_size=limits.MAX_BODY)
        bp = _Blueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        ns = self.namespace

        async def notice(sid: str, text: str, **extra: Any) -> None:
            await sio.emit(self.bot_message_evt, {"text": text, "notice": True, **extra}, room=sid, namespace=ns)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=ns)
        async def connect(sid: str, environ: Dict, auth: Dict | None = None) -> bool:
            address = limits.client_address(environ.get("sanic.request"))
            if limits.LIMITS.check_address(address):
                return False
            if self.jwt_key:
                from rasa.core.channels.channel import decode_bearer_token

                token = (auth or {}).get("token") if isinstance(auth, dict) else None
                if not (token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)):
                    return False
            await sio.save_session(sid, {"address": address}, namespace=ns)
            return True

        async def known(session_id: Any) -> Any:
            """The stored conversation of a session id this server issued, or None."""
            if not valid_session_id(session_id):
                return None
            return await history.load_tracker(getattr(bp.ctx, "app", None), conversation_id(session_id))

        @sio.on("session_request", namespace=ns)
        async def session_request(sid: str, data: Any = None) -> None:
            session = await sio.get_session(sid, namespace=ns) or {}
            wait = limits.LIMITS.check_address(session.get("address", ""))
            if wait:
                await notice(sid, limits.LIMITS.message(wait), error=429)
                return
            requested = data.get("session_id") if isinstance(data, dict) else None
            try:
                tracker = await known(requested)
            except Exception:  # the store is unreachable: a new conversation rather than none
                logger.exception("could not load a web session's conversation")
                tracker = None
            session_id = requested if tracker is not None else new_session_id()
            conversation = conversation_id(session_id)
            previous = session.get("conversation")
            if previous and previous != conversation:  # "新对话": stop receiving the old conversation
                await _maybe_await(sio.leave_room(sid, previous, namespace=ns))
            await sio.save_session(sid, {**session, "conversation": conversation}, namespace=ns)
            await _maybe_await(sio.enter_room(sid, conversation, namespace=ns))
            await sio.emit("session_confirm", session_id, room=sid, namespace=ns)
            await sio.emit("session_history", {"session_id": session_id, "messages": history.messages(tracker)},
                           room=sid, namespace=ns)

        @sio.on(self.user_message_evt, namespace=ns)
        async def handle_message(sid: str, data: Any = None, *_: Any) -> None:
            session = await sio.get_session(sid, namespace=ns) or {}
            conversation = session.get("conversation")
            if not conversation:
                await notice(sid, NO_SESSION_REPLY)
                return
            wait = limits.LIMITS.check_address(session.get("address", "")) or \
                limits.LIMITS.check_conversation(conversation)
            if wait:
                await notice(sid, limits.LIMITS.message(wait), error=429)
                return
            output = WidgetOutput(sio, self.bot_message_evt)
            if not isinstance(data, dict):
                data = {"message": data if isinstance(data, (str, int, float)) else None}
            message = data.get("message")
            inbound = clean(message if isinstance(message, (str, int, float)) else None)
            if inbound.empty:
                await output.send_text_message(conversation, EMPTY_REPLY)
                return
            deletion = await forget.answer(getattr(bp.ctx, "app", None), conversation, inbound.text)  # 删除记录
            if deletion:
                await output.send_text_message(conversation, deletion)
                return
            metadata = self._metadata(data.get(self.metadata_key))
            await sio.emit("bot_typing", {"typing": True}, room=conversation, namespace=ns)
            try:
                for note in inbound.notes:
                    await sio.emit(self.bot_message_evt, {"text": note, "notice": True}, room=conversation,
                                   namespace=ns)
                await on_new_message(UserMessage(inbound.text, output, conversation, input_channel=self.name(),
                                                 metadata=metadata))
            except Exception:
                logger.exception("web message failed")
                await output.send_text_message(conversation, ERROR_REPLY)
            finally:
                await sio.emit("bot_typing", {"typing": False}, room=conversation, namespace=ns)

        return bp

    @staticmethod
    def _metadata(raw: Any) -> Dict[str, Any]:
        """Only harmless, short values from the browser (``source``); the audience is always the borrower."""
        if isinstance(raw, str) and len(raw) <= limits.MAX_METADATA_BYTES:
            try:
                raw = json.loads(raw)
            except (ValueError, RecursionError):
                raw = {}
        return public_metadata(raw)
