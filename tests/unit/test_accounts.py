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


def test_deactivation_rules() -> None:
    assert accounts.deactivation_problem("zhou.min", "zhou.min", "supervisor", 3) == accounts.NOT_SELF
    assert accounts.deactivation_problem("sun.yue", "zhou.min", "supervisor", 1) == accounts.LAST_SUPERVISOR
    assert accounts.deactivation_problem("sun.yue", "zhou.min", "supervisor", 2) is None
    assert accounts.deactivation_problem("li.na", "zhou.min", "adviser", 1) is None


def test_temporary_passwords_are_random_readable_and_pass_the_rules() -> None:
    made = {accounts.temporary_password() for _ in range(50)}
    assert len(made) == 50
    for password in made:
        assert len(password) == 14 and password.count("-") == 2
        assert not set(password) - set(accounts.TEMPORARY_ALPHABET + "-") and not set(password) & set("01lIO")
        assert accounts.password_problem(password) is None


def test_deactivate_reset_and_change_in_the_store(store) -> None:  # type: ignore[no-untyped-def]
    accounts_, _ = store
    boss = accounts_.create("zhou.min", "周敏", "supervisor", "supervisor-pass-1", OPERATOR_ACTOR)
    li = accounts_.create("li.na", "李娜", "adviser", "adviser-pass-01", boss)
    _, token, _ = accounts_.sign_in("li.na", "adviser-pass-01", "10.0.0.1")
    with pytest.raises(Refused) as refused:
        accounts_.set_active("zhou.min", False, boss)  # oneself, and the last supervisor
    assert refused.value.status == 409
    with pytest.raises(Refused) as refused:
        accounts_.set_active("zhou.min", False, li)
    assert refused.value.status == 403
    accounts_.set_active("li.na", False, boss)
    assert accounts_.session(token)[0] is None
    with pytest.raises(Refused) as refused:  # a wrong password is answered as for anyone
        accounts_.sign_in("li.na", "not-the-password", "10.0.0.1")
    assert refused.value.status == 401
    with pytest.raises(Refused) as refused:
        accounts_.sign_in("li.na", "adviser-pass-01", "10.0.0.1")
    assert (refused.value.status, refused.value.message) == (403, accounts.DEACTIVATED)
    assert "li.na" in accounts_.names() and "li.na" not in accounts_.names(active_only=True)
    accounts_.set_active("li.na", True, boss)
    assert accounts_.session(token)[0] is None  # ended, not suspended: reactivation does not revive it

    _, temporary = accounts_.reset_password("li.na", boss)
    assert temporary.encode() not in accounts_.db.path.read_bytes()
    actor, token, _ = accounts_.sign_in("li.na", temporary, "10.0.0.1")
    assert actor.must_change and accounts_.session(token)[0].must_change
    with pytest.raises(Refused):  # once only
        accounts_.sign_in("li.na", temporary, "10.0.0.1")
    with pytest.raises(Refused) as refused:
        accounts_.change_password(actor, token, None, "li.na")
    assert refused.value.status == 400
    accounts_.change_password(actor, token, None, "new-adviser-pass")
    assert not accounts_.session(token)[0].must_change
    other = accounts_.sign_in("li.na", "new-adviser-pass", "10.0.0.1")[1]
    with pytest.raises(Refused) as refused:  # now the old password is required
        accounts_.change_password(actor, token, "wrong-old-password", "third-adviser-pass")
    assert refused.value.status == 403
    accounts_.change_password(actor, token, "new-adviser-pass", "third-adviser-pass")
    assert accounts_.session(other)[0] is None and accounts_.session(token)[0] is not None


def test_retention_days_and_due() -> None:
    from channels import forget

    assert forget.retention_days(None) == forget.retention_days("") == forget.DEFAULT_CASE_DAYS
    assert forget.retention_days("0") == 0 and forget.retention_days("30") == 30
    assert forget.retention_days("-5") == forget.retention_days("soon") == forget.DEFAULT_CASE_DAYS
    now = workspace.day_bounds("2026-12-06")[0] + 12 * 3600  # noon at the hotline
    day = 86400
    assert forget.retention_due(now - 91 * day, None, now, 90)
    assert not forget.retention_due(now - 89 * day, None, now, 90)
    assert not forget.retention_due(now - 900 * day, None, now, 0)  # 0 disables
    # a callback keeps the case until its day is 90 days past
    assert not forget.retention_due(now - 200 * day, "2026-10-01", now, 90)
    assert forget.retention_due(now - 200 * day, "2026-09-06", now, 90)
    assert not forget.retention_due(now - 200 * day, "2026-09-07", now, 90)
    assert forget.retention_due(now - 200 * day, "not-a-day", now, 90)


def test_two_supervisors_cannot_deactivate_each_other_at_once(store) -> None:  # type: ignore[no-untyped-def]
    accounts_, _ = store
    zhou = accounts_.create("zhou.min", "周敏", "supervisor", "supervisor-pass-1", OPERATOR_ACTOR)
    sun = accounts_.create("sun.yue", "孙悦", "supervisor", "supervisor-pass-2", OPERATOR_ACTOR)
    accounts_.set_active("sun.yue", False, zhou)
    with pytest.raises(Refused) as refused:  # 孙悦's request was already past its session check
        accounts_.set_active("zhou.min", False, sun)
    assert refused.value.status == 409 and "最后一位" in refused.value.message and "周敏" in refused.value.message
