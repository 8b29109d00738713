"""After the crisis lines the bot stays with the person (actions/crisis_followup.py, replies.yml)."""

from __future__ import annotations

import pytest

from actions import replies
from actions.crisis_followup import followup_kind


@pytest.mark.parametrize("text,kind", [
    ("打了有啥用", "doubt"), ("打过了没人接", "doubt"), ("說了也沒用", "doubt"), ("不想打电话", "doubt"),
    ("那我欠的钱怎么办", "money"), ("催收明天还会打来吧", "money"), ("信用卡怎么办", "money"),
    ("嗯", "thanks"), ("谢谢你", "thanks"), ("好的", "thanks"), ("我试试", "thanks"),
    ("我一个人在出租屋", "stay"), ("不知道", "stay"), ("", "stay"),
])
def test_kinds(text: str, kind: str) -> None:
    assert followup_kind(text) == kind


def test_replies_name_the_regions_own_line_and_money_starts_from_a_pause() -> None:
    assert "12356" in replies.crisis_followup("doubt", "mainland") and "匿名" in replies.crisis_followup("doubt")
    assert "2896 0000" in replies.crisis_followup("stay", "hk") and "999" in replies.crisis_followup("stay", "hk")
    assert "1925" in replies.crisis_followup("thanks", "tw") and "12356" not in replies.crisis_followup("stay", "tw")
    money = replies.crisis_followup("money")
    assert "暂缓催收" in money and "不用马上拿出钱" in money and "分期" not in money
    for kind in replies.CRISIS_KINDS:
        for region in ("mainland", "hk", "tw"):
            assert "{" not in replies.crisis_followup(kind, region)
