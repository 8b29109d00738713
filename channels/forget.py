"""「删除我的记录」: a borrower deletes their own conversation; hotline staff delete a case.

No intent of the fixed list (knowledge/intents.md) means "delete my data", and a deletion must not hang on a
classifier's guess, so the channels recognise it by its words before Rasa sees the message, in two steps bound
to each other:

1. a request (「删除我的记录」「把我的聊天记录删掉」「刪除我的紀錄」…) → ``CONFIRM``: what will be deleted and the
   exact words that confirm it. The prompt is stored in the conversation as the bot's message, marked as a
   deletion request (``REQUEST_MARK`` in its metadata), under the conversation's lock;
2. those words (「确认删除」) → only when the conversation's latest request is less than ``CONFIRM_WINDOW``
   seconds old and the borrower has said nothing else since: the conversation's stored events are deleted
   (every session; the drafts are kept in its slots and go with it), under the same lock, and the borrower is
   told it is done. Without such a request (never asked, asked too long ago, talked about something else in
   between, a captured 「确认删除」 sent again) nothing is deleted and ``NOT_ASKED`` says how to ask.

Why the mark lives in the tracker and not in a replay/record store: the tracker store is the one store every
channel and every process already shares on both profiles (the SQLite file, PostgreSQL), the conversation's
lock already serialises it with the turns, and the mark goes with the conversation when it is deleted (or by
retention) — nothing else to configure, expire or clean up. A mark in the REST or widget channels' own
processes would not reach the next process; the replay records exist only for the signed channels.

「删除记录」 alone (no 我的/全部/聊天…) is ambiguous: the evidence log deletes entries with 「删除第二条」
(coach/zh/evidence_cues.py). When the conversation has a log, the answer is about the log (``LOG_HINT``: how to
delete one entry, and how to delete everything); otherwise ``WHICH`` asks which is meant. Neither deletes.

The REST channel and the widget pass their Sanic app; the messaging channels (WeCom, LINE, WhatsApp), whose
answers run after the webhook has been acknowledged, use ``answer_here``: the app of this Rasa process.
``delete_conversation`` also serves the staff console (``DELETE /webhooks/staff/api/case/<id>``), and its
retention of case rows: ``sweep_cases`` deletes, exactly as that route does (conversation, then the case's row,
notes and wrap-ups), every case untouched for ``STAFF_CASE_RETENTION_DAYS`` days (``retention_days``; default
``DEFAULT_CASE_DAYS``, 0 disables) and past its callback day by as long (``retention_due``); each deletion is in the
audit log as done by 「系统」. channels/staff.py runs it when the server starts, then daily, and on a supervisor's
request.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from typing import Any, List

from coach.zh.normalizer import normalize

logger = logging.getLogger(__name__)

# Case rows: the same 90 days as the conversations' own retention (serving/retention.py RETENTION_DAYS), so the
# notes and wrap-ups — the most personal part of a case — never outlive the conversation they are about.
DEFAULT_CASE_DAYS = 90
DAY = 86400

CONFIRM_WORDS = "确认删除"
CONFIRM_WINDOW = 300  # seconds between the request and its confirmation
REQUEST_MARK = "deletion_request"  # metadata of the stored prompt: the request 「确认删除」 may confirm
CONFIRM = ("您要删除在这里的全部对话记录吗？删除后，您说过的情况、整理的数字和起草的话术都会从我们的系统里清除，"
           f"无法恢复，之后再聊要从头说起。确定的话，请在 5 分钟内回复「{CONFIRM_WORDS}」；不删就继续聊。")
DONE = "已经删除了。您在这里的对话记录、整理的情况和起草的内容都已清除。需要时可以随时重新开始。"
FAILED = "抱歉，删除没有成功，您的记录还在。请稍后再试一次，或联系热线人工处理。"
NOT_ASKED = (f"现在没有等待确认的删除，您的记录还在，什么都没有删除。「{CONFIRM_WORDS}」要在提出删除后的 5 分钟内回复；"
             "如果要删除在这里的全部对话记录，请先说「删除我的所有记录」。")
NOTHING_STORED = "这里还没有保存您的对话记录，不需要删除。"
WHICH = ("您想删除哪种记录？\n"
         "• 在这里的全部对话记录：请说「删除我的所有记录」；\n"
         "• 证据记录里的某一条：请说「删除第N条」，比如「删除第二条」（说「我的记录」可以先查看编号）。")
LOG_HINT = ("您的证据记录现在有 {count} 条。要删掉其中一条，请说「删除第N条」，比如「删除第二条」；"
            "说「我的记录」可以先查看编号。\n如果是要删除在这里的全部对话记录（证据记录也一起删除），"
            "请说「删除我的所有记录」。")

_REQUEST = re.compile(
    r"^(请|麻烦|帮我|我要|我想|能不能|可以)?(把)?(删除|删掉|删了|清除|清空|抹掉)(掉)?(我的|我)?(全部|所有)?"
    r"(聊天|对话|咨询)?(记录|纪录|数据|资料|信息|历史)(删除|删掉|删了|清除|清空)?(吧|一下)?[。!！?？]*$")
_REQUEST_OBJECT_FIRST = re.compile(
    r"^(请|麻烦|帮我)?(把)?(我的)?(全部|所有)?(聊天|对话|咨询)?(记录|纪录|数据|资料|信息|历史)(都)?"
    r"(删除|删掉|删了|清除|清空)(吧|一下|掉)?[。!！?？]*$")
_CONFIRM = re.compile(rf"^{CONFIRM_WORDS}(我的记录)?[。!！]*$")
_RECORD = ("记录", "纪录")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text or ""))


def _scope(text: str) -> tuple[bool, bool]:
    """(asks to delete something, says whose/how much): 「删除我的记录」 (True, True), 「删除记录」 (True, False)."""
    plain = _plain(text)
    m = _REQUEST.match(plain)
    if m:
        return True, bool(m.group(5) or m.group(6) or m.group(7)) or m.group(8) not in _RECORD
    m = _REQUEST_OBJECT_FIRST.match(plain)
    if m:
        return True, bool(m.group(3) or m.group(4) or m.group(5)) or m.group(6) not in _RECORD
    return False, False


def is_request(text: str) -> bool:
    """A message that asks only for its whole conversation to be deleted (Traditional or Simplified)."""
    asks, scoped = _scope(text)
    return asks and scoped


def is_ambiguous(text: str) -> bool:
    """「删除记录」「把记录删了」: one entry of the evidence log, or the whole conversation?"""
    asks, scoped = _scope(text)
    return asks and not scoped


def is_confirmation(text: str) -> bool:
    return bool(_CONFIRM.match(_plain(text)))


def _agent(app: Any) -> Any:
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return agent if getattr(agent, "tracker_store", None) is not None else None


def _delete_events(agent: Any, conversation_id: str) -> bool:
    """Delete the stored events of ``conversation_id``; the caller holds its lock."""
    store = agent.tracker_store
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps it (FailSafeTrackerStore, AwaitableTrackerStore)
    inner = getattr(inner, "_tracker_store", inner)
    if hasattr(inner, "session_scope") and hasattr(inner, "SQLEvent"):
        with inner.session_scope() as session:
            session.query(inner.SQLEvent).filter(inner.SQLEvent.sender_id == conversation_id).delete()
            session.commit()
    elif isinstance(getattr(inner, "store", None), dict):
        inner.store.pop(conversation_id, None)
    else:
        logger.error("cannot delete from %s", type(inner).__name__)
        return False
    logger.info("conversation %s deleted", conversation_id)
    return True


async def delete_conversation(app: Any, conversation_id: str) -> bool:
    """Delete every stored event of ``conversation_id`` from the Rasa agent's tracker store, under its lock."""
    agent = _agent(app)
    if agent is None:
        return False
    try:
        async with agent.lock_store.lock(conversation_id):
            return _delete_events(agent, conversation_id)
    except Exception:
        logger.exception("deleting conversation %s failed", conversation_id)
        return False


