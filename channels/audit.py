"""Who looked at which case: the staff console's audit log.

One JSON line per staff API call that reads, writes, exports or deletes a case, and per account change: time
(UTC), who did it as the server established it (channels/accounts.py: the signed-in adviser's name, login and
role; 「运维」 for the shared operator token; never a name the client sends), the client address, the action
(``create``, ``view``, ``message``, ``note``, ``assign``, ``status``, ``edit``, ``region``, ``redraft``,
``export``, ``delete``, ``sign_in``,
``sign_out``, ``account_create``, ``account_unlock``, ``account_deactivate``, ``account_reactivate``,
``password_reset``, ``password_change``, ``retention_delete``) and the case id (or the account concerned; ``detail``
then names the account's holder, so a line carries both names). Never a password, temporary or not. The server's
own case-retention sweep writes as 「系统」 (``accounts.SYSTEM_ACTOR``), with no client address. Appended to
``STAFF_AUDIT_LOG`` (default ``var/staff-audit.log``, mode 0600; several processes append whole lines to one
file) and to the ``debt_coach.audit`` logger. ``recent()`` reads the newest lines back for a supervisor.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Dict, List

from channels import limits
from channels.accounts import Actor

logger = logging.getLogger("debt_coach.audit")
ROOT = Path(__file__).resolve().parents[1]
TAIL_BYTES = 512 * 1024  # how much of the end of the log recent() reads


def log_path() -> Path:
    return Path(os.environ.get("STAFF_AUDIT_LOG") or ROOT / "var" / "staff-audit.log")


def record(request: Any | None, action: str, conversation_id: str, who: Actor, detail: str = "") -> dict[str, str]:
    """Append one line. ``who`` comes from the server's own check of the request (session or operator token);
    ``detail`` says what changed when that matters (a corrected fact: 欠款金额：35,000 元 → 53,000 元)."""
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "staff": who.name, "login": who.login,
             "role": who.role, "address": limits.client_address(request) if request is not None else "",
             "action": action,
             "case": conversation_id}
    if detail:
        entry["detail"] = detail
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        logger.exception("audit log %s not writable", path)
    logger.info("staff %s %s %s", entry["staff"], action, conversation_id)
    return entry


def recent(limit: int = 300, case: str = "", staff: str = "") -> List[Dict[str, Any]]:
    """The newest lines, newest first (at most ``limit``; only a case's or a login's when asked). Reads the end
    of the file only: the log grows for as long as log rotation keeps it."""
    path = log_path()
    try:
        with open(path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - TAIL_BYTES))
            tail = f.read()
    except FileNotFoundError:
        return []
    lines = tail.decode("utf-8", "replace").splitlines()
    if len(tail) == TAIL_BYTES and lines:
        lines = lines[1:]  # the first line may be cut
    out: List[Dict[str, Any]] = []
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or (case and entry.get("case") != case) or \
                (staff and entry.get("login") != staff):
            continue
        out.append(entry)
        if len(out) >= limit:
            break
    return out
