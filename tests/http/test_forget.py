"""「删除我的记录」 over REST on the embedded profile (SQLite): asked, confirmed, gone; other conversations stay."""

from __future__ import annotations

import uuid

from serving.servers import Servers, texts


def test_a_borrower_deletes_their_own_conversation(servers: Servers) -> None:
    me, other = f"forget-{uuid.uuid4().hex[:8]}", f"keep-{uuid.uuid4().hex[:8]}"
    servers.say(me, "欠招行三万二，逾期两个月")
    servers.say(other, "欠招行三万二，逾期两个月")
    assert "确认删除" in texts(servers.say(me, "刪除我的紀錄"))
    assert servers.tracker(me)["slots"]["debt_amount"] == 32000
    assert "已经删除" in texts(servers.say(me, "确认删除"))
    tracker = servers.tracker(me)
    assert not [e for e in tracker["events"] if e["event"] == "user"] and tracker["slots"].get("debt_amount") is None
    assert servers.tracker(other)["slots"]["debt_amount"] == 32000
    assert "哪家" in texts(servers.say(me, "想申请分期"))
