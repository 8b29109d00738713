"""The one way this project starts its two servers: the action server (``rasa run actions``) and Rasa (``python -m
serving.rasa_cli run``, i.e. with the server patches). Used by ``make run``, ``make core-test``, the HTTP and
browser tests, the example transcripts and the benchmarks.

Command line:

    python -m serving.servers run                   # action server 127.0.0.1:5055 + Rasa 127.0.0.1:5005
                                                    # (endpoints.yml, credentials.yml, --cors $PARTNER_ORIGINS),
                                                    # prints the URLs with the staff console's link, Ctrl-C stops both
    python -m serving.servers with-actions -- CMD…  # runs CMD with the action server up on :5055, then stops it

Ports: ``RASA_PORT`` and ``ACTION_PORT`` (5005 and 5055 by default). The action server listens on loopback
(``ACTION_SERVER_INTERFACE`` to change it, ``serving/action_server.py``); Rasa on loopback too unless
``RASA_INTERFACE`` says otherwise (with a warning: a public address belongs behind the production profile's nginx).
The staff console's token: ``STAFF_TOKEN``, else credentials.yml's, else one made once and kept in
var/staff-token. ``PARTNER_ORIGINS`` (space-separated, e.g. ``"https://a.example https://b.example"``; ``*`` = any
site) are the web origins that may embed the widget (docs/security.md).
In Python, ``Servers(workdir)`` starts both on free loopback ports with the trained model and a temporary SQLite
tracker store, and talks to them over HTTP.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Sequence, Union

ROOT = Path(__file__).resolve().parents[1]
MODEL = Path(os.environ.get("DEBT_COACH_MODEL", ROOT / "models" / "latest.tar.gz"))
# Rasa's command line with the project's patches of Rasa's server installed first.
RASA_CLI = (sys.executable, "-m", "serving.rasa_cli")


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


def actions_command(port: int) -> list[str]:
    """The action server (rasa_sdk) on loopback, or ACTION_SERVER_INTERFACE (serving/action_server.py)."""
    return [sys.executable, "-m", "serving.action_server", "--actions", "actions", "--port", str(port)]


Origins = Union[str, Sequence[str], None]


def partner_origins() -> list[str]:
    """PARTNER_ORIGINS from the environment: the sites that may embed the widget (space- or comma-separated)."""
    return os.environ.get("PARTNER_ORIGINS", "").replace(",", " ").split()


def rasa_command(model: Path, endpoints: Path, port: int, *, cors: Origins = None, local_api: bool = True,
                 interface: str | None = None, entry: Sequence[str] = RASA_CLI) -> list[str]:
    """``rasa run`` for this project. ``local_api``: the HTTP API on, loopback only (tests, bench);
    ``cors``: the partner origins allowed to use it from a browser (never with credentials; "*" = any site);
    ``interface``: where Rasa listens without the local API (default: every interface); ``entry``: the command
    that stands for ``rasa`` (the benchmark's profiled one)."""
    args = [*entry, "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", str(ROOT / "credentials.yml"), "--port", str(port)]
    if local_api:
        args += ["--enable-api", "--interface", "127.0.0.1"]
    elif interface:
        args += ["--interface", interface]
    origins = [cors] if isinstance(cors, str) else list(cors or [])
    if origins:
        args += ["--cors", *origins]
    return args


class Servers:
    """Starts/stops the two processes on free loopback ports; restartable so tests can check persistence and
    outages. ``cors``: the partner origins passed to Rasa (the browser tests use "*": their partner page has a
    port chosen at random). ``env`` holds the processes' environment (rate limits, proxy settings, tokens)."""

    def __init__(self, workdir: Path, *, cors: Origins = None, model: Path = MODEL) -> None:
        self.workdir = workdir
        self.cors = cors
        self.model = model
        self.action_port = free_port()
        self.rasa_port = free_port()
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
            'nlg:\n  type: components.nlg.ScriptAwareNLG\n'
            'tracker_store:\n  type: serving.stores.CoachSQLTrackerStore\n'
            f'  dialect: "sqlite"\n  db: "{workdir / "trackers.db"}"\n',
            encoding="utf-8")
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.env.setdefault("STAFF_TOKEN", secrets.token_urlsafe(24))  # staff output needs the staff console
        self.env.setdefault("DOWNLOAD_SECRET", secrets.token_urlsafe(32))  # signs download links; dies with the run
        self.env.setdefault("STAFF_AUDIT_LOG", str(workdir / "staff-audit.log"))  # not the repository's var/
        self.env.setdefault("STAFF_DB", str(workdir / "staff.db"))  # advisers' accounts and cases, likewise
        self.actions: subprocess.Popen | None = None
        self.rasa: subprocess.Popen | None = None

    def spawn(self, args: list[str], log: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        out = open(self.workdir / log, "ab")
        return subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=out, stderr=subprocess.STDOUT)

    # Generous: on a busy 2-core machine (a training next door) Rasa has taken five minutes to load the model.
    def start_actions(self, timeout: float = 600, poll: float = 0.5) -> None:
        self.actions = self.spawn(actions_command(self.action_port), "actions.log")
        self._wait(f"http://127.0.0.1:{self.action_port}/health", self.actions, timeout, poll)

    def start_rasa(self, timeout: float = 600, poll: float = 0.5, entry: Sequence[str] = RASA_CLI) -> None:
        self.rasa = self.spawn(rasa_command(self.model, self.endpoints, self.rasa_port, cors=self.cors, entry=entry),
                               "rasa.log")
        self._wait(f"{self.base}/status", self.rasa, timeout, poll)

    def _wait(self, url: str, proc: subprocess.Popen, timeout: float, poll: float) -> None:
        """Wait for ``url``; when it never answers, stop the process (no orphan server left behind) and raise."""
        try:
            wait_http(url, proc, timeout, poll)
        except BaseException:
            self._stop(proc)
            raise

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

    @contextlib.contextmanager
    def running(self) -> Iterator[Servers]:
        """Both servers up for the block and stopped afterwards, also when one never came up (no orphans)."""
        if not MODEL.exists():
            raise FileNotFoundError(f"no trained model at {MODEL}: run `make train` first")
        try:
            self.start_actions()
            self.start_rasa()
            yield self
        finally:
            self.stop_rasa()
            self.stop_actions()

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
        """One message through the REST channel; the replies. With ``metadata={"audience": "staff"}`` it goes
        through the staff console's API instead (conversation ``staff-<sender>``), the only way to staff output."""
        if (metadata or {}).get("audience") == "staff":
            return self.staff_say("staff-" + sender, message)
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        status, replies = self.post_raw("/webhooks/rest/webhook", json.dumps(body, ensure_ascii=False).encode())
        assert status == 200, replies
        return replies

    def staff_say(self, conversation_id: str, message: Any) -> list[dict[str, Any]]:
        """One message through the staff API (token from ``env``); the replies in the REST channel's shape."""
        req = urllib.request.Request(
            self.base + "/webhooks/staff/api/message",
            data=json.dumps({"conversation_id": conversation_id, "message": message}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.env['STAFF_TOKEN']}"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            body = json.loads(resp.read())
        notes = [{"recipient_id": conversation_id, "text": note} for note in body.get("notes") or []]
        replies = []
        for reply in body.get("replies") or []:
            reply = {"recipient_id": conversation_id, **reply}
            if reply.get("quick_replies"):
                reply["buttons"] = reply.pop("quick_replies")
            replies.append(reply)
        return notes + replies

    def tracker(self, sender: str, channel: str | None = "rest") -> dict[str, Any]:
        """The stored conversation of a REST ``sender`` (the channel adds its prefix), or, with
        ``channel=None``, of the conversation id as the tracker store keys it (``staff-…``, ``web-…``)."""
        conversation = sender
        if channel == "rest":
            from channels.rest import conversation_id

            conversation = conversation_id(sender)
        url = f"{self.base}/conversations/{urllib.parse.quote(conversation, safe='')}/tracker"
        with urllib.request.urlopen(url, timeout=30) as resp:
            return json.loads(resp.read())


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


# ---------- command line: make run, make core-test ----------

READY = """
  Debt coach is running.
    REST:            curl -s {base}/webhooks/rest/webhook -d '{{"sender":"me","message":"催收说明天上门"}}'
    Web widget:      {base}/webhooks/web/
    Staff console:   {console}
    Terminal chat:   .venv/bin/python -m serving.rasa_cli shell   (in another terminal)
  Ctrl-C stops both servers.
"""
LOOPBACK = "127.0.0.1"
EXPOSED = ("Warning: RASA_INTERFACE={interface} is not loopback: Rasa answers other machines directly; put the "
           "production profile's proxy in front (nginx, `make run-prod`, README \"Production profile\").")


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)}


