"""serving/patches/http_framing.py without servers: it wraps Sanic 21.12.2's own head and body readers, so it
must refuse any other Sanic and notice when the code it wraps changes; its framing checks on their own; and it
must survive Sanic's start-up recompilation (TouchUp). tests/security/test_framing.py sends the malformed
requests to the real servers."""

from __future__ import annotations

import hashlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
import sanic
from sanic.compat import Header
from sanic.exceptions import InvalidUsage, PayloadTooLarge

from serving.action_server import http_framing as load_http_framing

ROOT = Path(__file__).resolve().parents[2]
framing = load_http_framing()  # without serving/patches/__init__.py (and Rasa), as the action server loads it


@pytest.mark.parametrize("path", list(framing.SANIC_SOURCES))
def test_the_sanic_code_the_patch_wraps_is_the_code_it_was_written_against(path: str) -> None:
    """A Sanic upgrade (or a hand-edited install) that changes one of these must fail here: read the new code
    against the patch before updating the hash."""
    source = inspect.getsource(framing._sanic_function(path))
    assert hashlib.sha256(source.encode("utf-8")).hexdigest() == framing.SANIC_SOURCES[path], \
        f"{path} changed since serving/patches/http_framing.py was written"


def test_the_installed_sanic_is_the_pinned_one() -> None:
    assert sanic.__version__ == framing.PINNED_SANIC
    framing.check_sanic()


def test_install_refuses_another_sanic_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sanic, "__version__", "21.12.3")
    with pytest.raises(framing.SanicNotPinned, match=r"Sanic 21\.12\.3 is installed"):
        framing.install()


def test_install_refuses_changed_sanic_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(framing.SANIC_SOURCES, "sanic.http.Http.read", "0" * 64)
    with pytest.raises(framing.SanicNotPinned, match=r"sanic\.http\.Http\.read"):
        framing.install()


def _headers(*fields: tuple[str, str]) -> Header:
    """Headers as Sanic's parser leaves them: names lower-cased, values left-stripped."""
    return Header([(name.lower(), value.lstrip()) for name, value in fields])


BROWSER = (("host", "bot.example"), ("user-agent", "Mozilla/5.0"), ("accept", "*/*"),
           ("content-type", "application/json"), ("origin", "https://partner.example"))


@pytest.mark.parametrize("fields", [
    (),
    (("content-length", "42"),),
    (("content-length", "42"), ("content-length", "42")),  # one value twice: RFC 9110 allows it
    (("content-length", "0"),),
    (("content-length", "42 "),),
    (("transfer-encoding", "chunked"),),
    (("cookie", "a=1; b=2"), ("x-forwarded-for", "10.0.0.1, 10.0.0.2")),
])
def test_well_framed_heads_pass(fields: tuple[tuple[str, str], ...]) -> None:
    framing.check_framing(_headers(*BROWSER, *fields))


@pytest.mark.parametrize(("fields", "error"), [
    ((("content-length", "-1"),), InvalidUsage),
    ((("content-length", "+5"),), InvalidUsage),
    ((("content-length", "5_0"),), InvalidUsage),
    ((("content-length", "abc"),), InvalidUsage),
    ((("content-length", "١٢"),), InvalidUsage),  # int() reads Arabic-Indic digits
    ((("content-length", "5, 5"),), InvalidUsage),
    ((("content-length", "5"), ("content-length", "50")), InvalidUsage),
    ((("content-length", "9" * 19),), PayloadTooLarge),
    ((("content-length", "9" * 5000),), PayloadTooLarge),
    ((("content-length", "5"), ("transfer-encoding", "chunked")), InvalidUsage),
    ((("transfer-encoding", "gzip"),), InvalidUsage),
    ((("transfer-encoding", "gzip, chunked"),), InvalidUsage),
    ((("transfer-encoding", "chunked"), ("transfer-encoding", "chunked")), InvalidUsage),
    ((("content-length ", "5"),), InvalidUsage),  # "Content-Length : 5": Sanic would ignore it
    ((("x-a", "1\nContent-Length: 5"),), InvalidUsage),
    ((("x-a", "1\x00"),), InvalidUsage),
    (tuple((f"x{i}", "1") for i in range(framing.MAX_HEADER_FIELDS)), PayloadTooLarge),
])
def test_misframed_heads_are_refused(fields: tuple[tuple[str, str], ...], error: type[Exception]) -> None:
    with pytest.raises(error):
        framing.check_framing(_headers(*BROWSER, *fields))


@pytest.mark.parametrize(("line", "size"), [(b"0", 0), (b"1a", 26), (b"1A;name=value", 26), (b"f" * 16, 16**16 - 1)])
def test_chunk_sizes_in_hex(line: bytes, size: int) -> None:
    assert framing.chunk_size(line) == size


@pytest.mark.parametrize("line", [b"", b"0x1a", b"+1a", b"-1", b" 1a", b"1a ", b"1_0", b"zz", b"f" * 17])
def test_malformed_chunk_sizes_are_refused(line: bytes) -> None:
    with pytest.raises(InvalidUsage):
        framing.chunk_size(line)


TOUCHUP = """
import sanic.config
from sanic import Sanic
from sanic.http import Http
from sanic.touchup import TouchUp
from serving.action_server import http_framing

framing = http_framing()
framing.install()
framing.install()  # idempotent
app = Sanic("framing_touchup")
assert app.config.REQUEST_TIMEOUT == framing.DEFAULT_REQUEST_TIMEOUT, app.config.REQUEST_TIMEOUT
TouchUp.run(app)
assert Http.read is framing._read and Http.http1_request_header is framing._request_header
for name in ("read", "http1_request_header"):
    compiled = getattr(Http, "_debt_coach_sanic_" + name)
    # compiled by TouchUp from Sanic's source (file name = method name), without the unused signal dispatch
    assert compiled.__code__.co_filename == name and "dispatch" not in compiled.__code__.co_names, name
try:
    del Http._debt_coach_framing  # as if install() came first after an app had started
    framing.install()
except RuntimeError as error:
    assert "before a Sanic app starts" in str(error)
else:
    raise AssertionError("install() after TouchUp ran")
print("ok")
"""


def test_sanic_start_up_compiles_the_originals_and_keeps_the_wrappers() -> None:
    """TouchUp recompiles the methods registered on ``Http`` at every app start; the patch moves Sanic's
    originals under new names for it, so the wrappers stay in place (run in a fresh process: it changes
    Sanic's classes)."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "SANIC_NO_UVLOOP": "true"}
    done = subprocess.run([sys.executable, "-c", TOUCHUP], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]
