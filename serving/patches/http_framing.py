"""Strict HTTP/1 request framing for Sanic 21.12.2, the Sanic that Rasa 3.6 and rasa_sdk run on: no single
request can stop a server. Installed for Rasa by ``serving.patches.install()`` and for the action server by
``serving/action_server.py``, before either creates its Sanic app.

Why. ``Http.http1_request_header`` (sanic/http.py) takes the body length with a bare ``int()``::

    self.request_bytes_left = self.request_bytes = int(
        headers["content-length"]
    )

and ``Http.read``, the body reader, stops only when ``request_bytes_left`` is exactly zero::

    if not self.request_bytes_left:
        self.request_body = None
        return None

    # At this point we are good to read/return up to request_bytes_left
    if not buf:
        await self._receive_more()

    data = bytes(buf[: self.request_bytes_left])

With ``Content-Length: -1`` and a body of ``ab``, ``buf[:-1]`` hands out ``a`` and the count goes to -2; then
``buf[:-2]`` of the one byte left is empty: nothing is consumed, the buffer is never empty (so nothing is awaited)
and the count never reaches zero. The coroutine loops without ever yielding, and with it the event loop: the
whole server at 100 % CPU, for good. The same ``int()`` lets ``+5`` or ``5_0`` through, answers 500 to ``abc``,
takes the first of two different lengths, and prefers ``Transfer-Encoding: chunked`` to a ``Content-Length``
beside it; a chunk size goes through ``int(…, 16)`` (``0x10``, ``+a``) and the two bytes after a chunk's data are
skipped unread. And both timeouts are idle timeouts: ``HttpProtocol.data_received`` resets the clock
(``self._time = current_time()``) on every packet, so a byte every few seconds keeps a header or a body open
for ever (slowloris). Sanic fixed the lengths in 24.6 (and 23.12 LTS); the 21.12 LTS line ended with 21.12.2.

What this module does, at the two places where Sanic frames a request:

- ``Http.http1_request_header`` runs Sanic's own, then refuses what Sanic would mis-frame: a ``Content-Length``
  that is not plain digits, has more than 18 of them (413), or comes twice with different values; both
  ``Content-Length`` and ``Transfer-Encoding``; any ``Transfer-Encoding`` but ``chunked``; header names that are
  not tokens (``Content-Length : 5`` would be ignored and its body read as the next request); CR, LF or NUL in a
  value; more than ``MAX_HEADER_FIELDS`` fields (413). The head must arrive within ``REQUEST_TIMEOUT`` (408).
- ``Http.read`` checks each chunk line (``1*16HEXDIG [; extension]`` right after the CRLF that ends the previous
  chunk; no trailers) before Sanic parses it, and the whole request, head and body, must arrive within
  ``REQUEST_TIMEOUT`` seconds of its first byte (408).
- ``REQUEST_TIMEOUT`` defaults to ``DEFAULT_REQUEST_TIMEOUT`` (20 s instead of Sanic's 60); as every Sanic
  setting, ``SANIC_REQUEST_TIMEOUT`` in the environment overrides it (the tests use 2). The head stays limited to
  ``REQUEST_MAX_HEADER_SIZE`` = 8 KB (413, Sanic's own check).

A refused request is answered 400, 408 or 413 and its connection closed. Sanic compiles both methods again at
start-up (``TouchUp`` strips unused signal dispatches from their source); the originals are kept under new
names and compiled in their place, and the wrappers are left alone. ``install()`` refuses any Sanic but
``PINNED_SANIC`` and any change in the source of the functions listed in ``SANIC_SOURCES``
(tests/unit/test_http_framing.py checks them).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import inspect
import re
import weakref
from time import monotonic
from typing import Any, Callable

import sanic
from sanic.compat import Header
from sanic.config import DEFAULT_CONFIG
from sanic.exceptions import InvalidUsage, PayloadTooLarge, RequestTimeout, SanicException
from sanic.http import HTTP_CONTINUE, Http, Stage
from sanic.request import Request
from sanic.touchup import TouchUp

PINNED_SANIC = "21.12.2"
DEFAULT_REQUEST_TIMEOUT = 20  # seconds for a whole request (head and body) from its first byte
MAX_HEADER_BYTES = 8192  # Sanic's default, kept explicit (Sanic caps it at 16 KB)
MAX_HEADER_FIELDS = 100  # a browser sends about 20; Apache's LimitRequestFields default is 100
MAX_LENGTH_DIGITS = 18  # 10**18 bytes is beyond any body limit, and int() stays cheap

# The Sanic functions this module wraps or relies on -> sha256 of their source (inspect.getsource).
SANIC_SOURCES: dict[str, str] = {
    "sanic.http.Http.http1_request_header":
        "e52905046f155b2956747e86de2aa1011a021f597b9216fb122fa6d490e8f31a",
    "sanic.http.Http.read":
        "a0ebea7e3059daa5399be7e5e991d6a784a0e9f7c9f7cdaa297d2f32b599c190",
    "sanic.http.Http.http1":  # relied on: its error path, and the loop that drains an unread body
        "20227158ce2933f7c14a04a9042681da87f33f33f562ed3fa8cee2bacf4a3257",
    "sanic.touchup.service.TouchUp.run":  # relied on: compiles what is registered, under the registered name
        "10de338b5a27f53aefd98e72d077eff53526313d52007fe6d0a40708ce626630",
}

_WRAPPED = ("http1_request_header", "read")
_ORIGINAL = "_debt_coach_sanic_{}"  # where Sanic's method is kept (and compiled by TouchUp)
_MARK = "_debt_coach_framing"

_DIGITS = re.compile(r"[0-9]+")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+")  # Sanic lower-cases the names
_CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})(?:;[^\r\n]*)?")
_BAD_VALUE = re.compile(r"[\r\n\x00]")

# Request -> monotonic time by which its body must have arrived.
_DEADLINES: weakref.WeakKeyDictionary[Request, float] = weakref.WeakKeyDictionary()


class SanicNotPinned(RuntimeError):
    """The installed Sanic is not the one this patch was checked against; the server must not start."""


def check_framing(headers: Header) -> None:
    """Refuse a head whose body framing Sanic 21.12 would get wrong (InvalidUsage → 400, PayloadTooLarge → 413).
    ``headers`` as Sanic parsed them: names lower-cased, values left-stripped."""
    if len(headers) > MAX_HEADER_FIELDS:
        raise PayloadTooLarge(f"Request header has more than {MAX_HEADER_FIELDS} fields")
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name):
            raise InvalidUsage("Bad Request: malformed header name")
        if _BAD_VALUE.search(value):
            raise InvalidUsage("Bad Request: control character in a header value")
    lengths = {value.rstrip(" \t") for value in headers.getall("content-length", [])}
    codings = headers.getall("transfer-encoding", [])
    if codings:
        if lengths:
            raise InvalidUsage("Bad Request: both Content-Length and Transfer-Encoding")
        if codings != ["chunked"]:  # exactly what Sanic's body reader handles
            raise InvalidUsage("Bad Request: unsupported Transfer-Encoding")
    elif lengths:
        if len(lengths) > 1:
            raise InvalidUsage("Bad Request: conflicting Content-Length")
        (length,) = lengths
        if not _DIGITS.fullmatch(length):
            raise InvalidUsage("Bad Request: invalid Content-Length")
        if len(length.lstrip("0")) > MAX_LENGTH_DIGITS:
            raise PayloadTooLarge("Request body exceeds the size limit")


def chunk_size(line: bytes) -> int:
    """The size on a chunk line (without its CRLF), or InvalidUsage: hex digits only, extensions allowed."""
    match = _CHUNK_LINE.fullmatch(line)
    if not match:
        raise InvalidUsage("Bad chunked encoding")
    return int(match.group(1), 16)


def _refuse(http: Http, error: SanicException) -> SanicException:
    """Leave nothing for Sanic to read after ``error``: it answers and closes the connection."""
    http.keep_alive = False
    http.request_body = None
    http.request_bytes_left = 0
    http.expecting_continue = False
    return error


async def _request_header(self: Http) -> None:
    """Sanic's head reader within the request timeout, then the framing check."""
    original: Callable[[], Any] = getattr(self, _ORIGINAL.format("http1_request_header"))
    timeout = self.protocol.request_timeout
    started = monotonic()
    try:
        if b"\r\n\r\n" in self.recv_buffer:  # the whole head is here: nothing to wait for
            await original()
        else:
            await asyncio.wait_for(original(), timeout)
    except asyncio.TimeoutError:
        raise _refuse(self, RequestTimeout("Request Timeout")) from None
    except (ValueError, KeyError):  # int(headers["content-length"]): not a number, or no length at all
        raise _refuse(self, InvalidUsage("Bad Request: invalid Content-Length or Transfer-Encoding")) from None
    try:
        check_framing(self.request.headers)
    except SanicException as error:
        raise _refuse(self, error) from None
    if self.request_body:
        _DEADLINES[self.request] = started + timeout


