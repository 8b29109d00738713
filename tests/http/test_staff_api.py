"""Staff console API over HTTP against the real Rasa: token required, audience staff, case read from the tracker."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, bytes) or body is None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(base + "/webhooks/staff/" + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def new_case() -> str:
    return "staff-" + uuid.uuid4().hex


def test_api_refuses_without_or_with_wrong_token(channel_servers):
    base = channel_servers.base
    status, body = call(base, "GET", "api/check")
    assert status == 401 and "需要员工凭证" in body["error"]
    status, body = call(base, "POST", "api/message", {"conversation_id": new_case(), "message": "你好"})
    assert status == 401 and "需要员工凭证" in body["error"]
    status, body = call(base, "GET", f"api/case/{new_case()}", token="not-the-token")
    assert status == 401 and "员工令牌不正确" in body["error"]
    try:
        urllib.request.urlopen(base + "/webhooks/staff/api/check", timeout=30)
    except urllib.error.HTTPError as err:  # readable Chinese in the raw body, and the auth challenge
        assert "需要员工凭证".encode() in err.read() and err.headers["WWW-Authenticate"].startswith("Bearer")


def test_console_page_is_served_but_holds_no_data(channel_servers):
    with urllib.request.urlopen(channel_servers.base + "/webhooks/staff/console", timeout=30) as resp:
        html = resp.read().decode()
    assert resp.status == 200 and "热线坐席控制台" in html and "员工令牌" in html
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]


def test_staff_message_gets_staff_output_and_case(channel_servers, staff_token):
    base, case_id = channel_servers.base, new_case()
    status, body = call(base, "POST", "api/message",
                        {"conversation_id": case_id, "message": "借款人说催收明天要上门，欠借呗两万，手机13812345678"},
                        token=staff_token)
    assert status == 200, body
    assert any("手机号" in n for n in body["notes"])
    assert body["replies"] and body["case"]["lender"] == "借呗"
    assert "visit" in (body["case"]["threat_types"] or [])
    tracker = channel_servers.tracker(case_id, channel=None)
    users = [e for e in tracker["events"] if e["event"] == "user"]
    assert users[-1]["metadata"]["audience"] == "staff"
    assert "13812345678" not in users[-1]["text"] and "[手机号已隐去]" in users[-1]["text"]
    assert tracker["slots"]["audience"] == "staff"

    status, body = call(base, "GET", f"api/case/{case_id}", token=staff_token)
    assert status == 200
    assert body["case"]["debt_amount"] == 20000
    assert [m["sender"] for m in body["messages"]][:1] == ["user"]


def test_staff_ids_are_separate_from_borrower_ids(channel_servers, staff_token):
    status, body = call(channel_servers.base, "POST", "api/message",
                        {"conversation_id": "abcdef0123456789abcdef", "message": "你好"}, token=staff_token)
    assert status == 400 and "staff-" in body["error"]
    status, body = call(channel_servers.base, "POST", "api/message", b"{not json", token=staff_token)
    assert status == 400


def test_labels_come_from_the_case_vocabulary(channel_servers, staff_token):
    from coach.case import vocabulary

    status, body = call(channel_servers.base, "GET", "api/labels")
    assert status == 401
    status, body = call(channel_servers.base, "GET", "api/labels", token=staff_token)
    assert status == 200 and body == vocabulary.labels()
    assert body["threat_kinds"]["visit"] == "上门催收" and body["lender_kinds"]["credit_card"] == "银行信用卡"


def test_a_note_of_what_the_borrower_owes_is_no_contact_report(channel_servers, staff_token):
    """「他在你我贷欠了65,000元」 (seed 9753): 他 is the borrower; the facts are taken, nothing goes into the contact
    log and the reply is no answer about collectors contacting the family."""
    base, case_id = channel_servers.base, new_case()
    status, body = call(base, "POST", "api/message", {"conversation_id": case_id, "message": "他在你我贷欠了65,000元"},
                        token=staff_token)
    assert status == 200, body
    assert body["case"]["lender"] == "你我贷" and body["case"]["debt_amount"] == 65000
    replies = "\n".join(r.get("text") or "" for r in body["replies"])
    assert "证据记录" not in replies and "家人" not in replies, replies
    tracker = channel_servers.tracker(case_id, channel=None)
    assert not tracker["slots"].get("contact_log"), tracker["slots"].get("contact_log")
    status, body = call(base, "POST", "api/message", {"conversation_id": case_id, "message": "她说每月只能还2000"},
                        token=staff_token)
    assert status == 200 and body["case"]["affordable_monthly"] == 2000, body
    assert not channel_servers.tracker(case_id, channel=None)["slots"].get("contact_log")
