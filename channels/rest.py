"""REST channel with input checks: ``POST /webhooks/rest/webhook`` as in Rasa, but bad input gets a clear
answer (400 with a message for malformed JSON or a missing sender; a friendly reply for empty text) and
messages are cut to a sane length and stripped of phone/ID/card numbers before Rasa stores them."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.inbound import EMPTY_REPLY, clean

MAX_SENDER = 128


def _error(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class WholeMessageCollector(CollectingOutputChannel):
    """One reply per bot message: Rasa's collector splits text on blank lines and sends `custom` apart,
    which would cut a drafted letter into pieces."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self._persist_message(self._message(
            recipient_id, text=message.get("text"), image=message.get("image"), buttons=message.get("buttons"),
            attachment=message.get("attachment"), custom=message.get("custom") or message.get("json_message")))


class CheckedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("checked_rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return _error("请求体不是合法的 JSON。格式：{\"sender\": \"会话ID\", \"message\": \"文字\"}")
            if not isinstance(body, dict):
                return _error("请求体应为 JSON 对象：{\"sender\": \"会话ID\", \"message\": \"文字\"}")
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER:
                return _error(f"缺少 sender（1–{MAX_SENDER} 个字符的会话ID）。")
            metadata: Dict[str, Any] | None = body.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return _error("metadata 应为 JSON 对象。")
            inbound = clean(body.get("message"))
            if inbound.empty:
                return response.json([{"recipient_id": sender, "text": EMPTY_REPLY}])
            collector = WholeMessageCollector()
            await on_new_message(UserMessage(inbound.text, collector, sender, input_channel=self.name(),
                                             metadata=metadata))
            notes = [{"recipient_id": sender, "text": note} for note in inbound.notes]
            return response.json(notes + collector.messages)

        return bp
