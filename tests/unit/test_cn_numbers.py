import pytest

from coach.zh.numbers import extract, parse_amount, parse_duration_days


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三万二", 32000), ("3.2w", 32000), ("3.5W", 35000), ("两千五百块", 2500), ("1万5", 15000),
        ("一万五千块", 15000), ("5k", 5000), ("十二万", 120000), ("2万3千", 23000), ("八千多", 8000),
        ("12000元", 12000), ("五百", 500), ("两万块钱", 20000),
    ],
)
def test_parse_amount(text: str, value: int) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("两个月", 60), ("半年", 180), ("四十多天", 40), ("一个半月", 45), ("半个月", 15), ("3个月", 90),
        ("90天", 90), ("一年半", 545), ("两周", 14), ("一年", 365),
    ],
)
def test_parse_duration(text: str, days: int) -> None:
    assert parse_duration_days(text) == days


def _values(text: str) -> tuple[list[tuple[int, str | None]], list[tuple[int, str | None]]]:
    amounts, durations = extract(text)
    return [(a.value, a.role) for a in amounts], [(d.value, d.role) for d in durations]


def test_roles_tell_debt_income_and_monthly_payment_apart() -> None:
    amounts, _ = _values("我欠招行3.5w，月收入5000，每个月最多还800")
    assert amounts == [(35000, "debt"), (5000, "income"), (800, "affordable")]


def test_partial_payment_now() -> None:
    assert _values("现在能拿出五百")[0] == [(500, "partial")]
    assert _values("这期3200只能先还五百块")[0] == [(3200, None), (500, "partial")]


def test_overdue_versus_extension() -> None:
    assert _values("逾期四十多天了，想宽限一个月")[1] == [(40, "overdue"), (30, "extension")]


def test_bare_answers_have_no_role() -> None:
    assert _values("三万左右")[0] == [(30000, None)]
    assert _values("两个月了")[1] == [(60, "overdue")]


@pytest.mark.parametrize(
    "text",
    ["分24期行不行", "一天打了30多个电话", "3月15号还款", "第三次打来了", "晚上11点还在打", "我今年35岁", "还不上"],
)
def test_counts_dates_and_times_are_not_money(text: str) -> None:
    assert _values(text)[0] == []


def test_month_names_are_not_durations() -> None:
    assert _values("3月15号要还")[1] == []
    assert _values("逾期3月了")[1] == [(90, "overdue")]


def test_durations_about_something_else_get_the_other_role() -> None:
    assert _values("工资拖了两个月没发")[1] == [(60, "other")]
    assert _values("住院半个月，逾期四十多天")[1] == [(15, "other"), (40, "overdue")]


@pytest.mark.parametrize(("text", "amounts", "days"), [
    ("一两个月", [], [30]),  # not 「一」 and 「两个月」 read as twelve months
    ("两三个月", [], [60]),
    ("欠了一两万", [10000], []),
    ("每月能还七八百", [700], []),
])
def test_a_range_of_neighbouring_numerals_is_its_lower_bound(text: str, amounts: list[int], days: list[int]) -> None:
    found = _values(text)
    assert [v for v, _ in found[0]] == amounts and [v for v, _ in found[1]] == days
