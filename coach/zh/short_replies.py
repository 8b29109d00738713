"""Closed-class short replies (「恩恩」「dui」「米有」「👋」) read from a list, not guessed. Pure: no Rasa imports.

A classifier trained on sentences is unreliable on a message of one or two characters, pinyin or an emoji: it
has little to go on and no context. The list in short_replies.yml is the whole vocabulary of such replies; a
message matches only when it is nothing else (punctuation, spaces, repeated marks and one trailing particle
aside). Longer messages stay with the classifier.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_LIST = Path(__file__).with_name("short_replies.yml")
# Punctuation, spaces, tildes and emoji modifiers around a reply; a trailing particle (「好的呀」「是啊」).
_NOISE = re.compile(r"[\s,.!?~～…、，。！？:：;；\"'“”‘’()（）\[\]【】\-_=+*/\\|<>《》·\ufe0f\u200d]+")
_PARTICLE = re.compile(r"(啊|呀|啦|哈|哈哈|呢|喔|哦|噢|嘛|咯|啰|哟|嘞|捏|的呀|滴呀|哈哈哈)$")
_MAX_LEN = 12


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    data = yaml.safe_load(_LIST.read_text(encoding="utf-8")) or {}
    table: dict[str, str] = {}
    for intent, replies in data.items():
        for reply in replies:
            key = _key(str(reply))
            if key in table and table[key] != intent:
                raise ValueError(f"short reply {reply!r} listed under {table[key]} and {intent}")
            table[key] = intent
    return table


def _key(text: str) -> str:
    return _NOISE.sub(" ", text.lower()).strip()


def short_reply_intent(text: str) -> str | None:
    """The intent of a message that is only a short reply (normalised, Simplified text), else None."""
    key = _key(text or "")
    if not key or len(key) > _MAX_LEN:
        return None
    table = _table()
    found = _lookup(key, table)
    if found or " " not in key:
        return found
    # 「好的，可以」「嗯嗯 好的」: every part the same kind of reply.
    parts = {_lookup(part, table) for part in key.split()}
    return parts.pop() if len(parts) == 1 else None


def _lookup(key: str, table: dict[str, str]) -> str | None:
    for candidate in (key, _PARTICLE.sub("", key).strip(), key.replace(" ", "")):
        if candidate in table:
            return table[candidate]
    return None
