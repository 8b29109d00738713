"""Hotline adviser accounts for the staff console: who is signed in, as what, and for how long.

Each adviser signs in with their own account (login, display name, role ``adviser`` or ``supervisor``); the
password is kept as an Argon2id hash (argon2-cffi, its default parameters: RFC 9106's low-memory profile). A
sign-in gives an opaque session token (``sess.`` + 32 random bytes); the server keeps only its SHA-256, with the
account, the time it was made and the time it was last used, so a copy of the file opens no console. A session
ends after ``STAFF_SESSION_IDLE`` seconds without a request (default 30 minutes) or ``STAFF_SESSION_MAX`` seconds
after sign-in (default 12 hours, a long shift), and on sign-out.

Deactivation (a supervisor's): the account keeps its row, name and cases (they can be handed over), its sessions
end at once, and sign-in is refused. A wrong password for it is answered like any wrong password; only the right
one is answered 403 ``DEACTIVATED``: whoever knows the password is the adviser, who should learn to call the
supervisor rather than retry and lock the login. A supervisor cannot deactivate themselves, nor the last active
supervisor (nobody would be left to create accounts or unlock them).

Password reset (a supervisor's, or the operator's for a supervisor: the way back in when the only supervisor
forgot): a temporary password made with ``secrets`` replaces the hash, the adviser's sessions end and the account
is marked ``must_change``. The temporary password opens one session only (its hash is replaced by an unusable one
at that sign-in), and that session may do nothing but choose a new password (channels/staff.py refuses every other
route with 403 ``MUST_CHANGE``). Changing one's own password needs the old one, except in that session (the
temporary password was just typed and no longer exists); it ends the account's other sessions.

Lock-out: ``LOCK_LIMIT`` wrong passwords for one login within ``LOCK_WINDOW`` seconds (5 in 15 minutes) lock
that login until the oldest of them leaves the window (HTTP 423); ``ADDRESS_LIMIT`` failures from one client
address in the same window (any logins: someone trying many names) are answered 429. While locked, not even the
right password opens the account; a supervisor may unlock it. Unknown logins count and take as long as known ones,
so the answers do not tell which logins exist.

The shared ``STAFF_TOKEN`` is the operator's (「运维」): it creates supervisors (the first one above all) and keeps
the API clients that predate accounts working. It is never a person's name in the audit log.

Everything is in one SQLite file (``STAFF_DB``, default ``var/staff.db``, mode 0600, in a 0700 folder), shared by
the processes of one host like the replay records (channels/replay.py); the case workspace
(channels/workspace.py) keeps its tables in the same file. The rules (lock-out, expiry, what a login and a
password must be) are plain functions below the store-free part, tested without a server.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]

ADVISER, SUPERVISOR, OPERATOR, SYSTEM = "adviser", "supervisor", "operator", "system"
ROLES = (ADVISER, SUPERVISOR)
ROLE_NAMES = {ADVISER: "坐席", SUPERVISOR: "主管", OPERATOR: "运维", SYSTEM: "系统"}
OPERATOR_NAME = "运维"
SYSTEM_NAME = "系统"
SESSION_PREFIX = "sess."

LOCK_LIMIT = 5
LOCK_WINDOW = 15 * 60
ADDRESS_LIMIT = 20
SESSION_IDLE = 30 * 60
SESSION_MAX = 12 * 3600
SEEN_EVERY = 30  # seconds between writes of a session's last use (one write per request would be wasteful)
MIN_PASSWORD = 10
LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}\Z")

# What the console and API clients read (calm, plain; says what to do next).
WRONG_PASSWORD = "账号或密码不正确。连续输错 {limit} 次，账号会锁定 {window} 分钟。"
LOCKED = "这个账号连续 {limit} 次密码错误，已暂时锁定。请约 {minutes} 分钟后再试，或请主管解锁。"
TOO_MANY = "这台电脑的登录失败次数太多，请约 {minutes} 分钟后再试。忘记密码请联系主管。"
EXPIRED = "登录已过期（{idle} 分钟没有操作或登录已满 {hours} 小时），请重新登录。"
SIGNED_OUT = "登录已失效（已退出或账号已停用），请重新登录。"
BAD_LOGIN = "账号名应为 2–32 个小写字母、数字、点、- 或 _，以字母或数字开头，例如 wang.li。"
BAD_NAME = "请填写姓名（1–32 个字，控制台和审计日志里显示）。"
BAD_ROLE = "角色应为 adviser（坐席）或 supervisor（主管）。"
SHORT_PASSWORD = "密码至少 {n} 个字符，且不能与账号名或姓名相同。"
TAKEN = "账号名 {login} 已被使用，请换一个。"
DEACTIVATED = "账号已停用，请联系主管。"
NO_ACCOUNT = "没有账号 {login}：请从账号列表里选。"
NOT_SELF = "不能停用自己的账号：请另一位主管操作。"
LAST_SUPERVISOR = "{name}是最后一位在用的主管，不能停用：先创建或启用另一位主管。"
NOT_SELF_RESET = "自己的密码请用「修改密码」，不用重置。"
RESET_WHO = "只有主管可以重置密码（运维令牌只能重置主管的密码）。"
WRONG_OLD = "原密码不正确，密码没有改。"
SAME_PASSWORD = "新密码不能和原密码相同。"
NO_PASSWORD = "运维令牌没有密码可改：请用自己的账号登录。"
MUST_CHANGE = "请先设置新密码：主管重置了您的密码，临时密码只能用这一次。设好新密码后才能继续使用控制台。"
TEMPORARY_LENGTH = 12
# No 0/O, 1/l/I: the supervisor reads it out over the phone or writes it on paper.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Actor:
    """Who makes a request, as the server established it (never as the client says)."""

    login: str
    name: str
    role: str
    must_change: bool = False  # signed in with a temporary password: may only choose a new one

    @property
    def supervisor(self) -> bool:
        return self.role == SUPERVISOR


OPERATOR_ACTOR = Actor("operator", OPERATOR_NAME, OPERATOR)
SYSTEM_ACTOR = Actor("system", SYSTEM_NAME, SYSTEM)  # the server's own sweeps (case retention) in the audit log


class Refused(Exception):
    """A sign-in or account change refused: the HTTP status and the Chinese message to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# ---------- the rules (pure) ----------

