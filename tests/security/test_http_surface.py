"""Low: CORS reflected any Origin with ``Access-Control-Allow-Credentials: true`` on REST and the staff API;
``GET /`` answered 「Hello from Rasa: 3.6.21」. Medium: the action server listened on 0.0.0.0:5055 without
authentication. Now: CORS for the configured partner origins only and never with credentials, no CORS on the
staff API, no version banner, the action server on loopback with a body limit and no CORS."""

from __future__ import annotations

import socket
from pathlib import Path

import rasa

from tests.security.helpers import REST, call, raw_post

EVIL = "https://evil.example"


def test_cors_only_for_partner_origins_and_never_with_credentials(channel_servers, partner_origin):
    partner = partner_origin[0]
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for method, path in (("OPTIONS", REST), ("POST", REST)):
        body = None if method == "OPTIONS" else {"sender": "cors-check", "message": ""}
        ok = call(channel_servers.base, method, path, body, headers={"Origin": partner, **preflight})
        assert ok.headers.get("Access-Control-Allow-Origin") == partner, (method, dict(ok.headers))
        assert "Access-Control-Allow-Credentials" not in ok.headers
        bad = call(channel_servers.base, method, path, body, headers={"Origin": EVIL, **preflight})
        assert "Access-Control-Allow-Origin" not in bad.headers
        assert "Access-Control-Allow-Credentials" not in bad.headers
    for origin in (partner, EVIL):
        for method in ("OPTIONS", "GET"):
            staff = call(channel_servers.base, method, "/webhooks/staff/api/check",
                         headers={"Origin": origin, **preflight})
            assert "Access-Control-Allow-Origin" not in staff.headers, (origin, method)
            assert "Access-Control-Allow-Credentials" not in staff.headers


def test_no_version_banner(channel_servers):
    root = call(channel_servers.base, "GET", "/")
    assert root.status == 200 and root.text == "ok"
    assert rasa.__version__ not in root.text and "Rasa" not in root.text
    assert "Rasa" not in (root.headers.get("Server") or "")


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            host, _, hex_port = local.partition(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A = LISTEN
                continue
            if len(host) == 8:
                found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(host)[::-1]))
            else:
                raw = b"".join(bytes.fromhex(host[i:i + 8])[::-1] for i in range(0, 32, 8))
                found.add(socket.inet_ntop(socket.AF_INET6, raw))
    return found


def outside_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") else ip


def test_the_action_server_listens_on_loopback_only(channel_servers):
    port = channel_servers.action_port
    assert listening_addresses(port) == {"127.0.0.1"}, listening_addresses(port)
    ip = outside_address()
    if ip:
        try:
            socket.create_connection((ip, port), timeout=3).close()
            raise AssertionError(f"the action server answered on {ip}:{port}")
        except ConnectionRefusedError:
            pass
    # and a forged 100 MB tracker is refused on its declared size; no CORS for browsers
    status, _ = raw_post(port, "/webhook", b"", {"Content-Length": str(100 * 1024 * 1024)})
    assert status == 413
    options = call(f"http://127.0.0.1:{port}", "OPTIONS", "/webhook",
                   headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in options.headers


def test_make_run_binds_the_action_server_to_loopback():
    from serving import servers
    from serving.action_server import DEFAULT_INTERFACE

    assert DEFAULT_INTERFACE == "127.0.0.1"
    assert servers.actions_command(5055)[:3][-1] == "serving.action_server"
    endpoints = (Path(servers.ROOT) / "endpoints.yml").read_text(encoding="utf-8")
    assert 'url: "http://127.0.0.1:5055/webhook"' in endpoints
