import pytest

from coach.zh.normalizer import normalize, to_halfwidth, to_traditional


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("催收人員說要上門，我欠招商銀行兩萬", "催收人员说要上门,我欠招商银行两万"),
        ("ｃｓ　天天打电话！！", "催收天天打电话!!"),  # full-width, then chat shorthand
        ("我 欠 了 3.2w  在 zfb 借呗", "我欠了3.2w在支付宝借呗"),
        ("  ok app 打不开  ", "ok app打不开"),
        ("\u200b你好\ufeff", "你好"),
        ("", ""),
        ("🙏🙏🙏", "🙏🙏🙏"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    once = normalize("佢哋打俾我公司，話要上門收數")
    assert normalize(once) == once


def test_halfwidth_keeps_chinese_punctuation_without_ascii_twin() -> None:
    assert to_halfwidth("「好」。、") == "「好」。、"
    assert to_halfwidth("ＡＢＣ１２３") == "ABC123"


def test_traditional_numbers_become_parseable() -> None:
    from coach.zh.numbers import extract

    amounts, durations = extract(normalize("欠咗銀行兩萬三千蚊，逾期三個月"))
    assert [a.value for a in amounts] == [23000]
    assert [(d.value, d.role) for d in durations] == [(90, "overdue")]


def test_already_traditional_gan_is_not_turned_into_the_vulgar_looking_form() -> None:
    text = "臺灣規定：催收不得以任何方式干擾第三人；也不得干預或干涉"
    assert to_traditional(text, "tw") == text
    assert to_traditional("不得干扰第三人，干什么", "tw") == "不得干擾第三人，幹什麼"


def test_hong_kong_replies_use_hong_kong_words() -> None:
    text = to_traditional("只还到账单上列明的账户；附近几个月的银行流水；回复催收的短信", "hk")
    assert text == "只還到月結單上列明的賬戶；附近幾個月的銀行月結單；回覆催收的短訊"
    assert "帳戶" in to_traditional("账户", "tw") or "賬戶" in to_traditional("账户", "tw")  # Taiwan unchanged


@pytest.mark.parametrize(("text", "expected"), [
    ("帮我写个xieshang方案吧", "帮我写个协商方案吧"), ("XYK逾期了", "信用卡逾期了"), ("我用wx转的", "我用微信转的"),
    ("docs里面有", "docs里面有"), ("WeLend 5万", "WeLend 5万"),
])
def test_chat_shorthand_is_read_as_the_words_it_stands_for(text: str, expected: str) -> None:
    assert normalize(text) == expected
