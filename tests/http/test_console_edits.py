"""The staff console's in-place corrections, the caller's region and the borrower's files, over HTTP against the
real Rasa: a fact an adviser corrects changes the slot (never a message of the borrower's), is in the audit log
with the adviser's name and the before and after, marks the drafts out of date until they are rewritten; a region
set to Taiwan on a case typed in Simplified gives Taiwan's rules; the borrower's Word file of a staff case holds
no staff-only section, the staff pack does."""

from __future__ import annotations

import io
import urllib.request
from typing import Any

from tests.http.test_staff_accounts import call, new_case, say

STAFF_ONLY = ("个案摘要", "风险提示", "可以这样告诉借款人", "建议接着问")


def drafted_case(base: str, token: str) -> str:
    """A case with drafts: amount and monthly affordability are enough for staff."""
    case = new_case(base, token)
    body = say(base, token, case, "借款人欠招商银行信用卡35000，逾期两个月，每个月能还1500")
    assert body["case"]["debt_amount"] == 35000 and body["case"]["latest_drafts"], body
    return case


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def test_a_note_shows_what_was_read_and_what_was_not(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = new_case(base, team.li_token)
    body = say(base, team.li_token, case, "借款人欠借呗两万，催收说这周要上门 还打给她弟弟")
    read = body["reading"]
    taken = {f["slot"]: f["shown"] for f in read["facts"]}
    assert taken.get("debt_amount") == "20,000 元" and "上门催收" in taken.get("threat_types", "")
    marked = {body["text"][m["start"]:m["end"]] for m in read["marks"]}
    assert "借呗" in marked and any("上门" in m for m in marked)
    # a call to her brother is a third party contacted: read, marked, and nothing left unread
    assert "联系家人、同事等第三方" in taken.get("threat_types", "") and "还打给她弟弟" not in read["unread"]
    assert any("弟弟" in m for m in marked)
    other = say(base, team.li_token, new_case(base, team.li_token), "借款人欠借呗两万，他说家里的狗也被吓到了")
    assert other["reading"]["unread"]  # a clause nothing was read from is shown as such
    status, shown = call(base, "GET", f"api/case/{case}", token=team.li_token)
    assert status == 200
    user = [m for m in shown["messages"] if m["sender"] == "user"]
    assert user[-1]["reading"] == read


def test_an_edited_fact_changes_the_slot_is_audited_and_marks_the_drafts(channel_servers,  # type: ignore[no-untyped-def]
                                                                           team):
    base = channel_servers.base
    case = drafted_case(base, team.li_token)
    status, body = call(base, "PATCH", f"api/case/{case}/facts", {"slot": "debt_amount", "value": "53,000"},
                        token=team.li_token)
    assert status == 200, body
    assert body["case"]["debt_amount"] == 53000
    state = body["case"]["drafts_state"]
    assert state["stale"] and state["changes"][0]["before"] == "35,000 元" and \
        state["changes"][0]["after"] == "53,000 元"
    # the change is a notice in the conversation, never a message of the borrower's
    said = [m["text"] for m in body["messages"] if m["sender"] == "user"]
    assert said == ["借款人欠招商银行信用卡35000，逾期两个月，每个月能还1500"]
    assert any(m.get("notice") and m["text"] == "李娜 改了 欠款金额：35,000 元 → 53,000 元" for m in body["messages"])

    status, log = call(base, "GET", f"api/audit?case={case}", token=team.boss_token)
    edits = [e for e in log["entries"] if e["action"] == "edit"]
    assert [(e["staff"], e["login"], e["detail"]) for e in edits] == [
        ("李娜", team.li, "欠款金额：35,000 元 → 53,000 元")]

    # another adviser's case: the server refuses, whatever the page shows
    status, body = call(base, "PATCH", f"api/case/{case}/facts", {"slot": "debt_amount", "value": 1},
                        token=team.wu_token)
    assert status == 403 and "李娜" in body["error"]
    status, body = call(base, "PATCH", f"api/case/{case}/facts", {"slot": "crisis_flag", "value": False},
                        token=team.li_token)
    assert status == 400
    status, body = call(base, "PATCH", f"api/case/{case}/facts", {"slot": "debt_amount", "value": "很多"},
                        token=team.li_token)
    assert status == 400 and "数字" in body["error"]

    status, before = call(base, "GET", f"api/case/{case}", token=team.li_token)
    status, body = call(base, "POST", f"api/case/{case}/redraft", token=team.li_token)
    assert status == 200, body
    assert not body["case"]["drafts_state"]["stale"]
    assert body["case"]["evidence"] == before["case"]["evidence"]  # the command is no report of a contact
    drafts = body["case"]["latest_drafts"]
    summary = next(p["text"] for p in drafts["parts"] if p["kind"] == "case_summary")
    assert "53,000" in summary or "53000" in summary or "5.3万" in summary, summary
    assert "35,000" not in summary and "35000" not in summary
    status, shown = call(base, "GET", f"api/case/{case}", token=team.li_token)
    assert [m["text"] for m in shown["messages"] if m["sender"] == "user"] == said  # no 「/inform」 shown
    status, log = call(base, "GET", f"api/audit?case={case}", token=team.boss_token)
    assert any(e["action"] == "redraft" and e["staff"] == "李娜" for e in log["entries"])


def test_a_taiwan_case_typed_in_simplified_gets_taiwan_rules(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    question = "借款人问催收天天打电话骚扰，该去哪里投诉"
    mainland = new_case(base, team.li_token)
    assert "12378" in texts(say(base, team.li_token, mainland, question)["replies"])  # the control

    case = new_case(base, team.li_token)
    say(base, team.li_token, case, "借款人欠国泰世华信用卡八万")
    status, body = call(base, "PUT", f"api/case/{case}/region", {"script": "tw"}, token=team.li_token)
    assert status == 200, body
    assert body["case"]["script"] == "tw" and body["workspace"]["region"] == "tw"
    assert body["case"]["suggested_script"] == "simplified"  # the bot's own reading, shown beside the choice
    answer = say(base, team.li_token, case, question)
    reply = texts(answer["replies"])
    assert "12378" not in reply and answer["case"]["script"] == "tw"
    assert "金管會" in reply or "金管会" in reply or "1998" in reply, reply
    status, log = call(base, "GET", f"api/audit?case={case}", token=team.boss_token)
    assert any(e["action"] == "region" and e["detail"] == "地区：内地 → 台湾" for e in log["entries"])
    status, body = call(base, "PUT", f"api/case/{case}/region", {"script": "mars"}, token=team.li_token)
    assert status == 400


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_borrower_file_of_a_staff_case_has_no_staff_section(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = drafted_case(base, team.li_token)
    status, body = call(base, "POST", f"api/case/{case}/export", {"name": "drafts.docx"}, token=team.li_token)
    assert status == 200, body
    with urllib.request.urlopen(base + body["url"], timeout=120) as resp:
        borrower = docx_text(resp.read())
    assert "电话协商话术" in borrower and "书面协商申请" in borrower
    for title in STAFF_ONLY:
        assert title not in borrower, title

    req = urllib.request.Request(base + f"/webhooks/staff/api/case/{case}/export", method="POST",
                                 data=b'{"name": "staff-pack.docx"}',
                                 headers={"Authorization": f"Bearer {team.li_token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        staff = docx_text(resp.read())
    assert "个案摘要" in staff and "可以这样告诉借款人" in staff and "坐席内部使用" in staff
    status, log = call(base, "GET", f"api/audit?case={case}", token=team.boss_token)
    assert any(e["action"] == "export" and e.get("detail") == "坐席材料" for e in log["entries"])
