"""A real redis-server for the unit tests of what the production profile keeps in Redis (replay records, the
lock store retention waits on): a throwaway server on a free loopback port, with a password as in production."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from serving.servers import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@dataclass(frozen=True)
class RedisServer:
    port: int
    password: str
    host: str = "127.0.0.1"

    def url(self, db: int) -> str:
        return f"redis://:{self.password}@{self.host}:{self.port}/{db}"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """redis-server on 127.0.0.1 (no persistence), stopped after the session; skipped when not installed."""
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    server = RedisServer(free_port(), "unit-test-redis-pw")
    proc = subprocess.Popen([REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(server.port), "--save", "",
                             "--appendonly", "no", "--requirepass", server.password,
                             "--dir", str(tmp_path_factory.mktemp("redis"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.StrictRedis(host=server.host, port=server.port, password=server.password, socket_timeout=1)
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
