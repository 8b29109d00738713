"""「删除我的记录」 over REST on the embedded profile (SQLite): asked, confirmed, gone; other conversations stay.
「确认删除」 deletes only right after a request in the same conversation; 「删除记录」 alone deletes nothing and
says how to delete one entry of the evidence log or everything."""

from __future__ import annotations

import uuid

from channels.forget import CONFIRM_WORDS, LOG_HINT, NOT_ASKED, WHICH
from serving.servers import Servers, texts


def new_sender(prefix: str) -> str:
    """A sender id without digit runs (eight digits in a row would be refused as a possible phone number)."""
    return f"{prefix}-{uuid.uuid4().hex[:12].translate(str.maketrans('0123456789', 'ghijklmnop'))}"


def user_texts(servers: Servers, sender: str) -> list[str]:
    return [e["text"] for e in servers.tracker(sender)["events"] if e["event"] == "user"]


def test_a_borrower_deletes_their_own_conversation(servers: Servers) -> None:
    me, other = new_sender("forget"), new_sender("keep")
    servers.say(me, "欠招行三万二，逾期两个月")
    servers.say(other, "欠招行三万二，逾期两个月")
    assert "确认删除" in texts(servers.say(me, "刪除我的紀錄"))
    assert servers.tracker(me)["slots"]["debt_amount"] == 32000
    assert "已经删除" in texts(servers.say(me, "确认删除"))
    tracker = servers.tracker(me)
    assert not [e for e in tracker["events"] if e["event"] == "user"] and tracker["slots"].get("debt_amount") is None
    assert servers.tracker(other)["slots"]["debt_amount"] == 32000
    assert "哪家" in texts(servers.say(me, "想申请分期"))


def test_a_confirmation_without_a_request_deletes_nothing(servers: Servers) -> None:
    """「确认删除」 out of the blue (mistyped, or a copy sent again after an earlier deletion) is not a deletion."""
    me = new_sender("forget-blind")
    servers.say(me, "欠招行三万二，逾期两个月")
    assert texts(servers.say(me, "确认删除")) == NOT_ASKED
    assert servers.tracker(me)["slots"]["debt_amount"] == 32000
    assert user_texts(servers, me) == ["欠招行三万二，逾期两个月"]


def test_a_request_lapses_when_the_borrower_goes_on_talking(servers: Servers) -> None:
    me = new_sender("forget-lapse")
    servers.say(me, "欠招行三万二，逾期两个月")
    assert CONFIRM_WORDS in texts(servers.say(me, "删除我的记录"))
    servers.say(me, "算了，我想问问能不能分期")  # 「不删就继续聊」: the request is over
    assert texts(servers.say(me, "确认删除")) == NOT_ASKED
    assert servers.tracker(me)["slots"]["debt_amount"] == 32000
    # Asked again, the confirmation works again; and once deleted, the same 「确认删除」 finds nothing to confirm.
    assert CONFIRM_WORDS in texts(servers.say(me, "删除我的所有记录"))
    assert "已经删除" in texts(servers.say(me, "确认删除"))
    servers.say(me, "你好")
    assert texts(servers.say(me, "确认删除")) == NOT_ASKED
    assert user_texts(servers, me) == ["你好"]


def test_delete_records_alone_is_about_the_evidence_log_when_there_is_one(servers: Servers) -> None:
    me = new_sender("forget-log")
    servers.say(me, "记录一下：昨晚十一点多催收打电话骂我")
    servers.say(me, "记录一下：今天上午他们打给我同事")
    answer = texts(servers.say(me, "删除记录"))
    assert answer == LOG_HINT.format(count=2)
    assert "「删除第N条」" in answer and "「删除我的所有记录」" in answer and CONFIRM_WORDS not in answer
    assert len(servers.tracker(me)["slots"]["contact_log"]) == 2
    assert texts(servers.say(me, "确认删除")) == NOT_ASKED  # 「删除记录」 was no request to delete everything
    assert len(servers.tracker(me)["slots"]["contact_log"]) == 2


def test_delete_records_alone_without_a_log_asks_which(servers: Servers) -> None:
    me = new_sender("forget-which")
    servers.say(me, "欠招行三万二，逾期两个月")
    assert texts(servers.say(me, "刪除記錄")) == WHICH
    assert texts(servers.say(me, "确认删除")) == NOT_ASKED
    assert servers.tracker(me)["slots"]["debt_amount"] == 32000
