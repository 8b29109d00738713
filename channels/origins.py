"""Which web origins may use the bot from a browser: the partner sites that embed the widget.

One setting: Rasa's ``--cors`` (``make run`` passes ``PARTNER_ORIGINS``, e.g. ``"https://a.example
https://b.example"``; ``*`` allows any site). ``serving.patches.server_hardening`` records it here when Rasa
configures CORS, and applies it to the REST channel (without credentials); the Socket.IO channel checks the
``Origin`` of every connection against it (polling and WebSocket alike; browsers do not apply CORS to
WebSockets). The bot's own origin (the demo page) is always allowed; the staff console gets no CORS at all.
"""

from __future__ import annotations

from typing import Any, Iterable, List

_configured: List[str] = []


def configure(origins: str | Iterable[str] | None) -> None:
    global _configured
    if origins is None:
        values: List[str] = []
    elif isinstance(origins, str):
        values = origins.replace(",", " ").split()
    else:
        values = [o for item in origins for o in str(item).replace(",", " ").split()]
    _configured = [v.rstrip("/") for v in values if v]


def configured() -> List[str]:
    return list(_configured)


def own_origin(environ: dict) -> List[str]:
    """The origin(s) this request was sent to (as the browser sees the bot), from the WSGI-style environ."""
    host = environ.get("HTTP_HOST")
    if not host:
        return []
    scheme = environ.get("wsgi.url_scheme", "http")
    out = [f"{scheme}://{host}"]
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip()
    forwarded_proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip()
    if forwarded_host or forwarded_proto:
        out.append(f"{forwarded_proto or scheme}://{forwarded_host or host}")
    return out


def allowed(origin: str | None, environ: Any = None) -> bool:
    """For python-engineio's ``cors_allowed_origins`` callable: may a page from ``origin`` connect?"""
    if not origin:  # not a browser (or a same-origin request that sent none)
        return True
    origin = origin.rstrip("/")
    if "*" in _configured or origin in _configured:
        return True
    return origin in own_origin(environ or {})
