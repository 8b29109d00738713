"""What the LINE and WhatsApp channels share: the message to Rasa, the reply texts, outbound calls.

- ``ask_bot``: the user's text through the input checks every channel runs (``channels/inbound.py``: empty,
  too long, personal data redacted) to Rasa, with metadata ``audience: borrower`` and ``default_script``
  (``tw`` for LINE, ``hk`` for WhatsApp: ``action_extract_case_facts`` takes it as the conversation's script
  until the user's own writing decides, so a Simplified writer gets Simplified replies and mainland rules).
- ``conversation_id``: ``<prefix>`` + an HMAC of the messenger's user id keyed with the channel secret (a
  WhatsApp id is a phone number: the tracker store never keeps it in clear).
- ``call_with_retry``: an outbound API call with a timeout, retried once; a failure is logged with the
  conversation id and the error's kind, never the message text.
- ``OrderedRuns``: one conversation's messages run one after another (webhooks are answered at once and the
  work goes on in the background; a second message must not overtake the first).
- ``RecentOptions``: the numbered options last shown to a conversation (more buttons than a messenger shows).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Sequence, Set

import yaml
from rasa.core.channels.channel import UserMessage

from channels import forget
from channels.inbound import EMPTY_REPLY, clean
from channels.rest import WholeMessageCollector
from coach.zh.normalizer import to_simplified, to_traditional

logger = logging.getLogger(__name__)

TEXTS: Dict[str, str] = yaml.safe_load(Path(__file__).with_name("messengers.yml").read_text(encoding="utf-8"))
DEFAULT_SCRIPTS = ("hk", "tw")


def conversation_id(prefix: str, user: str, key: str) -> str:
    """The tracker's id of a messenger user: an HMAC of the user id keyed with the channel's secret."""
    # surrogatepass: a platform's id with a lone surrogate (「\ud800」, fuzzed) still hashes instead of failing the call
    digest = hmac.new(key.encode(), user.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return prefix + digest[:32]


def is_traditional(text: str) -> bool:
    """Does the text contain characters that only Traditional writing uses?"""
    return bool(text) and to_simplified(text) != text


def localise(text: str, script: str | None) -> str:
    return to_traditional(text, script)


def text(key: str, script: str | None) -> str:
    """One of the channel's own texts (messengers.yml) in ``script``."""
    return localise(TEXTS[key], script)


@dataclass
class BotReply:
    """The bot's messages ({"text", "buttons"}) for one user message."""

    messages: List[Dict[str, Any]]
    failed: bool = False


async def ask_bot(on_new_message: Callable[[UserMessage], Awaitable[Any]], raw: object, conversation: str,
                  channel: str, default_script: str) -> BotReply:
    """The user's message through the input checks to Rasa; the replies, notes first (in the reply's script)."""
    inbound = clean(raw)
    if inbound.empty:
        return BotReply([{"text": localise(EMPTY_REPLY, default_script)}])
    deletion = await forget.answer_here(conversation, inbound.text)  # 「删除我的记录」「刪除我的紀錄」
    if deletion:
        return BotReply([{"text": localise(deletion, default_script if is_traditional(inbound.text) else None)}])
    collector = WholeMessageCollector()
    metadata = {"audience": "borrower", "default_script": default_script}
    try:
        await on_new_message(UserMessage(inbound.text, collector, conversation, input_channel=channel,
                                         metadata=metadata))
    except Exception as err:
        logger.error("%s: the bot failed on a message of conversation %s (%s)", channel, conversation,
                     type(err).__name__)
        return BotReply([{"text": text("error", default_script)}], failed=True)
    messages = [m for m in collector.messages if (m.get("text") or "").strip() or m.get("buttons")]
    script = default_script if any(is_traditional(m.get("text") or "") for m in messages) else None
    notes = [{"text": localise(note, script)} for note in inbound.notes]
    return BotReply(notes + messages)


def button_options(message: Dict[str, Any]) -> List[tuple[str, str]]:
    """(title, payload) of a bot message's buttons; a button without a payload sends its title."""
    out = []
    for button in message.get("buttons") or []:
        if isinstance(button, dict) and button.get("title"):
            title = str(button["title"]).strip()
            out.append((title, str(button.get("payload") or title)))
    return out


async def call_with_retry(call: Callable[[], Awaitable[Any]], *, timeout: float, conversation: str, what: str,
                          attempts: int = 2) -> bool:
    """Run ``call`` with a timeout, once more if it fails; True when it went through. Logs no message text."""
    for attempt in range(1, attempts + 1):
        try:
            await asyncio.wait_for(call(), timeout)
            return True
        except Exception as err:  # timeouts, connection errors, HTTP errors of the API
            status = getattr(err, "status", None) or getattr(err, "status_code", None)
            kind = f"{type(err).__name__}{f' {status}' if status else ''}"
            if attempt < attempts:
                logger.warning("%s for conversation %s failed (%s); retrying once", what, conversation, kind)
            else:
                logger.error("%s for conversation %s failed (%s) after %d attempts", what, conversation, kind,
                             attempts)
    return False


class OrderedRuns:
    """Per-conversation locks, so a conversation's messages reach Rasa in the order they arrived."""

    def __init__(self) -> None:
        self._locks: Dict[str, asyncio.Lock] = {}
        self._waiting: Dict[str, int] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[Any]]) -> Any:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                return await work()
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued: forget the lock (memory stays bounded)
                del self._waiting[key]
                del self._locks[key]


class Background:
    """Tasks started by a webhook and still running; references kept so they are not collected early."""

    def __init__(self) -> None:
        self._tasks: Set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def __len__(self) -> int:
        return len(self._tasks)


@dataclass
class _Options:
    payloads: List[str]
    created: float = field(default_factory=time.monotonic)


class RecentOptions:
    """The payloads of the numbered list last sent to each conversation (bounded, 30 minutes)."""

    def __init__(self, size: int = 10_000, ttl: float = 1800) -> None:
        self.size = size
        self.ttl = ttl
        self._items: OrderedDict[str, _Options] = OrderedDict()

    def remember(self, conversation: str, payloads: Sequence[str]) -> None:
        self._items.pop(conversation, None)
        self._items[conversation] = _Options(list(payloads))
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def forget(self, conversation: str) -> None:
        self._items.pop(conversation, None)

    def get(self, conversation: str) -> List[str]:
        item = self._items.get(conversation)
        if item is None or time.monotonic() - item.created > self.ttl:
            self._items.pop(conversation, None)
            return []
        return item.payloads


def setting(credentials: Dict[str, Any] | None, key: str, env: str, default: str = "") -> str:
    """A channel setting: credentials.yml value, else the environment, else ``default``."""
    value = (credentials or {}).get(key)
    return str(value if value not in (None, "") else os.environ.get(env, default) or default).strip()
