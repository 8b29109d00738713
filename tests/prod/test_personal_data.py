"""Retention and deletion on the production profile's PostgreSQL (runs after test_faults.py, on the stack it
left: one Rasa process alive)."""

from __future__ import annotations

import time

from channels.rest import conversation_id
from serving.prod import ProdStack
from serving.retention import delete_conversation, delete_expired

DAY = 86400.0


def test_retention_deletes_idle_conversations_from_postgresql(stack: ProdStack) -> None:
    for sender in ("keep-me", "old-one"):
        assert stack.say(sender, "欠招行三万二")[0] == 200
    conn = stack.db()
    try:
        # Seen from 100 days ahead, every conversation so far is idle for 100 days; from today, none is 90.
        assert delete_expired(conn, 90, dialect="postgresql") == []
        expired = delete_expired(conn, 90, dialect="postgresql", now=time.time() + 100 * DAY, dry_run=True)
        assert {conversation_id("keep-me"), conversation_id("old-one")} <= set(expired)
        assert delete_conversation(conn, conversation_id("old-one"), dialect="postgresql") > 0
    finally:
        conn.close()
    assert [e for e in stack.tracker(conversation_id("old-one"))["events"] if e["event"] == "user"] == []
    assert stack.tracker(conversation_id("keep-me"))["slots"]["debt_amount"] == 32000.0
