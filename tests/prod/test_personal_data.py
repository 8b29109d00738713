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


def test_a_borrower_deletes_their_conversation_by_saying_so(stack: ProdStack) -> None:
    sender = "forget-me"
    assert stack.say(sender, "欠招行三万二，逾期两个月")[0] == 200
    status, replies = stack.say(sender, "删除我的记录")
    assert status == 200 and "确认删除" in replies[0]["text"] and "无法恢复" in replies[0]["text"]
    assert stack.tracker(conversation_id(sender))["slots"]["debt_amount"] == 32000.0  # asked, not yet done
    status, replies = stack.say(sender, "确认删除")
    assert status == 200 and "已经删除" in replies[0]["text"]
    tracker = stack.tracker(conversation_id(sender))
    assert [e for e in tracker["events"] if e["event"] == "user"] == [] and tracker["slots"].get("debt_amount") is None
    status, replies = stack.say(sender, "想申请分期")  # starts again from nothing
    assert status == 200 and "哪家" in "".join(r.get("text") or "" for r in replies)


def test_staff_delete_a_case_and_every_look_is_in_the_audit_log(stack: ProdStack) -> None:
    import json
    import urllib.parse
    import urllib.request

    case = "staff-audit01"
    headers = {"Authorization": f"Bearer {stack.secrets['STAFF_TOKEN']}", "Content-Type": "application/json",
               "X-Staff-Name": urllib.parse.quote("李敏")}

    def call(method: str, path: str, body: dict | None = None) -> dict:
        req = urllib.request.Request(stack.front + path, method=method, headers=headers,
                                     data=json.dumps(body, ensure_ascii=False).encode() if body else None)
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read())

    call("POST", "/webhooks/staff/api/message", {"conversation_id": case, "message": "借款人欠借呗两万三"})
    assert call("GET", f"/webhooks/staff/api/case/{case}")["case"]["debt_amount"] == 23000
    assert call("DELETE", f"/webhooks/staff/api/case/{case}") == {"conversation_id": case, "deleted": True}
    assert [e for e in stack.tracker(case)["events"] if e["event"] == "user"] == []
    audit_log = stack.base / "staff-audit.log"
    entries = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()]
    # The shared token is the operator's: the log names 「运维」, never the name the client put in X-Staff-Name.
    assert [(e["staff"], e["action"]) for e in entries if e["case"] == case] == [
        ("运维", "message"), ("运维", "view"), ("运维", "delete")]
    assert all(e["address"] == "127.0.0.1" for e in entries)
