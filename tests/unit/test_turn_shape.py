"""Which channels get short turns, and which draft a short message asks for (coach/turn_shape.py)."""

from __future__ import annotations

import pytest

from coach import replies
from coach.turn_shape import requested_drafts, short_turns

KINDS = ["phone_script", "written_request", "short_reply", "checklist"]
TITLES = {kind: replies.draft_title(kind) for kind in KINDS}


def test_messaging_apps_get_short_turns_and_the_rest_the_whole_pack() -> None:
    assert all(short_turns(c) for c in ("wecom", "line", "whatsapp"))
    assert not any(short_turns(c) for c in ("rest", "socketio", "staff", None, "cmdline"))


@pytest.mark.parametrize(("text", "kinds"), [
    ("看电话协商话术", ["phone_script"]),
    ("话术", ["phone_script"]),
    ("再发一下短信", ["short_reply"]),
    ("看回复催收的短信", ["short_reply"]),
    ("书面申请", ["written_request"]),
    ("发我申请书", ["written_request"]),
    ("全部", KINDS),
    ("都要", KINDS),
    ("看准备什么、别做什么", ["checklist"]),
    ("话术和短信", ["phone_script", "short_reply"]),
])
def test_a_short_request_names_its_drafts(text: str, kinds: list[str]) -> None:
    assert requested_drafts(text, TITLES) == kinds


@pytest.mark.parametrize("text", [
    "", "好", "他们说要书面确认才给分期，这样正常吗", "催收发短信说明天上门", "我想问问上门催收合法吗",
    "借呗欠两万", "全部还清要多少钱啊我算不过来了",
])
def test_other_messages_ask_for_no_draft(text: str) -> None:
    assert requested_drafts(text, TITLES) == []


def test_only_drafts_that_exist_are_named() -> None:
    only = {"phone_script": TITLES["phone_script"]}
    assert requested_drafts("全部", only) == ["phone_script"]
    assert requested_drafts("看清单", only) == []


@pytest.mark.parametrize("kind", [*KINDS, "debts_overview", "lender_drafts", "case_summary"])
def test_every_button_label_asks_for_its_draft(kind: str) -> None:
    titles = {**TITLES, kind: replies.draft_title(kind)}
    label = replies.line("short_turn_button", title=replies.draft_title(kind))
    assert requested_drafts(label, titles) == [kind]
