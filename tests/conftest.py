"""Tests by what they need: unit/ (no servers), http/ (the real servers over HTTP), browser/ (and Chromium),
stories/ (`rasa test core`), nlu/ (held-out data for `make eval`).

Shared by the staff-console and WeCom tests (tests/http), the security tests (tests/security) and the browser
tests (tests/browser): ONE real action server + Rasa per pytest session (serving.servers; under pytest-xdist, one
per worker), started only when a test asks for it, with a staff token, WeCom settings, one partner origin allowed
to embed the widget (``PARTNER_ORIGIN``: the browser tests serve their partner page there; as
``PARTNER_ORIGINS`` does for `make run`), behind a declared proxy header (``X-Real-IP``, as a deployment behind
nginx: tests can speak for several client addresses), and a local fake of the WeCom message API that the WeCom
channel's client is pointed at."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from channels.fakes import FakeGraphAPI, FakeLineAPI
from serving.servers import Servers, free_port

STAFF_TOKEN = "test-staff-token-7f3a9c"
PARTNER_PORT = free_port()
PARTNER_ORIGIN = f"http://localhost:{PARTNER_PORT}"
REAL_IP_HEADER = "X-Real-IP"
WECOM = {"WECOM_TOKEN": "wecomtesttoken", "WECOM_AES_KEY": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aQ",
         "WECOM_CORP_ID": "wx5823bf96d3bd56c7", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "test-secret"}
# LINE and WhatsApp: the channels' clients point at local fakes of their APIs (channels/fakes.py), so the tests
# send real HTTP without reaching LINE or Meta.
LINE = {"LINE_CHANNEL_SECRET": "line-test-channel-secret", "LINE_CHANNEL_ACCESS_TOKEN": "fake-line-token",
        "LINE_TIMEOUT": "3"}
WHATSAPP = {"WHATSAPP_VERIFY_TOKEN": "wa-verify-token-5b1e", "WHATSAPP_APP_SECRET": "wa-test-app-secret",
            "WHATSAPP_ACCESS_TOKEN": "fake-graph-token", "WHATSAPP_PHONE_NUMBER_ID": "109876543210",
            "WHATSAPP_TIMEOUT": "3"}


class FakeWeComAPI:
    """Answers gettoken and message/send like qyapi.weixin.qq.com and records what was sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.token_requests = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urllib.parse.urlparse(self.path)
                if url.path.endswith("/gettoken"):
                    with outer.lock:
                        outer.token_requests += 1
                    self._json({"errcode": 0, "errmsg": "ok", "access_token": "fake-access-token",
                                "expires_in": 7200})
                else:
                    self._json({"errcode": 404, "errmsg": "not found"})

            def do_POST(self) -> None:
                url = urllib.parse.urlparse(self.path)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                token = urllib.parse.parse_qs(url.query).get("access_token", [""])[0]
                if not url.path.endswith("/message/send") or token != "fake-access-token":
                    self._json({"errcode": 40014, "errmsg": "invalid access_token"})
                    return
                with outer.lock:
                    outer.sent.append(body)
                self._json({"errcode": 0, "errmsg": "ok", "invaliduser": ""})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/"

    def messages_to(self, user: str) -> list[str]:
        with self.lock:
            return [m["text"]["content"] for m in self.sent if m.get("touser") == user]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def fake_wecom() -> Iterator[FakeWeComAPI]:
    api = FakeWeComAPI()
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def fake_line() -> Iterator[FakeLineAPI]:
    api = FakeLineAPI(LINE["LINE_CHANNEL_ACCESS_TOKEN"])
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def fake_graph() -> Iterator[FakeGraphAPI]:
    api = FakeGraphAPI(WHATSAPP["WHATSAPP_ACCESS_TOKEN"], WHATSAPP["WHATSAPP_PHONE_NUMBER_ID"])
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def messenger_settings() -> dict[str, str]:
    return {**LINE, **WHATSAPP}


@pytest.fixture(scope="session")
def channel_servers(tmp_path_factory: pytest.TempPathFactory, fake_wecom: FakeWeComAPI, fake_line: FakeLineAPI,
                    fake_graph: FakeGraphAPI) -> Iterator[Servers]:
    s = Servers(tmp_path_factory.mktemp("channel-servers"), cors=[PARTNER_ORIGIN])
    s.env.update(STAFF_TOKEN=STAFF_TOKEN, WECOM_API_BASE=fake_wecom.base, SANIC_REAL_IP_HEADER=REAL_IP_HEADER,
                 **WECOM)
    s.env.update(LINE_API_BASE=fake_line.base, WHATSAPP_API_BASE=fake_graph.base, **LINE, **WHATSAPP)
    # The replay records as the embedded profile keeps them (SQLite files, kept across a restart), in the
    # session's folder rather than the repository's var/. The event-time window is wide here: a test restarts
    # Rasa (minutes on a busy machine) and must tell the record from the window; the old events the tests send
    # are hours old, and the default window (300 s) is unit-tested (tests/unit/test_replay.py).
    s.env.update(LINE_REPLAY_RECORD=f"sqlite:///{s.workdir / 'line-replay.db'}",
                 WHATSAPP_REPLAY_RECORD=f"sqlite:///{s.workdir / 'whatsapp-replay.db'}",
                 LINE_MAX_CLOCK_SKEW="1800", WHATSAPP_MAX_CLOCK_SKEW="1800")
    with s.running():
        yield s


@pytest.fixture(scope="session")
def staff_token() -> str:
    return STAFF_TOKEN


@pytest.fixture(scope="session")
def wecom_settings() -> dict[str, str]:
    return dict(WECOM)


@pytest.fixture(scope="session")
def partner_origin() -> tuple[str, int]:
    """The partner site allowed to embed the widget, and its port (the browser test serves a page there)."""
    return PARTNER_ORIGIN, PARTNER_PORT
