"""A message that is only a number with its unit and hedges (「8000」「三万左右吧」「43000多啊」「俩月」). Pure.

Such a message answers a question about an amount or a time; it never says goodbye, hello or thanks, whatever a
classifier trained on a few thousand sentences guesses (a fresh model read 「8000」 as goodbye and ended the chat).
The form reads it as the answer (coach.form_reading); outside the form the NLU pipeline makes it ``inform``
(components.nlu.StopRequestNet), so the facts are taken and nothing ends.
"""

from __future__ import annotations

import re

# What is left of an answer once its numbers and filler are removed: numbers, units and hedges.
_ANSWER_FILLER = re.compile(
    r"[\d.,，。!！?？~～\s零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟wWkK]|"
    r"块钱|块|元|蚊|rmb|左右|大概|大约|差不多|可能|也就|估计|应该|吧|啊|呀|呢|吗|哦|嗯|的样子|多|来|几|"
    r"个月|个|月|天|年|周|星期|礼拜|半"
)
_NUMERAL = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟俩]")


def is_bare_answer(text: str) -> bool:
    """Only numbers, units and hedges (at most one other character)."""
    return len(_ANSWER_FILLER.sub("", text or "")) <= 1


def is_bare_number(text: str) -> bool:
    """A bare answer with a number in it (「嗯嗯」 is bare but says no number)."""
    return is_bare_answer(text) and bool(_NUMERAL.search(text or ""))


# 「不对 是101000」「不是 我看错了 是146000」「记错了 应该是半年」: a correction that gives the right value.
_CORRECTING = re.compile(r"不对|不是|错了|说错|看错|记错|算错|写错|搞错|更正|改成|改为|应该是|其实是|唔啱|唔系|讲错")


def is_correction_with_value(text: str) -> bool:
    """A message that corrects a fact and names the value: the fact given, never a no to the bot's offer."""
    from coach.zh.numbers import extract  # numbers imports nothing from here; kept local to stay light

    if not _CORRECTING.search(text or ""):
        return False
    money, durations = extract(text)
    return bool(money or durations)