def pending_request(events: Any, now: float | None = None) -> bool:
    """Does the conversation's latest deletion request still wait for its confirmation? Only when it is
    less than ``CONFIRM_WINDOW`` seconds old and no user message came after it."""
    from rasa.shared.core.events import BotUttered, UserUttered

    now = time.time() if now is None else now
    for event in reversed(list(events or [])):
        if isinstance(event, UserUttered):
            return False  # the borrower went on talking: the request lapsed
        if isinstance(event, BotUttered) and (event.metadata or {}).get(REQUEST_MARK):
            return 0 <= now - event.timestamp <= CONFIRM_WINDOW
    return False


async def _ask(agent: Any, conversation_id: str) -> str:
    """Store the request's prompt (marked) in the conversation, under its lock; the prompt."""
    from rasa.shared.core.events import BotUttered

    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.tracker_store.retrieve(conversation_id)
        if tracker is None or not tracker.events:
            return NOTHING_STORED  # no conversation to mark (and a new one must begin with its session start)
        tracker.update(BotUttered(CONFIRM, metadata={REQUEST_MARK: True}))
        await agent.tracker_store.save(tracker)
    return CONFIRM


async def _confirm(agent: Any, conversation_id: str) -> str:
    """Delete the conversation when its request is pending: one check and the deletion under one lock."""
    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.tracker_store.retrieve(conversation_id)
        if tracker is None or not pending_request(tracker.events):
            logger.info("conversation %s: 「%s」 without a pending request, nothing deleted", conversation_id,
                        CONFIRM_WORDS)
            return NOT_ASKED
        return DONE if _delete_events(agent, conversation_id) else FAILED


