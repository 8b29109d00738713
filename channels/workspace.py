"""The hotline's cases as a workspace: which cases exist, who has each, its status, and the advisers' notes.

The conversation itself stays in Rasa's tracker store; this index (tables ``cases`` and ``notes`` in the staff
console's SQLite file, channels/accounts.py) adds what the tracker does not know: who opened the case and who has
it now, the status an adviser set, and a copy of what the list searches by (lender, region, crisis cue), updated
after every turn. Notes are the adviser's own words about the case: stored here, never sent to Rasa as the
borrower's words. A call's wrap-up (table ``wrapups``: what was agreed, the next step, the callback date, the call's
length and the summary text) is kept here too, and the case row holds the latest callback date (``callback``), which
the list shows and searches. Deleting a case deletes its row, its notes and its wrap-ups.

Dates are the hotline's calendar days (UTC+8: mainland China, Hong Kong and Taiwan share it).
"""

from __future__ import annotations

import datetime
import secrets
import time
from typing import Any, Callable, Dict, List, Mapping, Tuple

from channels.accounts import ROLES, Actor, Database

HOTLINE_TZ = datetime.timezone(datetime.timedelta(hours=8))
STATUSES = {"open": "跟进中", "waiting": "待回访", "closed": "已结案"}
REGIONS = {"mainland": "内地", "hk": "香港", "tw": "台湾"}
MAX_NOTE = 2000
MAX_LISTED = 200
MAX_WRAPUPS = 50  # the newest a case shows


def day_bounds(day: str, tz: datetime.tzinfo = HOTLINE_TZ) -> Tuple[float, float]:
    """A calendar day ``YYYY-MM-DD`` of the hotline → [start, end) in Unix seconds. ValueError if malformed."""
    start = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(), tzinfo=tz)
    return start.timestamp(), (start + datetime.timedelta(days=1)).timestamp()


def local_text(seconds: float | None, tz: datetime.tzinfo = HOTLINE_TZ) -> str:
    if not seconds:
        return ""
    return datetime.datetime.fromtimestamp(seconds, tz).strftime("%Y-%m-%d %H:%M")


def utc_seconds(stamp: object) -> float | None:
    """``2025-01-31T08:00:00Z`` (the audit log's times) → Unix seconds, or None."""
    try:
        return datetime.datetime.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        return None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_clause(filters: Mapping[str, str], me: str) -> Tuple[str, List[Any]]:
    """The WHERE clause and parameters for the case list's filters (all optional, combined with AND):
    ``from``/``to`` (days: the case was worked on in that period), ``adviser`` (has it or opened it),
    ``lender`` (part of the name), ``status``, ``region``, ``callback`` (a day: a callback is due by then),
    ``mine`` ("1": cases I have). ValueError for a malformed day, status or region: the caller says which."""
    where, args = ["1 = 1"], []
    if filters.get("from"):
        where.append("updated >= ?")
        args.append(day_bounds(filters["from"])[0])
    if filters.get("to"):
        where.append("created < ?")
        args.append(day_bounds(filters["to"])[1])
    if filters.get("adviser"):
        where.append("(assignee = ? OR created_by = ?)")
        args += [filters["adviser"], filters["adviser"]]
    if filters.get("lender"):
        where.append("lender LIKE ? ESCAPE '\\'")
        args.append(_like(filters["lender"].strip()[:40]))
    if filters.get("status"):
        if filters["status"] not in STATUSES:
            raise ValueError("status")
        where.append("status = ?")
        args.append(filters["status"])
    if filters.get("region"):
        if filters["region"] not in REGIONS:
            raise ValueError("region")
        where.append("region = ?")
        args.append(filters["region"])
    if filters.get("callback"):  # a callback due by that day (today's and the overdue ones)
        datetime.date.fromisoformat(filters["callback"])
        where.append("callback IS NOT NULL AND callback <= ?")
        args.append(filters["callback"])
    if filters.get("mine") in ("1", "true"):
        where.append("assignee = ?")
        args.append(me)
    return " AND ".join(where), args


