"""Real servers on loopback: the action server and Rasa with the trained model and a temporary SQLite
tracker store. Nothing is mocked; tests talk HTTP to the same processes `make run` starts."""

from __future__ import annotations

from typing import Iterator

import pytest

from serving.servers import MODEL, Servers, texts

__all__ = ["Servers", "texts"]


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    s = Servers(tmp_path_factory.mktemp("servers"))
    try:
        s.start_actions()
        s.start_rasa()
        yield s
    finally:  # also when a server never came up: no orphan processes
        s.stop_rasa()
        s.stop_actions()
