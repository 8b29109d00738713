"""The production profile (serving/prod.py) under faults: ONE stack per pytest session (PostgreSQL, Redis, the
action server with 2 workers, 2 Rasa processes, nginx; free loopback ports, a temporary folder), shared by the
tests in the order of test_faults.py (the one that kills a Rasa process runs last).

Skipped, with the reason, only when the Debian packages postgresql / redis-server / nginx are not installed
(`make test-prod` and .ci/run install them as root)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from serving.prod import Ports, ProdStack, missing_packages
from serving.servers import MODEL


@pytest.fixture(scope="session")
def stack() -> Iterator[ProdStack]:
    missing = missing_packages()
    if missing:
        pytest.skip("production-profile tests need: apt-get install " + " ".join(missing))
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    # Not under pytest's tmp folder: another pytest session of the same user makes that 0700 again, and the
    # postgres user (when run as root) would lose its way to the data folder.
    base = Path(tempfile.mkdtemp(prefix="debt-coach-prod-"))
    try:
        with ProdStack(base / "prod", Ports.free(2), action_workers=2).running() as s:
            yield s
    finally:
        shutil.rmtree(base, ignore_errors=True)
