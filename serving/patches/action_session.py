"""Call the action server over kept-alive connections instead of a new client session for every call.

Rasa 3.6.21's ``EndpointConfig.request`` opens a new ``aiohttp.ClientSession`` for every request, so each
action-server call (two or three a turn: slot extraction, the form's validation, the action itself) builds a
session, resolves the host, opens a TCP connection and closes it again. Profiled over whole conversations,
that was about a twentieth of the Rasa process's CPU, and it costs the action server an accept per call too.

Here every request of the process shares one session per event loop, whose connector keeps idle connections
for ``KEEPALIVE_S`` seconds, well under the action server's own keep-alive (Sanic: 5 s), so a connection is
not reused just as the server closes it. The request itself is Rasa's: the same URL, parameters, headers,
basic auth, CA file and timeout (Rasa's call passes its own; otherwise ``DEFAULT_REQUEST_TIMEOUT``), the same
``ClientResponseError`` for a status of 400 or more, ``None`` for an answer that is not JSON. Should a kept
connection still turn out to be closed before any answer came (``ServerDisconnectedError``), the request is
sent once more on a new connection; every other failure (refused, timed out, cut off during an answer)
reaches Rasa as before, so the action-server guard still tells the borrower. The body (the whole tracker and
the domain, 80 KB and more) is written by ``ujson`` (a dependency of Rasa's Sanic), twice as fast as the
standard library: the same JSON values, floats to the last digit, but ``/`` escaped.

Targets Rasa 3.6.21's ``rasa.utils.endpoints.EndpointConfig.request``; fails at start-up if its signature
differs. Off with ``DEBT_COACH_STOCK_TURN=1``.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import ssl
from typing import Any

import aiohttp
import ujson
from aiohttp.client_exceptions import ContentTypeError
from rasa.shared.exceptions import FileNotFoundException
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, ClientResponseError, EndpointConfig, concat_url

from serving.patches.turn_switch import enabled, require

_MARK = "_debt_coach_kept_alive"
KEEPALIVE_S = 2.0

_sessions: dict[int, tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession]] = {}


def shared_session() -> aiohttp.ClientSession:
    """The running loop's session; a session of a loop that has been closed is closed and forgotten."""
    loop = asyncio.get_running_loop()
    for key, (other, session) in list(_sessions.items()):
        if other.is_closed():
            if session.connector is not None:
                session.connector._close()  # the loop is gone: close the sockets without awaiting
            del _sessions[key]
    entry = _sessions.get(id(loop))
    if entry is None or entry[0] is not loop or entry[1].closed:
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_S)
        entry = (loop, aiohttp.ClientSession(connector=connector, json_serialize=ujson.dumps))
        _sessions[id(loop)] = entry
    return entry[1]


async def request(self: EndpointConfig, method: str = "post", subpath: str | None = None,
                  content_type: str | None = "application/json", compress: bool = False, **kwargs: Any) -> Any:
    """Rasa's ``EndpointConfig.request`` on the shared session."""
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if "headers" in kwargs:
        headers.update(kwargs.pop("headers"))
    if self.headers:
        headers.update(self.headers)
    url = concat_url(self.url, subpath)
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(
                f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist.") from e
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    params = self.combine_parameters(kwargs)
    kwargs.setdefault("timeout", aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))  # Rasa's session default
    one_off: aiohttp.ClientSession | None = None
    try:
        try:
            response = await shared_session().request(method, url, headers=headers, params=params, compress=compress,
                                                      ssl=sslcontext, auth=auth, **kwargs)
        except aiohttp.ServerDisconnectedError:  # a kept connection closed before any answer: once more, anew
            one_off = aiohttp.ClientSession()
            response = await one_off.request(method, url, headers=headers, params=params, compress=compress,
                                             ssl=sslcontext, auth=auth, **kwargs)
        async with response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except ContentTypeError:
                return None
    finally:
        if one_off is not None:
            await one_off.close()


def install() -> None:
    current = EndpointConfig.__dict__.get("request")
    if not enabled() or getattr(current, _MARK, False):
        return
    require(list(inspect.signature(current).parameters)
            == ["self", "method", "subpath", "content_type", "compress", "kwargs"],
            "EndpointConfig.request(self, method, subpath, content_type, compress, **kwargs)")
    setattr(request, _MARK, True)
    request.__wrapped__ = current  # type: ignore[attr-defined]
    EndpointConfig.request = request  # type: ignore[method-assign]
