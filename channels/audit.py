"""Who looked at which case: the staff console's audit log.

One JSON line per staff API call that reads, writes or deletes a case: time (UTC), the staff member's name as
the console sends it (``X-Staff-Name``, UTF-8 percent-encoded since HTTP headers are Latin-1, at most 64
characters; 「未署名」 when missing: the hotline shares one token, so the name is what tells people apart), the
client address, the action (``view``, ``message``, ``delete``) and the case id. Appended to
``STAFF_AUDIT_LOG`` (default ``var/staff-audit.log``, mode 0600; several processes append whole lines to one
file) and to the ``debt_coach.audit`` logger.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import urllib.parse
from pathlib import Path
from typing import Any

from channels import limits

logger = logging.getLogger("debt_coach.audit")
ROOT = Path(__file__).resolve().parents[1]
UNNAMED = "未署名"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def log_path() -> Path:
    return Path(os.environ.get("STAFF_AUDIT_LOG") or ROOT / "var" / "staff-audit.log")


def staff_name(request: Any) -> str:
    raw = (getattr(request, "headers", {}) or {}).get("X-Staff-Name", "") or ""
    name = _CONTROL.sub("", urllib.parse.unquote(raw[:512])).strip()[:64]
    return name or UNNAMED


def record(request: Any, action: str, conversation_id: str) -> dict[str, str]:
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "staff": staff_name(request),
             "address": limits.client_address(request), "action": action, "case": conversation_id}
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
