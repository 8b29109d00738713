"""Checks and cleans every incoming message before it reaches Rasa (shared by all channels). Pure.

- empty / whitespace-only → not sent to Rasa; the channel answers with ``EMPTY_REPLY``
- longer than ``MAX_CHARS`` → cut, and the user is told
- Rasa's own command syntax typed by a user (``/inform{"amount": "1e300"}``, ``/affirm@0.99``) loses its
  leading slash and is read as ordinary text: only a bare ``/intent`` (what the quick-reply buttons send) stays
  a command, so nobody can set entities, slots or confidences by typing them
- direction controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C) are dropped: stored, they make a case
  read differently in the staff console and the exports than it was written
- personal data → replaced by a marker before the tracker store keeps the text (the tracker stores raw text;
  borrowers are told not to send these, and some still do): mainland, Hong Kong and Taiwan phone numbers,
  landlines (with an area code, or 8 digits called a phone: 「座机 23456789」, never 「欠了23000000元」),
  e-mail addresses (also spelt out: 「lisi艾特163点com」, ``#`` or 「圈a」 for @), ID card numbers (mainland
  18/15 digits, Hong Kong, Taiwan), passports and travel permits (after their name in any form; bare, the
  mainland E/G + 8 digits and the 港澳通行证 C + 8), bank cards, QQ numbers (「qq号码」「q号」「QQ邮箱」「扣扣」) and
  WeChat ids (「微信号」「vx」「威信」「薇信」「V信」「加我V：」, ``wxid_…``), and any other run of 12 or more digits.
  Numbers are found in a normalised view of the text (NFKC, so full-width ``１３８`` and ``＠`` count; Chinese
  numerals ``一三八``/``幺``/``壹`` read as digits; zero-width characters ignored; spaces, dots, dashes, ``~`` and
  ``*`` between digits allowed; commas, 、, parentheses and long dash runs only in the 3-4-4 shape of a mobile
  number, 「138，1234，5678」, so 「32,000」 stays an amount) and replaced in the original text, which is otherwise
  kept as the user wrote it. A number after a keyword is still kept when a money unit follows it.
- ids (``id_contains_personal_data``) are held to a stricter rule: see ``_DIGEST`` below.
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

# Direction controls (embeddings, overrides, isolates, marks): stored, they make a case read differently in the
# staff console and in exports than it was written (「欠款‮000,05‬」 shown as 50,000), so they are dropped.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

# Chinese numerals as people read out phone and card numbers digit by digit (幺 = 1, 两 = 2), and the
# financial forms (壹贰叁).
_NUMERALS = {**dict.fromkeys("〇零○", "0"), **dict.fromkeys("一幺壹", "1"), **dict.fromkeys("二两兩贰貳", "2"),
             **dict.fromkeys("三叁參", "3"), **dict.fromkeys("四肆", "4"), **dict.fromkeys("五伍", "5"),
             **dict.fromkeys("六陆陸", "6"), **dict.fromkeys("七柒", "7"), **dict.fromkeys("八捌", "8"),
             **dict.fromkeys("九玖", "9")}
# Between the digits of one number: spaces, dots, dashes, slashes, ``~`` and ``*`` (never commas: 32,000 is an
# amount; commas and 、 count only in the 3-4-4 shape of a mobile number, below).
_SEP = r"[\s.\-‐‑‒–—―·•_/~*]"
_GAP = _SEP + "{0,3}"
_D = r"\d"


def _digits(n: int) -> str:
    """n digits with optional separators between them."""
    return _D + f"(?:{_GAP}{_D}){{{n - 1}}}"


_PHONE_WORDS = (r"(?:电话|電話|手机|手機|号码|號碼|联系|聯絡|聯繫|致电|致電|打给|打給|座机|座機|固话|固話|"
                r"打这个|打這個|拨打|撥打|whatsapp|tel|call|phone|mobile)")
# Up to eight characters between a keyword and its number («电话是：»), never across a sentence break or a
# money word: 「电话里说欠了23000000元」 names an amount, not a phone. Lazy, so a letter before the digits
# («护照 E87654321») belongs to the number.
_NEAR = r"(?:(?![欠还還借共额額款钱錢元块塊万萬千百亿億])[^\d，。！？；,;!?\n]){0,8}?"
# A number followed by a money unit is an amount, whatever the word before it.
_NOT_AMOUNT = r"(?!\s*(?:元|块|塊|圆|圓|万|萬|千|百|亿|億|w(?![a-z])|k(?![a-z])|rmb|港币|港幣|台币|台幣|美元|%))"
# A mobile number in its 3-4-4 shape: here any run of separators counts, commas, 、 and parentheses included
# (「138，1234，5678」「(138)1234-5678」「138----1234----5678」): an amount never has this shape.
_WIDE = r"[\s.\-‐‑‒–—―·•_/~*,、()\[\]]{0,12}"

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


def _amount_list(text: str) -> bool:
    """「每月还150、2000、3000」: three amounts in a list have the 3-4-4 shape too; the two 4-digit ones are round.
    (The cost: a phone number written with commas whose last two groups both end in 00, 1 in 10,000.)"""
    groups = re.findall(r"\d+", text)
    return bool(re.search(r"[,、]", text)) and len(groups) == 3 and all(g.endswith("00") for g in groups[1:])


# What people type for "@" and "." when they spell an address out (「lisi艾特163点com」, 「lisi#qq.com」).
_AT = r"(?:@|#|\(at\)|\[at\]|\sat\s|艾特|爱特|愛特|圈a|小老鼠)"
_DOT = r"(?:\.|。|．|\(dot\)|\[dot\]|\s?dot\s?|点|點)"  # 。: an ideographic full stop typed as the dot
_QQ = r"(?:(?<![A-Za-z])qq|(?<![A-Za-z])q(?=\s*[号號])|扣扣|企鹅|企鵝)"
_WECHAT = (r"(?:微信|微訊|威信|薇信|维信|維信|(?<![A-Za-z])(?:wechat|vx|wx|v信)|(?:加我?|\+)\s*v(?![A-Za-z]))")
_ACCOUNT_WORD = r"\s*(?:号码|號碼|账号|帳號|賬號|邮箱|郵箱|号|號|id)?\s*(?:[:：是为為]\s*)?"
_DOCUMENT_WORDS = (r"(?:护照|護照|passport|通行证|通行證|回乡证|回鄉證|台胞证|台胞證|入台证|入台證|旅行证|旅行證)"
                   r"\s*(?:号码|號碼|号|號|no\.?|number)?")

_PATTERNS: List[Tuple[str, re.Pattern[str], str, _Check | None]] = [
    ("邮箱", re.compile(
        rf"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+\s*{_AT}\s*[A-Za-z0-9\-]+"
        rf"(?:\s*{_DOT}\s*[A-Za-z0-9\-]+)*\s*{_DOT}\s*[A-Za-z]{{2,}}", re.IGNORECASE), "[邮箱已隐去]", None),
    # an address given in two parts: 「邮箱lisi655，后缀gmail.com」 — the name after the word, whatever follows
    ("邮箱", re.compile(r"(?:邮箱|郵箱|e-?mail|电邮|電郵)\s*(?:地址|账号|帳號)?\s*(?:[:：是为為]\s*)?"
                      r"(?P<n>[A-Za-z][A-Za-z0-9._%+\-]{2,})", re.IGNORECASE), "[邮箱已隐去]", None),
    # mainland ID: 18 digits (the last may be X) or the old 15, with a birth date inside
    ("身份证号", re.compile(rf"(?<![\dA-Za-z])(?:{_digits(17)}{_GAP}[\dXx]|{_digits(15)})(?![\dA-Za-z])"),
     "[身份证号已隐去]", lambda s: _id_date_ok(_only_digits(s))),
    # Hong Kong ID (A123456(7)) and Taiwan ID (A123456789)
    ("身份证号", re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d{6}\s*[(（]\s*[0-9A]\s*[)）]|(?<![A-Za-z0-9])[A-Z][12]\d{8}"
                         r"(?![0-9])"), "[身份证号已隐去]", None),
    # passports and travel permits: the number after its name (any form: Hong Kong, Taiwan, mainland), and
    # without a name the mainland passport (E or G + 8 digits) and the 往来港澳通行证 (C + 8 characters)
    ("护照/通行证号", re.compile(rf"{_DOCUMENT_WORDS}{_NEAR}(?P<n>(?:[A-Za-z]{{1,2}}{_GAP})?\d(?:{_GAP}\d){{5,10}}"
                            r"(?:\s*[(（]\s*[0-9A-Z]\s*[)）])?)(?!\d)" + _NOT_AMOUNT, re.IGNORECASE),
     "[证件号已隐去]", None),
    ("护照/通行证号", re.compile(rf"(?<![A-Za-z0-9])(?:[EG]{_GAP}\d(?:{_GAP}\d){{7}}|C(?:[A-Z]\d{{7}}|\d{{8}}))"
                            r"(?![A-Za-z0-9])", re.IGNORECASE), "[证件号已隐去]", None),
    # mobile numbers (before bank cards, so two phone numbers in a row are not read as one card)
    ("手机号", re.compile(rf"(?<!\d)(?:[(\[]?(?:\+|00)?{_GAP}86[)\]]?{_GAP})?1{_GAP}[3-9](?:{_GAP}\d){{9}}(?!\d)"),
     "[手机号已隐去]", None),
    ("手机号", re.compile(rf"(?<!\d)[(\[]?1[3-9]\d[)\]]?{_WIDE}\d{{4}}{_WIDE}\d{{4}}(?!\d)"), "[手机号已隐去]",
     lambda s: not _amount_list(s)),
    ("手机号", re.compile(rf"(?<!\d)(?:[(\[]?(?:\+|00)?{_GAP}886[)\]]?{_GAP}0?|0)9(?:{_GAP}\d){{8}}(?!\d)"),
     "[手机号已隐去]", None),  # Taiwan 09xx-xxx-xxx
    ("手机号", re.compile(rf"(?<!\d)[(\[]?(?:\+|00)?{_GAP}852[)\]]?{_GAP}[2-9](?:{_GAP}\d){{7}}(?!\d)"),
     "[手机号已隐去]", None),  # Hong Kong with its country code
    ("银行卡号", re.compile(rf"(?<!\d){_digits(16)}(?:{_GAP}\d){{0,3}}(?!\d)"), "[卡号已隐去]", None),
    ("电话号码", re.compile(rf"(?<!\d)(?:[(\[]0\d{{1,3}}[)\]]{_GAP}|0\d{{1,3}}{_SEP}{{1,3}})"
                         rf"\d{{3,4}}{_GAP}\d{{4}}(?!\d)"),
     "[电话已隐去]", None),  # landlines with an area code: 010-…, (0755) …, 02-… (Taipei)
    ("电话号码", re.compile(r"(?<![\d.])0(?:10|2\d|[3-9]\d\d)[2-8]\d{6,7}(?!\d)"),
     "[电话已隐去]", None),  # the same written as one run: 02123456789, 075512345678 (an amount never starts with 0)
    ("QQ/微信号", re.compile(r"(?<![A-Za-z0-9])wxid_[A-Za-z0-9_\-]{4,}", re.IGNORECASE), "[账号已隐去]", None),
    ("QQ/微信号", re.compile(rf"{_QQ}{_ACCOUNT_WORD}(?P<n>\d(?:{_GAP}\d){{4,10}})(?!\d)" + _NOT_AMOUNT,
                            re.IGNORECASE), "[账号已隐去]", None),
    ("QQ/微信号", re.compile(rf"{_WECHAT}{_ACCOUNT_WORD}(?P<n>[A-Za-z][A-Za-z0-9_\-]{{5,19}})", re.IGNORECASE),
     "[账号已隐去]", None),
    # a WeChat id may be digits (an old QQ number) when called one: 「微信号：23456789」
    ("QQ/微信号", re.compile(rf"{_WECHAT}\s*(?:号|號|id|账号|帳號)?\s*[:：是为為]\s*(?P<n>\d(?:{_GAP}\d){{5,10}})(?!\d)"
                            + _NOT_AMOUNT, re.IGNORECASE), "[账号已隐去]", None),
    # Hong Kong (8 digits from 4) and mainland local numbers (8 digits from 2), when called a phone number: else
    # 5000-6000 is a range and 23000000 an amount
    ("电话号码", re.compile(rf"{_PHONE_WORDS}{_NEAR}(?P<n>[2-9]\d{{3}}{_GAP}\d{{4}})(?!\d)" + _NOT_AMOUNT,
                         re.IGNORECASE), "[电话已隐去]", None),
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


# Ids are checked more strictly than text: a sender id is stored and shown in URLs and logs, and nothing in it
# needs to be a number. Any run of 8 or more digits (a QQ or landline number), an 11-digit mobile run, an ID card,
# an e-mail, or anything the text redaction finds, refuses the id — except inside digests: a UUID or a run of 32+
# hex characters is what the guidance asks for (「随机编号或其哈希值」) and holds a phone-shaped run by chance
# (once in ~700), so it is left alone; a shorter hex token (16–31, two letters or more: ``token_hex(8)``) is
# refused only for a mobile or ID-card run in it, since an 8-digit run turns up in about 8% of them.
_DIGEST = re.compile(r"(?<![0-9A-Za-z])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32,})"
                     r"(?![0-9A-Za-z])", re.IGNORECASE)
_HEX_TOKEN = re.compile(r"(?<![0-9A-Za-z])(?=(?:[0-9]*[a-f]){2})[0-9a-f]{16,31}(?![0-9A-Za-z])", re.IGNORECASE)
_MOBILE_OR_ID_RUN = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|\d{17}[\dXx]|\d{15})(?!\d)")
_LONG_DIGIT_RUN = re.compile(r"\d{8,}")


def id_contains_personal_data(conversation_id: str) -> bool:
    """Whether a sender, session or conversation id carries personal data (see the rule above)."""
    view = _DIGEST.sub("-", normalised_view(conversation_id)[0])
    if any(_MOBILE_OR_ID_RUN.search(m.group()) for m in _HEX_TOKEN.finditer(view)):
        return True
    view = _HEX_TOKEN.sub("-", view)
    return bool(_LONG_DIGIT_RUN.search(view) or _MOBILE_OR_ID_RUN.search(view)) or contains_personal_data(view)


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
    text = "".join(ch for ch in text if (unicodedata.category(ch) != "Cc" or ch in "\n\t") and ch not in BIDI_CONTROLS)
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
