"""「删除我的记录」 is recognised by its words, in both scripts, and nothing else is taken for it; 「确认删除」
deletes only a request's conversation within its window, also when another process took the request (two Rasa
tracker stores on one SQLite file); the staff audit log line."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from channels import audit
from channels.forget import CONFIRM, CONFIRM_WORDS, is_ambiguous, is_confirmation, is_request


@pytest.mark.parametrize("text", ["删除我的记录", "请把我的聊天记录删掉", "刪除我的紀錄", "我要删除我的对话记录。",
                                  "把我的记录都删了吧", "清除我的数据", "請把我的聊天記錄刪掉", "删掉我的全部记录！",
                                  "删除我的所有记录", "删除所有记录"])
def test_deletion_requests(text: str) -> None:
    assert is_request(text) and not is_confirmation(text) and not is_ambiguous(text)


@pytest.mark.parametrize("text", ["删除记录", "刪除記錄", "把记录都删了吧", "删掉记录。", "我要删除记录", "记录删除"])
def test_delete_records_alone_is_ambiguous_not_a_request(text: str) -> None:
    """「删除记录」 may mean one entry of the evidence log (「删除第二条」): it never asks to delete everything."""
    assert is_ambiguous(text) and not is_request(text) and not is_confirmation(text)


@pytest.mark.parametrize("text", ["催收说要删除我的征信记录", "删除记录会影响征信吗", "他们说会删除逾期记录吗？",
                                  "删除", "我的记录", "能帮我删掉催收的电话号码吗", "确认", "好的"])
def test_other_messages_are_not_deletion_requests(text: str) -> None:
    assert not is_request(text) and not is_confirmation(text) and not is_ambiguous(text)


def test_the_confirmation_names_its_words_and_they_confirm() -> None:
    assert f"「{CONFIRM_WORDS}」" in CONFIRM and "无法恢复" in CONFIRM
    assert is_confirmation(CONFIRM_WORDS) and is_confirmation("確認刪除。")


def test_audit_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name is the one the server established (channels/accounts.py), never the X-Staff-Name a client sends."""
    from channels.accounts import OPERATOR_ACTOR, Actor

    monkeypatch.setenv("STAFF_AUDIT_LOG", str(tmp_path / "audit.log"))
    request = SimpleNamespace(headers={"X-Staff-Name": "%E5%86%92%E5%90%8D"}, remote_addr="10.0.0.7")  # 冒名
    audit.record(request, "view", "staff-case001", Actor("wang.xm", "王小明", "adviser"))
    audit.record(SimpleNamespace(headers={}, remote_addr=""), "delete", "staff-case002", OPERATOR_ACTOR)
    lines = [json.loads(line) for line in (tmp_path / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert [(e["staff"], e["login"], e["action"], e["case"], e["address"]) for e in lines] == [
        ("王小明", "wang.xm", "view", "staff-case001", "10.0.0.7"), ("运维", "operator", "delete", "staff-case002", "")]
    assert [e["case"] for e in audit.recent()] == ["staff-case002", "staff-case001"]  # newest first
    assert [e["staff"] for e in audit.recent(staff="wang.xm")] == ["王小明"]
    assert (tmp_path / "audit.log").stat().st_mode & 0o777 == 0o600


def test_without_a_single_app_a_confirmation_fails_clearly_and_other_messages_pass() -> None:
    import asyncio

    from channels.forget import FAILED, WHICH, answer_here

    assert asyncio.run(answer_here("rest-x", "删除我的记录")) == FAILED  # the request cannot be kept: it says so
    assert asyncio.run(answer_here("rest-x", "确认删除")) == FAILED  # nothing was deleted, and it says so
    assert asyncio.run(answer_here("rest-x", "删除记录")) == WHICH
    assert asyncio.run(answer_here("rest-x", "欠招行三万")) is None


# --- the two steps against Rasa's own stores (no servers) ---

def _app(tracker_store: Any, lock_store: Any) -> Any:
    """What the channels pass: a Sanic app whose ctx holds Rasa's agent (its stores are all forget.py uses)."""
    return SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=tracker_store,
                                                                     lock_store=lock_store)))


async def _conversation(store: Any, sender: str) -> None:
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    await store.save(DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("欠招行三万二")]))


async def test_a_request_taken_by_one_process_is_confirmed_on_another(tmp_path: Path) -> None:
    """Two Rasa processes: each its own SQLTrackerStore on the one SQLite file (and its own lock store, as the
    embedded profile's sticky routing has it); the request stored by one is seen by the other."""
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    from channels.forget import DONE, NOT_ASKED, NOTHING_STORED, answer

    db = str(tmp_path / "trackers.db")
    one = _app(SQLTrackerStore(Domain.empty(), dialect="sqlite", db=db), InMemoryLockStore())
    two = _app(SQLTrackerStore(Domain.empty(), dialect="sqlite", db=db), InMemoryLockStore())
    store = one.ctx.agent.tracker_store
    await _conversation(store, "rest-a")
    assert await answer(two, "rest-a", "确认删除") == NOT_ASKED
    assert [e.text for e in (await store.retrieve("rest-a")).events if e.type_name == "user"] == ["欠招行三万二"]
    assert await answer(one, "rest-a", "删除我的记录") == CONFIRM
    assert await answer(two, "rest-a", "确认删除") == DONE
    assert await store.retrieve("rest-a") is None
    assert await answer(one, "rest-a", "确认删除") == NOT_ASKED  # the same words again: nothing left to confirm
    assert await answer(one, "rest-never", "删除我的记录") == NOTHING_STORED


def test_a_request_waits_for_its_confirmation_only_a_few_minutes_and_only_until_the_next_message() -> None:
    from rasa.shared.core.events import BotUttered, UserUttered

    from channels.forget import CONFIRM_WINDOW, REQUEST_MARK, pending_request

    asked = BotUttered(CONFIRM, metadata={REQUEST_MARK: True}, timestamp=1000.0)
    assert pending_request([UserUttered("欠三万", timestamp=990.0), asked], now=1000.0 + CONFIRM_WINDOW)
    assert not pending_request([asked], now=1001.0 + CONFIRM_WINDOW)  # too late
    assert not pending_request([asked, UserUttered("算了", timestamp=1010.0)], now=1020.0)  # talked on
    assert not pending_request([BotUttered(CONFIRM, timestamp=1000.0)], now=1010.0)  # no mark: not a request
    assert not pending_request([], now=1000.0)
    assert CONFIRM_WINDOW == 300 and "5 分钟" in CONFIRM
