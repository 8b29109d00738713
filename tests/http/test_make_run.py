"""`make run` as a user starts it (``python -m serving.servers run``): the staff console link it prints opens the
console's API with the token it carries, and Rasa answers on loopback only unless RASA_INTERFACE says otherwise.
Its own pair of servers on free ports (not the session's), stopped with Ctrl-C as a user stops it."""

from __future__ import annotations

import os
import queue
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from serving.servers import MODEL, ROOT, free_port

CONSOLE_LINE = re.compile(r"Staff console:\s+(\S+)")


def non_loopback_address() -> str | None:
    """An address of this machine other machines would use (no packet is sent: UDP connect only picks a route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 9))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def make_run() -> Iterator[tuple[int, str, list[str]]]:
    """(Rasa's port, the staff token, the lines printed until the console link)."""
    if not Path(MODEL).exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    port, token = free_port(), secrets.token_urlsafe(24)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_PORT": str(port), "ACTION_PORT": str(free_port()),
           "STAFF_TOKEN": token, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("RASA_INTERFACE", None)
    proc = subprocess.Popen([sys.executable, "-m", "serving.servers", "run"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in proc.stdout or ():
            lines.put(line)
        lines.put(None)  # the output ended: the process exited

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        while not any(CONSOLE_LINE.search(line) for line in seen):
            try:
                line = lines.get(timeout=600)  # loading the model on a busy machine takes minutes
            except queue.Empty:
                pytest.fail("make run printed no console link in 10 minutes:\n" + "".join(seen[-40:]))
            if line is None:
                pytest.fail("make run stopped before printing the console link:\n" + "".join(seen[-40:]))
            seen.append(line)
        yield port, token, seen
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_printed_console_link_opens_the_console(make_run: tuple[int, str, list[str]]) -> None:
    port, token, seen = make_run
    (link,) = [m.group(1) for line in seen if (m := CONSOLE_LINE.search(line))]
    page, _, fragment = link.partition("#")
    assert page == f"http://127.0.0.1:{port}/webhooks/staff/console" and fragment == f"token={token}"
    assert not any("RASA_INTERFACE" in line for line in seen)  # loopback: no warning
    with urllib.request.urlopen(page, timeout=30) as resp:
        assert resp.status == 200 and b"console.js" in resp.read()
    check = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/staff/api/check",
                                   headers={"Authorization": f"Bearer {fragment.removeprefix('token=')}"})
    with urllib.request.urlopen(check, timeout=30) as resp:
        assert resp.status == 200


def test_rasa_answers_on_loopback_only(make_run: tuple[int, str, list[str]]) -> None:
    port = make_run[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
        assert resp.status == 200
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port), timeout=10):
        pass
