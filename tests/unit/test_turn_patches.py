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
    sql_events,
    sqlite_pragmas,
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

def tracker_events(sender: str, domain: Domain, timestamp: float | None = None) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in [ActionExecuted("action_session_start", timestamp=timestamp),
                  UserUttered("想申请分期", {"name": "request_installment"}, timestamp=timestamp),
                  SlotSet("debt_amount", 32000.0, timestamp=timestamp), BotUttered("欠了多少？", timestamp=timestamp),
                  ActionExecuted("action_listen", timestamp=timestamp)]:
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


# ---------- sql_events ----------

def stored_rows(store: SQLTrackerStore, sender: str) -> list[tuple]:
    """The stored rows in order, every column but the id (the two stores number their rows apart)."""
    with store.engine.connect() as connection:
        return list(connection.exec_driver_sql(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
            "WHERE sender_id = ? ORDER BY id", (sender,)))


async def a_conversation(store: SQLTrackerStore, domain: Domain, sender: str) -> None:
    """Turns as the processor runs them: read, change, save; a second save of one object; a new session."""
    await store.save(tracker_events(sender, domain, timestamp=1_700_000_000.0))  # new: nothing read, nothing noted
    now = 1_700_000_100.0
    for turn, text in enumerate(["三万二", "逾期两个月", "每月能还一千五"]):
        tracker = await store.retrieve(sender)
        tracker.update(UserUttered(text, {"name": "inform", "confidence": 0.9}, timestamp=now + turn))
        tracker.update(SlotSet("debt_amount", 32000.0 + turn, timestamp=now + turn))
        tracker.update(ActionExecuted("utter_ask_overdue_days", timestamp=now + turn))
        await store.save(tracker)
        if turn == 1:  # the same object saved again, as a retry after a failed write would
            tracker.update(BotUttered("好的", timestamp=now + turn + 0.5))
            await store.save(tracker)
        await store.save(tracker)  # nothing new: nothing stored
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


def counting_statements(store: SQLTrackerStore) -> list[str]:
    import sqlalchemy as sa

    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: seen.append(" ".join(statement.split())))
    return seen


def rasas_store_code() -> dict[str, object]:
    return {name: getattr(SQLTrackerStore.__dict__[name], "__wrapped__", SQLTrackerStore.__dict__[name])
            for name in ("_retrieve", "save")}


def test_the_statements_store_exactly_what_rasas_orm_stores(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    domain = Domain.load(str(ROOT / "domain"))
    sql_events.install()
    ours = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "ours.db"))
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    ours_sql, rasas_sql = counting_statements(ours), counting_statements(rasas)
    asyncio.run(a_conversation(ours, domain, "rest-sql"))
    with monkeypatch.context() as stock:
        for name, original in rasas_store_code().items():
            stock.setattr(SQLTrackerStore, name, original)
        asyncio.run(a_conversation(rasas, domain, "rest-sql"))
        rasas_full = asyncio.run(rasas.retrieve_full_tracker("rest-sql"))
        rasas_latest = asyncio.run(rasas.retrieve("rest-sql"))
        read_by_rasa = asyncio.run(ours.retrieve("rest-sql"))  # what our statements stored, read by Rasa
    assert stored_rows(ours, "rest-sql") == stored_rows(rasas, "rest-sql")
    assert len(stored_rows(ours, "rest-sql")) == 5 + 3 * 3 + 1 + 4 + 1
    full = asyncio.run(ours.retrieve_full_tracker("rest-sql"))
    latest = asyncio.run(ours.retrieve("rest-sql"))
    assert list(full.events) == list(rasas_full.events) and len(full.events) == 20
    assert list(latest.events) == list(rasas_latest.events) == list(read_by_rasa.events)
    assert len(latest.events) == 5
    assert not hasattr(full, sql_events.NOTE)  # every session read: no note, a save would count
    counts = [sum("count(" in statement.lower() for statement in log) for log in (ours_sql, rasas_sql)]
    assert counts == [5, 10]  # Rasa counts before every save; ours only when the tracker was not just read
    assert asyncio.run(ours.retrieve("nobody")) is None


def test_a_conversation_mixes_both_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server with the patches and one without (DEBT_COACH_STOCK_TURN=1) can share one database."""
    domain = Domain.load(str(ROOT / "domain"))
    sql_events.install()
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "mixed.db"))
    tracker = tracker_events("rest-mixed", domain)
    asyncio.run(store.save(tracker))
    with monkeypatch.context() as stock:
        for name, original in rasas_store_code().items():
            stock.setattr(SQLTrackerStore, name, original)
        read = asyncio.run(store.retrieve("rest-mixed"))
        read.update(UserUttered("逾期三个月", {"name": "inform"}))
        asyncio.run(store.save(read))
    again = asyncio.run(store.retrieve("rest-mixed"))
    again.update(BotUttered("明白"))
    asyncio.run(store.save(again))
    final = asyncio.run(store.retrieve("rest-mixed"))
    assert [e.type_name for e in final.events] == [e.type_name for e in tracker.events] + ["user", "bot"]


def test_other_dialects_keep_rasas_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    def store(dialect: str) -> object:
        return types.SimpleNamespace(engine=types.SimpleNamespace(dialect=types.SimpleNamespace(name=dialect)))

    assert sql_events.handles(store("sqlite")) and sql_events.handles(store("postgresql"))
    assert not sql_events.handles(store("mysql")) and not sql_events.handles(store("oracle"))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", "rasa")  # Rasa checks the schema in its own session
    assert not sql_events.handles(store("postgresql")) and sql_events.handles(store("sqlite"))


def test_sqlite_connections_are_kept(tmp_path: Path) -> None:
    """One connection for a whole conversation, not one per read and per save (SQLAlchemy's NullPool)."""
    import sqlalchemy as sa

    patches.install()
    domain = Domain.load(str(ROOT / "domain"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "kept.db"))
    opened: list[object] = []
    sa.event.listen(store.engine, "connect", lambda connection, record: opened.append(connection))
    asyncio.run(a_conversation(store, domain, "rest-kept"))
    assert len(opened) <= 1 and len(stored_rows(store, "rest-kept")) == 20
    memory = sa.create_engine("sqlite://")
    assert sqlite_pragmas.pooled(memory) is memory


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
                 (SQLTrackerStore, "save"): unwrapped(SQLTrackerStore, "save"),
                 (EndpointConfig, "request"): unwrapped(EndpointConfig, "request")}
    monkeypatch.setattr(Event, "resolve_by_type", original_resolve)
    monkeypatch.setattr(SQLTrackerStore, "__init__", original_init)
    for (owner, name), original in originals.items():
        monkeypatch.setattr(owner, name, original)
    installers = (event_types, sqlite_pragmas, graph_runner, sql_events, action_session)
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