async def _chunk_line(http: Http) -> None:
    """Wait for the next chunk line and check it (and, after the last chunk, the CRLF that ends the body)
    before Sanic's lenient parse sees it."""
    if http.expecting_continue:  # the client may wait for this before sending its first chunk
        http.expecting_continue = False
        await http._send(HTTP_CONTINUE)
    buf = http.recv_buffer
    while True:
        if bytes(buf[:2]) != b"\r\n"[: len(buf[:2])]:  # the CRLF after the head or the previous chunk's data
            raise _refuse(http, InvalidUsage("Bad chunked encoding"))
        pos = buf.find(b"\r\n", 2)
        if pos != -1:
            break
        if len(buf) > 64:
            raise _refuse(http, InvalidUsage("Bad chunked encoding"))
        await http._receive_more()
    try:
        size = chunk_size(bytes(buf[2:pos]))
    except InvalidUsage as error:
        raise _refuse(http, error) from None
    if size == 0:
        while len(buf) < pos + 4:
            await http._receive_more()
        if buf[pos + 2 : pos + 4] != b"\r\n":  # trailers, or garbage: Sanic would read it as the next request
            raise _refuse(http, InvalidUsage("Bad chunked encoding"))


async def _read_checked(http: Http) -> bytes | None:
    if http.request_body == "chunked" and http.request_bytes_left == 0:
        await _chunk_line(http)
    original: Callable[[], Any] = getattr(http, _ORIGINAL.format("read"))
    return await original()


