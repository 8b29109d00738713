"""Checks and cleans every incoming message before it reaches Rasa (shared by all channels). Pure.

- empty / whitespace-only → not sent to Rasa; the channel answers with ``EMPTY_REPLY``
- longer than ``MAX_CHARS`` → cut, and the user is told
- Rasa's own command syntax typed by a user (``/inform{"amount": "1e300"}``, ``/affirm@0.99``) loses its
  leading slash and is read as ordinary text: only a bare ``/intent`` (what the quick-reply buttons send) stays
  a command, so nobody can set entities, slots or confidences by typing them
- personal data → replaced by a marker before the tracker store keeps the text (the tracker stores raw text;
  borrowers are told not to send these, and some still do): mainland, Hong Kong and Taiwan phone numbers,
  landlines, e-mail addresses, ID card numbers (mainland 18/15 digits, Hong Kong, Taiwan), bank cards, QQ and
  WeChat ids, and any other run of 12 or more digits. Numbers are found in a normalised view of the text (NFKC,
  so full-width ``１３８`` and ``＠`` count; Chinese numerals ``一三八``/``幺``/``壹`` read as digits; zero-width
  characters ignored; spaces, dots and dashes between digits allowed) and replaced in the original text, which
  is otherwise kept as the user wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, List, Tuple

MAX_CHARS = 1000
EMPTY_REPLY = "您好像发了一条空消息。可以直接说说遇到的情况，比如「催收说要上门」或「这个月还不上」。"
TRUNCATED_NOTE = "您的消息比较长，我先看了前 {n} 个字。如果后面还有重要情况，可以分几条发给我。"
REDACTED_NOTE = "提醒：为保护您的隐私，消息里的{kinds}已自动隐去，请不要在聊天中发送这类信息。"

# A bare intent, as the quick-reply buttons send it ("/affirm"): the only slash command a user may send.
BARE_INTENT = re.compile(r"/[A-Za-z_][A-Za-z0-9_]{0,63}")

# Chinese numerals as people read out phone and card numbers digit by digit (幺 = 1, 两 = 2), and the
# financial forms (壹贰叁).
_NUMERALS = {**dict.fromkeys("〇零○", "0"), **dict.fromkeys("一幺壹", "1"), **dict.fromkeys("二两兩贰貳", "2"),
             **dict.fromkeys("三叁參", "3"), **dict.fromkeys("四肆", "4"), **dict.fromkeys("五伍", "5"),
             **dict.fromkeys("六陆陸", "6"), **dict.fromkeys("七柒", "7"), **dict.fromkeys("八捌", "8"),
             **dict.fromkeys("九玖", "9")}
# Between the digits of one number: spaces, dots, dashes, slashes (never commas: 32,000 is an amount).
_SEP = r"[\s.\-‐‑‒–—―·•_/]"
_GAP = _SEP + "{0,3}"
_D = r"\d"


def _digits(n: int) -> str:
    """n digits with optional separators between them."""
    return _D + f"(?:{_GAP}{_D}){{{n - 1}}}"


_PHONE_WORDS = r"(?:电话|電話|手机|手機|号码|號碼|联系|聯絡|聯繫|致电|致電|打给|打給|whatsapp|tel|call|phone|mobile)"

# kind shown to the user, pattern (group "n" = the part replaced, else the whole match), marker, check.
_Check = Callable[[str], bool]


def _id_date_ok(digits: str) -> bool:
    """An 18-digit (or 15-digit) mainland ID number has a real birth date inside."""
    if len(digits) == 18:
        year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
        return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31
    year, month, day = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    return 1 <= month <= 12 and 1 <= day <= 31


def _only_digits(text: str) -> str:
    return re.sub(r"[^\dXx]", "", text)


_PATTERNS: List[Tuple[str, re.Pattern[str], str, _Check | None]] = [
    ("邮箱", re.compile(
        r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+\s*(?:@|\(at\)|\[at\]|\sat\s)\s*[A-Za-z0-9\-]+"
        r"(?:\s*(?:\.|\(dot\)|\[dot\]|\sdot\s|点|點)\s*[A-Za-z0-9\-]+)*"
        r"\s*(?:\.|\(dot\)|\[dot\]|\sdot\s|点|點)\s*[A-Za-z]{2,}", re.IGNORECASE), "[邮箱已隐去]", None),
    # mainland ID: 18 digits (the last may be X) or the old 15, with a birth date inside
    ("身份证号", re.compile(rf"(?<![\dA-Za-z])(?:{_digits(17)}{_GAP}[\dXx]|{_digits(15)})(?![\dA-Za-z])"),
     "[身份证号已隐去]", lambda s: _id_date_ok(_only_digits(s))),
    # Hong Kong ID (A123456(7)) and Taiwan ID (A123456789)
    ("身份证号", re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d{6}\s*[(（]\s*[0-9A]\s*[)）]|(?<![A-Za-z0-9])[A-Z][12]\d{8}"
                         r"(?![0-9])"), "[身份证号已隐去]", None),
    # mobile numbers (before bank cards, so two phone numbers in a row are not read as one card)
    ("手机号", re.compile(rf"(?<!\d)(?:[(\[]?(?:\+|00)?{_GAP}86[)\]]?{_GAP})?1{_GAP}[3-9](?:{_GAP}\d){{9}}(?!\d)"),
     "[手机号已隐去]", None),
    ("手机号", re.compile(rf"(?<!\d)(?:[(\[]?(?:\+|00)?{_GAP}886[)\]]?{_GAP}0?|0)9(?:{_GAP}\d){{8}}(?!\d)"),
     "[手机号已隐去]", None),  # Taiwan 09xx-xxx-xxx
    ("手机号", re.compile(rf"(?<!\d)[(\[]?(?:\+|00)?{_GAP}852[)\]]?{_GAP}[2-9](?:{_GAP}\d){{7}}(?!\d)"),
     "[手机号已隐去]", None),  # Hong Kong with its country code
    ("手机号", re.compile(rf"{_PHONE_WORDS}[^\d]{{0,8}}(?P<n>[4-9]\d{{3}}{_GAP}\d{{4}})(?!\d)", re.IGNORECASE),
     "[手机号已隐去]", None),  # Hong Kong without the code, when called a phone number (else 5000-6000 is a range)
    ("银行卡号", re.compile(rf"(?<!\d){_digits(16)}(?:{_GAP}\d){{0,3}}(?!\d)"), "[卡号已隐去]", None),
    ("电话号码", re.compile(rf"(?<!\d)(?:[(\[]0\d{{1,3}}[)\]]{_GAP}|0\d{{1,3}}{_SEP}{{1,3}})"
                         rf"\d{{3,4}}{_GAP}\d{{4}}(?!\d)"),
     "[电话已隐去]", None),  # landlines with an area code: 010-12345678, (0755) 1234 5678, 02-2345-6789
    ("QQ/微信号", re.compile(r"(?:QQ|扣扣|企鹅)\s*(?:号|號)?\s*[:：是为為]?\s*(?P<n>\d{5,11})(?!\d)",
                            re.IGNORECASE), "[账号已隐去]", None),
    ("QQ/微信号", re.compile(r"(?:微信|微訊|wechat|vx|wx)\s*(?:号|號|id)?\s*[:：是为為]?\s*"
                            r"(?P<n>[A-Za-z][A-Za-z0-9_\-]{5,19})", re.IGNORECASE), "[账号已隐去]", None),
    ("长号码", re.compile(r"(?<!\d)\d(?:[\s.\-]?\d){11,}(?!\d)"), "[号码已隐去]", None),
]


@dataclass
class Inbound:
    text: str
    notes: list[str] = field(default_factory=list)
    empty: bool = False


def normalised_view(text: str) -> tuple[str, list[int]]:
    """The text as the patterns see it (NFKC, Chinese numerals → digits, zero-width characters dropped) and,
    for each of its characters, the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":  # zero-width space/joiners, direction marks
            continue
        for c in unicodedata.normalize("NFKC", ch):
            chars.append(_NUMERALS.get(c, c))
            origin.append(i)
    return "".join(chars), origin