def _stop_all(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def private_dir(path: Path) -> Path:
    """A folder only its owner can read (var/: the tracker store, logs)."""
    path.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def rasa_interface() -> str:
    """Where `make run`'s Rasa listens: ``RASA_INTERFACE``, else loopback only (this machine's browser)."""
    return os.environ.get("RASA_INTERFACE", "").strip() or LOOPBACK


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(interface: str) -> str | None:
    """One line when Rasa would answer other machines directly, without the proxy that limits and logs them."""
    return None if is_loopback(interface) else EXPOSED.format(interface=interface)


def _credentials_token() -> str:
    """The staff token credentials.yml configures, if any (channels/staff.py takes it when STAFF_TOKEN is unset)."""
    import yaml

    channels = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    return str((channels.get("channels.staff.StaffInput") or {}).get("token") or "").strip()


def staff_token(var: Path = ROOT / "var") -> str:
    """The staff console's token for `make run`: ``STAFF_TOKEN`` when set, else credentials.yml's, else one made on
    the first run and kept in ``var/staff-token`` (mode 0600: only its owner reads it), so the console link that
    `make run` prints stays the same from one run to the next."""
    given = os.environ.get("STAFF_TOKEN", "").strip() or _credentials_token()
    if given:
        return given
    path = private_dir(var) / "staff-token"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept
        path.unlink()  # empty (a run stopped while writing it): make a new one
        return staff_token(var)
    token = secrets.token_urlsafe(24)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    return token


def console_url(host: str, port: int, token: str) -> str:
    """The staff console with its token in the fragment: a browser never sends a fragment, so the token stays out
    of every request and log; web/console.js keeps it in the tab's sessionStorage and clears the address bar."""
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/webhooks/staff/console#token={urllib.parse.quote(token, safe='')}"


def run() -> int:
    """Both servers on the fixed ports, as a user runs the bot; the URLs once Rasa answers; Ctrl-C stops both."""
    private_dir(ROOT / "var")
    port = int(os.environ.get("RASA_PORT", "5005"))
    env = _env()
    # Both processes sign and check download links with one secret; without DOWNLOAD_SECRET a new one each start.
    env.setdefault("DOWNLOAD_SECRET", secrets.token_urlsafe(32))
    env["STAFF_TOKEN"] = staff_token()
    interface = rasa_interface()
    warning = exposure_warning(interface)
    if warning:
        print(warning, flush=True)
    host = LOOPBACK if interface in ("0.0.0.0", "::") else interface  # where this machine's browser reaches it
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    rasa = rasa_command(MODEL, ROOT / "endpoints.yml", port, cors=partner_origins(), local_api=False,
                        interface=interface)
    procs = [subprocess.Popen(actions_command(int(os.environ.get("ACTION_PORT", "5055"))), cwd=ROOT, env=env),
             subprocess.Popen(rasa, cwd=ROOT, env=env)]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        try:
            wait_http(base + "/", procs[1], timeout=180, poll=1)
            print(READY.format(base=base, console=console_url(host, port, env["STAFF_TOKEN"])), flush=True)
        except TimeoutError:
            pass
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.5)
        return next(proc.returncode for proc in procs if proc.returncode is not None)
    except KeyboardInterrupt:
        return 130
    finally:
        print("\nStopping…", flush=True)
        _stop_all(procs)


def _action_host() -> str:
    from serving.action_server import interface

    host = interface()
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def with_actions(command: list[str]) -> int:
    """Run ``command`` with the action server up on ACTION_PORT (log: var/action-server.log), then stop it."""
    private_dir(ROOT / "var")
    log_path = ROOT / "var" / "action-server.log"
    port = int(os.environ.get("ACTION_PORT", "5055"))
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(actions_command(port), cwd=ROOT, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_http(f"http://{_action_host()}:{port}/health", proc, timeout=60, poll=1)
        except RuntimeError as err:  # it exited: show why
            sys.stderr.write(log_path.read_text(encoding="utf-8", errors="replace") + f"\n{err}\n")
            return 1
        except TimeoutError:
            pass  # still starting: the command reports if it cannot reach it
        return subprocess.call(command, env=_env())
    finally:
        _stop_all([proc])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serving.servers", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="action server + Rasa, as `make run`")
    wa = sub.add_parser("with-actions", help="run a command with the action server up")
    wa.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command and its arguments")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("with-actions needs a command after --")
    return with_actions(cmd)


if __name__ == "__main__":
    sys.exit(main())