async def _which(agent: Any, conversation_id: str) -> str:
    """「删除记录」: about the evidence log when the conversation has one, else the question which is meant."""
    from coach.case import contact_log

    tracker = await agent.tracker_store.retrieve(conversation_id)
    log = tracker.get_slot("contact_log") if tracker is not None else None
    if contact_log.is_valid(log) and log:
        return LOG_HINT.format(count=len(log))
    return WHICH


async def answer(app: Any, conversation_id: str, text: str) -> str | None:
    """The channel's reply when ``text`` asks for deletion or confirms it; None for any other message."""
    if is_request(text):
        step = _ask
    elif is_confirmation(text):
        step = _confirm
    elif is_ambiguous(text):
        step = _which
    else:
        return None
    agent = _agent(app)
    if agent is None:
        logger.error("no Rasa agent to answer a deletion message of conversation %s", conversation_id)
        return WHICH if step is _which else FAILED
    try:
        return await step(agent, conversation_id)
    except Exception:
        logger.exception("deletion step %s of conversation %s failed", step.__name__, conversation_id)
        return FAILED


async def answer_here(conversation_id: str, text: str) -> str | None:
    """``answer`` with this process's Sanic app (Rasa runs one per process); None for any other message."""
    if not (is_request(text) or is_confirmation(text) or is_ambiguous(text)):
        return None
    from sanic import Sanic

    try:
        app = Sanic.get_app()
    except Exception:  # no app, or more than one: nothing to delete from safely
        logger.error("no single Sanic app to delete conversation %s from", conversation_id)
        app = None
    return await answer(app, conversation_id, text)


# ---------- retention of the staff console's cases ----------

def retention_days(value: str | None) -> float:
    """``STAFF_CASE_RETENTION_DAYS`` as days: unset or malformed → ``DEFAULT_CASE_DAYS``; 0 → 0 (disabled); a
    negative number is a mistake, not a wish to delete everything: the default."""
    try:
        days = float(value) if value not in (None, "") else float(DEFAULT_CASE_DAYS)
    except ValueError:
        logger.warning("STAFF_CASE_RETENTION_DAYS=%r is not a number: %s days", value, DEFAULT_CASE_DAYS)
        return float(DEFAULT_CASE_DAYS)
    if days != days or days < 0:  # NaN or negative
        return float(DEFAULT_CASE_DAYS)
    return days


def retention_due(updated: float, callback: str | None, now: float, days: float,
                  tz: datetime.tzinfo = datetime.timezone(datetime.timedelta(hours=8))) -> bool:
    """Is a case past retention? Only when ``days`` > 0 and more than ``days`` days have passed since it was last
    changed (``updated``, Unix seconds) and since the end of its callback day (``YYYY-MM-DD``, the hotline's
    calendar, UTC+8): a callback booked months ahead keeps the case until that call is owed and as long again."""
    if days <= 0:
        return False
    last = updated
    if callback:
        try:
            day = datetime.date.fromisoformat(callback)
        except ValueError:
            day = None
        if day is not None:
            end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
            last = max(last, end.timestamp())
    return now - last > days * DAY


async def sweep_cases(app: Any, board: Any, days: float, now: float | None = None) -> List[str]:
    """Delete every case of ``board`` (channels/workspace.py CaseBoard) past retention: its conversation (as the
    console's DELETE does, under its lock), then its row, notes and wrap-ups; audited as 「系统」. The ids
    deleted. Nothing is deleted without the Rasa agent: a row without its conversation's deletion would leave the
    conversation behind unlisted."""
    import asyncio

    from channels import audit
    from channels.accounts import SYSTEM_ACTOR

    if days <= 0 or _agent(app) is None:
        return []
    now = time.time() if now is None else now
    loop = asyncio.get_running_loop()
    deleted: List[str] = []
    for row in await loop.run_in_executor(None, board.untouched, now - days * DAY):
        current = await loop.run_in_executor(None, board.get, row["id"])  # touched since the listing: kept
        if current is None or not retention_due(current["updated"], current.get("callback"), now, days):
            continue
        if not await delete_conversation(app, row["id"]):
            logger.error("retention: conversation %s not deleted; its case is kept", row["id"])
            continue
        await loop.run_in_executor(None, board.forget, row["id"])
        audit.record(None, "retention_delete", row["id"], SYSTEM_ACTOR, detail=f"超过 {days:g} 天未处理")
        deleted.append(row["id"])
    if deleted:
        logger.info("retention: %d staff cases deleted", len(deleted))
    return deleted
