"""A captured, correctly signed LINE or WhatsApp webhook replayed later does nothing: an event whose own time is
outside the window is dropped, and an event already taken is not taken again after a restart of Rasa (the replay
record is a SQLite file, as on the embedded profile). The real Rasa server, its clients pointed at the local fakes
of the LINE and Graph APIs (channels/fakes.py); events signed as LINE and Meta sign them."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from channels import line as line_channel
from channels import whatsapp as whatsapp_channel
from channels.fakes import (
    line_body,
    line_event,
    line_signature,
    whatsapp_body,
    whatsapp_message,
    whatsapp_signature,
)
from channels.messenger import conversation_id
from tests.http.test_line import post as line_post
from tests.http.test_whatsapp import request as whatsapp_request
from tests.http.waiting import wait_until

HOURS = 3600


class Signed:
    """Signed webhook bodies for one session's LINE and WhatsApp settings, and what reached Rasa."""

    def __init__(self, servers: Any, settings: dict[str, str]) -> None:
        self.servers = servers
        self.settings = settings

    def line(self, user: str, text: str, *, sent: float | None = None, event_id: str | None = None,
             reply_token: str | None = None) -> tuple[bytes, str]:
        event = line_event(user, text=text, event_id=event_id, reply_token=reply_token)
        if sent is not None:
            event["timestamp"] = int(sent * 1000)  # LINE: milliseconds
        body = line_body(event)
        return body, line_signature(body, self.settings["LINE_CHANNEL_SECRET"])

    def whatsapp(self, user: str, text: str, *, sent: float | None = None) -> tuple[bytes, str]:
        message = whatsapp_message(user, text=text)
        if sent is not None:
            message["timestamp"] = str(int(sent))  # WhatsApp: seconds, as a string
        body = whatsapp_body(self.settings["WHATSAPP_PHONE_NUMBER_ID"], [message])
        return body, whatsapp_signature(body, self.settings["WHATSAPP_APP_SECRET"])

    def post_line(self, signed: tuple[bytes, str]) -> int:
        return line_post(self.servers.base, *signed)[0]

    def post_whatsapp(self, signed: tuple[bytes, str]) -> int:
        return whatsapp_request(self.servers.base, "POST", body=signed[0], signature=signed[1])[0]

    def user_texts(self, prefix: str, user: str, secret: str) -> list[str]:
        tracker = self.servers.tracker(conversation_id(prefix, user, self.settings[secret]), channel=None)
        return [e["text"] for e in tracker["events"] if e["event"] == "user"]

    def line_texts(self, user: str) -> list[str]:
        return self.user_texts(line_channel.PREFIX, user, "LINE_CHANNEL_SECRET")

    def whatsapp_texts(self, user: str) -> list[str]:
        return self.user_texts(whatsapp_channel.PREFIX, user, "WHATSAPP_APP_SECRET")


def line_user() -> str:
    return "U" + uuid.uuid4().hex


def whatsapp_user() -> str:
    return "8526" + str(uuid.uuid4().int)[:7]


def test_line_events_from_long_ago_or_the_future_are_dropped(channel_servers, fake_line, messenger_settings):
    signed = Signed(channel_servers, messenger_settings)
    user = line_user()
    now = time.time()
    assert signed.post_line(signed.line(user, "確認刪除", sent=now - 2 * HOURS)) == 200  # answered, not taken
    assert signed.post_line(signed.line(user, "催收說要上門", sent=now + 2 * HOURS)) == 200
    # One conversation's events run in order: once the fresh one is answered, a taken old one would be too.
    assert signed.post_line(signed.line(user, "逾期會有什麼後果", reply_token=fake_line.reply_token(user))) == 200
    wait_until(lambda: fake_line.texts_to(user))
    assert signed.line_texts(user) == ["逾期會有什麼後果"]


def test_whatsapp_messages_from_long_ago_or_the_future_are_dropped(channel_servers, fake_graph, messenger_settings):
    signed = Signed(channel_servers, messenger_settings)
    user = whatsapp_user()
    now = time.time()
    assert signed.post_whatsapp(signed.whatsapp(user, "確認刪除", sent=now - 2 * HOURS)) == 200
    assert signed.post_whatsapp(signed.whatsapp(user, "催收話要上門", sent=now + 2 * HOURS)) == 200
    assert signed.post_whatsapp(signed.whatsapp(user, "逾期會點樣")) == 200
    wait_until(lambda: fake_graph.sent_to(user))
    assert signed.whatsapp_texts(user) == ["逾期會點樣"]


def taken_keys(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT key FROM replay")}


def test_a_taken_event_replayed_after_a_restart_is_not_taken_again(channel_servers, fake_line, fake_graph,
                                                                   messenger_settings):
    """Last in this module: it restarts Rasa (the session's other tests find it up again, same port)."""
    signed = Signed(channel_servers, messenger_settings)
    line_id, wa_id = line_user(), whatsapp_user()
    event_id = uuid.uuid4().hex.upper()[:26]
    first_line = signed.line(line_id, "欠國泰信用卡五萬", event_id=event_id, reply_token=fake_line.reply_token(line_id))
    first_wa = signed.whatsapp(wa_id, "欠滙豐信用卡五萬")
    assert signed.post_line(first_line) == 200 and signed.post_whatsapp(first_wa) == 200
    wait_until(lambda: fake_line.texts_to(line_id) and fake_graph.sent_to(wa_id))
    assert f"line:{event_id}" in taken_keys(channel_servers.workdir / "line-replay.db")

    channel_servers.stop_rasa()
    channel_servers.start_rasa()

    # The very same signed bytes again (an attacker's copy, or the platform's late redelivery).
    assert signed.post_line(first_line) == 200 and signed.post_whatsapp(first_wa) == 200
    line_before, wa_before = len(fake_line.texts_to(line_id)), len(fake_graph.sent_to(wa_id))
    assert signed.post_line(signed.line(line_id, "逾期兩個月", reply_token=fake_line.reply_token(line_id))) == 200
    assert signed.post_whatsapp(signed.whatsapp(wa_id, "逾期兩個月")) == 200
    wait_until(lambda: len(fake_line.texts_to(line_id)) > line_before and len(fake_graph.sent_to(wa_id)) > wa_before)
    assert signed.line_texts(line_id) == ["欠國泰信用卡五萬", "逾期兩個月"]
    assert signed.whatsapp_texts(wa_id) == ["欠滙豐信用卡五萬", "逾期兩個月"]