def redact(text: str) -> tuple[str, list[str]]:
    """Personal data replaced by markers; the kinds found, in order, each once."""
    kinds: list[str] = []
    view, origin = normalised_view(text)
    for kind, pattern, marker, check in _PATTERNS:
        spans = []
        for m in pattern.finditer(view):
            start, end = m.span("n") if "n" in pattern.groupindex else m.span()
            if end <= start or (check is not None and not check(view[start:end])):
                continue
            spans.append((origin[start], origin[end - 1] + 1))
        if not spans:
            continue
        for start, end in reversed(spans):
            text = text[:start] + marker + text[end:]
        view, origin = normalised_view(text)
        if kind not in kinds:
            kinds.append(kind)
    first = {kind: min(text.find(marker) for k, _, marker, _ in _PATTERNS if k == kind and marker in text)
             for kind in kinds}
    return text, sorted(kinds, key=first.__getitem__)


def contains_personal_data(text: str) -> bool:
    return bool(redact(text)[1])


# A random token (32 hex characters, a UUID) can hold a run of digits that looks like a phone number
# (「92e2347e…1267201291526fd」); a long run of letters and digits with two letters or more is opaque. An ID card
# number (one X at most), a phone number or an e-mail address standing in an ID is still found.
_OPAQUE_TOKEN = re.compile(
    r"(?<![0-9A-Za-z])(?=(?:[0-9]*[A-Za-z]){2})(?=[A-Za-z]*[0-9])[0-9A-Za-z]{16,}(?![0-9A-Za-z])")


