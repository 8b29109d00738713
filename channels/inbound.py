"""Checks and cleans every incoming message before it reaches Rasa (shared by all channels). Pure.

- empty / whitespace-only → not sent to Rasa; the channel answers with ``EMPTY_REPLY``
- longer than ``MAX_CHARS`` → cut, and the user is told
- phone, ID-card and bank-card numbers → replaced by a marker before the tracker store keeps the text
  (the tracker stores raw text; borrowers are told not to send these, and some still do)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_CHARS = 1000
EMPTY_REPLY = "您好像发了一条空消息。可以直接说说遇到的情况，比如「催收说要上门」或「这个月还不上」。"
TRUNCATED_NOTE = "您的消息比较长，我先看了前 {n} 个字。如果后面还有重要情况，可以分几条发给我。"
REDACTED_NOTE = "提醒：为保护您的隐私，消息里的{kinds}已自动隐去，请不要在聊天中发送这类信息。"

_ID_CARD = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
_BANK_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
_PATTERNS = (("身份证号", _ID_CARD, "[身份证号已隐去]"), ("银行卡号", _BANK_CARD, "[卡号已隐去]"),
             ("手机号", _MOBILE, "[手机号已隐去]"))


@dataclass
class Inbound:
    text: str
    notes: list[str] = field(default_factory=list)
    empty: bool = False


def redact(text: str) -> tuple[str, list[str]]:
    kinds: list[str] = []
    for kind, pattern, marker in _PATTERNS:
        text, n = pattern.subn(marker, text)
        if n:
            kinds.append(kind)
    return text, kinds


def clean(text: object) -> Inbound:
    """Normalise what a channel received into the text Rasa should see, plus notes for the user."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\n\t")
    text = text.strip()
    if not text:
        return Inbound("", empty=True)
    notes = []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        notes.append(TRUNCATED_NOTE.format(n=MAX_CHARS))
    text, kinds = redact(text)
    if kinds:
        notes.append(REDACTED_NOTE.format(kinds="、".join(kinds)))
    return Inbound(text, notes)
