"""After the crisis lines the bot stays with the person (coach/crisis_followup.py, replies.yml)."""

from __future__ import annotations

import pytest

from coach import replies
from coach.crisis_followup import followup_kind


@pytest.mark.parametrize("text,kind", [
    ("打了有啥用", "doubt"), ("打过了没人接", "doubt"), ("說了也沒用", "doubt"), ("不想打电话", "doubt"),
    ("那我欠的钱怎么办", "money"), ("催收明天还会打来吧", "money"), ("信用卡怎么办", "money"),
    ("嗯", "thanks"), ("谢谢你", "thanks"), ("好的", "thanks"), ("我试试", "thanks"),
    ("我一个人在出租屋", "stay"), ("不知道", "stay"), ("", "stay"),
    # safe, or wanting to go on: the conversation comes back
    ("我没事了 继续吧", "safe"), ("安全的 孩子睡了 那安逸花这个怎么弄", "safe"), ("好多了", "safe"),
    ("我不想死 我想解决欠款的问题", "safe"), ("繼續吧", "safe"), ("冇事啦", "safe"), ("我们继续", "safe"),
    ("我欠了哪些", "money"),
    # a new cue is never "safe", whatever else the message says
    ("我没事 就是不想活了", "stay"),
])
def test_kinds(text: str, kind: str) -> None:
    assert followup_kind(text) == kind


def test_replies_name_the_regions_own_line_and_money_starts_from_a_pause() -> None:
    assert "12356" in replies.crisis_followup("doubt", "mainland") and "匿名" in replies.crisis_followup("doubt")
    assert "18111" in replies.crisis_followup("stay", "hk") and "999" in replies.crisis_followup("stay", "hk")
    assert "1925" in replies.crisis_followup("thanks", "tw") and "12356" not in replies.crisis_followup("stay", "tw")
    assert "119" in replies.crisis_followup("stay", "tw") and "110" in replies.crisis_followup("stay", "tw")
    money = replies.crisis_followup("money")
    assert "暂缓催收" in money and "不用马上拿出钱" in money and "分期" not in money
    for kind in replies.CRISIS_KINDS:
        for region in ("mainland", "hk", "tw"):
            assert "{" not in replies.crisis_followup(kind, region)


def test_no_two_check_ins_are_the_same_text() -> None:
    for region in ("mainland", "hk", "tw"):
        texts = [replies.crisis_followup(kind, region) for kind in replies.CRISIS_KINDS]
        assert len(set(texts)) == len(texts), region
