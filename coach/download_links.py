"""Signed, expiring download links bound to one conversation. Pure: no Rasa, no Sanic.

The action server writes the links into its replies; Rasa's download route (channels/files.py) checks them.
Both read the shared secret ``DOWNLOAD_SECRET`` from the environment (serving/servers.py sets one for the
processes it starts). A link is ``/webhooks/files/download/<conversation>/<name>?exp=<unix time>&sig=<hex>``;
the signature covers the conversation and the expiry, so a link for one conversation opens no other, and a
link past its expiry (``DOWNLOAD_TTL`` seconds, default 24 hours) opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
import urllib.parse

from coach import exports
from coach.secrets_compare import equal

PREFIX = "/webhooks/files/download"
NAMES = ("drafts.docx", "drafts.pdf", "schedule.ics")
DEFAULT_TTL = 24 * 3600


def offered() -> tuple[str, ...]:
    """The files a conversation's links offer: the PDF only when this machine has its Chinese font (Debian
    ``fonts-wqy-microhei``; coach/exports.py finds it), so nobody is sent to a link that cannot open."""
    return tuple(name for name in NAMES if name != "drafts.pdf" or exports.pdf_possible())


def secret() -> bytes | None:
    value = os.environ.get("DOWNLOAD_SECRET", "").strip()
    return value.encode() if len(value) >= 16 else None


def ttl() -> int:
    try:
        return max(60, int(os.environ.get("DOWNLOAD_TTL", DEFAULT_TTL)))
    except ValueError:
        return DEFAULT_TTL


def public_url(path: str) -> str:
    """The link as written in a message's text: absolute when ``PUBLIC_BASE_URL`` is set (WeCom and REST clients
    cannot resolve a path), else the path (the widget and the console make it absolute themselves)."""
    base = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    return base + path if base.startswith(("https://", "http://")) else path


def signature(key: bytes, conversation_id: str, expires: int) -> str:
    return hmac.new(key, f"{conversation_id}\n{int(expires)}".encode(), hashlib.sha256).hexdigest()[:40]


def link(conversation_id: str, name: str, *, key: bytes | None = None, expires: int | None = None,
         now: float | None = None) -> str | None:
    """The path of a download for this conversation (None when no secret is configured)."""
    key = key or secret()
    if key is None or name not in NAMES:
        return None
    expires = int(expires if expires is not None else (now or time.time()) + ttl())
    query = urllib.parse.urlencode({"exp": expires, "sig": signature(key, conversation_id, expires)})
    return f"{PREFIX}/{urllib.parse.quote(conversation_id, safe='')}/{name}?{query}"


def check(conversation_id: str, expires: str | None, sig: str | None, *, key: bytes | None = None,
          now: float | None = None) -> str | None:
    """None when the link is good; otherwise why not: "unconfigured", "bad", "expired"."""
    key = key or secret()
    if key is None:
        return "unconfigured"
    try:
        exp = int(expires or "")
    except ValueError:
        return "bad"
    if not sig or not equal(sig, signature(key, conversation_id, exp)):
        return "bad"
    if exp < (now or time.time()):
        return "expired"
    return None
