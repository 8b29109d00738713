"""What a borrower asks of the contact log and the letters, in plain words. Pure: no Rasa imports.

The intents are fixed (knowledge/intents.md) and none of them means "show my log" or "delete entry 2", so these
requests are read from their words: 「我的记录」「删除第二条」「第三条时间不对，是前天晚上」「记录一下：…」
「帮我写投诉信」「暂缓催收的信」「帮我写支付令异议书」「答辩状怎么写」. The NLU pipeline routes an explicit
request to one intent (components.nlu.EvidenceCommandNet) and the action server reads the request itself from here.
Texts are normalised (Simplified) before they reach this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_ORDINAL = r"第\s*([0-9一二两三四五六七八九十]{1,3})\s*条"
_LAST = r"(最后一条|上一条|刚才那条|刚刚那条|刚才的那条|最新一条|最近一条)"
_LIST = re.compile(r"(我的记录|看看?(一下)?(我的)?记录|查看记录|查一下记录|记录(列表|清单)|记了(些)?什么|"
                   r"记录了(些)?什么|都记了|所有记录|全部记录|证据记录|记录呢|显示记录)")
_DELETE = re.compile(rf"(删除|删掉|删了|去掉|撤销|不要了?)\s*(?:{_ORDINAL}|{_LAST})|"
                     rf"(?:{_ORDINAL}|{_LAST})\s*(删除|删掉|删了|去掉|不要了?)")
_CORRECT = re.compile(rf"(?:{_ORDINAL}|{_LAST})[^，。,]*?"
                      rf"(不对|错了|有误|改成|改为|改一下|更正|应该是|其实是|时间是|是在)")
_ADD = re.compile(r"^\s*(请|帮我|麻烦)?\s*(记录|记下|记一下|登记|备案)(一下|下来|下)?\s*[:：,，]?")
# 信 as a letter, not 信用卡 / 短信 / 信息 / 征信.
_L = r"(?<![短征])(?:信|函)(?![用息誉托号])"
# Letters: the complaint (routed by lender and region) and the small set beside the negotiation drafts.
# The court drafts: a written objection to a payment order (not an objection to a credit report, 征信异议) and the
# points of a written answer to a lawsuit (「帮我写异议书」「答辩状怎么写」).
_NOT_COURT = r"^(?!.*(征信|信用报告|信用记录))"
_LETTERS = (
    ("objection", re.compile(_NOT_COURT + r".*(异议书|支付[令领另].{0,10}异议|异议.{0,6}支付[令领另]|"
                             r"(写|起草|拟|弄|做).{0,6}异议|异议.{0,4}(怎么写|咋写|如何写|怎么提|模板|范本|格式))")),
    ("defence", re.compile(r"答辩状|答辩书|答辩(意见|要点|提纲|材料)|(写|起草|拟|准备).{0,6}答辩|"
                           r"答辩.{0,4}(怎么写|咋写|如何写|模板|范本|格式)")),
    ("police", re.compile(r"报警材料|报案材料|报警用的|报警的材料")),
    ("complaint", re.compile(r"投诉L|投诉材料|投诉书|举报L|举报材料|申诉L|写.{0,4}投诉|投訴材料".replace("L", _L))),
    ("holding", re.compile(r"暂缓.{0,6}L|缓一缓的L|先别催.{0,4}L".replace("L", _L))),
    ("confirm_writing", re.compile(r"书面确认.{0,6}L|确认.{0,4}(协议|方案).{0,4}(L|书面)|要求书面确认"
                                   .replace("L", _L))),
    ("stop_third_party", re.compile(r"(停止|不要再?|别再?)(联系|打给|骚扰).{0,8}"
                                    r"(家人|家里|父母|爸|妈|同事|单位|朋友|亲戚|第三方)"
                                    r".{0,6}L|第三方.{0,4}L".replace("L", _L))),
    ("follow_up", re.compile(r"跟进.{0,4}L|催办.{0,4}L|(没有?|不)(答复|回复|回应).{0,8}L|(被拒|拒绝了).{0,8}L"
                             .replace("L", _L))),
)
_ALL_LETTERS = re.compile(r"(所有|全部|全套|整套)的?(信|信件|函件|材料)")


@dataclass(frozen=True)
class Command:
    """A request about the log or the letters: ``op`` is list / delete / correct / add / letter; ``index`` is
    the entry as listed (1-based; -1 = the last one); ``letter`` the letter kind ("all" for every letter);
    ``rest`` the words after the command (the report to record, or the correction)."""

    op: str
    index: int | None = None
    letter: str | None = None
    rest: str = ""


def _index(groups: tuple[str | None, ...]) -> int | None:
    for g in groups:
        if g and g.isdigit():
            return int(g)
        if g and re.fullmatch(r"[一二两三四五六七八九十]{1,3}", g):
            return int(cn2an.cn2an(g, "smart"))
        if g and re.fullmatch(_LAST, g):
            return -1
    return None


_FORGET_ALL = re.compile(r"(删除|删掉|清除|清空|刪除|刪掉)\s*(我的|所有|全部|聊天|对话|對話)\S{0,3}(记录|紀錄|記錄)|"
                         r"(我的|所有|全部|聊天)(记录|紀錄|記錄)\S{0,3}(删除|删掉|清除|清空|刪除|刪掉)")


def command(text: str) -> Command | None:
    """The request in ``text``, or None when the message is not about the log or a letter."""
    text = (text or "").strip()
    if not text or _FORGET_ALL.search(text):
        return None  # 「删除我的记录」: the whole conversation (channels/forget.py), not an entry of the log
    m = _DELETE.search(text)
    if m:
        return Command("delete", _index(m.groups()))
    m = _CORRECT.search(text)
    if m:
        return Command("correct", _index(m.groups()), rest=text[m.end():].strip(" ：:，,。"))
    m = _ADD.search(text)
    if m and len(text) > m.end() + 1:
        return Command("add", rest=text[m.end():].strip())
    if _LIST.search(text):
        return Command("list")
    if _ALL_LETTERS.search(text):
        return Command("letter", letter="all")
    for kind, pattern in _LETTERS:
        if pattern.search(text):
            return Command("letter", letter=kind)
    return None
