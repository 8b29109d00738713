"""Pure helpers of the channels (no servers)."""

from __future__ import annotations

import time

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels import history
from channels.socketio import WidgetSocketIOInput, valid_session_id
from channels.wecom import MAX_BYTES, RecentMessages, cut_to, reply_texts, split_text


def test_split_text_keeps_every_piece_within_the_wecom_limit():
    text = "\n".join(f"第{i}行：" + "协商还款" * 40 for i in range(30)) + "\n" + "长" * 3000
    pieces = split_text(text)
    assert all(0 < len(p.encode()) <= MAX_BYTES for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    assert split_text("短消息") == ["短消息"]


def test_cut_to_adds_a_note_only_when_needed():
    assert cut_to("你好") == "你好"
    cut = cut_to("很长" * 2000)
    assert len(cut.encode()) <= MAX_BYTES and cut.endswith("请使用网页版。）")


def test_buttons_become_a_reply_hint():
    texts = reply_texts([{"text": "要现在开始吗？", "buttons": [{"title": "好，开始", "payload": "/affirm"},
                                                              {"title": "先不用", "payload": "/deny"}]}])
    assert texts == ["要现在开始吗？\n可以回复：好，开始 / 先不用"]


class Item:
    def __init__(self) -> None:
        self.created = time.monotonic()


def test_recent_messages_is_bounded_and_expires():
    recent = RecentMessages(size=3, ttl=60)
    for i in range(5):
        recent.add(str(i), Item())  # type: ignore[arg-type]
    assert len(recent) == 3 and recent.get("0") is None and recent.get("4") is not None
    expiring = RecentMessages(size=10, ttl=0.01)
    expiring.add("a", Item())  # type: ignore[arg-type]
    time.sleep(0.02)
    assert expiring.get("a") is None


def test_session_ids_cannot_reach_staff_or_wecom_conversations():
    assert valid_session_id("0123456789abcdef0123456789abcdef")
    for bad in ("staff-0123456789abcdef", "wecom-zhangsan-123456", "short", "../../etc/passwd", None, 42, "x" * 65):
        assert not valid_session_id(bad)


def test_browser_metadata_cannot_claim_staff_audience():
    assert WidgetSocketIOInput._metadata({"audience": "staff", "source": "合作方"}) == \
        {"source": "合作方", "audience": "borrower"}
    assert WidgetSocketIOInput._metadata('{"audience": "staff"}') == {"audience": "borrower"}
    assert WidgetSocketIOInput._metadata("not json") == {"audience": "borrower"}


def test_history_shows_button_titles_and_keeps_draft_info():
    tracker = DialogueStateTracker.from_events("s", [
        UserUttered("催收说要上门"),
        BotUttered("要现在开始吗？", {"buttons": [{"title": "好，开始", "payload": "/affirm"}]}),
        UserUttered("/affirm"),
        BotUttered("【电话协商话术】\n您好", {"custom": {"draft": {"kind": "phone_script", "title": "电话协商话术"}}}),
    ])
    msgs = history.messages(tracker)
    assert [m["sender"] for m in msgs] == ["user", "bot", "user", "bot"]
    assert msgs[1]["quick_replies"] == [{"title": "好，开始", "payload": "/affirm"}]
    assert msgs[2]["text"] == "好，开始"
    assert msgs[3]["custom"]["draft"]["kind"] == "phone_script"
    assert history.case(None)["lender"] is None
