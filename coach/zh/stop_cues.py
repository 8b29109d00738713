"""An explicit wish to stop the case questions (「不弄了」「先不聊了」「算了」). Pure: no Rasa imports.

The NLU pipeline reads such a message as goodbye whatever the classifier says (components.nlu.StopRequestNet),
so that a borrower who wants to stop is always asked before the questions end, and never re-asked instead.
A message that also gives a fact or asks something is not a plain wish to stop.
"""

from __future__ import annotations

import re

_STOP = re.compile(
    r"(不弄了|不聊了|先不聊|不说了|不填了|不搞了|不问了|不想弄了|不想填了?|不想说了|不想聊了|^算了|算了吧?$|"
    r"下次再说|改天再说|以后再说|回头再说|先这样吧?$|先到这|唔倾喇|唔讲喇|唔搞喇)"
)
# A stop phrase inside a longer message with a number, a question or a lender is something else.
_OTHER_CONTENT = re.compile(r"[\d一二两三四五六七八九十百千万]|[吗?？]|怎么|银行|借呗|花呗|微粒贷|美团|逾期|欠")


def is_stop_request(text: str) -> bool:
    """True for a short message that only says the borrower wants to stop (normalised, Simplified text)."""
    text = (text or "").strip()
    return bool(_STOP.search(text)) and len(text) <= 14 and not _OTHER_CONTENT.search(_STOP.sub("", text))


# What a goodbye says: a farewell, thanks at the end, or a wish to stop. 「裕融」「唔知」「WeLend㗎」 say none of it,
# whatever a classifier trained on a few thousand sentences guesses from two characters.
_FAREWELL = re.compile(r"再见|在见|拜拜|拜|掰|bye|回见|回聊|再会|告辞|下了|走了|先这样|就这样|好了|谢|多谢|唔该|晚安|"
                       r"不用了|不需要|没事了|没别的|没有了|冇嘢|得喇|ok|OK|886|88|先忙|去忙", re.IGNORECASE)


def says_goodbye(text: str) -> bool:
    """Whether the words can be a goodbye at all (a farewell, thanks, or a wish to stop)."""
    return bool(_FAREWELL.search(text or "")) or is_stop_request(text)


# 「我没事了 继续吧」「好多了 接着来」: a wish to go on; its 没事了 is no farewell.
_GO_ON = re.compile(r"(?<![不别沒没甭唔])(继续|接着|往下|开始|来吧|繼續|接住|開始)")


def asks_to_go_on(text: str) -> bool:
    """Whether the message asks to go on (never a goodbye, whatever else it says), unless it also asks to stop."""
    return bool(_GO_ON.search(text or "")) and not is_stop_request(text)


# 「唔知」「唔記得」「记不清了」: a short answer that the fact is not known, never a goodbye.
_UNKNOWN_ANSWER = re.compile(r"^(我)?(也|真的|都)?(唔知|不知道|唔记得|不记得|记不清|记不得|唔清楚|不清楚|不确定|"
                             r"不太确定|冇印象|没印象|忘了|忘记了)(啦|喇|喎|呀|啊|了|哦|耶)?[。.!！~～]?$")


def answers_unknown(text: str) -> bool:
    return bool(_UNKNOWN_ANSWER.match((text or "").strip()))
