"""The input check every channel runs (channels/inbound.py): empty, too long, personal data redacted, Rasa's
command syntax defused, public metadata whitelisted."""

from __future__ import annotations

import pytest

from channels.inbound import (
    EMPTY_REPLY,
    MAX_CHARS,
    REDACTED_NOTE,
    clean,
    id_contains_personal_data,
    public_metadata,
    redact,
)
from tests.security.spellings import leaked, spellings


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
    assert clean("\u200b\u200d\ufeff").empty  # zero-width characters only
    assert not clean("\u200b催收").empty
    assert EMPTY_REPLY
    long = clean("催" * (MAX_CHARS + 50))
    assert len(long.text) == MAX_CHARS and len(long.notes) == 1
    assert clean("a\x00b\x07c").text == "abc"


SPELLINGS = list(spellings(seed=7, per_form=3))


def test_every_generated_spelling_is_redacted_wherever_it_stands() -> None:
    assert len(SPELLINGS) >= 180 and len({s.kind for s in SPELLINGS}) >= 9
    for spelling in SPELLINGS:
        for template in ("{}", "我的联系方式：{}，催收天天打", "催收打到{}了", "{}。逾期两个月", "卡/号码 {} 别外传"):
            text = template.format(spelling.text)
            inbound = clean(text)
            assert not leaked(inbound.text, spelling), (spelling, inbound.text)
            assert inbound.notes and "隐去" in inbound.notes[-1], text


@pytest.mark.parametrize("text", ["收入5000-6000", "每月能还一千五到两千", "欠了 3.2w，逾期 45 天",
                                  "2026-11-28 下午三点", "12378 和 12356 都打过", "借呗 20000 美团 8000",
                                  "逾期一百二十天", "一二三月都没还",
                                  "第一期 1,455 元", "欠款 1000000 元"])
def test_ordinary_numbers_stay(text: str) -> None:
    assert clean(text).text == text


@pytest.mark.parametrize(("typed", "seen"), [
    ("/affirm", "/affirm"), ("/deny", "/deny"), ("/session_start", "/session_start"),
    ('/inform{"amount": "1e300"}', 'inform{"amount": "1e300"}'),
    ("/affirm@0.99", "affirm@0.99"),
    ("／ｉｎｆｏｒｍ｛＂ａｍｏｕｎｔ＂：１｝", "ｉｎｆｏｒｍ｛＂ａｍｏｕｎｔ＂：１｝"),
    ("\u200b/inform{}", "inform{}"),
    (" / /express_crisis", "express_crisis"),
])
def test_typed_rasa_commands_are_read_as_text(typed: str, seen: str) -> None:
    assert clean(typed).text == seen


def test_a_number_at_the_cut_is_never_left_half_in_clear() -> None:
    for shift in range(0, 14):
        text = "催" * (MAX_CHARS - shift) + "13812345678 以后再说"
        out = clean(text).text
        assert "1381" not in out and "5678" not in out, shift
        assert len(out) <= MAX_CHARS + 12


def test_public_metadata_keeps_only_a_short_source() -> None:
    assert public_metadata({"audience": "staff", "source": "合作方", "x": {"y": 1}}) == \
        {"source": "合作方", "audience": "borrower"}
    assert public_metadata({"source": "13812345678"}) == {"source": "[手机号已隐去]", "audience": "borrower"}
    assert public_metadata({"source": "长" * 500})["source"] == "长" * 64
    assert public_metadata(None) == public_metadata([1, 2]) == {"audience": "borrower"}


@pytest.mark.parametrize(("conversation_id", "personal"), [
    # a widget token whose random hex holds a run that looks like a phone number: opaque, not personal data
    ("92e2347e0a1b2c3d4e5f1267201291526fd", False), ("web-3f9a0c13812345678bd0e1f2a3b4c5d6", False),
    ("13812345678", True), ("wecom-13812345678", True), ("11010519491231002X", True), ("zhangsan@qq.com", True),
    ("A123456789", True), ("user-abc", False),
])
def test_an_opaque_token_is_not_read_as_personal_data(conversation_id: str, personal: bool) -> None:
    assert id_contains_personal_data(conversation_id) is personal
