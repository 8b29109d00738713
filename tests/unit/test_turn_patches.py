"""The patches that make a turn cheaper (issue 16) give exactly what Rasa's own code gives."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from serving import patches
from serving.patches import (
    action_response_check,
    action_session,
    event_types,
    graph_runner,
    sqlite_pragmas,
    tracker_counts,
    turn_switch,
)
from serving.patches.action_response_check import quick_valid, validate_action_result

SCHEMA = RemoteAction.action_response_format_spec()
ROOT = Path(__file__).resolve().parents[2]


def rasas_resolve():
    current = Event.__dict__["resolve_by_type"].__func__
    return getattr(current, "__wrapped__", current)


# ---------- event_types ----------

def test_every_event_type_resolves_to_rasas_class() -> None:
    ours = event_types.cached_resolver(rasas_resolve())
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "active_loop", "session_started"} <= names
    for _ in range(2):  # the second round comes from the cache
        for name in names:
            assert ours(name) is rasas_resolve()(name)


def test_unknown_names_behave_as_in_rasa() -> None:
    ours = event_types.cached_resolver(rasas_resolve())
    assert ours("no_such_event", SlotSet) is SlotSet
    assert ours("topic") is None  # Rasa's backwards compatibility for old TopicSet events
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        ours("no_such_event")
    with pytest.raises(ValueError):
        ours(["user"])  # not a name: Rasa's own answer, not a crash of the cache
    assert ours("no_such_event", SlotSet) is SlotSet  # a miss is never remembered


def test_events_read_back_are_the_same() -> None:
    patches.install()
    events = [UserUttered("欠招行三万二", {"name": "inform", "confidence": 0.9}), ActionExecuted("action_listen"),
              SlotSet("debt_amount", 32000.0), BotUttered("记下了", {"custom": {"k": 1}})]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


# ---------- action_response_check's quick path ----------

REAL_ANSWERS = [
    {"events": [{"event": "slot", "timestamp": None, "name": "lender", "value": "招商银行"},
                {"event": "slot", "timestamp": None, "name": "debt_amount", "value": 32000.0}], "responses": []},
    {"events": [{"event": "active_loop", "name": "debt_profile_form"},
                {"event": "slot", "name": "requested_slot", "value": "overdue_days"}],
     "responses": [{"text": "逾期多久了？", "buttons": [], "custom": {}, "elements": [], "attachment": None}]},
    {"events": [{"event": "bot", "text": "【电话协商话术】", "data": {"custom": {"draft": {"kind": "phone_script"}}},
                 "metadata": {}}, {"event": "followup", "name": "action_listen"}], "responses": []},
    {},
]

event_names = st.sampled_from(["slot", "active_loop", "bot", "user", "action", "followup", "reset_slots",
                               "session_started", "entities", "no_such_event"])
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                        max_size=3), max_leaves=6)
events = st.one_of(
    st.fixed_dictionaries({"event": event_names},
                          optional={"name": st.text(max_size=5) | json_values, "value": json_values,
                                    "timestamp": st.none() | st.floats(allow_nan=False) | st.text(max_size=2),
                                    "metadata": st.none() | st.dictionaries(st.text(max_size=3), json_values,
                                                                            max_size=2) | st.integers(),
                                    "entities": st.lists(st.fixed_dictionaries(
                                        {"entity": st.text(max_size=3)}, optional={"value": json_values}), max_size=2),
                                    "text": st.none() | st.text(max_size=4) | st.integers(),
                                    "parse_data": json_values}),
    json_values)
answers = st.one_of(
    st.fixed_dictionaries({}, optional={"events": st.lists(events, max_size=4) | json_values,
                                        "responses": st.lists(json_values, max_size=3) | json_values}),
    json_values)


def stock_accepts(answer: object) -> bool:
    try:
        jsonschema.validate(answer, SCHEMA)
    except jsonschema.ValidationError:
        return False
    return True


@pytest.mark.parametrize("answer", REAL_ANSWERS)
def test_real_answers_take_the_quick_path(answer: dict) -> None:
    assert stock_accepts(answer)
    assert quick_valid(answer) is True
    assert validate_action_result(answer) is True


@settings(max_examples=400, deadline=None)
@given(answers)
def test_quick_path_never_accepts_what_rasa_rejects(answer: object) -> None:
    stock = stock_accepts(answer)
    if quick_valid(answer):
        assert stock
    try:
        ours = validate_action_result(answer)  # type: ignore[arg-type]
    except jsonschema.ValidationError as error:
        assert not stock
        with pytest.raises(jsonschema.ValidationError) as rasa:
            jsonschema.validate(answer, SCHEMA)
        assert error.message.startswith(rasa.value.message)
    else:
        assert ours is True and stock


def test_an_unexpected_schema_fails_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    action_response_check._by_event_type.cache_clear()
    changed = {**SCHEMA, "required": ["events"]}
    monkeypatch.setattr(RemoteAction, "action_response_format_spec", staticmethod(lambda: changed))
    try:
        with pytest.raises(RuntimeError, match="internals differ"):
            action_response_check._by_event_type()
    finally:
        action_response_check._by_event_type.cache_clear()


# ---------- sqlite_pragmas ----------

def tracker_events(sender: str, domain: Domain) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in [ActionExecuted("action_session_start"), UserUttered("想申请分期", {"name": "request_installment"}),
                  SlotSet("debt_amount", 32000.0), BotUttered("欠了多少？"), ActionExecuted("action_listen")]:
        tracker.update(event)
    return tracker


def test_the_sqlite_store_runs_in_wal_mode_and_keeps_everything(tmp_path: Path) -> None:
    patches.install()
    assert getattr(SQLTrackerStore.__init__, "_debt_coach_sqlite_wal", False)
    domain = Domain.load(str(ROOT / "domain"))
    db = tmp_path / "trackers.db"
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(db))
    tracker = tracker_events("rest-wal", domain)
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("三万二", {"name": "inform"}))
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("rest-wal"))
    assert again is not None and list(again.events) == list(tracker.events)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # as tests/security read the file
    try:
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reader.execute("SELECT count(*) FROM events WHERE sender_id = 'rest-wal'").fetchone()[0] == 6
    finally:
        reader.close()
    for name in ("trackers.db", "trackers.db-wal", "trackers.db-shm"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name


def test_other_databases_are_left_alone() -> None:
    import sqlalchemy as sa

    assert sqlite_pragmas.use_wal(sa.create_engine("sqlite://")) is None  # in memory
    assert sqlite_pragmas.use_wal(sa.create_engine("postgresql://u@localhost/db")) is None


# ---------- tracker_counts ----------

def stored_rows(store: SQLTrackerStore, sender: str) -> list[tuple[str, dict]]:
    """The stored events in order, without their time of creation (the two stores ran a moment apart)."""
    import json

    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id",
                                          (sender,))
        return [(kind, {k: v for k, v in json.loads(data).items() if k != "timestamp"}) for kind, data in rows]


async def a_conversation(store: SQLTrackerStore, domain: Domain, sender: str) -> None:
    """Turns as the processor runs them: read, change, save; a second save of one object; a new session."""
    import time

    await store.save(tracker_events(sender, domain))  # a new conversation: nothing read, nothing noted
    now = time.time()
    for turn, text in enumerate(["三万二", "逾期两个月", "每月能还一千五"]):
        tracker = await store.retrieve(sender)
        tracker.update(UserUttered(text, {"name": "inform"}, timestamp=now + turn))
        tracker.update(SlotSet("debt_amount", 32000.0 + turn, timestamp=now + turn))
        await store.save(tracker)
        if turn == 1:  # the same object saved again, as a retry after a failed write would
            tracker.update(BotUttered("好的", timestamp=now + turn + 0.5))
            await store.save(tracker)
    tracker = await store.retrieve(sender)
    for event in (ActionExecuted("action_session_start", timestamp=now + 10), SessionStarted(timestamp=now + 10),
                  ActionExecuted("action_listen", timestamp=now + 10),
                  UserUttered("又来了", {"name": "greet"}, timestamp=now + 11)):
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve(sender)  # only the new session
    assert [e.type_name for e in tracker.events][:2] == ["action", "session_started"]
    tracker.update(BotUttered("你好", timestamp=now + 12))
    await store.save(tracker)


def test_saving_with_the_reads_note_stores_exactly_what_rasas_count_stores(tmp_path: Path) -> None:
    domain = Domain.load(str(ROOT / "domain"))
    ours = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "ours.db"))
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    retrieve, additional = SQLTrackerStore._retrieve, SQLTrackerStore._additional_events
    tracker_counts.install()
    counted: list[int] = []
    query = SQLTrackerStore._event_query

    def counting_query(self, session, sender_id, fetch_events_from_all_sessions):
        counted.append(1)
        return query(self, session, sender_id, fetch_events_from_all_sessions)

    try:
        SQLTrackerStore._event_query = counting_query
        asyncio.run(a_conversation(ours, domain, "rest-counts"))
        ours_queries = len(counted)
        counted.clear()
        SQLTrackerStore._retrieve = getattr(retrieve, "__wrapped__", retrieve)
        SQLTrackerStore._additional_events = getattr(additional, "__wrapped__", additional)
        asyncio.run(a_conversation(rasas, domain, "rest-counts"))
        rasas_queries = len(counted)
    finally:
        SQLTrackerStore._event_query = query
        SQLTrackerStore._retrieve, SQLTrackerStore._additional_events = retrieve, additional
        tracker_counts.install()
    assert stored_rows(ours, "rest-counts") == stored_rows(rasas, "rest-counts")
    assert len(stored_rows(ours, "rest-counts")) == 5 + 3 * 2 + 1 + 4 + 1
    assert rasas_queries - ours_queries == 5  # the five saves that followed a read of the session
    full = asyncio.run(ours.retrieve_full_tracker("rest-counts"))
    assert not hasattr(full, tracker_counts.NOTE)  # every session read: no note, a save would count


# ---------- the switch ----------

def test_the_switch_leaves_rasas_code_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.utils.endpoints import EndpointConfig

    def unwrapped(owner: type, name: str) -> object:
        current = owner.__dict__[name]
        return getattr(current, "__wrapped__", current)

    original_resolve = staticmethod(rasas_resolve())
    original_init = getattr(SQLTrackerStore.__init__, "__wrapped__", SQLTrackerStore.__init__)
    originals = {(DaskGraphRunner, "run"): unwrapped(DaskGraphRunner, "run"),
                 (SQLTrackerStore, "_retrieve"): unwrapped(SQLTrackerStore, "_retrieve"),
                 (SQLTrackerStore, "_additional_events"): unwrapped(SQLTrackerStore, "_additional_events"),
                 (EndpointConfig, "request"): unwrapped(EndpointConfig, "request")}
    monkeypatch.setattr(Event, "resolve_by_type", original_resolve)
    monkeypatch.setattr(SQLTrackerStore, "__init__", original_init)
    for (owner, name), original in originals.items():
        monkeypatch.setattr(owner, name, original)
    installers = (event_types, sqlite_pragmas, graph_runner, tracker_counts, action_session)
    monkeypatch.setenv(turn_switch.STOCK_TURN_ENV, "1")
    for patch in installers:
        patch.install()
    assert Event.__dict__["resolve_by_type"] is original_resolve
    assert SQLTrackerStore.__init__ is original_init
    assert all(owner.__dict__[name] is original for (owner, name), original in originals.items())
    monkeypatch.delenv(turn_switch.STOCK_TURN_ENV)
    for patch in installers:
        patch.install()
    assert getattr(Event.__dict__["resolve_by_type"].__func__, "_debt_coach_cached_event_types", False)
    assert getattr(SQLTrackerStore.__init__, "_debt_coach_sqlite_wal", False)
    assert all(owner.__dict__[name].__wrapped__ is original for (owner, name), original in originals.items())
    patched = Event.__dict__["resolve_by_type"]
    patched_run = DaskGraphRunner.__dict__["run"]
    for patch in installers:
        patch.install()  # idempotent
    assert Event.__dict__["resolve_by_type"] is patched and DaskGraphRunner.__dict__["run"] is patched_run


def test_installing_twice_wraps_the_store_once() -> None:
    patches.install()
    init = SQLTrackerStore.__init__
    patches.install()
    assert SQLTrackerStore.__init__ is init
    assert getattr(init, "_debt_coach_private_file", False) and getattr(init, "_debt_coach_sqlite_wal", False)
