"""Cutting the bot's replies into what a messenger accepts (LINE, WhatsApp). Pure functions, no I/O.

- ``split_text``: a text into pieces of at most ``limit`` (measured by ``measure``), cut at paragraph breaks
  first, then at line breaks, then after a sentence's end (。！？; a closing quote stays with its sentence);
  only a single sentence longer than the limit is cut inside (never happens with the bot's own texts).
- ``batches``: messages into groups of at most ``size`` (LINE: 5 message objects per reply or push call).
- ``numbered_options`` / ``pick_option``: more buttons than a messenger shows become a numbered list, and a
  reply of just that number picks the option.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, List, Sequence, Tuple, TypeVar

T = TypeVar("T")
Measure = Callable[[str], int]

_CLOSERS = "」』”’）)】"
_ENDS = "。！？!?；;"
# Paragraphs, then lines, then sentences (after an end mark, or after the closing quote that follows it).
_LEVELS: Tuple[Tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\n[ \t]*\n\s*"), "\n\n"),
    (re.compile(r"\n"), "\n"),
    (re.compile(rf"(?<=[{_ENDS}])(?![{_CLOSERS}{_ENDS}])|(?<=[{_ENDS}][{_CLOSERS}])"), ""),
)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (how LINE counts: an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = len) -> List[str]:
    """``text`` in pieces of at most ``limit``, cut at the largest boundary that fits (see module doc)."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = (text or "").strip()
    if not text:
        return []
    return [p.strip() for p in _split(text, limit, measure, 0) if p.strip()]


def _split(text: str, limit: int, measure: Measure, level: int) -> List[str]:
    if measure(text) <= limit:
        return [text]
    if level == len(_LEVELS):
        return _hard_cut(text, limit, measure)
    pattern, joiner = _LEVELS[level]
    pieces: List[str] = []
    current = ""
    for part in pattern.split(text):
        if not part.strip():
            continue
        if measure(part) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.extend(_split(part, limit, measure, level + 1))
            continue
        candidate = current + joiner + part if current else part
        if measure(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = part
    if current:
        pieces.append(current)
    return pieces


def _hard_cut(text: str, limit: int, measure: Measure) -> List[str]:
    """Last resort for one sentence longer than the limit: cut by characters."""
    pieces: List[str] = []
    current = ""
    for ch in text:
        if current and measure(current + ch) > limit:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def batches(items: Sequence[T], size: int) -> List[List[T]]:
    """``items`` in consecutive groups of at most ``size``."""
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def numbered_options(text: str, titles: Sequence[str], prompt: str) -> str:
    """The text followed by the prompt and one numbered line per option (「1. 想申请分期」)."""
    lines = [f"{i}. {title}" for i, title in enumerate(titles, 1)]
    return "\n".join([text.rstrip(), "", prompt, *lines]) if text.strip() else "\n".join([prompt, *lines])


_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。、)）]?\s*$")


def pick_option(text: str, payloads: Sequence[str]) -> str | None:
    """The payload of the option a reply names by its number (「2」「２」「2.」), or None."""
    m = _NUMBER.match(unicodedata.normalize("NFKC", text or ""))
    if not m:
        return None
    index = int(m.group(1))
    return payloads[index - 1] if 1 <= index <= len(payloads) else None


def clip(text: str, limit: int) -> str:
    """A label of at most ``limit`` characters (button titles: LINE and WhatsApp allow 20)."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
