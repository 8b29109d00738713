"""The id checks of the REST, web and staff channels: anchored at the very end (``$`` matches before a trailing
newline), and no id with personal data in it, in every place an id comes in."""

from __future__ import annotations

import re

import pytest

from channels import rest, socketio, staff


@pytest.mark.parametrize(("pattern", "good"), [(rest.SENDER, "abc-123"), (socketio.SESSION_ID, "a" * 32),
                                               (staff.CONVERSATION_ID, "staff-abcdefgh")])
def test_no_id_pattern_lets_a_trailing_newline_through(pattern: re.Pattern[str], good: str) -> None:
    assert pattern.match(good)
    assert not pattern.match(good + "\n") and not pattern.fullmatch(good + "\n")


def test_a_session_id_must_be_issued_shaped_and_free_of_personal_data() -> None:
    assert socketio.valid_session_id(socketio.new_session_id())
    for bad in ("a" * 32 + "\n", "member13812345678abcdefghijklmnop", "abcdefghijklmnopqrstuvw-23456789", 42, None):
        assert not socketio.valid_session_id(bad), bad


def test_a_new_session_id_is_drawn_again_when_it_reads_as_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["Xy13812345678abcdefghijklmnopqrs", "Xy_abcdefghijklmnopqrstuvwxyzABC"])
    monkeypatch.setattr(socketio.secrets, "token_urlsafe", lambda _: next(drawn))
    assert socketio.new_session_id() == "Xy_abcdefghijklmnopqrstuvwxyzABC"


@pytest.mark.parametrize("case", ["staff-13812345678", "staff-vip23456789", "staff-abcdefgh\n", "staff-abc", None, 7])
def test_the_staff_check_refuses_bad_and_personal_case_ids(case: object) -> None:
    refusal = staff.id_refusal(case)
    assert refusal is not None and refusal.status == 400


def test_a_random_staff_case_id_passes() -> None:
    assert staff.id_refusal("staff-" + "9f86d081884c7d659a2feaa0c55ad015") is None
    assert staff.id_refusal("staff-a1b2c3d4e5f60718") is None
