"""Serves the borrower widget's static files from ``web/`` under ``/webhooks/web/``:

- ``/webhooks/web/``                      demo page (a partner page with the one script tag)
- ``/webhooks/web/widget.js``             the widget (the file a partner site embeds)
- ``/webhooks/web/widget.css``            its styles (loaded by widget.js into its shadow root)
- ``/webhooks/web/vendor/socket.io.min.js`` socket.io-client's browser build from ``web/node_modules`` (npm ci)

Only the files listed here are served (no directory listing, no path from the URL reaches the file system).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

WEB_ROOT = Path(__file__).resolve().parents[1] / "web"
SOCKET_IO_DIST = Path("node_modules") / "socket.io-client" / "dist" / "socket.io.min.js"
TYPES = {".html": "text/html; charset=utf-8", ".js": "application/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml"}
MISSING_CLIENT = "socket.io-client 未安装：请先运行 `make web`（npm ci --prefix web）。"


async def send_file(root: Path, relative: Path | str, *, cache: str = "no-cache",
                    headers: Dict[str, str] | None = None) -> HTTPResponse:
    path = root / relative
    if not path.is_file():
        return response.json({"error": f"找不到文件 {relative}"}, status=404, ensure_ascii=False)
    return response.raw(path.read_bytes(), content_type=TYPES.get(path.suffix, "application/octet-stream"),
                        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff", **(headers or {})})


class WebAssetsInput(InputChannel):
    """Static files only; messages reach Rasa through the Socket.IO channel (channels/socketio.py)."""

    @classmethod
    def name(cls) -> str:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        root = (credentials or {}).get("root")
        return cls(Path(root) if root else WEB_ROOT)

    def __init__(self, root: Path = WEB_ROOT) -> None:
        self.root = root

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("web_assets", __name__)
        files = {"": "demo.html", "widget.js": "widget.js", "widget.css": "widget.css"}

        @bp.route("/", methods=["GET"])
        async def demo(_: Request) -> HTTPResponse:
            return await send_file(self.root, files[""])

        @bp.route("/<name:str>", methods=["GET"])
        async def asset(_: Request, name: str) -> HTTPResponse:
            if name not in files:
                return response.json({"error": f"找不到 {name}"}, status=404, ensure_ascii=False)
            return await send_file(self.root, files[name])

        @bp.route("/vendor/socket.io.min.js", methods=["GET"])
        async def socket_io_client(_: Request) -> HTTPResponse:
            if not (self.root / SOCKET_IO_DIST).is_file():
                return response.json({"error": MISSING_CLIENT}, status=503, ensure_ascii=False)
            return await send_file(self.root, SOCKET_IO_DIST, cache="public, max-age=86400")

        return bp
