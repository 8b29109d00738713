"""Check the action server's answers against Rasa's schema with a validator built once.

Rasa 3.6 checks every answer of the action server with ``jsonschema.validate(result, schema)``
(``RemoteAction._validate_action_result``). That function first validates the schema itself against
its meta-schema, on every call: about 16 ms on these machines, for every custom action, two or three
times per turn, while the whole HTTP round trip to the action server takes about 1 ms. This builds the
validator once and reports the same error (jsonschema's ``best_match``, Rasa's message appended).
``make bench`` measures both side by side (section 7 of reports/bench.md).

Even built once, the check cost about 4 ms of Rasa's CPU per turn (about 9 %, profiled over whole
conversations, 2026-11-28): each event is tried against all 23 alternatives of the schema's ``oneOf``. Every
alternative pins ``event`` to its own constant, so an event can only ever match the one named by its
``event`` field: ``quick_valid`` checks each event against that one alternative (plus the common part) and
the answer is valid when all are. It only ever says "valid" when the full check would; anything else (a
failing or unusual answer) goes through the full check, so the errors stay exactly Rasa's. Off with
``DEBT_COACH_STOCK_TURN=1`` (``serving.patches.turn_switch``).

Works around: no upstream issue found (Rasa 3.6.21's ``RemoteAction._validate_action_result`` calls
``jsonschema.validate`` on every answer). Installed by ``serving.patches.install()`` (``python -m
serving.rasa_cli run …``). Setting ``DEBT_COACH_STOCK_ACTION_CHECK=1`` keeps Rasa's own check (the
benchmark's comparison server). Replaces Rasa 3.6.21's ``RemoteAction._validate_action_result``; refuses any
other Rasa (``serving.patches.pinned``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from serving.patches import pinned
from serving.patches.turn_switch import enabled, require

_MARK = "_debt_coach_cached_validator"
STOCK_ENV = "DEBT_COACH_STOCK_ACTION_CHECK"


@lru_cache(maxsize=1)
def _validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@lru_cache(maxsize=1)
def _by_event_type() -> tuple[Dict[str, Validator], Validator]:
    """A validator per event type (the common part of the event schema + that type's alternative) and one for
    ``responses``. Fails loudly if Rasa's schema is not shaped as in 3.6.21."""
    schema = RemoteAction.action_response_format_spec()
    require(set(schema) == {"type", "properties"} and schema["type"] == "object"
            and set(schema["properties"]) == {"events", "responses"}, "action response schema")
    events = schema["properties"]["events"]
    require(set(events) == {"type", "items"} and events["type"] == "array", "events schema")
    event = events["items"]
    require(isinstance(event.get("oneOf"), list), "event schema without oneOf")
    cls = validator_for(schema)
    common = {key: value for key, value in event.items() if key != "oneOf"}
    validators: Dict[str, Validator] = {}
    for alternative in event["oneOf"]:
        name = alternative.get("properties", {}).get("event", {}).get("const")
        require(isinstance(name, str) and name not in validators, "event alternatives pinned by a constant")
        one = {**common, "allOf": [alternative]}
        cls.check_schema(one)
        validators[name] = cls(one)
    return validators, cls(schema["properties"]["responses"])


def quick_valid(result: Any) -> bool:
    """True only if ``result`` passes Rasa's full check; False means "run the full check"."""
    if not isinstance(result, dict):
        return False
    by_type, responses = _by_event_type()
    if "events" in result:
        events = result["events"]
        if not isinstance(events, list):
            return False
        for event in events:
            name = event.get("event") if isinstance(event, dict) else None
            validator = by_type.get(name) if isinstance(name, str) else None
            if validator is None or not validator.is_valid(event):
                return False
    return "responses" not in result or responses.is_valid(result["responses"])


def validate_action_result(result: Dict[str, Any], quick: bool = True) -> bool:
    """Rasa's check of an action-server answer: True, or the best-matching ValidationError. ``quick``: try
    ``quick_valid`` first."""
    if quick and quick_valid(result):
        return True
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions")
    raise error


def install() -> None:
    if os.environ.get(STOCK_ENV) == "1":
        return
    pinned.require("action_response_check")
    if getattr(RemoteAction._validate_action_result, _MARK, False):
        return
    quick = enabled()
    if quick:
        _by_event_type()  # Rasa's schema as expected, or fail now (start-up) rather than on a turn

    def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        return validate_action_result(result, quick)

    setattr(_validate_action_result, _MARK, True)
    _validate_action_result.__wrapped__ = RemoteAction._validate_action_result  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]

