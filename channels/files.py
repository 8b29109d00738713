"""Downloads of a conversation's plan, drafts and letters: ``GET /webhooks/files/download/<conversation>/<name>``
with ``?exp=…&sig=…`` (coach/download_links.py), where name is ``drafts.docx``, ``drafts.pdf`` or
``schedule.ics``. The link is served only for the conversation it was made for and only until it expires;
a wrong or altered link answers 403, an expired one 410, both in Chinese. The files are built from the stored
conversation (coach/bundle.py, coach/exports.py) when asked for and never written to disk.

A download never holds up the conversations of the same Rasa process:

- the file is built in a worker process (channels/document_worker.py: a small process pool at lower priority),
  from plain data read here, and kept in a bounded cache per case version, so the same conversation in the same
  state is not built twice; a build that takes longer than ``DOWNLOAD_BUILD_TIMEOUT`` (30 s) or finds too many
  builds waiting answers 503 in Chinese (with ``Retry-After`` when busy);
- rate limits (token buckets of channels/limits.py, in Redis when ``RATE_LIMIT_REDIS_URL`` is set): per client
  address ``DOWNLOAD_RATE_PER_ADDRESS`` (default 30 a minute, burst 15: a shared carrier address serves many
  people) and per link, i.e. conversation + file name, ``DOWNLOAD_RATE_PER_LINK`` (default 6 a minute, burst
  3: a person downloads a file a few times, not dozens a minute); ``0`` turns one off. Refused: 429 with
  ``Retry-After`` and a Chinese message. The address is counted before the link is checked (guessing costs
  too); the link only once it is valid (nobody else can use up a borrower's allowance). The loopback address is
  not limited per address, as for messages: behind a proxy on the same host that is not declared to Sanic,
  every user would share that one bucket, and one looping client would cut everyone off from their files; the
  per-link limit, the cache and the bounded queue hold there too, and the worker cannot take the event loop.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import math
import os
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Awaitable, Callable, Dict, Tuple

import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import document_worker, history, limits
from coach import download_links
from coach.case import contact_log
from coach.pending import pending_lines

logger = logging.getLogger(__name__)

TYPES = {"drafts.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "drafts.pdf": "application/pdf", "schedule.ics": "text/calendar; charset=utf-8"}
REFUSED = {"bad": (403, "下载链接无效：它不属于这个对话，或已被改动。请在对话里重新获取下载链接。"),
           "expired": (410, "下载链接已过期。请在对话里说「我的记录」或「帮我写投诉信」重新获取。"),
           "unconfigured": (503, "服务器没有配置下载功能（环境变量 DOWNLOAD_SECRET）。")}
NOTHING = "这个对话里还没有方案或信件可以下载。"
NO_FONT = "服务器缺少中文字体，暂时无法生成 PDF（需要安装 fonts-wqy-microhei）。请先下载 Word 文档。"
TOO_FAST = ("下载得太频繁了，请等 {seconds} 秒再试。为了让每位用户都能顺畅使用，同一个文件每分钟最多下载 "
            "{per_link} 次。")
BUSY = "现在要生成的文件比较多，请等 {seconds} 秒再试。"
SLOW = "文件生成用时太长，暂时无法下载。请过一两分钟再点一次下载链接。"
BUSY_RETRY = 10  # seconds: a few builds' time
DEFAULT_PER_ADDRESS = 30
DEFAULT_PER_LINK = 6


def _error(status: int, message: str, **headers: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, ensure_ascii=False,
                         headers={"Cache-Control": "no-store", **headers})


class DownloadLimits:
    """Token buckets of downloads: per client address and per link (conversation + file name)."""

    def __init__(self) -> None:
        self.per_address = limits.Rate.from_env("DOWNLOAD_RATE_PER_ADDRESS", DEFAULT_PER_ADDRESS)
        self.per_link = limits.Rate.from_env("DOWNLOAD_RATE_PER_LINK", DEFAULT_PER_LINK)
        url = os.environ.get("RATE_LIMIT_REDIS_URL", "").strip()
        if url:  # shared by every Rasa process, as the message limits (channels/shared_limits.py)
            from channels.shared_limits import RedisBuckets, redis_client

            client = redis_client(url)
            self.addresses: limits.Buckets = RedisBuckets(self.per_address, client, "debtcoach:rate:dl-addr:")
            self.links: limits.Buckets = RedisBuckets(self.per_link, client, "debtcoach:rate:dl-link:")
        else:
            self.addresses = limits.Buckets(self.per_address)
            self.links = limits.Buckets(self.per_link)

    def check_address(self, request: Request) -> float:
        key = limits.address_key(limits.client_address(request))
        return 0.0 if key is None else self.addresses.take(key)

    def check_link(self, conversation_id: str, name: str) -> float:
        return self.links.take(f"{conversation_id}\n{name}")

    def refused(self, wait: float) -> HTTPResponse:
        seconds = max(1, math.ceil(wait))
        per_link = int(self.per_link.per_minute) if self.per_link else 0
        return _error(429, TOO_FAST.format(seconds=seconds, per_link=per_link), **{"Retry-After": str(seconds)})


DOWNLOAD_LIMITS = DownloadLimits()


def job_of(tracker: Any, conversation_id: str, name: str) -> document_worker.Job:
    """The plain data a file is built from (never the tracker itself: it stays in this process)."""
    slots = {slot.name: slot.value for slot in tracker.slots.values()}
    texts = tuple(e.text or "" for e in tracker.events if isinstance(e, UserUttered))
    return document_worker.Job(name, conversation_id, slots, texts, _drafted_on(tracker),
                               contact_log.local_time(None).date())


def stored_version(app: Any, conversation_id: str, name: str) -> Tuple[Any, ...] | None:
    """What an SQL tracker store holds of a conversation, read with one indexed query instead of rebuilding its
    tracker (about 0.1 s of the event loop for a long contact log): the number of its events, the newest one's
    id and time. The time matters: SQLite hands out the ids of deleted rows again, so after 「删除我的记录」 a
    new conversation could reach the old count and id, never the old time. The day is in it because the files
    are dated. None for other stores, or when the query fails: the tracker is then read every time."""
    store = getattr(getattr(getattr(app, "ctx", None), "agent", None), "tracker_store", None)
    while store is not None and not isinstance(store, SQLTrackerStore) and hasattr(store, "_tracker_store"):
        store = store._tracker_store  # Rasa's FailSafeTrackerStore / AwaitableTrackerStore wrappers
    if not isinstance(store, SQLTrackerStore):
        return None
    event = store.SQLEvent
    try:
        with store.session_scope() as session:
            count, newest, last = session.execute(
                sa.select(sa.func.count(event.id), sa.func.max(event.id), sa.func.max(event.timestamp))
                .where(event.sender_id == conversation_id)).one()
    except Exception as err:
        logger.warning("download: tracker store not queried (%s); reading the tracker", err)
        return None
    return conversation_id, name, contact_log.local_time(None).date().isoformat(), count, newest, last


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
    links = [{"name": name, "url": download_links.link(conversation_id, name)} for name in download_links.offered()]
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
            wait = DOWNLOAD_LIMITS.check_address(request)
            if wait:
                return DOWNLOAD_LIMITS.refused(wait)
            refused = download_links.check(conversation_id, request.args.get("exp"), request.args.get("sig"))
            if refused:
                return _error(*REFUSED[refused])
            wait = DOWNLOAD_LIMITS.check_link(conversation_id, name)
            if wait:
                return DOWNLOAD_LIMITS.refused(wait)
            stored = stored_version(request.app, conversation_id, name)
            known = document_worker.builder().known(stored)
            try:
                if known is not None:  # the same conversation as when its file was built: no tracker read
                    outcome, body = known
                else:
                    tracker = await history.load_tracker(request.app, conversation_id)
                    if tracker is None:
                        return _error(404, NOTHING)
                    job = job_of(tracker, conversation_id, name)
                    outcome, body = await document_worker.builder().get(job, stored)
            except document_worker.Busy:
                return _error(503, BUSY.format(seconds=BUSY_RETRY), **{"Retry-After": str(BUSY_RETRY)})
            except (asyncio.TimeoutError, BrokenProcessPool):
                return _error(503, SLOW, **{"Retry-After": "60"})
            if outcome == document_worker.NO_FONT:
                return _error(503, NO_FONT)
            if outcome != document_worker.OK:
                return _error(404, NOTHING)
            filename = {"drafts.docx": "debt-plan.docx", "drafts.pdf": "debt-plan.pdf",
                        "schedule.ics": "repayment-schedule.ics"}[name]
            return response.raw(body, content_type=TYPES[name], headers={
                "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})

        return bp