def lockout_remaining(failures: Sequence[float], now: float, limit: int = LOCK_LIMIT,
                      window: float = LOCK_WINDOW) -> float:
    """Seconds before another try is allowed: 0 while fewer than ``limit`` failures fall in the last ``window``
    seconds, else until the ``limit``-th most recent of them leaves the window."""
    recent = sorted(t for t in failures if now - window < t <= now)
    if len(recent) < limit:
        return 0.0
    return max(0.0, recent[-limit] + window - now)


def session_expires(created: float, last_seen: float, idle: float = SESSION_IDLE,
                    maximum: float = SESSION_MAX) -> float:
    """When a session ends: ``idle`` seconds after its last use, and never later than ``maximum`` after sign-in."""
    return min(last_seen + idle, created + maximum)


def session_expired(created: float, last_seen: float, now: float, idle: float = SESSION_IDLE,
                    maximum: float = SESSION_MAX) -> bool:
    return now >= session_expires(created, last_seen, idle, maximum)


def minutes(seconds: float) -> int:
    """Whole minutes to tell a person (never 0 while something is still locked)."""
    return max(1, math.ceil(seconds / 60))


def login_problem(login: object) -> str | None:
    return None if isinstance(login, str) and LOGIN.fullmatch(login) else BAD_LOGIN


def name_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 32:
        return BAD_NAME
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return BAD_NAME
    return None


def password_problem(password: object, login: str = "", name: str = "") -> str | None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or password in (login, name):
        return SHORT_PASSWORD.format(n=MIN_PASSWORD)
    return None


def temporary_password(length: int = TEMPORARY_LENGTH) -> str:
    """A one-time password a supervisor passes on: ``secrets``, groups of four (easy to read out), ~59 bits."""
    chars = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(length))
    return "-".join(chars[i:i + 4] for i in range(0, length, 4))


def deactivation_problem(target: str, by: str, target_role: str, active_supervisors: int) -> str | None:
    """Why ``by`` may not deactivate ``target`` (a message with ``{name}`` for the last supervisor), or None."""
    if target == by:
        return NOT_SELF
    if target_role == SUPERVISOR and active_supervisors <= 1:
        return LAST_SUPERVISOR
    return None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def is_session_token(token: str) -> bool:
    return token.startswith(SESSION_PREFIX)


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


