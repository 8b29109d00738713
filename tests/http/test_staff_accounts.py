"""Adviser accounts and the case workspace of the staff console, over HTTP against the real Rasa: sign-in,
lock-out, expiry, who may read the audit log, names in it from the session (never from the client), notes that
never reach the tracker, wrong case ids, the case list and handing a case over."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

PASSWORD = "hotline-pass-2025"


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None, ip: str = "10.9.0.1",
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    sent = {"Content-Type": "application/json", "X-Real-IP": ip, **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(base + "/webhooks/staff/" + path, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def unique(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}"


class Team:
    """A supervisor (made with the operator's token) and two advisers (made by the supervisor), signed in."""

    def __init__(self, base: str, staff_token: str) -> None:
        self.base = base
        self.boss = unique("zhou")
        status, body = call(base, "POST", "api/accounts", {"login": self.boss, "name": "周主管", "role": "supervisor",
                                                           "password": PASSWORD}, token=staff_token)
        assert status == 201, body
        self.boss_token = self.sign_in(self.boss)
        self.li, self.wu = unique("li"), unique("wu")
        for login, name in ((self.li, "李娜"), (self.wu, "吴琪")):
            status, body = call(base, "POST", "api/accounts", {"login": login, "name": name, "role": "adviser",
                                                               "password": PASSWORD}, token=self.boss_token)
            assert status == 201, body
        self.li_token, self.wu_token = self.sign_in(self.li), self.sign_in(self.wu)

    def sign_in(self, login: str, ip: str = "10.9.0.1") -> str:
        status, body = call(self.base, "POST", "api/session", {"login": login, "password": PASSWORD}, ip=ip)
        assert status == 200, body
        return body["token"]


def new_case(base: str, token: str) -> str:
    """A new case opened by the adviser holding ``token``."""
    status, body = call(base, "POST", "api/cases", token=token)
    assert status == 201, body
    return str(body["conversation_id"])


def say(base: str, token: str, case: str, text: str) -> dict[str, Any]:
    """One note recorded on ``case`` through the staff API."""
    status, body = call(base, "POST", "api/message", {"conversation_id": case, "message": text}, token=token)
    assert status == 200, body
    return body


def test_who_may_create_accounts(channel_servers, staff_token, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    adviser = {"login": unique("zhao"), "name": "赵六", "role": "adviser", "password": PASSWORD}
    status, body = call(base, "POST", "api/accounts", adviser, token=staff_token)
    assert status == 403 and "主管" in body["error"]  # the operator's token makes supervisors only
    status, body = call(base, "POST", "api/accounts", adviser, token=team.li_token)
    assert status == 403
    status, body = call(base, "POST", "api/accounts", {**adviser, "password": "short"}, token=team.boss_token)
    assert status == 400 and "至少 10 个字符" in body["error"]
    status, body = call(base, "GET", "api/check", token=team.li_token)
    assert status == 200 and (body["name"], body["role"]) == ("李娜", "adviser")
    status, body = call(base, "GET", "api/check", token=staff_token)
    assert status == 200 and (body["name"], body["role"]) == ("运维", "operator")


def test_wrong_password_then_lock_out_then_unlock(channel_servers, team):  # type: ignore[no-untyped-def]
    base, ip = channel_servers.base, "10.9.1.1"
    status, body = call(base, "POST", "api/session", {"login": team.wu, "password": "not-the-password"}, ip=ip)
    assert status == 401 and "账号或密码不正确" in body["error"] and "token" not in body
    status, unknown = call(base, "POST", "api/session", {"login": "nobody.here", "password": "x" * 12}, ip=ip)
    assert status == 401 and unknown == body  # the same answer: it does not tell which logins exist
    answers = [call(base, "POST", "api/session", {"login": team.wu, "password": f"guess-{n}"}, ip=ip)
               for n in range(4)]
    assert [s for s, _ in answers] == [401, 401, 401, 423]
    status, body = call(base, "POST", "api/session", {"login": team.wu, "password": PASSWORD}, ip="10.9.1.2")
    assert status == 423 and "已暂时锁定" in body["error"] and "主管" in body["error"]
    status, body = call(base, "GET", "api/check", token=team.wu_token)
    assert status == 200  # a session made before the lock-out goes on
    status, body = call(base, "POST", f"api/accounts/{team.wu}/unlock", token=team.li_token)
    assert status == 403
    status, body = call(base, "POST", f"api/accounts/{team.wu}/unlock", token=team.boss_token)
    assert status == 200
    team.sign_in(team.wu, ip="10.9.1.2")


def test_too_many_failures_from_one_address_are_answered_429(channel_servers):  # type: ignore[no-untyped-def]
    base, ip = channel_servers.base, "10.9.2.1"
    statuses = [call(base, "POST", "api/session", {"login": f"spray{n}.x", "password": "x" * 12}, ip=ip)[0]
                for n in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    status, body = call(base, "POST", "api/session", {"login": "spray99.x", "password": "x" * 12}, ip=ip)
    assert status == 429 and "分钟后再试" in body["error"]


def test_an_expired_session_is_refused_and_a_signed_out_one_too(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    token = team.sign_in(team.li)
    assert call(base, "GET", "api/check", token=token)[0] == 200
    # The server's clock decides: the session's row is aged past the idle allowance (30 minutes).
    import hashlib

    with sqlite3.connect(channel_servers.env["STAFF_DB"]) as db:
        changed = db.execute("UPDATE sessions SET last_seen = last_seen - 1801, created = created - 1801"
                             " WHERE digest = ?", (hashlib.sha256(token.encode()).hexdigest(),)).rowcount
    assert changed == 1
    status, body = call(base, "GET", "api/check", token=token)
    assert status == 401 and "登录已过期" in body["error"]
    assert call(base, "GET", "api/cases", token=token)[0] == 401

    token = team.sign_in(team.li)
    assert call(base, "DELETE", "api/session", token=token)[0] == 200
    status, body = call(base, "GET", "api/check", token=token)
    assert status == 401 and "重新登录" in body["error"]
    status, body = call(base, "GET", "api/check", token="sess.forged-session-token")
    assert status == 401


def test_notes_are_stored_on_the_case_and_never_reach_the_tracker(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    status, body = call(base, "POST", "api/cases", token=team.li_token)
    assert status == 201
    case = body["conversation_id"]
    first = {"conversation_id": case, "message": "借款人欠借呗两万，逾期三个月"}
    status, body = call(base, "POST", "api/message", first, token=team.li_token)
    assert status == 200 and body["case"]["lender"] == "借呗"
    # typed into the message box: a note, answered as one (today's 「没太看懂」 came from Rasa reading it)
    status, body = call(base, "POST", "api/message", {"conversation_id": case,
                                                      "message": "坐席备注：借款人情绪稳定，下午三点后方便回电"},
                        token=team.li_token)
    assert status == 200 and body["note"]["text"] == "借款人情绪稳定，下午三点后方便回电"
    assert "坐席备注" in body["replies"][0]["text"] and "没太看懂" not in body["replies"][0]["text"]
    # and through the note box, with a phone number hidden as everywhere else
    status, body = call(base, "POST", f"api/case/{case}/notes", {"text": "家属电话13812345678，只在白天联系"},
                        token=team.wu_token)
    assert status == 201 and "13812345678" not in body["note"]["text"] and body["note"]["name"] == "吴琪"

    tracker = channel_servers.tracker(case, channel=None)
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said == ["借款人欠借呗两万，逾期三个月"]
    assert not any("回电" in json.dumps(e, ensure_ascii=False) or "白天联系" in json.dumps(e, ensure_ascii=False)
                   for e in tracker["events"])
    status, body = call(base, "GET", f"api/case/{case}", token=team.li_token)
    assert status == 200
    assert [(n["name"], n["text"][:6]) for n in body["notes"]] == [("李娜", "借款人情绪稳"), ("吴琪", "家属电话[手")]
    assert [m["sender"] for m in body["messages"]].count("user") == 1


def test_a_wrong_case_id_is_answered_as_such(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    status, body = call(base, "GET", "api/case/staff-doesnotexist01", token=team.li_token)
    assert status == 404 and "没有编号为 staff-doesnotexist01 的个案" in body["error"]
    status, body = call(base, "POST", "api/case/staff-doesnotexist01/notes", {"text": "备注"}, token=team.li_token)
    assert status == 404
    status, body = call(base, "GET", "api/case/not-a-staff-id", token=team.li_token)
    assert status == 400


def test_case_list_search_mine_and_handing_over(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    made = {}
    for who, token, text in (("li", team.li_token, "借款人欠微粒贷一万五，逾期两个月"),
                             ("wu", team.wu_token, "借款人在香港 欠咗財務公司十幾萬")):
        case = call(base, "POST", "api/cases", token=token)[1]["conversation_id"]
        assert call(base, "POST", "api/message", {"conversation_id": case, "message": text}, token=token)[0] == 200
        made[who] = case

    def listed(token: str, **filters: str) -> list[str]:
        status, body = call(base, "GET", "api/cases?" + urllib.parse.urlencode(filters), token=token)
        assert status == 200, body
        return [c["conversation_id"] for c in body["cases"]]

    assert made["li"] in listed(team.li_token, lender="微粒贷")
    assert made["wu"] not in listed(team.li_token, lender="微粒贷")
    assert made["wu"] in listed(team.li_token, region="hk") and made["li"] not in listed(team.li_token, region="hk")
    mine = listed(team.li_token, mine="1")
    assert made["li"] in mine and made["wu"] not in mine
    assert made["wu"] in listed(team.boss_token, adviser=team.wu)
    assert call(base, "GET", "api/cases?from=31/01/2025", token=team.li_token)[0] == 400
    status, body = call(base, "GET", "api/cases?" + urllib.parse.urlencode({"lender": "微粒贷"}), token=team.li_token)
    row = next(c for c in body["cases"] if c["conversation_id"] == made["li"])
    today = row["updated"][:10]
    assert made["li"] in listed(team.li_token, **{"from": today, "to": today})
    assert made["li"] not in listed(team.li_token, to="2020-01-01")
    assert (row["assignee"]["name"], row["status_label"], row["region_label"]) == ("李娜", "跟进中", "内地")

    # 吴琪 may not take 李娜's case; 李娜 hands it to 吴琪, who then has it in 「我的个案」
    status, body = call(base, "PATCH", f"api/case/{made['li']}", {"assignee": team.wu}, token=team.wu_token)
    assert status == 403 and "李娜" in body["error"]
    status, body = call(base, "PATCH", f"api/case/{made['li']}", {"assignee": team.wu, "status": "waiting"},
                        token=team.li_token)
    assert status == 200 and body["workspace"]["assignee"]["name"] == "吴琪"
    assert made["li"] in listed(team.wu_token, mine="1") and made["li"] not in listed(team.li_token, mine="1")
    assert made["li"] in listed(team.wu_token, status="waiting")
    status, body = call(base, "PATCH", f"api/case/{made['li']}", {"assignee": "nobody.at.all"}, token=team.wu_token)
    assert status == 400


def test_the_audit_log_names_the_adviser_from_the_session(channel_servers, staff_token, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = call(base, "POST", "api/cases", token=team.li_token)[1]["conversation_id"]
    # the name a client sends is ignored: the session says who this is
    fake = {"X-Staff-Name": urllib.parse.quote("冒名顶替")}
    status, _ = call(base, "POST", "api/message", {"conversation_id": case, "message": "借款人欠招行信用卡三万二"},
                     token=team.li_token, headers=fake)
    assert status == 200
    assert call(base, "POST", f"api/case/{case}/notes", {"text": "已约周五回访"}, token=team.li_token)[0] == 201
    assert call(base, "GET", f"api/case/{case}", token=team.wu_token, headers=fake)[0] == 200
    assert call(base, "GET", f"api/case/{case}", token=staff_token, headers=fake)[0] == 200

    status, body = call(base, "GET", "api/audit", token=team.li_token)
    assert status == 403 and "只有主管" in body["error"]
    assert call(base, "GET", "api/audit", token=staff_token)[0] == 403
    status, body = call(base, "GET", f"api/audit?case={case}", token=team.boss_token)
    assert status == 200
    lines = [(e["staff"], e["action"]) for e in reversed(body["entries"])]
    assert lines == [("李娜", "create"), ("李娜", "message"), ("李娜", "note"), ("吴琪", "view"), ("运维", "view")]
    assert not any("冒名" in json.dumps(e, ensure_ascii=False) for e in body["entries"])
    status, body = call(base, "DELETE", f"api/case/{case}", token=team.wu_token)
    assert status == 403  # 李娜 has it
    status, body = call(base, "DELETE", f"api/case/{case}", token=team.li_token)
    assert status == 200
    assert call(base, "GET", f"api/case/{case}", token=team.li_token)[0] == 404
    entries = call(base, "GET", f"api/audit?case={case}", token=team.boss_token)[1]["entries"]
    assert (entries[0]["staff"], entries[0]["action"]) == ("李娜", "delete")


def test_files_reach_an_adviser_only_through_the_audited_export(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = call(base, "POST", "api/cases", token=team.li_token)[1]["conversation_id"]
    assert call(base, "POST", f"api/case/{case}/export", {"name": "drafts.docx"}, token=team.li_token)[0] == 404
    for text in ("借款人欠招商银行信用卡三万二", "记录一下：昨晚十一点多催收打电话骂借款人", "帮我写投诉信"):
        status, body = call(base, "POST", "api/message", {"conversation_id": case, "message": text},
                            token=team.li_token)
        assert status == 200
    assert "/webhooks/files/download/" not in json.dumps(body, ensure_ascii=False)
    status, body = call(base, "GET", f"api/case/{case}", token=team.li_token)
    assert {d["name"] for d in body["case"]["downloads"]} >= {"drafts.docx"}
    assert "/webhooks/files/download/" not in json.dumps(body, ensure_ascii=False)
    status, body = call(base, "POST", f"api/case/{case}/export", {"name": "drafts.docx"}, token=team.li_token)
    assert status == 200 and body["url"].startswith("/webhooks/files/download/" + case)
    with urllib.request.urlopen(base + body["url"], timeout=120) as resp:
        assert resp.read()[:2] == b"PK"
    entries = call(base, "GET", f"api/audit?case={case}", token=team.boss_token)[1]["entries"]
    assert (entries[0]["staff"], entries[0]["action"]) == ("李娜", "export")


def make_adviser(base: str, boss_token: str, name: str) -> str:
    login = unique("temp")
    status, body = call(base, "POST", "api/accounts", {"login": login, "name": name, "role": "adviser",
                                                       "password": PASSWORD}, token=boss_token)
    assert status == 201, body
    return login


def audit_entries(base: str, boss_token: str, login: str) -> list[dict[str, Any]]:
    return call(base, "GET", f"api/audit?case={login}", token=boss_token)[1]["entries"]


def test_a_deactivated_adviser_is_signed_out_and_refused_and_their_cases_stay(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    zheng = make_adviser(base, team.boss_token, "郑云")
    desk, phone = team.sign_in(zheng), team.sign_in(zheng)
    case = call(base, "POST", "api/cases", token=desk)[1]["conversation_id"]
    assert call(base, "POST", f"api/case/{case}/notes", {"text": "借款人周五回电"}, token=desk)[0] == 201

    status, body = call(base, "POST", f"api/accounts/{zheng}/deactivate", token=team.li_token)
    assert status == 403 and "主管" in body["error"]
    assert call(base, "GET", "api/check", token=desk)[0] == 200
    status, body = call(base, "POST", f"api/accounts/{zheng}/deactivate", token=team.boss_token)
    assert status == 200 and body["active"] is False
    for token in (desk, phone):  # every open session ended at once
        status, body = call(base, "GET", "api/cases", token=token)
        assert status == 401 and "重新登录" in body["error"]
    status, body = call(base, "POST", "api/session", {"login": zheng, "password": PASSWORD}, ip="10.9.3.1")
    assert status == 403 and body["error"] == "账号已停用，请联系主管。" and "token" not in body
    status, wrong = call(base, "POST", "api/session", {"login": zheng, "password": "not-the-password"},
                         ip="10.9.3.1")
    assert status == 401 and "账号或密码不正确" in wrong["error"]  # a guesser learns nothing new

    # the case stays, under the name of who had it, and a supervisor hands it over (not back to 郑云)
    status, body = call(base, "GET", f"api/case/{case}", token=team.boss_token)
    assert status == 200 and body["workspace"]["assignee"]["name"] == "郑云" and body["notes"]
    listed = call(base, "GET", "api/accounts", token=team.boss_token)[1]["accounts"]
    assert {"login": zheng, "active": False} in [{"login": a["login"], "active": a["active"]} for a in listed]
    assert zheng not in [a["login"] for a in call(base, "GET", "api/accounts", token=team.li_token)[1]["accounts"]]
    status, body = call(base, "PATCH", f"api/case/{case}", {"assignee": team.li}, token=team.li_token)
    assert status == 403 and "郑云" in body["error"]
    status, body = call(base, "PATCH", f"api/case/{case}", {"assignee": team.li}, token=team.boss_token)
    assert status == 200 and body["workspace"]["assignee"]["name"] == "李娜"
    status, body = call(base, "PATCH", f"api/case/{case}", {"assignee": zheng}, token=team.boss_token)
    assert status == 400

    entry = audit_entries(base, team.boss_token, zheng)[0]
    assert (entry["action"], entry["staff"], entry["detail"]) == ("account_deactivate", "周主管", f"郑云（{zheng}）")
    status, body = call(base, "POST", f"api/accounts/{zheng}/reactivate", token=team.boss_token)
    assert status == 200 and body["active"] is True
    assert call(base, "GET", "api/check", token=desk)[0] == 401  # ended, not suspended
    team.sign_in(zheng, ip="10.9.3.2")
    entry = call(base, "GET", f"api/audit?staff={zheng}", token=team.boss_token)[1]["entries"][0]
    assert (entry["action"], entry["staff"]) == ("sign_in", "郑云")


def test_a_supervisor_cannot_deactivate_themselves_nor_the_unknown(channel_servers, staff_token, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    status, body = call(base, "POST", f"api/accounts/{team.boss}/deactivate", token=team.boss_token)
    assert status == 409 and "不能停用自己" in body["error"]
    assert call(base, "GET", "api/check", token=team.boss_token)[0] == 200
    status, body = call(base, "POST", "api/accounts/nobody.here/deactivate", token=team.boss_token)
    assert status == 404 and "没有账号" in body["error"]
    assert call(base, "POST", f"api/accounts/{team.li}/deactivate", token=staff_token)[0] == 403
    # the last active supervisor: the store refuses it even when another supervisor's request raced past its
    # session check (tests/unit/test_accounts.py); over HTTP the only supervisor left can only be oneself.


def test_a_reset_password_works_once_and_forces_a_new_one(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    feng = make_adviser(base, team.boss_token, "冯晓")
    old_session = team.sign_in(feng)
    status, body = call(base, "POST", f"api/accounts/{feng}/reset", token=team.li_token)
    assert status == 403 and "temporary_password" not in body
    status, body = call(base, "POST", f"api/accounts/{team.boss}/reset", token=team.boss_token)
    assert status == 409 and "修改密码" in body["error"]
    status, body = call(base, "POST", f"api/accounts/{feng}/reset", token=team.boss_token)
    assert status == 200 and body["name"] == "冯晓"
    temporary = body["temporary_password"]
    assert len(temporary) >= 12
    assert call(base, "GET", "api/check", token=old_session)[0] == 401  # their sessions ended
    ip = "10.9.4.1"
    assert call(base, "POST", "api/session", {"login": feng, "password": PASSWORD}, ip=ip)[0] == 401

    status, body = call(base, "POST", "api/session", {"login": feng, "password": temporary}, ip=ip)
    assert status == 200 and body["must_change"] is True
    session = body["token"]
    status, body = call(base, "GET", "api/cases", token=session)  # nothing else until a new password is chosen
    assert status == 403 and body["must_change"] is True and "新密码" in body["error"]
    assert call(base, "POST", "api/cases", token=session)[0] == 403
    status, body = call(base, "GET", "api/check", token=session)
    assert status == 200 and body["must_change"] is True
    status, body = call(base, "POST", "api/session", {"login": feng, "password": temporary}, ip=ip)
    assert status == 401  # once only
    status, body = call(base, "POST", "api/password", {"new": feng}, token=session)
    assert status == 400 and "至少 10 个字符" in body["error"]
    status, body = call(base, "POST", "api/password", {"new": "feng-xiao-own-pass"}, token=session)
    assert status == 200
    assert call(base, "GET", "api/cases", token=session)[0] == 200
    assert call(base, "GET", "api/check", token=session)[1].get("must_change") is not True
    assert call(base, "POST", "api/session", {"login": feng, "password": "feng-xiao-own-pass"}, ip=ip)[0] == 200

    actions = [(e["action"], e["staff"]) for e in audit_entries(base, team.boss_token, feng)]
    assert ("password_reset", "周主管") in actions and ("password_change", "冯晓") in actions
    with open(channel_servers.env["STAFF_AUDIT_LOG"], encoding="utf-8") as log:
        assert temporary not in log.read()


def test_changing_ones_own_password_needs_the_old_one(channel_servers, staff_token, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    chen = make_adviser(base, team.boss_token, "陈静")
    session, other = team.sign_in(chen), team.sign_in(chen)
    status, body = call(base, "POST", "api/password", {"old": "not-the-password", "new": "chen-jing-new-pass"},
                        token=session)
    assert status == 403 and "原密码不正确" in body["error"]
    assert call(base, "POST", "api/session", {"login": chen, "password": "chen-jing-new-pass"},
                ip="10.9.5.1")[0] == 401
    status, body = call(base, "POST", "api/password", {"old": PASSWORD, "new": "chen-jing-new-pass"}, token=session)
    assert status == 200
    assert call(base, "GET", "api/check", token=session)[0] == 200
    assert call(base, "GET", "api/check", token=other)[0] == 401  # the other sessions end
    assert call(base, "POST", "api/session", {"login": chen, "password": PASSWORD}, ip="10.9.5.1")[0] == 401
    assert call(base, "POST", "api/session", {"login": chen, "password": "chen-jing-new-pass"},
                ip="10.9.5.1")[0] == 200
    assert call(base, "POST", "api/password", {"old": "x", "new": "operator-new-pass"}, token=staff_token)[0] == 403


def test_the_retention_sweep_deletes_an_aged_case_and_keeps_a_recent_one(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    cases = []
    for text in ("借款人欠借呗两万，逾期三个月", "借款人欠微粒贷一万五，逾期两个月"):
        case = call(base, "POST", "api/cases", token=team.li_token)[1]["conversation_id"]
        assert call(base, "POST", "api/message", {"conversation_id": case, "message": text},
                    token=team.li_token)[0] == 200
        assert call(base, "POST", f"api/case/{case}/notes", {"text": "下周一回访"}, token=team.li_token)[0] == 201
        cases.append(case)
    aged, recent = cases
    # untouched for 91 days (the default keeps 90), with a callback day long past
    with sqlite3.connect(channel_servers.env["STAFF_DB"]) as db:
        assert db.execute("UPDATE cases SET updated = updated - 91 * 86400, callback = '2020-01-01' WHERE id = ?",
                          (aged,)).rowcount == 1
    assert call(base, "POST", "api/retention", token=team.li_token)[0] == 403
    status, body = call(base, "POST", "api/retention", token=team.boss_token)
    assert status == 200 and aged in body["deleted"] and recent not in body["deleted"] and body["days"] == 90

    assert call(base, "GET", f"api/case/{aged}", token=team.boss_token)[0] == 404
    assert not [e for e in channel_servers.tracker(aged, channel=None)["events"] if e["event"] == "user"]
    with sqlite3.connect(channel_servers.env["STAFF_DB"]) as db:
        assert db.execute("SELECT COUNT(*) FROM notes WHERE case_id = ?", (aged,)).fetchone()[0] == 0
    status, body = call(base, "GET", f"api/case/{recent}", token=team.li_token)
    assert status == 200 and body["notes"] and body["case"]["lender"] == "微粒贷"
    entry = audit_entries(base, team.boss_token, aged)[0]
    assert (entry["action"], entry["staff"], entry["role"]) == ("retention_delete", "系统", "system")
