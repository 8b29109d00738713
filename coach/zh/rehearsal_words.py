"""The words that start, stop, repeat and restyle a practice call with a simulated collector. Pure: no Rasa.

Both scripts are listed (Simplified and Traditional) so that the cues read the same whether or not the caller
has normalised the text; each function also converts to Simplified itself. A cue is read only in a short message
that is about the practice: 「练一下」「模拟一下催收」「我想练习怎么跟催收说」「不练了」「换个凶一点的」.
"""

from __future__ import annotations

import re

from coach.zh.normalizer import to_halfwidth, to_simplified

# Starting: the practice named (练, 演练, 模拟, 扮演催收, 角色扮演), never its refusal (「不想练」「别练了」).
_START = re.compile(
    r"(练一下|练一练|练练|练习|演练|模拟(一下|一次)?(催收|通话|电话|打电话|对话)?|陪我练|扮演催收|"
    r"你(来|先)?(当|扮|演|装)(一下)?催收|角色扮演|"
    r"練一下|練一練|練練|練習|演練|模擬(一下|一次)?(催收|通話|電話|打電話|對話)?|陪我練|扮演催收|"
    r"你(來|先)?(當|扮|演|裝)(一下)?催收|角色扮演)")
_NOT_START = re.compile(r"(不|别|不用|不想|不要|没|無|无)(再)?(练|模拟|演练|練|模擬|演練)")

# Stopping: 「不练了」「停」「结束练习」 and their neighbours; a bare 「停」 only as the whole message.
_STOP = re.compile(
    r"(不练了|不练啦|别练了|不想练了|结束练习|练习结束|停止练习|停一下练习|先不练|练够了|到此为止|"
    r"不練了|別練了|不想練了|結束練習|練習結束|停止練習|先不練|練夠了)")
_STOP_WHOLE = re.compile(r"^(停|停停|停下|停止|结束|結束|不玩了|停一下|停吧|停了吧)[。.!！~～\s]*$")

# Again, after a practice ended: 「再来一次」「换一种」「再练一次」.
_AGAIN = re.compile(r"(再来一次|再来一遍|再练一次|再练一遍|再来一轮|换一种|换一个|换个|再來一次|再來一遍|"
                    r"再練一次|再練一遍|換一種|換一個|換個)")

# The collector's style asked for by the person.
_FIERCER = re.compile(r"(凶一点|凶一點|狠一点|狠一點|严厉|嚴厲|难缠|難纏|凶的|兇|更凶|凶狠|恶一点|惡一點|厉害一点)")
_MILDER = re.compile(r"(温和|溫和|客气|客氣|礼貌|禮貌|银行的?客服|銀行的?客服|斯文)")
_STYLE_NAMES = (
    ("agency", re.compile(r"(外包|催收公司|第三方催收|委外|讨债公司|討債公司|收数公司|收數公司)")),
    ("platform", re.compile(r"(平台|网贷|網貸|app|APP)")),
    ("bank", re.compile(r"(银行|銀行)")),
)
STYLES = ("bank", "platform", "agency")  # mildest first: 「换个凶一点的」 moves one step along


def _plain(text: str) -> str:
    return to_simplified(to_halfwidth(text or "")).strip()


def wants_rehearsal(text: str) -> bool:
    """A request to practise the call (「练一下」「模拟一下催收」「我想练习怎么跟催收说」)."""
    body = _plain(text)
    return bool(_START.search(body)) and not _NOT_START.search(body) and not wants_to_stop(body) \
        and len(body) <= 40


def wants_to_stop(text: str) -> bool:
    """A wish to end the practice (「不练了」「停」「结束练习」)."""
    body = _plain(text)
    return bool(_STOP.search(body) or _STOP_WHOLE.match(body))


def wants_again(text: str) -> bool:
    """「再来一次」「换一种」「换个凶一点的」: another round, in another style."""
    body = _plain(text)
    return len(body) <= 20 and bool(_AGAIN.search(body) or style_asked(body, None))


def style_asked(text: str, current: str | None) -> str | None:
    """The style the person asks for, if any: by name (银行 / 平台 / 外包), or fiercer / milder than ``current``."""
    body = _plain(text)
    if _FIERCER.search(body):
        at = STYLES.index(current) if current in STYLES else 0
        return STYLES[min(at + 1, len(STYLES) - 1)]
    if _MILDER.search(body):
        return "bank"
    for style, words in _STYLE_NAMES:
        if words.search(body) and (_START.search(body) or _AGAIN.search(body) or len(body) <= 12):
            return style
    return None
