"""Downloads of a conversation's plan, drafts and letters: ``GET /webhooks/files/download/<conversation>/<name>``
with ``?exp=…&sig=…`` (channels/download_links.py), where name is ``drafts.docx``, ``drafts.pdf`` or
``schedule.ics``. The link is served only for the conversation it was made for and only until it expires;
a wrong or altered link answers 403, an expired one 410, both in Chinese. The files are built from the stored
conversation (actions/bundle.py, actions/exports.py) when asked for and never written to disk.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import exports
from actions.bundle import bundle
from actions.pending import pending_lines
from case import contact_log
from channels import download_links, history

logger = logging.getLogger(__name__)

TYPES = {"drafts.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "drafts.pdf": "application/pdf", "schedule.ics": "text/calendar; charset=utf-8"}
REFUSED = {"bad": (403, "下载链接无效：它不属于这个对话，或已被改动。请在对话里重新获取下载链接。"),
           "expired": (410, "下载链接已过期。请在对话里说「我的记录」或「帮我写投诉信」重新获取。"),
           "unconfigured": (503, "服务器没有配置下载功能（环境变量 DOWNLOAD_SECRET）。")}
NOTHING = "这个对话里还没有方案或信件可以下载。"
NO_FONT = "服务器缺少中文字体，暂时无法生成 PDF（需要安装 fonts-wqy-microhei）。请先下载 Word 文档。"


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, ensure_ascii=False,
                         headers={"Cache-Control": "no-store"})


def _drafted_on(tracker: Any) -> datetime.date | None:
    """The day of the last plan draft (a draft card that is not a letter)."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            draft = ((event.data or {}).get("custom") or {}).get("draft") or {}
            if draft and not str(draft.get("kind") or "").startswith("letter_"):
                return contact_log.local_time(event.timestamp).date()
    return None


def staff_extras(tracker: Any, conversation_id: str) -> Dict[str, Any]:
    """What the staff console shows beside the case: the pending list (as a returning borrower hears it), the
    contact log, and this conversation's download links."""
    if tracker is None:
        return {"pending": [], "evidence": [], "downloads": []}
    slots = {slot.name: slot.value for slot in tracker.slots.values()}
    log = slots.get("contact_log")
    links = [{"name": name, "url": download_links.link(conversation_id, name)} for name in download_links.NAMES]
    return {"pending": pending_lines(slots, _drafted_on(tracker), contact_log.local_time(None).date()),
            "evidence": contact_log.as_lines(log) if contact_log.is_valid(log) else [],
            "downloads": [d for d in links if d["url"]] if slots.get("latest_drafts") or
            slots.get("latest_letters") else []}


class FileDownloadInput(InputChannel):
    """Serves files only; messages never arrive here."""

    @classmethod
    def name(cls) -> str:
        return "files"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("file_downloads", __name__)

        @bp.route("/download/<conversation_id:str>/<name:str>", methods=["GET"])
        async def download(request: Request, conversation_id: str, name: str) -> HTTPResponse:
            if name not in TYPES:
                return _error(404, f"没有这种文件：{name}")
            refused = download_links.check(conversation_id, request.args.get("exp"), request.args.get("sig"))
            if refused:
                return _error(*REFUSED[refused])
            tracker = await history.load_tracker(request.app, conversation_id)
            if tracker is None:
                return _error(404, NOTHING)
            slots = {slot.name: slot.value for slot in tracker.slots.values()}
            texts = [e.text or "" for e in tracker.events if isinstance(e, UserUttered)]
            content = bundle(slots, user_texts=texts, drafted_on=_drafted_on(tracker),
                             today=contact_log.local_time(None).date())
            if not content.sections:
                return _error(404, NOTHING)
            try:
                if name == "drafts.docx":
                    body = exports.docx_bytes(content)
                elif name == "drafts.pdf":
                    body = exports.pdf_bytes(content)
                else:
                    if not content.events:
                        return _error(404, NOTHING)
                    body = exports.ics_bytes(content, conversation_id)
            except exports.FontMissing:
                return _error(503, NO_FONT)
            filename = {"drafts.docx": "debt-plan.docx", "drafts.pdf": "debt-plan.pdf",
                        "schedule.ics": "repayment-schedule.ics"}[name]
            return response.raw(body, content_type=TYPES[name], headers={
                "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})

        return bp
