"""The contact log (证据记录): every reported contact by a collector as a dated entry. Pure: no Rasa imports.

An entry keeps when it happened (the time words of the report, 「昨晚十一点多」, else the message time), the
channel (电话, 短信, 微信, 上门), who contacted (a name they gave, 「自称XX律所」), what happened (the borrower's
own words, as stored), who else was contacted (家人, 同事/单位, 朋友, 通讯录), how many calls, and the lender.
The log is a list of plain dicts in the ``contact_log`` slot, oldest first; entries are numbered as listed.

Stored as changes: a change of the log is one slot event carrying only what changed (``change``: the entries
added or altered, the ids removed), never the whole log, so the stored conversation grows by one entry's size
per entry. The slot (components/slots.py) applies each event with ``apply``: a list replaces the log (a new
session carries the log over that way), a change is applied to it. Applying a change twice gives the same log.

Phone numbers: channels/inbound.py replaces every phone number (the borrower's, a relative's and a
collector's alike) with a marker before Rasa sees the text, so no entry holds a number in clear. A collector's
number is evidence, but it is already in the borrower's own call log and screenshots, which the letters ask
them to attach; keeping numbers out of the tracker store keeps one rule for personal data (docs/security.md).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import cn2an

from coach.zh.time_words import resolve

# Every report in China, Hong Kong and Taiwan is dated in UTC+8 (the three share the offset).
LOCAL_TZ = datetime.timezone(datetime.timedelta(hours=8), "UTC+8")
# Beyond this the oldest entries are dropped. Storage is linear in entries (see above): 500 entries are about
# 1 MB of stored events, well inside the action server's 16 MB request limit (tests/unit/test_contact_log_scale.py).
MAX_ENTRIES = 500
MAX_TEXT = 200

_CHANNELS = (
    ("上门", re.compile(r"上门|来我家|来家里|到我家|找上门|堵门|外访|到.{0,3}(单位|公司)(来|找)|来.{0,2}(单位|公司)找|"
                       r"在我家门口|家门口")),
    ("短信", re.compile(r"短信|簡訊|简讯|发信息|发消息给|群发")),
    ("微信", re.compile(r"微信|QQ|qq|WhatsApp|whatsapp|LINE")),
    ("电话", re.compile(r"电话|打给|打到|打来|来电|致电|打了|call|打过来|轰炸|未接")),
)
_CONTACTED = (
    ("家人", re.compile(r"家人|家里人|家里|爸|妈|父母|老婆|老公|妻子|丈夫|儿子|女儿|孩子|亲戚|哥|姐|弟|妹|老家")),
    ("同事/单位", re.compile(r"同事|领导|老板|单位|公司|人事|HR")),
    ("朋友", re.compile(r"朋友|同学|室友")),
    ("通讯录", re.compile(r"通讯录|紧急联系人|联系人")),
)
_THIRD_PARTY_ACT = re.compile(
    r"(打给|打到|打电话给|联系|找|告诉|发给|群发|骚扰|问|通知|发短信给|发信息给).{0,6}"
    r"(家人|家里|爸|妈|父母|老婆|老公|妻子|丈夫|同事|领导|老板|朋友|亲戚|紧急联系人|通讯录|单位|公司|同学|孩子|儿子|女儿)|"
    r"给.{0,3}(家人|家里人|爸|妈|父母|老婆|老公|同事|领导|老板|朋友|亲戚|同学|单位|公司)(打|发|说)|"
    r"爆通讯录|爆了通讯录|(家人|爸|妈|父母|老婆|老公|同事|领导|朋友|亲戚)(那里|那边)?(接到|收到)")
_KIND_CUES = {
    "threat": re.compile(r"威胁|恐吓|弄死|砍|打断|收拾你|人身安全|找人|不得好死|弄你|让你好看|拿刀|泼|放火|跟踪"),
    "insult": re.compile(r"骂|辱骂|侮辱|羞辱|脏话|畜生|老赖|P图|p图|遗照"),
    "visit": re.compile(r"上门|来我家|到我家|找上门|外访|家门口|堵门|来.{0,2}(单位|公司)找"),
    "refuse_leave": re.compile(r"赖着不走|不肯走|不走|强行进|闯进|闯入|不让我(走|出门|离开)|堵门"),
    "fake_legal": re.compile(r"(假|伪造|冒充|自称|说是|假装).{0,6}(法院|法官|公安|警察|律师|检察院|仲裁)|"
                             r"(法院|律师函|传票).{0,4}(是假的|假的|伪造)|假传票|假律师函"),
    "exaggerated": re.compile(r"坐牢|抓你|抓我|判刑|拘留你|拘留我|上征信黑名单|黑名单|全家.{0,4}(坐牢|抓)|影响孩子"),
    "night": re.compile(r"半夜|凌晨|深夜|大半夜|夜里"),
    "frequent": re.compile(r"几十个|轰炸|一直打|不停地?打|打个不停|连环|上百个|一百多个"),
}
# A visit announced (「说明天上门」) is not a visit: the contact was the call or message that announced it.
_ANNOUNCED_VISIT = re.compile(r"(要|会|说|讲|准备|威胁|扬言|明天|后天|马上|过几天|改天)\S{0,4}"
                              r"(上门|来我家|到我家|找上门|来家里|外访)")
_COUNT = re.compile(r"([0-9]{1,3}|[一二两三四五六七八九十百几]{1,4})\s*(多|来)?\s*(个|通|次)\s*(电话|未接|来电)?")
_WHO = re.compile(r"自称(?:是)?(.{2,14}?)(?:的人|的|，|,|。|打|说|发|来)")
_CJK_COMMA = re.compile(r"(?<=[\u4e00-\u9fff]),\s?(?=[\u4e00-\u9fff])")
_ADD_PREFIX = re.compile(r"^\s*(请|帮我|麻烦)?\s*(记录|记下|记一下|登记)(一下|下来|下)?\s*[:：,，]?\s*")


@dataclass(frozen=True)
class Report:
    """What the extraction knows when a message reports a contact."""

    text: str  # the message as stored (personal data already replaced by markers)
    now: datetime.datetime  # the message time, in LOCAL_TZ
    lender: str | None = None


def local_time(timestamp: float | None) -> datetime.datetime:
    """A message's Unix time as UTC+8 (now when unknown)."""
    if timestamp is None:
        return datetime.datetime.now(LOCAL_TZ).replace(microsecond=0)
    return datetime.datetime.fromtimestamp(float(timestamp), LOCAL_TZ).replace(microsecond=0)


