"""How long a turn may be on a channel, and which draft a short request asks for. Pure: no Rasa imports.

In messaging apps (WeCom, LINE, WhatsApp) every message is a bubble on a phone: a finished plan sent as five
long bubbles buries the plan itself. There a plan is its summary and the next step, and the drafts follow one at
a time, on request (buttons or words like 「话术」「短信」「全部」). The web widget folds drafts into cards, the
staff console shows them in its panel, and REST clients lay them out themselves: they get the whole pack.
"""

from __future__ import annotations

import re
from typing import Mapping

SHORT_TURN_CHANNELS = frozenset({"wecom", "line", "whatsapp"})

# Words that name one of the drafts, by kind (Simplified; the caller folds Traditional first).
_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("phone_script", re.compile(r"话术|电话(怎么|咋)?(说|讲|谈)|打电话")),
    ("written_request", re.compile(r"书面|申请书|申请信|协商申请|协商信")),
    ("short_reply", re.compile(r"短信|回复催收|回催收|怎么回")),
    ("checklist", re.compile(r"准备什么|别做什么|注意什么|注意事项|清单")),
)
_ALL = re.compile(r"全部|都要|都发|全都|所有的?|全发|都给我")
# Words a request for drafts may carry besides the drafts' names (「请再发一下话术和短信吧」).
_FILLER = re.compile(r"申请|请|麻烦|再|重新|发|看|给|要|来|把|我|一下|下|的|和|跟|与|、|还有|那个|这个|吧|呢|啊|了|份|"
                     r"都|个|协商|电话")
# A request for a draft says little else: once the drafts' names and the filler are gone, at most this much is
# left (「催收发短信说明天上门」 names 短信 but is a report).
_LEFT_OVER = 1
_MAX_LENGTH = 16

def short_turns(input_channel: str | None) -> bool:
    return input_channel in SHORT_TURN_CHANNELS


def requested_drafts(text: str, available: Mapping[str, str]) -> list[str]:
    """The kinds of draft a short message asks for, in the order of ``available`` (kind → title, the title as the
    buttons show it); [] when it asks for none."""
    words = "".join(text.split()).strip("。！!？?，,~～")
    if not words or len(words) > _MAX_LENGTH:
        return []
    titles = [(kind, re.compile(re.escape("".join(title.split())))) for kind, title in available.items() if title]
    # a title as the buttons show it first (「看各家的话术」 is that draft, not the phone script), then the words
    wanted = set()
    left = words
    for kind, pattern in (*titles, *_KIND_WORDS):
        if pattern.search(left):
            wanted.add(kind)
            left = pattern.sub("", left)
    everything = bool(_ALL.search(words))
    left = _FILLER.sub("", _ALL.sub("", left))
    if len(left) > _LEFT_OVER or not (wanted or everything):
        return []
    return [kind for kind in available if everything or kind in wanted]
