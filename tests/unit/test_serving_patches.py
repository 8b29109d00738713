"""serving.patches.install() puts the patches of Rasa in place, once."""

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


def test_hardening_patches_are_installed(tmp_path) -> None:
    import rasa.core.run
    import rasa.server
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore

    from serving.patches import server_hardening
    from serving.stores import private_file

    patches.install()
    assert getattr(rasa.core.run.configure_app, "_debt_coach_hardened", False)
    assert rasa.server.configure_cors is server_hardening.configure_cors
    assert rasa.server.add_root_route is server_hardening.add_root_route
    assert getattr(MessageProcessor.log_message, "_debt_coach_trusted_audience", False)
    assert getattr(FailSafeTrackerStore, "_debt_coach_strict", False)
    db = tmp_path / "var" / "trackers.db"  # the tracker store's file: its class makes it private
    private_file(db)
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def test_only_the_staff_channel_keeps_the_staff_audience() -> None:
    from rasa.core.channels.channel import UserMessage

    from serving.patches.trusted_audience import trusted

    for channel in ("rest", "socketio", "wecom", "telegram", None):
        message = trusted(UserMessage("x", sender_id="s", input_channel=channel, metadata={"audience": "staff"}))
        assert message.metadata["audience"] == "borrower", channel
    staff = trusted(UserMessage("x", sender_id="s", input_channel="staff", metadata={"audience": "staff"}))
    assert staff.metadata["audience"] == "staff"
