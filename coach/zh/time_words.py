"""When did it happen? Chinese time words in a report (「今天下午三点」「昨晚十一点多」「上周五」) → a date and
maybe a time, relative to a given "now". Pure: no Rasa, no clock of its own.

Only the past is read: a report tells what a collector already did, so 「说明天上门」 names the threatened
visit, not the contact, and gives no time here (the caller then uses the message time). Day words: 今天/今早/
今晚, 昨天/昨晚, 前天, 大前天, N天前, 上周X / 上星期X / 上礼拜X, 这周X / 本周X, 周X alone (the latest such day,
today included), N月N日/号, N号 (this month, or last month when that day is still to come). Parts of the day:
凌晨 早上 上午 中午 下午 傍晚 晚上 半夜 深夜. Clock times: 3点, 三点半, 十一点多, 9点15, 21:30.

Why not a library (measured 2026-11-28, jionlp 1.5.31 installed aside, offline): jionlp.parse_time reads
「今天下午三点」「昨晚十一点多」「上周五」「前天晚上九点半」「3号」「三天前」 right, but it resolves towards the future
(「周五」 said on a Tuesday → the coming Friday; 「十一点打来的」 said at 09:00 → 11:00 today), reads 「昨晚凌晨两点」
as two o'clock the night before last, and brings 218 MB (jionlp 70 MB + jiojio 148 MB). cn2an (already used)
turns Chinese numerals into digits but knows no time words; this module uses it for the numerals only.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

import cn2an

_NUM = r"[0-9零〇一二两三四五六七八九十]{1,3}"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_DAY_WORDS = (
    (re.compile(r"大前天|大前日"), 3),
    (re.compile(r"前天|前日"), 2),
    (re.compile(r"昨天|昨日|昨晚|昨夜|昨儿|昨早|昨天晚上|琴日|尋晚|寻晚"), 1),
    (re.compile(r"今天|今日|今早|今晚|今晨|今夜|今儿|刚才|刚刚|剛才|剛剛|啱啱"), 0),
)
_DAYS_AGO = re.compile(rf"({_NUM})天(?:以)?前")
_WEEK = re.compile(r"(上上|上|这|這|本)?(?:个|個)?(?:周|週|星期|礼拜|禮拜)([一二三四五六日天末])")
_MONTH_DAY = re.compile(rf"(?:({_NUM})月)?({_NUM})(?:日|号|號)")
_CLOCK = re.compile(rf"({_NUM})(?:点|點|时|時)(?:(半)|(一刻)|(三刻)|({_NUM})分?)?(多|左右|来钟)?")
_COLON = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)")
# Part of the day → (hour used when no clock time is given, whether a 1–11 o'clock is in the afternoon/evening)
_PARTS = (
    (re.compile(r"凌晨|半夜|深夜|夜里|夜裡|三更"), 1, False),
    (re.compile(r"早上|早晨|清早|一早|今早|昨早|上午|朝早"), 9, False),
    (re.compile(r"中午|晌午"), 12, False),
    (re.compile(r"下午|午后|下昼|晏昼"), 15, True),
    (re.compile(r"傍晚|黄昏"), 18, True),
    (re.compile(r"晚上|今晚|昨晚|昨夜|今夜|夜晚|晚間|晚间|夜晚|尋晚|寻晚|夜晚"), 20, True),
)
_NIGHT_LATE = re.compile(r"半夜|深夜|夜里|夜裡|三更")


@dataclass(frozen=True)
class WhenSaid:
    """The moment a report names: ``at`` (the hour is 0:00 and ``has_time`` False when only a day was said),
    whether it is approximate (「十一点多」「三点左右」), and the words it was read from."""

    at: datetime.datetime
    has_time: bool
    approximate: bool
    words: str


def _int(text: str) -> int | None:
    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _day(text: str, today: datetime.date) -> tuple[datetime.date, str] | None:
    """The day a report names and the words it came from, or None."""
    m = _WEEK.search(text)
    if m:
        weekday = _WEEKDAYS[m.group(2)]
        monday = today - datetime.timedelta(days=today.weekday())
        if m.group(1) in ("上", "上上"):
            weeks = 1 if m.group(1) == "上" else 2
            return monday - datetime.timedelta(weeks=weeks) + datetime.timedelta(days=weekday), m.group(0)
        day = monday + datetime.timedelta(days=weekday)
        if day > today and m.group(1) is None:
            day -= datetime.timedelta(weeks=1)  # 「周五」 said on a Tuesday: the Friday that has passed
        return (day, m.group(0)) if day <= today else None
    m = _DAYS_AGO.search(text)
    if m and (n := _int(m.group(1))) is not None and n <= 366:
        return today - datetime.timedelta(days=n), m.group(0)
    for pattern, back in _DAY_WORDS:
        m = pattern.search(text)
        if m:
            return today - datetime.timedelta(days=back), m.group(0)
    m = _MONTH_DAY.search(text)
    if m:
        day_n = _int(m.group(2))
        month_n = _int(m.group(1)) if m.group(1) else None
        if day_n is None or not 1 <= day_n <= 31:
            return None
        year, month = today.year, month_n or today.month
        try:
            day = datetime.date(year, month, day_n)
            if day > today:  # still to come this month / this year: the last one that has passed
                day = datetime.date(year - 1, month, day_n) if month_n else \
                    _previous_month(today).replace(day=day_n)
        except ValueError:
            return None
        return day, m.group(0)
    return None


def _previous_month(today: datetime.date) -> datetime.date:
    first = today.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def _clock(text: str) -> tuple[int, int, bool, str] | None:
    """(hour as said, minute, approximate, words) of a clock time, or None."""
    m = _COLON.search(text)
    if m:
        return int(m.group(1)), int(m.group(2)), False, m.group(0)
    m = _CLOCK.search(text)
    if not m:
        return None
    hour = _int(m.group(1))
    if hour is None or hour > 24:
        return None
    minute = 30 if m.group(2) else 15 if m.group(3) else 45 if m.group(4) else _int(m.group(5)) if m.group(5) else 0
    if minute is None or minute > 59:
        return None
    return hour, minute, bool(m.group(6)), m.group(0)


def resolve(text: str, now: datetime.datetime) -> WhenSaid | None:
    """The moment the words in ``text`` name, relative to ``now`` (the message time, in the user's time zone);
    None when the text names no past day or time (the caller uses ``now``). A moment later than ``now`` (「今天
    晚上十点」 said at noon) is not a report of the past: None."""
    text = text or ""
    today = now.date()
    found_day = _day(text, today)
    clock = _clock(text)
    part = next(((hour, pm, m.group(0)) for pattern, hour, pm in _PARTS if (m := pattern.search(text))), None)
    if found_day is None and clock is None and part is None:
        return None
    day, day_words = found_day if found_day else (today, "")
    words = [day_words] if day_words else []
    if part and part[2] not in day_words:
        words.append(part[2])
    if clock is None:
        if part is None:
            return WhenSaid(datetime.datetime.combine(day, datetime.time(0, 0), now.tzinfo), False, False,
                            "".join(words))
        # A part of the day without a clock: keep the day only (「昨晚」 is a day, not a time to the minute), but
        # note the late night: 半夜/凌晨 after 「昨晚」 is already the next calendar day.
        hour = part[0]
        if _NIGHT_LATE.search(text) and day_words.startswith(("昨晚", "昨夜")):
            day += datetime.timedelta(days=1)
        at = datetime.datetime.combine(day, datetime.time(hour, 0), now.tzinfo)
        return WhenSaid(at, False, True, "".join(words)) if at <= now else None
    hour, minute, approximate, clock_words = clock
    words.append(clock_words)
    if part is not None:
        _, pm, part_words = part
        if pm and 1 <= hour <= 11 and not (part_words in ("晚上", "昨晚", "今晚") and hour < 6 and
                                           _NIGHT_LATE.search(text)):
            hour += 12
        if hour in (12, 24) and _NIGHT_LATE.search(text + part_words):
            hour, day = 0, day + datetime.timedelta(days=1)
        elif 0 <= hour <= 5 and part_words in ("晚上", "昨晚", "昨夜", "今晚", "凌晨", "半夜", "深夜", "夜里") \
                and day_words.startswith(("昨晚", "昨夜")):
            day += datetime.timedelta(days=1)  # 「昨晚凌晨两点」: two in the morning after last night
    if hour == 24:
        hour, day = 0, day + datetime.timedelta(days=1)
    if found_day is None and part is None:
        # A bare clock time (「三点打来的」): the latest moment with that reading that has passed, morning or
        # afternoon, today or yesterday.
        hours = (hour, hour + 12) if 1 <= hour <= 11 else (hour,)
        candidates = [datetime.datetime.combine(today - datetime.timedelta(days=back), datetime.time(h, minute),
                                                now.tzinfo) for back in (0, 1) for h in hours]
        past = [c for c in candidates if c <= now]
        return WhenSaid(max(past), True, approximate, "".join(words)) if past else None
    at = datetime.datetime.combine(day, datetime.time(hour, minute), now.tzinfo)
    if at > now:
        return None
    return WhenSaid(at, True, approximate, "".join(words))


# --- dates to come: paydays, due dates, the day a borrower says they will pay ------------------------------------
# A payday or a due date is in the future: 「1月15号」 said in December is next year's 15 January, 「15号」 said on
# the 20th is next month's. (A contact a report names is in the past: ``resolve`` above.)

_YEAR_WORDS = {"今年": 0, "明年": 1, "后年": 2}
_UPCOMING = re.compile(
    rf"(?P<year>今年|明年|后年)?(?P<next>下个?月)?(?:(?P<month>{_NUM})月份?)?(?P<day>{_NUM})(?:日|号|號)(?!前天)")
_NEGATED = re.compile(r"(不是|并非|而不是|不在)\s*$")


@dataclass(frozen=True)
class Upcoming:
    """A date to come named in a message, and where its words stand."""

    day: datetime.date
    start: int
    end: int


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def upcoming_dates(text: str, today: datetime.date) -> list[Upcoming]:
    """Every date to come the text names, resolved against ``today`` (the message day in the user's time zone),
    in order; dates the borrower rejects (「不是12月15号」) are left out."""
    found: list[Upcoming] = []
    for m in _UPCOMING.finditer(text or ""):
        if _NEGATED.search(text[max(0, m.start() - 4):m.start()]):
            continue
        day_n = _int(m.group("day"))
        month_n = _int(m.group("month")) if m.group("month") else None
        if day_n is None or not 1 <= day_n <= 31 or (month_n is not None and not 1 <= month_n <= 12):
            continue
        year = today.year + _YEAR_WORDS.get(m.group("year") or "", 0)
        if m.group("next"):
            year, month = _add_months(today.year, today.month, 1)
        elif month_n is not None:
            month = month_n
        else:
            month = today.month
        try:
            day = datetime.date(year, month, min(day_n, calendar.monthrange(year, month)[1]))
        except ValueError:
            continue
        if day <= today and not m.group("year") and not m.group("next"):
            # not said which year or month: the next such day (this month's has passed → next month's; this
            # year's has passed → next year's)
            if month_n is None:
                year, month = _add_months(today.year, today.month, 1)
            else:
                year += 1
            day = datetime.date(year, month, min(day_n, calendar.monthrange(year, month)[1]))
        found.append(Upcoming(day, m.start(), m.end()))
    return found


def upcoming_date(text: str, today: datetime.date) -> datetime.date | None:
    """The date to come the text settles on: the last one named and not rejected (「不是12月15号 是明年1月15号」)."""
    found = upcoming_dates(text, today)
    return found[-1].day if found else None
