"""After the crisis lines: stay with the person, and let them come back. Pure: which kind of reply a message
gets, no Rasa.

Once the bot has given crisis lines, the next message is read as a reply to them: 「我没事了」「继续吧」「孩子睡了」
say the person is safe or wants to go on ("safe": acknowledged once, then back to where the conversation was,
with every fact kept); 「打了有啥用」 is a doubt about calling; 「那我的钱怎么办」 a question about money (answered,
starting from what can be paused, with nothing to pay today); 「嗯」「谢谢」 an acknowledgement; anything else is met
with presence (are you safe, is someone with you) — and the check-in is never the same text twice in a row.
A new self-harm cue is not handled here: the crisis lines come back (actions/actions.py ActionCrisisSupport).
"""

from __future__ import annotations

import re

from coach.zh.crisis_cues import has_crisis_cue
from coach.zh.normalizer import to_simplified
from coach.zh.safety_cues import safe_to_go_on

_DOUBT = re.compile(r"(有啥用|有什么用|有用吗|没用|不管用|不想打|不敢打|打不通|没人接|占线|不想说|说了也没用|不会有用|"
                    r"打过了|不想找人|没人能帮|谁也帮不了|帮不了我)")
_MONEY = re.compile(r"(钱|还款|还不上|欠|债|催收|逾期|利息|分期|延期|暂缓|银行|借呗|网贷|信用卡)")
_THANKS = re.compile(r"^(嗯+|好+的?|好吧|谢谢(你|您)?|谢了|多谢|知道了|收到|ok|OK|我会的?|我试试|我打|会打的?)"
                     r"[。.!！~～]*$")


def followup_kind(text: str) -> str:
    """"safe", "doubt", "money", "thanks" or "stay" for a message typed right after the crisis lines."""
    body = to_simplified(text or "").strip()
    if safe_to_go_on(body) and not has_crisis_cue(body) and not _DOUBT.search(body):
        return "safe"
    if _DOUBT.search(body):
        return "doubt"
    if _MONEY.search(body):
        return "money"
    if _THANKS.match(body):
        return "thanks"
    return "stay"