# ---------- the store ----------

def db_path() -> Path:
    return Path(os.environ.get("STAFF_DB") or ROOT / "var" / "staff.db")


class Database:
    """The console's SQLite file (0600 in a 0700 folder): one connection per call, like channels/replay.py, so
    every process of the host sees the others' writes. ``write()`` holds the file's write lock throughout."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self.read() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")


class Accounts:
    """Accounts, sessions and failed sign-ins. Blocking (SQLite, Argon2): call from a thread in async code."""

    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS accounts (login TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,"
        " hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created REAL NOT NULL, created_by TEXT)",
        "CREATE TABLE IF NOT EXISTS sessions (digest TEXT PRIMARY KEY, login TEXT NOT NULL, created REAL NOT NULL,"
        " last_seen REAL NOT NULL)",
        "CREATE TABLE IF NOT EXISTS failures (kind TEXT NOT NULL, key TEXT NOT NULL, time REAL NOT NULL)",
        "CREATE INDEX IF NOT EXISTS failures_key ON failures (kind, key, time)",
    )
    # Added later: 1 while the account holds a temporary password (a file made before gets it on opening).
    COLUMNS = {"must_change": "INTEGER NOT NULL DEFAULT 0"}

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        from argon2 import PasswordHasher

        self.db = db
        self.clock = clock
        self.hasher = PasswordHasher()
        self.idle = _seconds("STAFF_SESSION_IDLE", SESSION_IDLE)
        self.maximum = _seconds("STAFF_SESSION_MAX", SESSION_MAX)
        self._dummy: str | None = None
        with db.write() as con:
            for statement in self.SCHEMA:
                con.execute(statement)
            have = {row[1] for row in con.execute("PRAGMA table_info(accounts)")}
            for column, kind in self.COLUMNS.items():
                if column not in have:
                    con.execute(f"ALTER TABLE accounts ADD COLUMN {column} {kind}")

    # accounts
    def create(self, login: Any, name: Any, role: Any, password: Any, by: Actor) -> Actor:
        """A new account. Supervisors create advisers and supervisors; the operator creates supervisors."""
        problem = login_problem(login) or name_problem(name) or (None if role in ROLES else BAD_ROLE)
        if problem:
            raise Refused(400, problem)
        problem = password_problem(password, login, name.strip())
        if problem:
            raise Refused(400, problem)
        if not (by.supervisor or (by.role == OPERATOR and role == SUPERVISOR)):
            raise Refused(403, "只有主管可以创建坐席账号（运维令牌只能创建主管账号）。")
        digest = self.hasher.hash(password)
        with self.db.write() as con:
            if con.execute("SELECT 1 FROM accounts WHERE login = ?", (login,)).fetchone():
                raise Refused(409, TAKEN.format(login=login))
            con.execute("INSERT INTO accounts (login, name, role, hash, active, created, created_by)"
                        " VALUES (?, ?, ?, ?, 1, ?, ?)", (login, name.strip(), role, digest, self.clock(), by.login))
        return Actor(login, name.strip(), role)

    def list(self) -> List[Dict[str, Any]]:
        now = self.clock()
        with self.db.read() as con:
            rows = con.execute("SELECT login, name, role, active, must_change, created FROM accounts"
                               " ORDER BY active DESC, role DESC, login")
            out = [dict(row) for row in rows]
            for row in out:
                row["locked_minutes"] = 0
                remaining = lockout_remaining(self._failures(con, "login", row["login"], now), now)
                if remaining:
                    row["locked_minutes"] = minutes(remaining)
        return out

    def names(self, active_only: bool = False) -> Dict[str, str]:
        """Every account's name (a deactivated adviser's cases still show who had them); ``active_only`` for
        whom a case may be handed to."""
        where = " WHERE active = 1" if active_only else ""
        with self.db.read() as con:
            return {row["login"]: row["name"] for row in con.execute(f"SELECT login, name FROM accounts{where}")}

    def _target(self, con: sqlite3.Connection, login: Any) -> sqlite3.Row:
        row = con.execute("SELECT login, name, role, active FROM accounts WHERE login = ?",
                          (login if isinstance(login, str) else "",)).fetchone()
        if row is None:
            raise Refused(404, NO_ACCOUNT.format(login=str(login)[:64]))
        return row

    def set_active(self, login: Any, active: bool, by: Actor) -> Actor:
        """Deactivate (ending every session of the account) or reactivate; the account concerned. Supervisors
        only; never oneself, never the last active supervisor."""
        if not by.supervisor:
            raise Refused(403, "只有主管可以停用或启用账号。")
        with self.db.write() as con:
            row = self._target(con, login)
            if not active:
                supervisors = con.execute("SELECT COUNT(*) FROM accounts WHERE role = ? AND active = 1",
                                          (SUPERVISOR,)).fetchone()[0]
                problem = deactivation_problem(row["login"], by.login, row["role"],
                                               supervisors if row["active"] else supervisors + 1)
                if problem:
                    raise Refused(409, problem.format(name=row["name"]))
                con.execute("DELETE FROM sessions WHERE login = ?", (row["login"],))
            con.execute("UPDATE accounts SET active = ? WHERE login = ?", (1 if active else 0, row["login"]))
        return Actor(row["login"], row["name"], row["role"])

    def reset_password(self, login: Any, by: Actor) -> Tuple[Actor, str]:
        """A temporary password for ``login`` (shown once to ``by``, never stored but as its hash); the adviser's
        sessions and lock-out end, and the next sign-in must choose a new password."""
        with self.db.read() as con:
            row = self._target(con, login)
        if not (by.supervisor or (by.role == OPERATOR and row["role"] == SUPERVISOR)):
            raise Refused(403, RESET_WHO)
        if row["login"] == by.login:
            raise Refused(409, NOT_SELF_RESET)
        temporary = temporary_password()
        digest = self.hasher.hash(temporary)
        with self.db.write() as con:
            con.execute("UPDATE accounts SET hash = ?, must_change = 1 WHERE login = ?", (digest, row["login"]))
            con.execute("DELETE FROM sessions WHERE login = ?", (row["login"],))
            con.execute("DELETE FROM failures WHERE kind = 'login' AND key = ?", (row["login"],))
        return Actor(row["login"], row["name"], row["role"]), temporary

    def change_password(self, actor: Actor, token: str, old: Any, new: Any) -> None:
        """``actor`` sets a new password: the old one is checked (not in a must-change session, whose temporary
        password is spent), a wrong one counts towards the lock-out; the other sessions of the account end."""
        from argon2.exceptions import InvalidHashError, VerificationError

        if actor.role not in ROLES:
            raise Refused(403, NO_PASSWORD)
        problem = password_problem(new, actor.login, actor.name)
        if problem:
            raise Refused(400, problem)
        now = self.clock()
        with self.db.read() as con:
            row = con.execute("SELECT hash, must_change FROM accounts WHERE login = ? AND active = 1",
                              (actor.login,)).fetchone()
            left = lockout_remaining(self._failures(con, "login", actor.login, now), now)
        if row is None:
            raise Refused(401, SIGNED_OUT)
        if not row["must_change"]:
            if left:
                raise Refused(423, LOCKED.format(limit=LOCK_LIMIT, minutes=minutes(left)))
            try:
                self.hasher.verify(row["hash"], old if isinstance(old, str) else "")
            except (VerificationError, InvalidHashError):
                with self.db.write() as con:
                    con.execute("INSERT INTO failures (kind, key, time) VALUES ('login', ?, ?)", (actor.login, now))
                raise Refused(403, WRONG_OLD) from None
            if old == new:
                raise Refused(400, SAME_PASSWORD)
        digest = self.hasher.hash(new)
        with self.db.write() as con:
            con.execute("UPDATE accounts SET hash = ?, must_change = 0 WHERE login = ?", (digest, actor.login))
            con.execute("DELETE FROM sessions WHERE login = ? AND digest != ?", (actor.login, token_digest(token)))

    def get(self, login: str) -> Actor | None:
        with self.db.read() as con:
            row = con.execute("SELECT login, name, role FROM accounts WHERE login = ? AND active = 1",
                              (login,)).fetchone()
        return Actor(row["login"], row["name"], row["role"]) if row else None

    def unlock(self, login: str) -> None:
        with self.db.write() as con:
            con.execute("DELETE FROM failures WHERE kind = 'login' AND key = ?", (login,))

    # sign-in
    def _failures(self, con: sqlite3.Connection, kind: str, key: str, now: float) -> List[float]:
        rows = con.execute("SELECT time FROM failures WHERE kind = ? AND key = ? AND time > ?",
                           (kind, key, now - LOCK_WINDOW))
        return [row[0] for row in rows]

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy

    def sign_in(self, login: Any, password: Any, address: str) -> Tuple[Actor, str, float]:
        """The account, a new session token and when it expires; or Refused (401 wrong, 423 locked, 429)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        login = login.strip().lower()[:64] if isinstance(login, str) else ""
        password = password if isinstance(password, str) else ""
        now = self.clock()
        with self.db.read() as con:
            by_address = lockout_remaining(self._failures(con, "address", address, now), now, ADDRESS_LIMIT)
            by_login = lockout_remaining(self._failures(con, "login", login, now), now)
            row = con.execute("SELECT login, name, role, hash, active, must_change FROM accounts WHERE login = ?",
                              (login,)).fetchone()
        if by_address:
            raise Refused(429, TOO_MANY.format(minutes=minutes(by_address)))
        if by_login:
            raise Refused(423, LOCKED.format(limit=LOCK_LIMIT, minutes=minutes(by_login)))
        try:
            self.hasher.verify(row["hash"] if row else self._dummy_hash(), password)
            ok = row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            with self.db.write() as con:
                con.execute("DELETE FROM failures WHERE time <= ?", (now - LOCK_WINDOW,))
                con.executemany("INSERT INTO failures (kind, key, time) VALUES (?, ?, ?)",
                                [("login", login, now), ("address", address, now)])
                left = lockout_remaining(self._failures(con, "login", login, now), now)
            if left:
                raise Refused(423, LOCKED.format(limit=LOCK_LIMIT, minutes=minutes(left)))
            raise Refused(401, WRONG_PASSWORD.format(limit=LOCK_LIMIT, window=LOCK_WINDOW // 60))
        if not row["active"]:
            raise Refused(403, DEACTIVATED)
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        must_change = bool(row["must_change"])
        with self.db.write() as con:
            if must_change:  # the temporary password opens this one session, then no more
                con.execute("UPDATE accounts SET hash = ? WHERE login = ?",
                            (self.hasher.hash(secrets.token_urlsafe(32)), login))
            elif self.hasher.check_needs_rehash(row["hash"]):
                con.execute("UPDATE accounts SET hash = ? WHERE login = ?", (self.hasher.hash(password), login))
            con.execute("DELETE FROM failures WHERE kind = 'login' AND key = ?", (login,))
            con.execute("DELETE FROM sessions WHERE last_seen <= ? OR created <= ?",
                        (now - self.idle, now - self.maximum))
            con.execute("INSERT INTO sessions (digest, login, created, last_seen) VALUES (?, ?, ?, ?)",
                        (token_digest(token), login, now, now))
        return (Actor(row["login"], row["name"], row["role"], must_change), token,
                session_expires(now, now, self.idle, self.maximum))

    def session(self, token: str) -> Tuple[Actor | None, str, float]:
        """(the account, "", expiry) for a live session; (None, the message to show, 0) otherwise."""
        now = self.clock()
        digest = token_digest(token)
        with self.db.read() as con:
            row = con.execute("SELECT s.created, s.last_seen, a.login, a.name, a.role, a.must_change FROM sessions s"
                              " JOIN accounts"
                              " a ON a.login = s.login AND a.active = 1 WHERE s.digest = ?", (digest,)).fetchone()
        if row is None:
            return None, SIGNED_OUT, 0.0
        if session_expired(row["created"], row["last_seen"], now, self.idle, self.maximum):
            with self.db.write() as con:
                con.execute("DELETE FROM sessions WHERE digest = ?", (digest,))
            return None, EXPIRED.format(idle=minutes(self.idle), hours=round(self.maximum / 3600)), 0.0
        seen = row["last_seen"]
        if now - seen >= SEEN_EVERY:
            seen = now
            with self.db.write() as con:
                con.execute("UPDATE sessions SET last_seen = ? WHERE digest = ?", (now, digest))
        return (Actor(row["login"], row["name"], row["role"], bool(row["must_change"])), "",
                session_expires(row["created"], seen, self.idle, self.maximum))

    def sign_out(self, token: str) -> None:
        with self.db.write() as con:
            con.execute("DELETE FROM sessions WHERE digest = ?", (token_digest(token),))
