"""Text normalisation for Chinese chat input, applied before tokenisation.

Traditional → Simplified (OpenCC ``t2s``), full-width → half-width for ASCII-range characters, and
whitespace cleanup (jieba would otherwise emit spaces as tokens). The original text is kept on the
message as ``text_original`` and the tracker keeps the user's own words, so display and logs are
unchanged; only NLU sees the normalised form.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencc import OpenCC

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。！？、])\s+|\s+(?=[{_CJK}，。！？、])")
_MULTISPACE = re.compile(r"\s+")
# 「建行是3万 2万是借呗的」: a space between two numbers separates them; it must not join them into 3万2.
_SPACE_BETWEEN_NUMBERS = re.compile(r"(?<=[\d万千百wWkK一二两三四五六七八九十块元右])\s+(?=[\d一二两三四五六七八九十])")
# 「借呗欠一万七 米花花 7.5万」: a space after an amount and before a word ends the item; dropping it would glue the
# amount to the next name (「一万七米花花」). Units and counters after a number keep it whole (「三 个月」).
_SPACE_AFTER_AMOUNT = re.compile(rf"(?:(?<=[\d万千百一二两三四五六七八九十块元右])|(?<=\d[wWkK]))\s+"
                                 rf"(?=[{_CJK}A-Za-z])(?![个月天年期号万千百块元多左来几周星礼岁次在是的])")
# 「過咗期一個半月 一個月人工得1萬」: a space after a length of time ends it too (「一个半月一个月」 reads as neither).
_N = "[\\d一二两三四五六七八九十半多几]"
_SPACE_AFTER_DURATION = re.compile(rf"(?:(?<={_N}个月)|(?<={_N}月)|(?<={_N}天)|(?<={_N}年)|(?<={_N}周))\s+(?=[{_CJK}])")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff]")


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified only (OpenCC t2s), nothing else changed."""
    return _converter().convert(text or "")


@lru_cache(maxsize=2)
def _traditional_converter(script: str) -> OpenCC:
    return OpenCC("s2hk" if script == "hk" else "s2tw")


def to_traditional(text: str, script: str | None) -> str:
    """Simplified → the user's Traditional standard (``hk``: OpenCC s2hk, ``tw``: s2tw); other scripts unchanged.

    Already-Traditional text passes through unchanged, so converting twice is harmless.
    """
    if script not in ("hk", "tw") or not text:
        return text
    converted = _traditional_converter(script).convert(text)
    for wrong, right in _TRADITIONAL_FIXES.items():
        converted = converted.replace(wrong, right)
    if script == "hk":
        for mainland, hong_kong in _HONG_KONG_WORDS.items():
            converted = converted.replace(mainland, hong_kong)
    return converted


# Hong Kong words for mainland terms (OpenCC s2hk changes characters, not words, and a Hong Kong reader must
# recognise the document asked for): a bank statement is a
# 月結單, an SMS a 短訊, and 户 is written 戶.
_HONG_KONG_WORDS = {"户": "戶", "銀行流水": "銀行月結單", "流水": "月結單", "賬單": "月結單", "短信": "短訊"}


# OpenCC reads an already-Traditional 干 as the Simplified form of 幹 (「干擾」 → 「幹擾」, vulgar-looking in Taiwan);
# in these words 干 is the Traditional character too.
_TRADITIONAL_FIXES = {"幹擾": "干擾", "幹預": "干預", "幹涉": "干涉", "若幹": "若干", "幹係": "干係"}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (Ａ１，！) → half-width; the ideographic space → a normal space.

    Chinese punctuation without an ASCII twin (。、「」) is left alone, and so is a full-width comma before a digit.
    """
    out = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif ch == "，" and text[i + 1:i + 2].isdigit():
            out.append(ch)  # 「捷信欠12万6，360借条…」: a clause break, never a thousands separator (6,360)
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


# Chat shorthand and pinyin for the domain's words (「帮我写个xieshang方案」「xyk逾期了」「cs天天打」): read as the
# words they stand for, only as whole Latin words.
_SHORTHAND = {"xieshang": "协商", "xyk": "信用卡", "cs": "催收", "cuishou": "催收", "fenqi": "分期", "yanqi": "延期",
              "yuqi": "逾期", "huankuan": "还款", "zmb": "怎么办", "zfb": "支付宝", "wx": "微信", "fangan": "方案",
              "wangdai": "网贷", "zhengxin": "征信", "tousu": "投诉"}
_SHORTHAND_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted(_SHORTHAND, key=len, reverse=True)) + r")(?![A-Za-z])",
                           re.IGNORECASE)


def expand_shorthand(text: str) -> str:
    return _SHORTHAND_RE.sub(lambda m: _SHORTHAND[m.group(1).lower()], text)


def normalize(text: str) -> str:
    """Normalised text for NLU; idempotent."""
    text = _ZERO_WIDTH.sub("", text or "")
    text = to_halfwidth(text)
    text = _converter().convert(text)
    text = expand_shorthand(text)
    text = _SPACE_BETWEEN_NUMBERS.sub("，", text)
    text = _SPACE_AFTER_AMOUNT.sub("，", text)
    text = _SPACE_AFTER_DURATION.sub("，", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return _MULTISPACE.sub(" ", text).strip()
