"""Constant-time comparison of a secret or signature with what a client sent. Pure.

``hmac.compare_digest`` raises ``TypeError`` for a ``str`` that is not ASCII, and ``str.encode("ascii")`` raises
``UnicodeEncodeError``: a client that sends ``sig=é`` or ``Authorization: Bearer é`` would get a 500 instead of
a refusal. Both sides are compared here as UTF-8 bytes, so any input is simply unequal.
"""

from __future__ import annotations

import hmac


def _bytes(value: str | bytes | None) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    # surrogatepass: a lone surrogate (from a JSON "\ud800" escape) is still bytes, never an exception
    return value.encode("utf-8", "surrogatepass")


def equal(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """Whether ``given`` equals ``expected``, in time that does not depend on where they differ. An empty or
    missing ``expected`` (an unconfigured secret) never equals anything."""
    want = _bytes(expected)
    return bool(want) and hmac.compare_digest(_bytes(given), want)
