"""Socket.IO channel for the borrower web widget (``web/widget.js``), replacing Rasa's ``socketio`` channel.

Same protocol as Rasa's SocketIOInput (``session_request {session_id}`` → ``session_confirm``; ``user_uttered
{message, session_id, metadata}`` → ``bot_uttered``), with these differences:

- every message goes through ``channels.inbound.clean`` (empty / too long / phone, ID and card numbers redacted);
- ``enter_room`` is awaited when it is a coroutine (python-socketio ≥ 5.10, RasaHQ/rasa#13027);
- the session id is bound to the socket at ``session_request``; ``user_uttered`` cannot pick another one. Ids
  must look like the widget's random ids and may not use the staff/WeCom prefixes, so a browser cannot write
  into a staff or WeCom conversation;
- client metadata is not trusted: ``audience`` is always ``borrower`` (staff output needs the staff channel);
- one ``bot_uttered`` per bot message, whole (Rasa's output cuts text at blank lines, which splits a drafted
  letter, and sends ``custom`` as a separate event): ``{text, quick_replies?, custom?}``;
- ``session_history {session_id, messages}`` after ``session_confirm`` (from the tracker store) so the widget can
  re-render the conversation after a reload or a reconnection, and ``bot_typing {typing}`` around each turn.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels import history
from channels.inbound import EMPTY_REPLY, clean

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
RESERVED_PREFIXES = ("staff-", "wecom-")
ERROR_REPLY = "抱歉，系统刚才出了点问题，没能处理这条消息。请稍后再发一次。"
NO_SESSION_REPLY = "连接还没准备好，请稍等一下再发送，或刷新页面。"


async def _maybe_await(result: Any) -> None:
    """python-socketio < 5.10 returns None from enter_room/leave_room, ≥ 5.10 a coroutine (RasaHQ/rasa#13027)."""
    if inspect.isawaitable(result):
        await result


def valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and bool(SESSION_ID.match(value)) and not value.startswith(RESERVED_PREFIXES)


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
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        bp = _Blueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        ns = self.namespace

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=ns)
        async def connect(sid: str, environ: Dict, auth: Dict | None = None) -> bool:
            if self.jwt_key:
                from rasa.core.channels.channel import decode_bearer_token

                token = (auth or {}).get("token")
                return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))
            return True

        @sio.on("session_request", namespace=ns)
        async def session_request(sid: str, data: Dict | None = None) -> None:
            requested = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = requested if valid_session_id(requested) else uuid.uuid4().hex
            previous = (await sio.get_session(sid, namespace=ns) or {}).get("session_id")
            if previous and previous != session_id:  # "新对话": stop receiving the old conversation
                await _maybe_await(sio.leave_room(sid, previous, namespace=ns))
            await sio.save_session(sid, {"session_id": session_id}, namespace=ns)
            await _maybe_await(sio.enter_room(sid, session_id, namespace=ns))
            await sio.emit("session_confirm", session_id, room=sid, namespace=ns)
            try:
                tracker = await history.load_tracker(getattr(bp.ctx, "app", None), session_id)
                past = history.messages(tracker)
            except Exception:  # history is a convenience; the chat must work without it
                logger.exception("could not load history for a web session")
                past = []
            await sio.emit("session_history", {"session_id": session_id, "messages": past}, room=sid, namespace=ns)

        @sio.on(self.user_message_evt, namespace=ns)
        async def handle_message(sid: str, data: Any) -> None:
            output = WidgetOutput(sio, self.bot_message_evt)
            session = await sio.get_session(sid, namespace=ns)
            session_id = (session or {}).get("session_id")
            if not session_id:
                await sio.emit(self.bot_message_evt, {"text": NO_SESSION_REPLY}, room=sid, namespace=ns)
                return
            if not isinstance(data, dict):
                data = {"message": data}
            inbound = clean(data.get("message"))
            if inbound.empty:
                await output.send_text_message(session_id, EMPTY_REPLY)
                return
            metadata = self._metadata(data.get(self.metadata_key))
            await sio.emit("bot_typing", {"typing": True}, room=session_id, namespace=ns)
            try:
                for note in inbound.notes:
                    await sio.emit(self.bot_message_evt, {"text": note, "notice": True}, room=session_id,
                                   namespace=ns)
                await on_new_message(UserMessage(inbound.text, output, session_id, input_channel=self.name(),
                                                 metadata=metadata))
            except Exception:
                logger.exception("web message failed")
                await output.send_text_message(session_id, ERROR_REPLY)
            finally:
                await sio.emit("bot_typing", {"typing": False}, room=session_id, namespace=ns)

        return bp

    @staticmethod
    def _metadata(raw: Any) -> Dict[str, Any]:
        """Only harmless, short values from the browser; the audience is always the borrower."""
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                raw = {}
        metadata: Dict[str, Any] = {}
        if isinstance(raw, dict):
            source = raw.get("source")
            if isinstance(source, str) and source:
                metadata["source"] = source[:64]
        metadata["audience"] = "borrower"
        return metadata