async def _read(self: Http) -> bytes | None:
    """Sanic's body reader, behind the chunk-line check and within the request's deadline. While the handler
    runs, a refusal is raised (and answered); once the answer is out (Sanic drains an unread body then) the
    connection is just closed, as Sanic's own drain loop would only log the error as uncaught."""
    original: Callable[[], Any] = getattr(self, _ORIGINAL.format("read"))
    if not self.request_body:
        return await original()
    deadline = _DEADLINES.get(self.request) if self.request is not None else None
    if self.request_body is True and (deadline is None or (self.recv_buffer and not self.expecting_continue)):
        return await original()  # bytes of a Content-Length body are here: Sanic will not wait
    try:
        if deadline is None:
            return await _read_checked(self)
        remaining = deadline - monotonic()
        if remaining <= 0:
            raise asyncio.TimeoutError
        return await asyncio.wait_for(_read_checked(self), remaining)
    except asyncio.TimeoutError:
        error: SanicException = _refuse(self, RequestTimeout("Request Timeout"))
    except InvalidUsage as refused:
        error = _refuse(self, refused)
    if self.stage is Stage.HANDLER:
        raise error
    return None


def _sanic_function(path: str) -> Any:
    """Sanic's own function at ``path`` (dotted), also after ``install()`` put a wrapper in its place."""
    module_name, class_name, name = path.rsplit(".", 2)
    owner = getattr(importlib.import_module(module_name), class_name)
    function = owner.__dict__[name]
    function = getattr(function, "__func__", function)  # a classmethod
    return getattr(function, "__wrapped__", function)


def source_hash(path: str) -> str:
    return hashlib.sha256(inspect.getsource(_sanic_function(path)).encode("utf-8")).hexdigest()


def check_sanic() -> None:
    """Refuse any Sanic but ``PINNED_SANIC``, or one whose pinned functions read differently."""
    version = getattr(sanic, "__version__", "unknown")
    if version != PINNED_SANIC:
        raise SanicNotPinned(
            f"serving.patches.http_framing was written for Sanic {PINNED_SANIC}, but Sanic {version} is installed: "
            f"it would wrap code it was never checked against, so the server does not start. Install "
            f"sanic=={PINNED_SANIC} (requirements.lock), or review the patch against Sanic {version} (which may "
            f"not need it: Sanic 24.6 validates Content-Length itself) and update PINNED_SANIC and SANIC_SOURCES.")
    differ = [path for path, digest in SANIC_SOURCES.items() if source_hash(path) != digest]
    if differ:
        raise SanicNotPinned(
            f"serving.patches.http_framing: Sanic's code differs from the Sanic {PINNED_SANIC} it was written "
            f"against ({', '.join(differ)}), so the server does not start. Review the patch against this code "
            f"and update SANIC_SOURCES.")


def install() -> None:
    """Wrap Sanic's head and body readers and lower the default request timeout; idempotent. Must run before
    the first Sanic app starts (Sanic compiles ``Http``'s methods then)."""
    check_sanic()
    if Http.__dict__.get(_MARK):
        return
    if getattr(Http, "__touched__", False):
        raise RuntimeError("serving.patches.http_framing.install() must run before a Sanic app starts")
    wrappers = {"http1_request_header": _request_header, "read": _read}
    for name in _WRAPPED:
        original = Http.__dict__[name]
        wrapper = wrappers[name]
        wrapper.__wrapped__ = original  # type: ignore[attr-defined]
        setattr(Http, _ORIGINAL.format(name), original)
        # TouchUp compiles Sanic's method under its new name; the wrapper (not Sanic's source) is left as it is.
        TouchUp._registry.discard((Http, name))
        TouchUp.register(Http, _ORIGINAL.format(name))
        setattr(Http, name, wrapper)
    setattr(Http, _MARK, True)
    DEFAULT_CONFIG["REQUEST_TIMEOUT"] = DEFAULT_REQUEST_TIMEOUT
    DEFAULT_CONFIG["REQUEST_MAX_HEADER_SIZE"] = MAX_HEADER_BYTES


if __name__ == "__main__":
    for _path in SANIC_SOURCES:
        print(f'    "{_path}": "{source_hash(_path)}",')
