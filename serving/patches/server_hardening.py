"""The Rasa server's HTTP surface, hardened (installed by ``serving.patches.install()`` at start-up).

- Body size: every request is limited to ``channels.limits.MAX_BODY`` (64 KB; Sanic's default is 100 MB),
  answered ``413 {"error": "请求太大…"}``.
- CORS: Rasa's ``configure_cors`` allows credentials for whatever ``--cors`` names (``"*"`` reflected any
  origin with ``Access-Control-Allow-Credentials: true``). Here the ``--cors`` origins (the partner sites,
  ``channels/origins.py``) get CORS without credentials, on every path except the staff console's (same
  origin only) and Socket.IO's (the channel checks the origin itself, WebSockets included).
- ``GET /`` answers ``ok`` instead of 「Hello from Rasa: 3.6.21」: the version is nobody's business.

Works around: Rasa 3.6's ``rasa.server.configure_cors`` (``CORS_SUPPORTS_CREDENTIALS = True`` for any origin)
and ``add_root_route`` (the version banner); neither is configurable.
"""

from __future__ import annotations

from typing import Any, List, Union

import rasa.core.run
import rasa.server
from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors import CORS

from channels import limits, origins

_MARK = "_debt_coach_hardened"
# Paths that partner origins may call from a browser: all but the staff console and Socket.IO (see above).
CORS_PATHS = r"^/(?!socket\.io(/|$)|webhooks/staff(/|$)).*"


def configure_cors(app: Sanic, cors_origins: Union[str, List[str], None] = "") -> None:
    origins.configure(cors_origins)
    allowed = origins.configured()
    app.config.CORS_AUTOMATIC_OPTIONS = True
    app.config.CORS_SUPPORTS_CREDENTIALS = False
    CORS(app, resources={CORS_PATHS: {"origins": allowed or ""}}, automatic_options=True,
         supports_credentials=False)


def add_root_route(app: Sanic) -> None:
    @app.get("/")
    async def hello(_: Request) -> HTTPResponse:
        return response.text("ok")


async def _too_large(_: Request, __: Exception) -> HTTPResponse:
    return response.json({"error": limits.BODY_TOO_LARGE.format(kb=limits.MAX_BODY // 1024)}, status=413,
                         ensure_ascii=False)


def harden(app: Sanic) -> Sanic:
    app.config.REQUEST_MAX_SIZE = limits.MAX_BODY
    app.error_handler.add(PayloadTooLarge, _too_large)
    return app


def install() -> None:
    if getattr(rasa.core.run.configure_app, _MARK, False):
        return
    original = rasa.core.run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Sanic:
        return harden(original(*args, **kwargs))

    setattr(configure_app, _MARK, True)
    configure_app.__wrapped__ = original  # type: ignore[attr-defined]
    rasa.core.run.configure_app = configure_app
    rasa.server.configure_cors = configure_cors
    rasa.server.add_root_route = add_root_route
