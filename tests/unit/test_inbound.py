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
    # digests (32+ hex characters, a UUID) are what integrators are told to use; a phone-shaped run in one is
    # chance (once in ~700), so they are opaque
    ("92e2347e0a1b2c3d4e5f1267201291526fd", False), ("web-3f9a0c13812345678bd0e1f2a3b4c5d6", False),
    ("550e8400-e29b-41d4-a716-446655440000", False), ("staff-" + "0123456789abcdef" * 2, False),
    # a shorter hex token (token_hex(8)) may hold an 8-digit run by chance, never a mobile or an ID number
    ("a1b2c3d4e5f60718", False), ("ab12345678cdef01", False), ("abcdef13812345678", True),
    ("13812345678", True), ("wecom-13812345678", True), ("11010519491231002X", True), ("zhangsan@qq.com", True),
    ("A123456789", True), ("user-abc", False), ("x-1234567", False), ("case-2026-11-28", False),
    # was accepted as "opaque" (16+ characters, two letters): a phone number behind a word
    ("member13812345678", True), ("c13812345678d", True),
    # 8 or more digits anywhere else: a QQ or landline number
    ("user-23456789", True), ("qq123456789", True), ("138.1234.5678", True), ("staff-e87654321", True),
    ("１３８１２３４５６７８", True),
])
def test_ids_with_personal_data_are_recognised(conversation_id: str, personal: bool) -> None:
    assert id_contains_personal_data(conversation_id) is personal


# Each spelling of the 2026 review, the way it was found in the store in clear: text → what Rasa now stores.
@pytest.mark.parametrize(("text", "shown"), [
    ("我手机138，1234，5678", "我手机[手机号已隐去]"),
    ("打这个139、8765、4321", "打这个[手机号已隐去]"),
    ("138~1234~5678 找我", "[手机号已隐去] 找我"),
    ("号码138*1234*5678", "号码[手机号已隐去]"),
    ("（138）1234-5678", "[手机号已隐去]"),
    ("138----1234----5678", "[手机号已隐去]"),
    ("qq号码 23456789", "qq号码 [账号已隐去]"),
    ("q号 23456789", "q号 [账号已隐去]"),
    ("QQ邮箱 23456789", "QQ邮箱 [账号已隐去]"),
    ("lisi艾特163点com", "[邮箱已隐去]"),
    ("lisi圈a163點com", "[邮箱已隐去]"),
    ("lisi#qq.com", "[邮箱已隐去]"),
    ("zhang.san at gmail dot com", "[邮箱已隐去]"),
    ("加我V：lisi_2024", "加我V：[账号已隐去]"),
    ("vx wangwu1990", "vx [账号已隐去]"),
    ("微信号 zhang_san88", "微信号 [账号已隐去]"),
    ("威信 chen-xm2024", "威信 [账号已隐去]"),
    ("薇信：liuliu666", "薇信：[账号已隐去]"),
    ("V信 amy_chan_hk", "V信 [账号已隐去]"),
    ("微信号：23456789", "微信号：[账号已隐去]"),
    ("wxid_8k2j3h4g5f", "[账号已隐去]"),
    ("护照 E87654321 丢了", "护照 [证件号已隐去] 丢了"),
    ("E87654321", "[证件号已隐去]"),
    ("g12345678", "[证件号已隐去]"),
    ("香港护照 K12345678", "香港护照 [证件号已隐去]"),
    ("台湾护照号 312345678", "台湾护照号 [证件号已隐去]"),
    ("港澳通行证 C12345678", "港澳通行证 [证件号已隐去]"),
    ("通行证号码：CA1234567", "通行证号码：[证件号已隐去]"),
    ("座机 23456789", "座机 [电话已隐去]"),
    ("电话：3234 5678", "电话：[电话已隐去]"),
    ("021 23456789", "[电话已隐去]"),
    ("02123456789", "[电话已隐去]"),
])
def test_dodging_spellings_are_redacted(text: str, shown: str) -> None:
    inbound = clean(text)
    assert inbound.text == shown
    assert inbound.notes and "已自动隐去" in inbound.notes[-1]


@pytest.mark.parametrize("text", [
    "欠了32,000", "欠了32，000元", "3，2000", "三万二", "每月还1500", "逾期90天", "欠了23000000元",
    "催收电话里说我欠了23000000元", "号码的事先不说，欠款23000000 元", "电话费 2300 元", "护照丢了，欠了120000元",
    "微信还了2000", "QQ钱包 5000", "扣扣了5000元", "每月还1500~2000", "收入5000*12", "1,380,000", "13,800",
    "E贷 8000", "第3期 1,455 元", "每月还150、2000、3000不等", "三笔：180，1500，2300"])
def test_amounts_look_alike_stay(text: str) -> None:
    """The other side of each new rule: 8 digits without a phone word, commas outside the 3-4-4 shape, a money
    unit after a keyword."""
    assert clean(text).text == text and clean(text).notes == []


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                     "\u2068", "\u2069", "\u200e", "\u200f"])
def test_direction_controls_are_not_stored(control: str) -> None:
    # 「欠款‮000,05‬元」 would show as 50,000 in the staff console while the text says 05,000
    assert clean(f"欠款{control}000,05\u202c元").text == "欠款000,05元"
    assert clean(control).empty


def test_a_direction_control_cannot_hide_a_phone_number() -> None:
    assert clean("我手机138\u20661234\u20695678").text == "我手机[手机号已隐去]"


def test_the_amount_list_exception_is_narrow() -> None:
    assert clean("每月还150、2000、3000").text == "每月还150、2000、3000"
    assert clean("138、1234、5600").text == "[手机号已隐去]"  # one round group is still a phone number
    assert clean("138 2000 3000").text == "[手机号已隐去]"  # without a comma or 、 it is no list
