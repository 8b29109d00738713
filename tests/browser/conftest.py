"""Playwright (Python) driving Debian's Chromium (/usr/bin/chromium; `apt-get install chromium`). No browser
download: `playwright install` is never run. The real servers come from tests/conftest.py (channel_servers)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` (make browser-test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, channel_servers):  # type: ignore[no-untyped-def]
    """new_page(width, height) → a page in a fresh context (own localStorage), clipboard allowed."""
    contexts = []

    def make(width: int = 1280, height: int = 800):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  device_scale_factor=1, is_mobile=width < 500, has_touch=width < 500)
        ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=channel_servers.base)
        ctx.set_default_timeout(30_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
