"""The action server (rasa_sdk), bound to loopback unless told otherwise.

    python -m serving.action_server [--port 5055] [--interface 127.0.0.1] [--actions actions]

``rasa run actions`` listens on 0.0.0.0 without authentication: anyone who reaches port 5055 can list the
actions and run them on a forged tracker (a staff pack, for instance), and a large forged tracker keeps it busy.
Only Rasa needs to reach it. So it listens on ``ACTION_SERVER_INTERFACE`` (default ``127.0.0.1``); when the
action server runs on another machine of a private network, set that variable to the private address and let the
firewall admit only the Rasa hosts (docs/security.md). No CORS headers (no browser has any business here), and
a request body limit of ``ACTION_SERVER_MAX_BODY`` bytes (default 16 MB: Rasa sends the whole tracker with every
call; Sanic's default is 100 MB). Sanic's HTTP/1 framing made strict (``serving/patches/http_framing.py``): a
malformed ``Content-Length`` or ``Transfer-Encoding`` is answered 400, a request that does not arrive within
``SANIC_REQUEST_TIMEOUT`` seconds (default 20) 408, instead of hanging the server.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, List

from sanic.exceptions import InvalidUsage, PayloadTooLarge, RequestTimeout

DEFAULT_INTERFACE = "127.0.0.1"
DEFAULT_MAX_BODY = 16 * 1024 * 1024


async def _too_large(_: Any, __: Exception) -> Any:
    from sanic import response

    return response.json({"error": "request body too large"}, status=413)


async def _refused(_: Any, error: Exception) -> Any:
    """A request Sanic (or the framing patch) refused: its own status, not rasa_sdk's catch-all 500 and traceback."""
    from sanic import response

    return response.json({"error": str(error)}, status=getattr(error, "status_code", 400))


def http_framing() -> ModuleType:
    """serving/patches/http_framing.py, loaded without serving/patches/__init__.py: that one imports Rasa (and
    TensorFlow: seconds and hundreds of MB) for the Rasa server's patches, none of which the action server needs."""
    name = "serving.patches.http_framing"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "patches" / "http_framing.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def interface() -> str:
    return os.environ.get("ACTION_SERVER_INTERFACE", "").strip() or DEFAULT_INTERFACE


def main(argv: List[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m serving.action_server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--interface", default=interface())
    args = parser.parse_args(argv)
    http_framing().install()  # before the app exists: it lowers Sanic's default REQUEST_TIMEOUT

    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.plugin import plugin_manager

    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=None)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.config.REQUEST_MAX_SIZE = int(os.environ.get("ACTION_SERVER_MAX_BODY", DEFAULT_MAX_BODY))
    app.error_handler.add(PayloadTooLarge, _too_large)  # rasa_sdk's catch-all would answer 500
    app.error_handler.add(InvalidUsage, _refused)
    app.error_handler.add(RequestTimeout, _refused)
    logging.getLogger(__name__).info("Action server on http://%s:%s", args.interface, args.port)
    app.run(args.interface, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
