"""The staff console's account rules (channels/accounts.py) and case board (channels/workspace.py) without a
server: the pure rules, then the SQLite store with a clock the test moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels import accounts, workspace
from channels.accounts import OPERATOR_ACTOR, Accounts, Actor, Database, Refused


def test_lockout_counts_only_failures_inside_the_window() -> None:
    assert accounts.lockout_remaining([100, 110, 120, 130], now=140) == 0
    assert accounts.lockout_remaining([100, 110, 120, 130, 140], now=140) == 100 + 900 - 140
    # the oldest leaves the window: four remain, so another try is allowed
    assert accounts.lockout_remaining([100, 110, 120, 130, 140], now=1000) == 0
    assert accounts.lockout_remaining([0, 1000, 1010, 1020, 1030, 1040], now=1040) == 1000 + 900 - 1040
    assert accounts.minutes(1) == 1 and accounts.minutes(61) == 2


def test_a_session_ends_when_idle_or_at_its_maximum() -> None:
    assert not accounts.session_expired(created=0, last_seen=0, now=1799, idle=1800, maximum=43200)
    assert accounts.session_expired(created=0, last_seen=0, now=1800, idle=1800, maximum=43200)
    assert not accounts.session_expired(created=0, last_seen=43000, now=43199, idle=1800, maximum=43200)
    assert accounts.session_expired(created=0, last_seen=43100, now=43200, idle=1800, maximum=43200)


def test_logins_names_and_passwords() -> None:
    assert accounts.login_problem("wang.li") is None and accounts.login_problem("Wang Li")
    assert accounts.login_problem("a") and accounts.login_problem(None)
    assert accounts.name_problem("王丽") is None and accounts.name_problem(" ") and accounts.name_problem("a\nb")
    assert accounts.password_problem("short") and accounts.password_problem("wang.li.01", "wang.li.01")
    assert accounts.password_problem("correct horse battery") is None


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> tuple[Accounts, Clock]:
    clock = Clock()
    return Accounts(Database(tmp_path / "staff.db"), clock=clock), clock


def test_only_supervisors_make_advisers_and_the_operator_only_supervisors(store) -> None:  # type: ignore[no-untyped-def]
    accounts_, _ = store
    boss = accounts_.create("zhou.min", "周敏", "supervisor", "supervisor-pass-1", OPERATOR_ACTOR)
    with pytest.raises(Refused) as refused:
        accounts_.create("li.na", "李娜", "adviser", "adviser-pass-01", OPERATOR_ACTOR)
    assert refused.value.status == 403
    adviser = accounts_.create("li.na", "李娜", "adviser", "adviser-pass-01", boss)
    with pytest.raises(Refused) as refused:
        accounts_.create("wu.qi", "吴琪", "adviser", "adviser-pass-02", adviser)
    assert refused.value.status == 403
    with pytest.raises(Refused) as refused:
        accounts_.create("li.na", "李娜二", "adviser", "adviser-pass-02", boss)
    assert refused.value.status == 409
    stored = (accounts_.db.path).read_bytes()
    assert b"adviser-pass-01" not in stored and b"$argon2id$" in stored
    assert (accounts_.db.path.stat().st_mode & 0o777) == 0o600


def test_sign_in_lock_out_and_expiry(store) -> None:  # type: ignore[no-untyped-def]
    accounts_, clock = store
    accounts_.create("zhou.min", "周敏", "supervisor", "supervisor-pass-1", OPERATOR_ACTOR)
    actor, token, _ = accounts_.sign_in("zhou.min", "supervisor-pass-1", "10.0.0.1")
    assert actor == Actor("zhou.min", "周敏", "supervisor") and token.startswith("sess.")
    assert accounts_.session(token)[0] == actor
    assert token.encode() not in accounts_.db.path.read_bytes()  # only its digest is kept

    statuses = []
    for _ in range(5):
        with pytest.raises(Refused) as refused:
            accounts_.sign_in("zhou.min", "wrong-password", "10.0.0.2")
        statuses.append(refused.value.status)
    assert statuses == [401, 401, 401, 401, 423]
    with pytest.raises(Refused) as refused:  # the right password does not open a locked account
        accounts_.sign_in("zhou.min", "supervisor-pass-1", "10.0.0.3")
    assert refused.value.status == 423 and "15 分钟" in refused.value.message
    clock.now += accounts.LOCK_WINDOW + 1
    accounts_.sign_in("zhou.min", "supervisor-pass-1", "10.0.0.3")

    clock.now += accounts_.idle  # idle for the whole allowance: the first session is over
    actor, why, _ = accounts_.session(token)
    assert actor is None and "过期" in why
    assert accounts_.session("sess.not-a-session")[0] is None


def test_case_board_search_and_notes(tmp_path: Path) -> None:
    clock = Clock()
    board = workspace.CaseBoard(Database(tmp_path / "staff.db"), clock=clock)
    li, wu = Actor("li.na", "李娜", "adviser"), Actor("wu.qi", "吴琪", "adviser")
    board.touch("staff-aaaaaaaa", li, {"lender": "招商银行", "region": "mainland"})
    clock.now += 86400
    board.touch("staff-bbbbbbbb", wu, {"lender": "借呗、微粒贷", "region": "hk", "crisis": True})
    board.update("staff-bbbbbbbb", status="waiting")
    day = workspace.local_text(clock.now)[:10]
    ids = lambda found: [row["id"] for row in found]  # noqa: E731
    assert ids(board.search({}, "li.na")) == ["staff-bbbbbbbb", "staff-aaaaaaaa"]
    assert ids(board.search({"mine": "1"}, "li.na")) == ["staff-aaaaaaaa"]
    assert ids(board.search({"lender": "微粒"}, "li.na")) == ["staff-bbbbbbbb"]
    assert ids(board.search({"lender": "%"}, "li.na")) == []  # a wildcard is a character here
    assert ids(board.search({"region": "hk", "status": "waiting"}, "x")) == ["staff-bbbbbbbb"]
    assert ids(board.search({"from": day, "to": day}, "x")) == ["staff-bbbbbbbb"]
    assert ids(board.search({"adviser": "li.na"}, "x")) == ["staff-aaaaaaaa"]
    with pytest.raises(ValueError):
        board.search({"from": "31/01/2025"}, "x")
    board.add_note("staff-aaaaaaaa", li, "借款人下午三点后方便接电话")
    assert [n["text"] for n in board.notes("staff-aaaaaaaa")] == ["借款人下午三点后方便接电话"]
    assert workspace.local_text(workspace.utc_seconds("2025-01-31T16:30:00Z")) == "2025-02-01 00:30"  # UTC+8
    board.forget("staff-aaaaaaaa")
    assert board.notes("staff-aaaaaaaa") == [] and not board.exists("staff-aaaaaaaa")
