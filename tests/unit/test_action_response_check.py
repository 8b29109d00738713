"""The cached check of action-server answers accepts and rejects exactly what Rasa's own check does."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from serving.patches import action_response_check
from serving.patches.action_response_check import validate_action_result

SCHEMA = RemoteAction.action_response_format_spec()
GOOD = {
    "events": [{"event": "slot", "name": "debt_amount", "value": 32000.0, "timestamp": None},
               {"event": "active_loop", "name": "debt_profile_form"}],
    "responses": [{"text": "【电话协商话术】\n……", "custom": {"draft": {"kind": "phone_script"}}}],
}
BAD = [
    {"events": "not a list"},
    {"events": [{"name": "debt_amount"}]},  # an event without its type
    {"events": [{"event": "slot", "name": "x"}], "responses": "text"},
]


def test_a_real_answer_passes() -> None:
    assert validate_action_result(GOOD) is True
    assert validate_action_result({}) is True  # Rasa accepts an empty answer too


@pytest.mark.parametrize("answer", BAD)
def test_bad_answers_fail_with_rasas_own_message(answer: dict) -> None:
    with pytest.raises(jsonschema.ValidationError) as stock:
        jsonschema.validate(answer, SCHEMA)
    with pytest.raises(jsonschema.ValidationError) as ours:
        validate_action_result(answer)
    assert ours.value.message.startswith(stock.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_install_replaces_rasas_check_once_and_keeps_it_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    current = RemoteAction.__dict__["_validate_action_result"]
    original = getattr(current, "__wrapped__", current)  # Rasa's own, even if another test installed ours
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    monkeypatch.setenv(action_response_check.STOCK_ENV, "1")
    action_response_check.install()
    assert RemoteAction.__dict__["_validate_action_result"] is original
    monkeypatch.delenv(action_response_check.STOCK_ENV)
    action_response_check.install()
    patched = RemoteAction.__dict__["_validate_action_result"]
    assert patched is not original
    action_response_check.install()
    assert RemoteAction.__dict__["_validate_action_result"] is patched
    with pytest.raises(jsonschema.ValidationError):
        RemoteAction("action_x", None)._validate_action_result(BAD[0])
