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
