"""Waiting for a channel's answer that arrives later (the LINE, WhatsApp and WeCom fakes record it)."""

from __future__ import annotations

import time
from typing import Any, Callable


def wait_until(check: Callable[[], Any], timeout: float = 60) -> Any:
    """``check()`` once it is truthy; AssertionError after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the channel's reply")
