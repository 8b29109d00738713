"""「删除我的记录」 is recognised by its words, in both scripts, and nothing else is taken for it; the staff audit
log line."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from channels import audit
from channels.forget import CONFIRM, CONFIRM_WORDS, is_confirmation, is_request


@pytest.mark.parametrize("text", ["删除我的记录", "请把我的聊天记录删掉", "刪除我的紀錄", "我要删除我的对话记录。",
                                  "把记录都删了吧", "清除我的数据", "請把我的聊天記錄刪掉", "删掉我的全部记录！"])
def test_deletion_requests(text: str) -> None:
    assert is_request(text) and not is_confirmation(text)


@pytest.mark.parametrize("text", ["催收说要删除我的征信记录", "删除记录会影响征信吗", "他们说会删除逾期记录吗？",
                                  "删除", "我的记录", "能帮我删掉催收的电话号码吗", "确认", "好的"])
def test_other_messages_are_not_deletion_requests(text: str) -> None:
    assert not is_request(text) and not is_confirmation(text)


def test_the_confirmation_names_its_words_and_they_confirm() -> None:
    assert f"「{CONFIRM_WORDS}」" in CONFIRM and "无法恢复" in CONFIRM
    assert is_confirmation(CONFIRM_WORDS) and is_confirmation("確認刪除。")


def test_audit_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_AUDIT_LOG", str(tmp_path / "audit.log"))
    name = "%E7%8E%8B%0A%E5%B0%8F%E6%98%8E"  # 王\n小明, percent-encoded as the header must be
    request = SimpleNamespace(headers={"X-Staff-Name": name}, remote_addr="10.0.0.7")
    audit.record(request, "view", "staff-case001")
    audit.record(SimpleNamespace(headers={}, remote_addr=""), "delete", "staff-case002")
    lines = [json.loads(line) for line in (tmp_path / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert [(e["staff"], e["action"], e["case"], e["address"]) for e in lines] == [
        ("王小明", "view", "staff-case001", "10.0.0.7"), ("未署名", "delete", "staff-case002", "")]
    assert (tmp_path / "audit.log").stat().st_mode & 0o777 == 0o600


def test_without_a_single_app_a_confirmation_fails_clearly_and_other_messages_pass() -> None:
    import asyncio

    from channels.forget import CONFIRM, FAILED, answer_here

    assert asyncio.run(answer_here("rest-x", "删除我的记录")) == CONFIRM
    assert asyncio.run(answer_here("rest-x", "确认删除")) == FAILED  # nothing was deleted, and it says so
    assert asyncio.run(answer_here("rest-x", "欠招行三万")) is None
