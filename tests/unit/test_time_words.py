"""Time words in reports resolved against a fixed "now" (coach/zh/time_words.py)."""

import datetime

import pytest

from coach.zh.time_words import resolve

TZ = datetime.timezone(datetime.timedelta(hours=8))
# Saturday 2026-11-28, 16:20 in Beijing.
NOW = datetime.datetime(2026, 11, 28, 16, 20, tzinfo=TZ)


def at(month, day, hour=0, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize("text, moment, has_time", [
    ("今天下午三点他们又打电话来", at(11, 28, 15), True),
    ("昨晚十一点多打了好几个电话骂我", at(11, 27, 23), True),
    ("上周五打给我妈了", at(11, 20), False),
    ("周五打到我公司", at(11, 27), False),
    ("这周一发短信说要上门", at(11, 23), False),
    ("前天晚上九点半", at(11, 26, 21, 30), True),
    ("大前天", at(11, 25), False),
    ("昨晚凌晨两点还在打", at(11, 28, 2), True),
    ("昨天半夜十二点打过来", at(11, 28, 0), True),
    ("三天前给我同事发了短信", at(11, 25), False),
    ("11月3号来过我家", at(11, 3), False),
    ("3号打给我爸", at(11, 3), False),
    ("30号打的", at(10, 30), False),
    ("今天早上8点15打的", at(11, 28, 8, 15), True),
    ("今天21:30", None, None),
    ("中午12点打电话", at(11, 28, 12), True),
    ("三点打来的", at(11, 28, 15), True),
    ("五点打来的", at(11, 28, 5), True),
    ("上星期三", at(11, 18), False),
    ("上礼拜天来我家", at(11, 22), False),
    ("昨天晚上十点", at(11, 27, 22), True),
    ("昨天", at(11, 27), False),
    ("噚晚十点", None, None),
])
def test_time_words(text, moment, has_time):
    got = resolve(text, NOW)
    if moment is None:
        assert got is None or got.at <= NOW
        return
    assert got is not None, text
    assert got.at == moment, (text, got)
    assert got.has_time == has_time


def test_no_time_words_and_the_future():
    assert resolve("催收打电话骂我", NOW) is None
    assert resolve("说明天上门", NOW) is None
    assert resolve("今天晚上十点", NOW) is None  # still to come: not a report of the past


def test_approximate_and_words():
    got = resolve("昨晚十一点多", NOW)
    assert got.approximate and "十一点多" in got.words


def test_a_part_of_the_day_keeps_the_day():
    got = resolve("昨晚他们骂我", NOW)
    assert got.at.date() == datetime.date(2026, 11, 27) and not got.has_time


def test_weekday_alone_on_that_day_is_today():
    friday = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=TZ)
    assert resolve("周五下午打的", friday).at == datetime.datetime(2026, 11, 27, 15, 0, tzinfo=TZ)
    assert resolve("上周五", friday).at.date() == datetime.date(2026, 11, 20)


def test_never_the_future_where_a_parser_looking_ahead_goes_wrong():
    tuesday_nine = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
    assert resolve("周五打到我公司", tuesday_nine).at.date() == datetime.date(2026, 11, 20)
    assert resolve("十一点打来的", tuesday_nine).at == datetime.datetime(2026, 11, 23, 23, 0, tzinfo=TZ)
    assert resolve("昨晚凌晨两点还在打", tuesday_nine).at == datetime.datetime(2026, 11, 24, 2, 0, tzinfo=TZ)
