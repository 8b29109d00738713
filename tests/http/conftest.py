"""Real servers on loopback: the action server and Rasa with the trained model and a temporary SQLite
tracker store. Nothing is mocked; tests talk HTTP to the same processes `make run` starts."""

from __future__ import annotations

from typing import Iterator

import pytest

from serving.servers import Servers, texts

__all__ = ["Servers", "texts"]


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with Servers(tmp_path_factory.mktemp("servers")).running() as s:
        yield s


@pytest.fixture(scope="module")
def team(channel_servers, staff_token):  # type: ignore[no-untyped-def]
    """Signed-in advisers and a supervisor of the staff console (tests/http/test_staff_accounts.py Team)."""
    from tests.http.test_staff_accounts import Team

    return Team(channel_servers.base, staff_token)