def _count(text: str) -> int | None:
    best = None
    for m in _COUNT.finditer(text):
        if not (m.group(4) or m.group(3) in ("通",) or "电话" in text[m.end():m.end() + 4]):
            continue
        words = m.group(1)
        if words.startswith("几十"):
            n = 20
        elif words.startswith("十几"):
            n = 10
        elif words == "几":
            n = 3
        else:
            try:
                n = int(cn2an.cn2an(words.replace("几", ""), "smart"))
            except (ValueError, KeyError, TypeError):
                continue
        best = max(best or 0, n)
    if best is None and _KIND_CUES["frequent"].search(text):
        best = 20 if "几十" in text else None
    return best


def channel_of(text: str) -> str:
    channels = _CHANNELS[1:] if _ANNOUNCED_VISIT.search(text) else _CHANNELS
    return next((name for name, cue in channels if cue.search(text)), "电话")


def new_entry(report: Report, log: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The entry a report makes (numbered after the highest id in ``log``)."""
    text = _ADD_PREFIX.sub("", report.text or "").strip()[:MAX_TEXT]
    text = _CJK_COMMA.sub("，", text)  # the normaliser makes full-width commas half-width; the letters quote it
    when = resolve(text, report.now)
    kinds = [kind for kind, cue in _KIND_CUES.items() if cue.search(text)
             and not (kind == "visit" and _ANNOUNCED_VISIT.search(text))]
    contacted = [label for label, cue in _CONTACTED if cue.search(text)] if _THIRD_PARTY_ACT.search(text) else []
    if contacted:
        kinds.insert(0, "third_party")
    who = _WHO.search(text)
    return {
        "id": max((int(e.get("id") or 0) for e in log), default=0) + 1,
        "at": (when.at if when else report.now).isoformat(),
        "has_time": when.has_time if when else True,
        "time_words": when.words if when else "",
        "approximate": bool(when and when.approximate),
        "recorded_at": report.now.isoformat(),
        "channel": channel_of(text),
        "kinds": kinds,
        "contacted": contacted,
        "who": who.group(1) if who else None,
        "count": _count(text),
        "lender": report.lender,
        "text": text,
    }


def ordered(log: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Entries as listed: by when it happened, then by when it was recorded."""
    return sorted((dict(e) for e in log), key=lambda e: (e["at"], e["id"]))


def add(log: Sequence[Mapping[str, Any]], report: Report) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The log with the report's entry added (the oldest dropped beyond MAX_ENTRIES), and the entry."""
    entry = new_entry(report, log)
    entries = ordered([*log, entry])[-MAX_ENTRIES:]
    return entries, entry


def position(log: Sequence[Mapping[str, Any]], index: int | None) -> int | None:
    """0-based position of the entry numbered ``index`` as listed (-1 = the last recorded), or None."""
    entries = ordered(log)
    if not entries or index is None:
        return None
    if index == -1:
        newest = max(entries, key=lambda e: e["id"])
        return entries.index(newest)
    return index - 1 if 1 <= index <= len(entries) else None


def delete(log: Sequence[Mapping[str, Any]], index: int | None) -> tuple[list[dict[str, Any]], dict | None]:
    """The log without entry ``index`` (as listed) and the entry removed; the log unchanged and None if no such."""
    entries = ordered(log)
    pos = position(entries, index)
    if pos is None:
        return entries, None
    removed = entries.pop(pos)
    return entries, removed


def correct(log: Sequence[Mapping[str, Any]], index: int | None, words: str,
            now: datetime.datetime) -> tuple[list[dict[str, Any]], dict | None]:
    """Entry ``index`` corrected by ``words``: a new time when they name one (「是前天晚上九点」), otherwise the
    new description (「改成：打给了我同事」) read afresh. Returns the log and the corrected entry (None if no such
    entry or nothing to correct)."""
    entries = ordered(log)
    pos = position(entries, index)
    words = (words or "").strip(" ：:，,。")
    words = re.sub(r"^(是|应该是|其实是|改成|改为|时间是)\s*", "", words)
    if pos is None or not words:
        return entries, None
    old = entries[pos]
    when = resolve(words, now)
    if when is not None and len(re.sub(r"[是在的时候左右大概]", "", words)) <= len(when.words) + 3:
        fixed = {**old, "at": when.at.isoformat(), "has_time": when.has_time, "time_words": when.words,
                 "approximate": when.approximate}
    else:
        fresh = new_entry(Report(words, datetime.datetime.fromisoformat(old["at"]), old.get("lender")), [])
        if when is None:
            fresh.update(at=old["at"], has_time=old["has_time"], time_words=old["time_words"],
                         approximate=old.get("approximate", False))
        fixed = {**fresh, "id": old["id"], "recorded_at": old["recorded_at"], "lender": old.get("lender")}
    entries[pos] = fixed
    return ordered(entries), fixed


def when_label(entry: Mapping[str, Any]) -> str:
    """「11月27日 23:00左右」 or 「11月20日」 (a day without a time)."""
    at = datetime.datetime.fromisoformat(entry["at"])
    day = f"{at.year}年{at.month}月{at.day}日"
    if not entry.get("has_time"):
        return day
    return f"{day} {at:%H:%M}" + ("左右" if entry.get("approximate") else "")


def what_label(entry: Mapping[str, Any]) -> str:
    """One line: channel, contacted people, the borrower's words."""
    parts = [entry.get("channel") or "电话"]
    if entry.get("count"):
        parts[0] += f"（{entry['count']} 次以上）" if entry["count"] >= 10 else f"（{entry['count']} 次）"
    if entry.get("contacted"):
        parts.append("联系了" + "、".join(entry["contacted"]))
    if entry.get("who"):
        parts.append(f"自称{entry['who']}")
    return "，".join(parts) + "：" + (entry.get("text") or "")


def line(entry: Mapping[str, Any], number: int) -> str:
    return f"{number}. {when_label(entry)}｜{what_label(entry)}"


def as_lines(log: Sequence[Mapping[str, Any]]) -> list[str]:
    return [line(e, i) for i, e in enumerate(ordered(log), start=1)]


def number_of(log: Sequence[Mapping[str, Any]], entry_id: int) -> int | None:
    """The number an entry is listed under."""
    return next((i for i, e in enumerate(ordered(log), start=1) if e["id"] == entry_id), None)


def is_valid(log: Any) -> bool:
    """Whether a slot value is a log this module wrote (anything else is treated as empty)."""
    return isinstance(log, list) and all(isinstance(e, dict) and "at" in e and "id" in e for e in log)


CHANGE = "change"


def change(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """What turns log ``before`` into ``after``: ``{"op": "change", "put": [entries new or altered], "drop": [ids
    removed]}``; None when nothing changed. Entries are told apart by their ids."""
    old = {e["id"]: e for e in before}
    new = {e["id"]: e for e in after}
    put = [dict(e) for key, e in new.items() if old.get(key) != e]
    drop = sorted(key for key in old if key not in new)
    if not put and not drop:
        return None
    return {"op": CHANGE, "put": put, "drop": drop}


def is_change(value: Any) -> bool:
    """Whether a slot value is a change made by ``change``."""
    return (isinstance(value, dict) and value.get("op") == CHANGE and is_valid(value.get("put"))
            and isinstance(value.get("drop"), list) and all(isinstance(i, int) for i in value["drop"]))


def apply(log: Any, value: Any) -> list[dict[str, Any]] | None:
    """The log after the slot is set to ``value``: None clears it, a list replaces it, a change is applied (to
    an empty log when ``log`` is none). Idempotent for a change: putting an entry again replaces it, dropping an
    id that is gone does nothing. Raises ValueError for any other value (the slot keeps its log then)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [dict(e) if isinstance(e, dict) else e for e in value]
    if not is_change(value):
        raise ValueError(f"not a contact log or a change of it: {type(value).__name__}")
    gone = set(value["drop"]) | {e["id"] for e in value["put"]}
    kept = [e for e in (log if is_valid(log) else []) if e["id"] not in gone]
    return ordered([*kept, *value["put"]])
