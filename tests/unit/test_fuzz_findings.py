"""What the 20-minute fuzzing run (bench/fuzz.py, seed 2026) found, each kept fixed."""

from __future__ import annotations

import pytest

from channels.inbound import clean
from channels.limits import metadata_problem
from channels.messenger import conversation_id


@pytest.mark.parametrize("text,secret", [
    ("我的邮箱 wang_wu584＠qq。com", "wang_wu584"),  # full-width @, the ideographic full stop as the dot
    ("邮箱lisi655，后缀gmail.com", "lisi655"),  # the address in two parts
    ("email: Zhang.San99 谢谢", "Zhang.San99"),
])
def test_e_mail_spellings_are_redacted(text: str, secret: str) -> None:
    assert secret not in clean(text).text and "[邮箱已隐去]" in clean(text).text


@pytest.mark.parametrize("text", ["发到我邮箱吧", "欠了32,000", "邮箱收到了律师函 怎么办"])
def test_messages_without_an_address_are_kept(text: str) -> None:
    assert clean(text).text == text


def test_metadata_with_a_lone_surrogate_is_refused_not_a_500() -> None:
    assert metadata_problem({"a": "\ud806"}) == "metadata 含有无法识别的字符。"
    assert metadata_problem({"source": "widget"}) is None


def test_a_messenger_id_with_a_lone_surrogate_still_hashes() -> None:
    one, other = conversation_id("wa-", "\ud800", "key"), conversation_id("wa-", "\ud801", "key")
    assert one.startswith("wa-") and len(one) == 35 and one != other
