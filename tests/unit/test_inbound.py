"""The input check every channel runs (channels/inbound.py): empty, too long, personal data redacted."""

from __future__ import annotations

import pytest

from channels.inbound import EMPTY_REPLY, MAX_CHARS, REDACTED_NOTE, clean, redact


@pytest.mark.parametrize(("text", "shown", "kinds"), [
    ("我手机13812345678，催收天天打", "我手机[手机号已隐去]，催收天天打", ["手机号"]),
    ("电话 +86 138-1234-5678", "电话 [手机号已隐去]", ["手机号"]),
    ("身份证110101199003071234", "身份证[身份证号已隐去]", ["身份证号"]),
    ("身份证号 11010119900307123X 别外传", "身份证号 [身份证号已隐去] 别外传", ["身份证号"]),
    ("卡号6222 0212 3456 7890 123", "卡号[卡号已隐去]", ["银行卡号"]),
    ("卡号6222021234567890123，手机13900001111", "卡号[卡号已隐去]，手机[手机号已隐去]", ["银行卡号", "手机号"]),
])
def test_personal_numbers_are_redacted(text: str, shown: str, kinds: list[str]) -> None:
    assert redact(text) == (shown, kinds)
    inbound = clean(text)
    assert inbound.text == shown
    assert inbound.notes == [REDACTED_NOTE.format(kinds="、".join(kinds))]


@pytest.mark.parametrize("text", ["欠了三万二", "逾期120天，每月能还1500", "2026年11月23日", "欠款 32,000 元",
                                  "工号 12345678", "12356 打不通"])
def test_amounts_dates_and_short_numbers_are_kept(text: str) -> None:
    assert clean(text).text == text and clean(text).notes == []


def test_empty_and_too_long_messages() -> None:
    assert clean("  \n ").empty and clean(None).empty
    assert EMPTY_REPLY
    long = clean("催" * (MAX_CHARS + 50))
    assert len(long.text) == MAX_CHARS and len(long.notes) == 1
    assert clean("a\x00b\x07c").text == "abc"
