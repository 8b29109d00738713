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
