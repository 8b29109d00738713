"""Start the real action server and Rasa (trained model, temporary SQLite tracker store) on free loopback
ports, and talk to them over HTTP. Used by the integration tests, the example transcripts and the benchmarks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODEL = Path(os.environ.get("DEBT_COACH_MODEL", ROOT / "models" / "latest.tar.gz"))
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 240, poll: float = 0.5) -> None:
    """Wait until ``url`` answers; fail early if the server process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(poll)
    raise TimeoutError(url)


class Servers:
    """Starts/stops the two processes; restartable so tests can check persistence and outages."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.action_port = free_port()
        self.rasa_port = free_port()
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
            'nlg:\n  type: components.nlg.ScriptAwareNLG\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "trackers.db"}"\n',
            encoding="utf-8")
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.actions: subprocess.Popen | None = None
        self.rasa: subprocess.Popen | None = None

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        out = open(self.workdir / log, "ab")
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def start_actions(self) -> None:
        self.actions = self._spawn([str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                    "--port", str(self.action_port)], "actions.log")
        wait_http(f"http://127.0.0.1:{self.action_port}/health", self.actions)

    def start_rasa(self) -> None:
        self.rasa = self._spawn([sys.executable, "-m", "serving.rasa_cli", "run", "--model", str(MODEL),
                                 "--endpoints", str(self.endpoints),
                                 "--credentials", str(ROOT / "credentials.yml"), "--port", str(self.rasa_port),
                                 "--enable-api", "--interface", "127.0.0.1"], "rasa.log")
        wait_http(f"http://127.0.0.1:{self.rasa_port}/status", self.rasa)

    @staticmethod
    def _stop(proc: subprocess.Popen | None) -> None:
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    def stop_actions(self) -> None:
        self._stop(self.actions)

    def stop_rasa(self) -> None:
        self._stop(self.rasa)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def post_raw(self, path: str, body: bytes, timeout: float = 60) -> tuple[int, Any]:
        req = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def say(self, sender: str, message: Any, metadata: dict | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        status, replies = self.post_raw("/webhooks/rest/webhook", json.dumps(body, ensure_ascii=False).encode())
        assert status == 200, replies
        return replies

    def tracker(self, sender: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base}/conversations/{sender}/tracker", timeout=30) as resp:
            return json.loads(resp.read())


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)
