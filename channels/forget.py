"""「删除我的记录」: a borrower deletes their own conversation; hotline staff delete a case.

No intent of the fixed list (../shared/intents.md) means "delete my data", and a deletion must not hang on a
classifier's guess, so the channels recognise it by its words before Rasa sees the message, in two steps
without any state kept between them (several processes, any of them may take the next message):

1. a request (「删除我的记录」「把我的聊天记录删掉」「刪除我的紀錄」…) → ``CONFIRM``: what will be deleted and the
   exact words that confirm it;
2. those words (「确认删除」) → the conversation's stored events are deleted (every session; the drafts are
   kept in its slots and go with it), under the conversation's lock, and the borrower is told it is done.

The REST channel and the widget pass their Sanic app; the messaging channels (WeCom, LINE, WhatsApp), whose
answers run after the webhook has been acknowledged, use ``answer_here``: the app of this Rasa process.
``delete_conversation`` also serves the staff console (``DELETE /webhooks/staff/api/case/<id>``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from zh.normalizer import normalize

logger = logging.getLogger(__name__)

CONFIRM_WORDS = "确认删除"
CONFIRM = ("您要删除在这里的全部对话记录吗？删除后，您说过的情况、整理的数字和起草的话术都会从我们的系统里清除，"
           f"无法恢复，之后再聊要从头说起。确定的话，请回复「{CONFIRM_WORDS}」；不删就继续聊。")
DONE = "已经删除了。您在这里的对话记录、整理的情况和起草的内容都已清除。需要时可以随时重新开始。"
FAILED = "抱歉，删除没有成功，您的记录还在。请稍后再试一次，或联系热线人工处理。"

_REQUEST = re.compile(
    r"^(请|麻烦|帮我|我要|我想|能不能|可以)?(把)?(删除|删掉|删了|清除|清空|抹掉)(掉)?(我的|我)?(全部|所有)?"
    r"(聊天|对话|咨询)?(记录|纪录|数据|资料|信息|历史)(删除|删掉|删了|清除|清空)?(吧|一下)?[。!！?？]*$")
_REQUEST_OBJECT_FIRST = re.compile(
    r"^(请|麻烦|帮我)?(把)?(我的)?(全部|所有)?(聊天|对话|咨询)?(记录|纪录|数据|资料|信息|历史)(都)?"
    r"(删除|删掉|删了|清除|清空)(吧|一下|掉)?[。!！?？]*$")
_CONFIRM = re.compile(rf"^{CONFIRM_WORDS}(我的记录)?[。!！]*$")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text or ""))


def is_request(text: str) -> bool:
    """A message that asks only for its conversation to be deleted (Traditional or Simplified)."""
    plain = _plain(text)
    return bool(_REQUEST.match(plain) or _REQUEST_OBJECT_FIRST.match(plain))


def is_confirmation(text: str) -> bool:
    return bool(_CONFIRM.match(_plain(text)))


async def delete_conversation(app: Any, conversation_id: str) -> bool:
    """Delete every stored event of ``conversation_id`` from the Rasa agent's tracker store, under its lock."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return False
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps it (FailSafeTrackerStore, AwaitableTrackerStore)
    inner = getattr(inner, "_tracker_store", inner)
    try:
        async with agent.lock_store.lock(conversation_id):
            if hasattr(inner, "session_scope") and hasattr(inner, "SQLEvent"):
                with inner.session_scope() as session:
                    session.query(inner.SQLEvent).filter(inner.SQLEvent.sender_id == conversation_id).delete()
                    session.commit()
            elif isinstance(getattr(inner, "store", None), dict):
                inner.store.pop(conversation_id, None)
            else:
                logger.error("cannot delete from %s", type(inner).__name__)
                return False
    except Exception:
        logger.exception("deleting conversation %s failed", conversation_id)
        return False
    logger.info("conversation %s deleted on request", conversation_id)
    return True


async def answer(app: Any, conversation_id: str, text: str) -> str | None:
    """The channel's reply when ``text`` asks for deletion or confirms it; None for any other message."""
    if is_request(text):
        return CONFIRM
    if is_confirmation(text):
        return DONE if await delete_conversation(app, conversation_id) else FAILED
    return None


async def answer_here(conversation_id: str, text: str) -> str | None:
    """``answer`` with this process's Sanic app (Rasa runs one per process); None for any other message."""
    if not (is_request(text) or is_confirmation(text)):
        return None
    from sanic import Sanic

    try:
        app = Sanic.get_app()
    except Exception:  # no app, or more than one: nothing to delete from safely
        logger.error("no single Sanic app to delete conversation %s from", conversation_id)
        app = None
    return await answer(app, conversation_id, text)
