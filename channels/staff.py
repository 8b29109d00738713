"""Hotline staff console: page and API under ``/webhooks/staff/``.

- ``GET  /webhooks/staff/console``           the console page (static; asks for the token, keeps it in the tab)
- ``GET  /webhooks/staff/api/check``         200 when the token is right
- ``POST /webhooks/staff/api/message``       ``{"conversation_id": "staff-…", "message": "…"}`` → replies + case
- ``GET  /webhooks/staff/api/case/<id>``     the case (facts, threats, risk flags, latest drafts) + messages
- ``DELETE /webhooks/staff/api/case/<id>``   deletes the case's conversation (channels/forget.py)

Every call that reads, writes or deletes a case is written to the audit log (channels/audit.py: who, from
where, what, which case; the console sends the staff member's name as ``X-Staff-Name``).
- ``GET  /webhooks/staff/api/labels``        Chinese labels of lender, threat and plan kinds (coach/case/vocabulary.yml)

Every API call needs ``Authorization: Bearer <token>``. The token is ``STAFF_TOKEN`` from the environment or
``token`` under ``channels.staff.StaffInput`` in credentials.yml (the environment wins). Rasa's
``--auth-token`` does not cover channel blueprints, so this channel checks its own token. Without a configured
token the API refuses everything (503); with a wrong or missing token it answers 401, in Chinese.

Messages sent here carry metadata ``audience: staff`` (staff-facing output); this is the only channel that may
(``serving/patches/trusted_audience.py`` resets it for every other channel). Staff conversations have ids that
start with ``staff-``, an id space no other channel can reach (each adds its own prefix); an id that contains
personal data (a phone, QQ or ID number) is refused on every route, DELETE included, since it would be stored,
written to the audit log and shown in URLs. The token is compared as bytes (coach/secrets_compare.py): a
non-ASCII token is a wrong token (401), never an error.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import audit, files, forget, history
from channels.inbound import EMPTY_REPLY, clean, id_contains_personal_data
from channels.rest import WholeMessageCollector
from channels.web import WEB_ROOT, send_file
from coach.audience import STAFF, STAFF_CHANNEL
from coach.case import vocabulary
from coach.secrets_compare import equal

logger = logging.getLogger(__name__)

CONVERSATION_ID = re.compile(r"staff-[A-Za-z0-9_-]{6,64}\Z")
UNAUTHORIZED = ("需要员工凭证：请在请求头中提供 Authorization: Bearer <员工令牌>"
                "（令牌由管理员通过环境变量 STAFF_TOKEN 设置）。")
WRONG_TOKEN = "员工令牌不正确，请向管理员确认后重新输入。"
NOT_CONFIGURED = "员工控制台未启用：服务器没有配置员工令牌（环境变量 STAFF_TOKEN 或 credentials.yml 中的 token）。"
# The console shows case data: nothing but its own files may run, and no other site may frame it.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
                "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
BAD_ID = "conversation_id 应以 staff- 开头，后面是 6–64 个字母、数字、- 或 _。"
PERSONAL_ID = "个案编号里不能有手机号、证件号等个人信息（编号会出现在网址和存储里）。请用随机编号，例如控制台生成的。"
ERROR_REPLY = "抱歉，系统刚才出了点问题，没能处理这条消息。请稍后再发一次。"


def _error(message: str, status: int, **headers: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers or None, ensure_ascii=False)


def id_refusal(conversation_id: object) -> HTTPResponse | None:
    """The 400 for a case id that is malformed or carries personal data (it is stored and shown in URLs), or
    None. ``fullmatch``: ``$`` would let a trailing newline through."""
    if not isinstance(conversation_id, str) or not CONVERSATION_ID.fullmatch(conversation_id):
        return _error(BAD_ID, 400)
    if id_contains_personal_data(conversation_id):
        return _error(PERSONAL_ID, 400)
    return None


class StaffInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return STAFF_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        token = os.environ.get("STAFF_TOKEN") or str((credentials or {}).get("token") or "")
        return cls(token.strip())

    def __init__(self, token: str = "") -> None:
        self.token = token

    def refused(self, request: Request) -> HTTPResponse | None:
        """None when the request carries the staff token; otherwise the refusal to send."""
        if not self.token:
            return _error(NOT_CONFIGURED, 503)
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return _error(UNAUTHORIZED, 401, **{"WWW-Authenticate": 'Bearer realm="staff"'})
        if not equal(given.strip(), self.token):
            return _error(WRONG_TOKEN, 401, **{"WWW-Authenticate": 'Bearer realm="staff", error="invalid_token"'})
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("staff_console", __name__)
        pages = {"console": "console.html", "console.js": "console.js", "console.css": "console.css"}

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": bool(self.token)})

        @bp.route("/<name:str>", methods=["GET"])
        async def page(_: Request, name: str) -> HTTPResponse:
            if name not in pages:
                return _error(f"找不到 {name}", 404)
            return await send_file(WEB_ROOT, pages[name], headers=PAGE_HEADERS)

        @bp.route("/api/check", methods=["GET"])
        async def check(request: Request) -> HTTPResponse:
            return self.refused(request) or response.json({"status": "ok"})

        @bp.route("/api/labels", methods=["GET"])
        async def labels(request: Request) -> HTTPResponse:
            return self.refused(request) or response.json(vocabulary.labels(), ensure_ascii=False)

        @bp.route("/api/case/<conversation_id:str>", methods=["GET"])
        async def case(request: Request, conversation_id: str) -> HTTPResponse:
            refusal = self.refused(request)
            if refusal:
                return refusal
            refusal = id_refusal(conversation_id)
            if refusal:
                return refusal
            audit.record(request, "view", conversation_id)
            tracker = await history.load_tracker(request.app, conversation_id)
            return response.json({"conversation_id": conversation_id,
                                  "case": {**history.case(tracker), **files.staff_extras(tracker, conversation_id)},
                                  "messages": history.messages(tracker)}, ensure_ascii=False)

        @bp.route("/api/case/<conversation_id:str>", methods=["DELETE"])
        async def delete_case(request: Request, conversation_id: str) -> HTTPResponse:
            refusal = self.refused(request)
            if refusal:
                return refusal
            refusal = id_refusal(conversation_id)  # a deletion names the case too: the same check
            if refusal:
                return refusal
            audit.record(request, "delete", conversation_id)
            if not await forget.delete_conversation(request.app, conversation_id):
                return _error(forget.FAILED, 500)
            return response.json({"conversation_id": conversation_id, "deleted": True})

        @bp.route("/api/message", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            refusal = self.refused(request)
            if refusal:
                return refusal
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):
                return _error('请求体不是合法的 JSON。格式：{"conversation_id": "staff-…", "message": "文字"}', 400)
            if not isinstance(body, dict):
                return _error("请求体应为 JSON 对象。", 400)
            conversation_id = body.get("conversation_id")
            refusal = id_refusal(conversation_id)
            if refusal:
                return refusal
            message = body.get("message")
            if message is not None and not isinstance(message, (str, int, float)):
                return _error("message 应为文字。", 400)
            inbound = clean(message)
            if inbound.empty:
                return response.json({"conversation_id": conversation_id, "notes": [],
                                      "replies": [{"text": EMPTY_REPLY}], "case": None}, ensure_ascii=False)
            audit.record(request, "message", conversation_id)
            collector = WholeMessageCollector()
            try:
                await on_new_message(UserMessage(inbound.text, collector, conversation_id,
                                                 input_channel=self.name(), metadata={"audience": STAFF}))
            except Exception:
                logger.exception("staff message failed")
                return _error(ERROR_REPLY, 500)
            tracker = await history.load_tracker(request.app, conversation_id)
            return response.json({"conversation_id": conversation_id, "text": inbound.text, "notes": inbound.notes,
                                  "replies": [history.bot_message(m) for m in collector.messages],
                                  "case": {**history.case(tracker), **files.staff_extras(tracker, conversation_id)}},
                                 ensure_ascii=False)

        return bp
