"""The SQLite tracker store file is created readable by its owner only (0600).

It holds every conversation (redacted, but still people's debts and circumstances). SQLAlchemy/SQLite create it
with the process umask (usually 0644, readable by every local user); this creates the file first with 0600, and
tightens an existing one. SQLite gives its journal and WAL files the database file's mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore

_MARK = "_debt_coach_private_file"


def private_file(path: str | os.PathLike) -> None:
    p = Path(path)
    if str(p) in ("", ":memory:"):
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    if not p.exists():
        os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(p, 0o600)


def install() -> None:
    if getattr(SQLTrackerStore.__init__, _MARK, False):
        return
    original = SQLTrackerStore.__init__

    def __init__(self: SQLTrackerStore, *args: Any, **kwargs: Any) -> None:
        dialect = kwargs.get("dialect", args[1] if len(args) > 1 else "sqlite")
        db = kwargs.get("db", args[4] if len(args) > 4 else "rasa.db")
        if dialect == "sqlite" and db:
            private_file(db)
        original(self, *args, **kwargs)

    setattr(__init__, _MARK, True)
    __init__.__wrapped__ = original  # type: ignore[attr-defined]
    SQLTrackerStore.__init__ = __init__  # type: ignore[method-assign]
