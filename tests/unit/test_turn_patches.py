"""The patches that make a turn cheaper give exactly what Rasa's own code gives (they may save CPU, never change
an answer)."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from serving import patches
from serving.patches import action_response_check, event_types, graph_runner, turn_switch
from serving.patches.action_response_check import quick_valid, validate_action_result

SCHEMA = RemoteAction.action_response_format_spec()


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


# ---------- the switch ----------

def test_the_switch_leaves_rasas_code_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.engine.runner.dask import DaskGraphRunner

    current = DaskGraphRunner.__dict__["run"]
    original_run = getattr(current, "__wrapped__", current)
    original_resolve = staticmethod(rasas_resolve())
    monkeypatch.setattr(Event, "resolve_by_type", original_resolve)
    monkeypatch.setattr(DaskGraphRunner, "run", original_run)
    installers = (event_types, graph_runner)
    monkeypatch.setenv(turn_switch.STOCK_TURN_ENV, "1")
    for patch in installers:
        patch.install()
    assert Event.__dict__["resolve_by_type"] is original_resolve
    assert DaskGraphRunner.__dict__["run"] is original_run
    monkeypatch.delenv(turn_switch.STOCK_TURN_ENV)
    for patch in installers:
        patch.install()
    assert getattr(Event.__dict__["resolve_by_type"].__func__, "_debt_coach_cached_event_types", False)
    assert DaskGraphRunner.__dict__["run"].__wrapped__ is original_run
    patched = Event.__dict__["resolve_by_type"]
    patched_run = DaskGraphRunner.__dict__["run"]
    for patch in installers:
        patch.install()  # idempotent
    assert Event.__dict__["resolve_by_type"] is patched and DaskGraphRunner.__dict__["run"] is patched_run


def test_the_tracker_store_and_the_action_server_calls_are_rasas_own_code() -> None:
    """The store is extended by a class named in endpoints.yml (serving.stores), not patched; the action server is
    called as Rasa 3.6.21 calls it, a session per request (Rasa kept one session in 3.6.11 and went back in
    3.6.15 after action-server timeouts)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import EndpointConfig

    patches.install()
    for name in ("__init__", "_retrieve", "save", "retrieve", "retrieve_full_tracker", "keys"):
        assert SQLTrackerStore.__dict__[name].__module__ == "rasa.core.tracker_store", name
    assert EndpointConfig.__dict__["request"].__module__ == "rasa.utils.endpoints"
    assert not hasattr(EndpointConfig.__dict__["request"], "__wrapped__")