def id_contains_personal_data(conversation_id: str) -> bool:
    """Whether a sender or conversation ID carries personal data (a phone number, an ID card, an e-mail)."""
    return contains_personal_data(_OPAQUE_TOKEN.sub("token", conversation_id))


def _invisible_or_slash(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or unicodedata.normalize("NFKC", ch).strip() in ("", "/")


def defuse_commands(text: str) -> str:
    """Rasa reads a message that starts with "/" as ``/intent{entities}@confidence``, set directly, no NLU.
    A bare ``/intent`` (quick-reply buttons) stays; anything more is read as text without the slashes. Checked
    on the text as the NLU normaliser will see it: a full-width ``／`` or a zero-width space in front count."""
    view = "".join(unicodedata.normalize("NFKC", ch) for ch in text if unicodedata.category(ch) != "Cf").strip()
    if not view.startswith("/") or BARE_INTENT.fullmatch(view):
        return text
    start = 0
    while start < len(text) and _invisible_or_slash(text[start]):
        start += 1
    return text[start:].strip()


def clean(text: object) -> Inbound:
    """Normalise what a channel received into the text Rasa should see, plus notes for the user."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\n\t")
    text = defuse_commands(text.strip())
    if not "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip():
        return Inbound("", empty=True)  # nothing but zero-width or format characters is empty too
    notes = []
    too_long = len(text) > MAX_CHARS
    # Redact before cutting, so a number at the cut is never left half in clear (with a margin: the cut falls
    # after the whole number whenever it starts before it).
    text, kinds = redact(text[:MAX_CHARS + _MARGIN] if too_long else text)
    if too_long:
        text = _cut(text, MAX_CHARS)
        notes.append(TRUNCATED_NOTE.format(n=MAX_CHARS))
    if kinds:
        notes.append(REDACTED_NOTE.format(kinds="、".join(kinds)))
    return Inbound(text, notes)


_MARGIN = 64
_MARKER = re.compile(r"\[[^\[\]]{1,8}已隐去\]")


def _digitish(ch: str) -> bool:
    view, _ = normalised_view(ch)
    return bool(view) and all(c.isdigit() or c in " .-" for c in view)


def _cut(text: str, limit: int) -> str:
    """The first ``limit`` characters, never ending inside a marker or in the middle of a number."""
    if len(text) <= limit:
        return text
    for m in _MARKER.finditer(text):
        if m.start() < limit < m.end():
            return text[:m.end()]
    cut = text[:limit]
    if _digitish(text[limit]) and _digitish(cut[-1]):  # a number runs across the cut: drop its first part too
        while cut and _digitish(cut[-1]):
            cut = cut[:-1]
    return cut


# What a public channel (REST, the web widget) keeps of the client's metadata: these keys, short strings only,
# redacted like the text. Everything else (``audience`` included) is dropped: the audience is the channel's
# decision (staff output only from the staff console).
PUBLIC_METADATA = {"source": 64}


def public_metadata(raw: object) -> dict[str, str]:
    metadata: dict[str, str] = {}
    if isinstance(raw, dict):
        for key, limit in PUBLIC_METADATA.items():
            value = raw.get(key)
            if isinstance(value, str) and value.strip():
                metadata[key] = redact(value.strip()[:limit])[0]
    metadata["audience"] = "borrower"
    return metadata
