"""serving.patches.install() puts both patches of Rasa's RemoteAction in place, once."""

from __future__ import annotations

from rasa.core.actions.action import RemoteAction

from serving import patches


def test_install_is_explicit_and_idempotent() -> None:
    patches.install()
    run, check = RemoteAction.run, RemoteAction._validate_action_result
    assert getattr(run, "_debt_coach_guarded", False)
    assert getattr(check, "_debt_coach_cached_validator", False)
    patches.install()
    assert RemoteAction.run is run and RemoteAction._validate_action_result is check
