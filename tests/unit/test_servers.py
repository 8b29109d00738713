"""serving.servers: the commands that start Rasa and the action server (no server is started here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from serving import servers


def test_rasa_command_for_tests_and_for_make_run():
    model, endpoints = Path("m.tar.gz"), Path("e.yml")
    local = servers.rasa_command(model, endpoints, 5100)
    assert local[:4] == [sys.executable, "-m", "serving.rasa_cli", "run"]
    assert local[-3:] == ["--enable-api", "--interface", "127.0.0.1"] and "--cors" not in local
    web = servers.rasa_command(model, endpoints, 5005, cors="*", local_api=False)
    assert web[-2:] == ["--cors", "*"] and "--enable-api" not in web
    profiled = servers.rasa_command(model, endpoints, 5100, entry=("python", "bench/rasa_profiled.py"))
    assert profiled[:3] == ["python", "bench/rasa_profiled.py", "run"]


def test_servers_pass_cors_to_rasa(tmp_path: Path):
    s = servers.Servers(tmp_path, cors="*")
    assert s.action_port != s.rasa_port
    assert f"127.0.0.1:{s.action_port}/webhook" in s.endpoints.read_text(encoding="utf-8")
    assert s.cors == "*"


def test_action_server_listens_on_loopback_unless_told(monkeypatch):
    cmd = servers.actions_command(5055)
    assert cmd[:3] == [sys.executable, "-m", "serving.action_server"] and cmd[-2:] == ["--port", "5055"]
    from serving import action_server

    monkeypatch.delenv("ACTION_SERVER_INTERFACE", raising=False)
    assert action_server.interface() == "127.0.0.1"
    monkeypatch.setenv("ACTION_SERVER_INTERFACE", "10.0.0.5")
    assert action_server.interface() == "10.0.0.5"


def test_partner_origins_reach_rasa_as_cors(monkeypatch):
    monkeypatch.setenv("PARTNER_ORIGINS", "https://a.example, https://b.example")
    assert servers.partner_origins() == ["https://a.example", "https://b.example"]
    cmd = servers.rasa_command(Path("m"), Path("e"), 5005, cors=servers.partner_origins(), local_api=False)
    assert cmd[-3:] == ["--cors", "https://a.example", "https://b.example"]
    monkeypatch.delenv("PARTNER_ORIGINS")
    assert "--cors" not in servers.rasa_command(Path("m"), Path("e"), 5005, cors=servers.partner_origins(),
                                                local_api=False)


def test_with_actions_needs_a_command():
    with pytest.raises(SystemExit):
        servers.main(["with-actions", "--"])


def test_make_run_listens_on_loopback_unless_told(monkeypatch):
    monkeypatch.delenv("RASA_INTERFACE", raising=False)
    assert servers.rasa_interface() == "127.0.0.1" and servers.exposure_warning("127.0.0.1") is None
    monkeypatch.setenv("RASA_INTERFACE", "0.0.0.0")
    assert servers.rasa_interface() == "0.0.0.0"
    assert "proxy" in servers.exposure_warning("0.0.0.0")
    assert "proxy" in servers.exposure_warning("192.168.1.20")
    assert servers.exposure_warning("::1") is None and servers.exposure_warning("localhost") is None
    cmd = servers.rasa_command(Path("m"), Path("e"), 5005, local_api=False, interface=servers.rasa_interface())
    assert cmd[cmd.index("--interface") + 1] == "0.0.0.0"


def test_staff_token_is_made_once_private_and_kept(monkeypatch, tmp_path: Path):
    """Without STAFF_TOKEN, `make run` makes a token on its first run and prints the same console link after."""
    monkeypatch.delenv("STAFF_TOKEN", raising=False)
    monkeypatch.setattr(servers, "_credentials_token", lambda: "")  # as shipped: credentials.yml has none
    var = tmp_path / "var"
    first = servers.staff_token(var)
    kept = var / "staff-token"
    assert len(first) >= 32 and kept.read_text(encoding="utf-8").strip() == first
    assert kept.stat().st_mode & 0o777 == 0o600 and var.stat().st_mode & 0o777 == 0o700
    made = kept.stat().st_mtime_ns
    assert servers.staff_token(var) == first and kept.stat().st_mtime_ns == made
    kept.chmod(0o644)  # loosened by hand: made private again
    assert servers.staff_token(var) == first and kept.stat().st_mode & 0o777 == 0o600
    kept.write_text("", encoding="utf-8")  # emptied: a new one
    again = servers.staff_token(var)
    assert again and again != first and kept.read_text(encoding="utf-8").strip() == again


def test_staff_token_from_the_environment_is_not_written(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("STAFF_TOKEN", "given-by-the-operator-0123456789")
    assert servers.staff_token(tmp_path / "var") == "given-by-the-operator-0123456789"
    assert not (tmp_path / "var").exists()


def test_console_link_carries_the_token_in_the_fragment():
    url = servers.console_url("127.0.0.1", 5005, "a b/c")
    assert url == "http://127.0.0.1:5005/webhooks/staff/console#token=a%20b%2Fc" and "?" not in url
    assert servers.console_url("::1", 5005, "t").startswith("http://[::1]:5005/")
