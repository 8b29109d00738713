"""The staff console's pure parts: what a note was read as (marks, facts, what could not be placed), how a
corrected fact is checked and written, and which draft parts the borrower's files leave out. No servers."""

from __future__ import annotations

import datetime

import pytest

from channels import history
from channels.staff import fact_value
from coach.bundle import STAFF_ONLY_KINDS, bundle

TODAY = datetime.date(2026, 12, 6)


def test_a_note_with_a_clause_nothing_was_read_from() -> None:
    text = "催收说这周要上门 还打给她弟弟"
    read = history.reading(text, [], {"threat_types": ["visit"]})
    assert [text[m["start"]:m["end"]] for m in read["marks"]] == ["催收说这周要上门"]
    assert read["marks"][0]["label"] == "上门催收"
    assert read["unread"] == ["还打给她弟弟"]
    assert [(f["label"], f["shown"]) for f in read["facts"]] == [("催收方式", "上门催收")]


def test_a_threat_said_again_is_read_though_the_slot_did_not_change() -> None:
    read = history.reading("催收又说要上门", [], {}, threats=["visit"])
    assert read["marks"][0]["label"] == "上门催收" and read["unread"] == [] and read["facts"] == []


def test_entities_are_marked_and_amounts_written_as_money() -> None:
    text = "欠招商银行三万五"
    entities = [{"entity": "lender", "start": 1, "end": 5}, {"entity": "amount", "start": 5, "end": 8},
                {"entity": "amount", "start": 5, "end": 99}]  # a span past the text is dropped, not shown
    read = history.reading(text, entities, {"lender": "招商银行", "debt_amount": 35000.0})
    marked = [(text[m["start"]:m["end"]], m["label"]) for m in read["marks"]]
    assert marked == [("招商银行", "机构"), ("三万五", "金额")]
    assert read["unread"] == [] and read["facts"][1]["shown"] == "35,000 元"


@pytest.mark.parametrize(("slot", "value", "expected"), [
    ("debt_amount", "53,000", 53000), ("debt_amount", 53000.0, 53000), ("overdue_days", "90", 90),
    ("affordable_monthly", None, None), ("threat_types", ["third_party", "visit"], ["visit", "third_party"]),
    ("hardship_reason", "疾病/意外", "疾病/意外"), ("requested_plan", "installment", "installment"),
    ("lender", " 招商银行 ", "招商银行"),
])
def test_a_correction_is_written_as_the_slot_holds_it(slot: str, value: object, expected: object) -> None:
    assert fact_value(slot, value) == expected


@pytest.mark.parametrize(("slot", "value"), [
    ("debt_amount", "很多"), ("debt_amount", -1), ("debt_amount", 1e12), ("debt_amount", True),
    ("threat_types", ["kidnap"]), ("hardship_reason", "随便"), ("requested_plan", "全免"),
    ("lender", "x" * 41), ("lender", "13800138000"), ("crisis_flag", False),
])
def test_a_correction_that_cannot_be_is_refused(slot: str, value: object) -> None:
    with pytest.raises(ValueError):
        fact_value(slot, value)


def _slots() -> dict[str, object]:
    parts = [{"kind": k, "title": k, "text": f"{k} 的内容"} for k in
             ("case_summary", "risk_flags", "tell_borrower", "phone_script", "written_request", "short_reply",
              "checklist")]
    return {"latest_drafts": {"summary": "分 24 期", "parts": parts, "next_questions": ["月收入多少？"]},
            "debt_amount": 35000, "affordable_monthly": 1500}


def test_the_borrower_files_leave_the_staff_parts_out_and_the_staff_pack_keeps_them() -> None:
    borrower = bundle(_slots(), user_texts=[], drafted_on=TODAY, today=TODAY)
    kept = {s.title for s in borrower.sections}
    assert not kept & STAFF_ONLY_KINDS and {"phone_script", "checklist"} <= kept
    staff = bundle(_slots(), user_texts=[], drafted_on=TODAY, today=TODAY, staff=True)
    titles = [s.title for s in staff.sections]
    assert {"case_summary", "risk_flags", "tell_borrower", "建议接着问"} <= set(titles)
    assert "坐席内部使用" in staff.title
