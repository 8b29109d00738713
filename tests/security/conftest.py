"""The findings of the adversarial probe of 2026-11-28, each reproduced against the real servers and
shown closed. The servers are the shared ``channel_servers`` of tests/conftest.py (the action server and Rasa as
``make run`` starts them, with a staff token, WeCom settings, one partner origin and a declared proxy header), so
`make http` runs tests/http and tests/security on one pair of processes. Helpers: tests/security/helpers.py."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from tests.security.helpers import Browser


@pytest.fixture
def browser(channel_servers) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """browser(origin=None, client=None) → a connected widget client; all closed after the test."""
    opened: list[Browser] = []

    def make(origin: str | None = None, client: str | None = None) -> Browser:
        b = Browser(channel_servers.base, origin, client)
        opened.append(b)
        return b

    yield make
    for b in opened:
        try:
            b.close()
        except Exception:
            pass
