"""REST channel with input checks: ``POST /webhooks/rest/webhook {"sender", "message", "metadata"?}`` as in Rasa,
with these differences:

- the conversation is ``rest-<sender>``: REST has its own id space and can never address a web, staff or WeCom
  conversation. ``sender`` is 1–128 characters of ``A–Z a–z 0–9 _ . : -`` (nothing after them, not even a
  newline) and may not contain personal data — a phone, QQ or ID number, 8 digits in a row outside a digest
  (``channels.inbound.id_contains_personal_data``) — the tracker store would keep it in clear;
- metadata: an object of at most 1 KB and 2 levels, of which only ``source`` (≤ 64 characters) is kept; the
  audience is always the borrower (staff output only through the staff console);
- rate limits per client address and per conversation (``channels/limits.py``): 429 with ``Retry-After`` and a
  Chinese message; the body is limited for the whole server (64 KB, 413);
- bad input gets a clear answer (400 with a Chinese message for malformed or too deeply nested JSON, a bad
  sender or metadata; a friendly reply for empty text), messages are cut to a sane length and stripped of
  personal data before Rasa stores them, and ``/intent{entities}`` typed by a user is read as text;
- an unexpected failure answers 500 with a JSON message, never Sanic's error page.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import forget, limits
from channels.inbound import EMPTY_REPLY, clean, id_contains_personal_data, public_metadata

logger = logging.getLogger(__name__)

PREFIX = "rest-"
MAX_SENDER = 128
SENDER = re.compile(rf"[A-Za-z0-9_.:-]{{1,{MAX_SENDER}}}\Z")  # \Z: `$` would pass "x\n"
BAD_JSON = '请求体不是合法的 JSON（或嵌套过深）。格式：{"sender": "会话ID", "message": "文字"}'
BAD_SENDER = f"缺少 sender 或格式不对：sender 是 1–{MAX_SENDER} 个字母、数字或 _ . : - 组成的会话ID。"
PERSONAL_SENDER = "sender 里不能有手机号、证件号、卡号等个人信息（会被原样保存）。请改用随机编号或其哈希值。"
ERROR_REPLY = "抱歉，系统刚才出了点问题，没能处理这条消息。请稍后再发一次。"


def conversation_id(sender: str) -> str:
    """The tracker's id of a REST sender."""
    return PREFIX + sender


def _error(message: str, status: int = 400, **headers: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers or None, ensure_ascii=False)


def too_fast(wait: float) -> HTTPResponse:
    return _error(limits.LIMITS.message(wait), 429, **{"Retry-After": str(max(1, math.ceil(wait)))})


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
            wait = limits.LIMITS.check_address(limits.client_address(request))
            if wait:
                return too_fast(wait)
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):
                return _error(BAD_JSON)
            if not isinstance(body, dict):
                return _error("请求体应为 JSON 对象：{\"sender\": \"会话ID\", \"message\": \"文字\"}")
            sender = body.get("sender")
            if not isinstance(sender, str) or not SENDER.match(sender):
                return _error(BAD_SENDER)
            if id_contains_personal_data(sender):
                return _error(PERSONAL_SENDER)
            metadata = body.get("metadata")
            if metadata is not None:
                if not isinstance(metadata, dict):
                    return _error("metadata 应为 JSON 对象。")
                problem = limits.metadata_problem(metadata)
                if problem:
                    return _error(problem)
            message = body.get("message")
            if message is not None and not isinstance(message, (str, int, float)):
                return _error("message 应为文字。")
            conversation = conversation_id(sender)
            wait = limits.LIMITS.check_conversation(conversation)
            if wait:
                return too_fast(wait)
            inbound = clean(message)
            if inbound.empty:
                return response.json([{"recipient_id": sender, "text": EMPTY_REPLY}], ensure_ascii=False)
            deletion = await forget.answer(request.app, conversation, inbound.text)  # 「删除我的记录」
            if deletion:
                return response.json([{"recipient_id": sender, "text": deletion}], ensure_ascii=False)
            collector = WholeMessageCollector()
            try:
                await on_new_message(UserMessage(inbound.text, collector, conversation, input_channel=self.name(),
                                                 metadata=public_metadata(metadata)))
            except Exception:
                logger.exception("REST message failed")
                return _error(ERROR_REPLY, 500)
            replies = [{"recipient_id": sender, "text": note} for note in inbound.notes]
            replies += [{**m, "recipient_id": sender} for m in collector.messages]
            return response.json(replies, ensure_ascii=False)

        return bp