def new_case_id(is_personal: Callable[[str], bool]) -> str:
    """A random ``staff-`` + 16 hex id that no personal-data check refuses (8 digits in a row may read as a
    phone or QQ number)."""
    while True:
        case_id = "staff-" + secrets.token_hex(8)
        if not is_personal(case_id):
            return case_id


class CaseBoard:
    """The case index and notes. Blocking (SQLite): call from a thread in async code."""

    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS cases (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL,"
        " created_by TEXT, assignee TEXT, status TEXT NOT NULL DEFAULT 'open', lender TEXT NOT NULL DEFAULT '',"
        " region TEXT NOT NULL DEFAULT 'mainland', crisis INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS cases_updated ON cases (updated)",
        "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL,"
        " time REAL NOT NULL, author TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS notes_case ON notes (case_id, id)",
        "CREATE TABLE IF NOT EXISTS wrapups (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL,"
        " time REAL NOT NULL, author TEXT NOT NULL, name TEXT NOT NULL, agreed TEXT NOT NULL, next_step TEXT NOT NULL,"
        " callback TEXT, call_seconds INTEGER, summary TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS wrapups_case ON wrapups (case_id, id)",
    )
    # Added later: the region an adviser set for the case (its script: simplified, hk, tw), which then decides
    # the rules whatever script the notes are typed in. A file made before it gets the column on opening.
    # And the callback date of the latest wrap-up (YYYY-MM-DD; the list shows and searches it).
    COLUMNS = {"region_set": "TEXT", "callback": "TEXT"}

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock
        with db.write() as con:
            for statement in self.SCHEMA:
                con.execute(statement)
            have = {row[1] for row in con.execute("PRAGMA table_info(cases)")}
            for column, kind in self.COLUMNS.items():
                if column not in have:
                    con.execute(f"ALTER TABLE cases ADD COLUMN {column} {kind}")

    def open(self, case_id: str, by: Actor | None) -> bool:
        """Register a case (opened by ``by``, who then has it; the operator's token opens cases nobody has yet).
        False when it was already registered."""
        now = self.clock()
        login = by.login if by else None
        holder = by.login if by and by.role in ROLES else None
        with self.db.write() as con:
            return con.execute("INSERT OR IGNORE INTO cases (id, created, updated, created_by, assignee)"
                               " VALUES (?, ?, ?, ?, ?)", (case_id, now, now, login, holder)).rowcount == 1

    def exists(self, case_id: str) -> bool:
        with self.db.read() as con:
            return con.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is not None

    def touch(self, case_id: str, by: Actor, summary: Mapping[str, Any]) -> None:
        """After a turn: the case is registered (the API may name a new id) and its searchable facts updated."""
        self.open(case_id, by)
        with self.db.write() as con:
            con.execute("UPDATE cases SET updated = ?, lender = ?, region = COALESCE(region_set, ?), crisis = ?"
                        " WHERE id = ?",
                        (self.clock(), str(summary.get("lender") or ""), str(summary.get("region") or "mainland"),
                         1 if summary.get("crisis") else 0, case_id))

    def get(self, case_id: str) -> Dict[str, Any] | None:
        with self.db.read() as con:
            row = con.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
        return dict(row) if row else None

    def search(self, filters: Mapping[str, str], me: str) -> List[Dict[str, Any]]:
        where, args = search_clause(filters, me)
        with self.db.read() as con:
            rows = con.execute(f"SELECT * FROM cases WHERE {where} ORDER BY updated DESC LIMIT {MAX_LISTED}", args)
            return [dict(row) for row in rows]

    def update(self, case_id: str, *, assignee: str | None = None, status: str | None = None) -> None:
        with self.db.write() as con:
            if assignee is not None:
                con.execute("UPDATE cases SET assignee = ?, updated = ? WHERE id = ?",
                            (assignee, self.clock(), case_id))
            if status is not None:
                con.execute("UPDATE cases SET status = ?, updated = ? WHERE id = ?", (status, self.clock(), case_id))

    def set_region(self, case_id: str, script: str) -> None:
        """The caller's region as the adviser set it (a script: simplified, hk, tw); the list shows its region."""
        region = "mainland" if script == "simplified" else script
        with self.db.write() as con:
            con.execute("UPDATE cases SET region_set = ?, region = ?, updated = ? WHERE id = ?",
                        (region, region, self.clock(), case_id))

    def adviser_script(self, case_id: str) -> str | None:
        """The script of the region an adviser set for the case, or None when the bot's reading stands."""
        with self.db.read() as con:
            row = con.execute("SELECT region_set FROM cases WHERE id = ?", (case_id,)).fetchone()
        region = row[0] if row else None
        return {"mainland": "simplified", "hk": "hk", "tw": "tw"}.get(region or "")

    def add_note(self, case_id: str, by: Actor, text: str) -> Dict[str, Any]:
        now = self.clock()
        with self.db.write() as con:
            con.execute("INSERT INTO notes (case_id, time, author, name, text) VALUES (?, ?, ?, ?, ?)",
                        (case_id, now, by.login, by.name, text[:MAX_NOTE]))
            con.execute("UPDATE cases SET updated = ? WHERE id = ?", (now, case_id))
        return {"time": local_text(now), "author": by.login, "name": by.name, "text": text[:MAX_NOTE]}

    def notes(self, case_id: str) -> List[Dict[str, Any]]:
        with self.db.read() as con:
            rows = con.execute("SELECT time, author, name, text FROM notes WHERE case_id = ? ORDER BY id",
                               (case_id,))
            return [{**dict(row), "time": local_text(row["time"])} for row in rows]

    def add_wrapup(self, case_id: str, by: Actor, *, agreed: str, next_step: str, callback: str | None,
                   call_seconds: int | None, summary: str) -> Dict[str, Any]:
        """A call's wrap-up. The case takes its callback date, and a case still 跟进中 with a callback becomes
        待回访 (the list's status says a call is owed)."""
        now = self.clock()
        with self.db.write() as con:
            con.execute("INSERT INTO wrapups (case_id, time, author, name, agreed, next_step, callback, call_seconds,"
                        " summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (case_id, now, by.login, by.name, agreed, next_step, callback, call_seconds, summary))
            con.execute("UPDATE cases SET updated = ?, callback = ? WHERE id = ?", (now, callback, case_id))
            if callback:
                con.execute("UPDATE cases SET status = 'waiting' WHERE id = ? AND status = 'open'", (case_id,))
        return {"time": local_text(now), "author": by.login, "name": by.name, "agreed": agreed,
                "next_step": next_step, "callback": callback, "call_seconds": call_seconds, "summary": summary}

    def wrapups(self, case_id: str) -> List[Dict[str, Any]]:
        """The case's wrap-ups, oldest first (the newest ``MAX_WRAPUPS``)."""
        with self.db.read() as con:
            rows = con.execute("SELECT time, author, name, agreed, next_step, callback, call_seconds, summary"
                               " FROM wrapups WHERE case_id = ? ORDER BY id DESC LIMIT ?", (case_id, MAX_WRAPUPS))
            return [{**dict(row), "time": local_text(row["time"])} for row in reversed(list(rows))]

    def untouched(self, before: float) -> List[Dict[str, Any]]:
        """Cases last changed before ``before`` (Unix seconds): the candidates of the retention sweep
        (channels/forget.py ``retention_due`` decides)."""
        with self.db.read() as con:
            rows = con.execute("SELECT id, updated, callback FROM cases WHERE updated < ? ORDER BY updated",
                               (before,))
            return [dict(row) for row in rows]

    def forget(self, case_id: str) -> None:
        with self.db.write() as con:
            con.execute("DELETE FROM wrapups WHERE case_id = ?", (case_id,))
            con.execute("DELETE FROM notes WHERE case_id = ?", (case_id,))
            con.execute("DELETE FROM cases WHERE id = ?", (case_id,))
