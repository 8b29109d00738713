"""Rasa started the project's way never reports usage or crashes over the internet (serving/rasa_cli.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import contextlib, io, sys
from serving import rasa_cli
with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
    rasa_cli.main(["--version"])
from rasa import telemetry
print("telemetry", telemetry.is_telemetry_enabled())
"""


def test_telemetry_is_off_even_when_the_environment_turns_it_on() -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "true", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert "telemetry False" in out.stdout, out.stdout + out.stderr
