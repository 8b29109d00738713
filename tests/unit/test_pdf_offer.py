"""The PDF is offered only where it can be made: on a machine without the Chinese font (``fonts-wqy-microhei``
not installed, e.g. `make run` as a user who cannot apt-get) neither the bot's download message nor the staff
console's file list names drafts.pdf, whose link would only answer 「服务器缺少中文字体」."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import evidence
from coach import download_links, exports

DRAFTS = {"summary": "分 22 期，每期 1,455 元", "parts": [
    {"kind": "written_request", "title": "书面协商申请", "text": "协商还款申请\n致：招商银行信用卡中心"}]}


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOWNLOAD_SECRET", "k" * 32)


def no_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PDF_FONT", str(tmp_path / "no-such-font.ttc"))


def a_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A file where the font should be: all the offer looks at (the PDF itself is test_exports.py's)."""
    (tmp_path / "font.ttc").write_bytes(b"\0")
    monkeypatch.setenv("PDF_FONT", str(tmp_path / "font.ttc"))


def bot_downloads() -> tuple[str, list[dict[str, Any]]]:
    """What the bot sends after the drafts (actions/evidence.downloads), as text and as the widget's data."""
    latest = {"text": "帮我写个方案", "intent": {"name": "request_installment"}}
    tracker = Tracker("rest-alice", {"latest_drafts": DRAFTS}, latest, [{"event": "user", "text": "帮我写个方案"}],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    evidence.downloads(dispatcher, tracker)
    (message,) = dispatcher.messages
    return message["text"], message["custom"]["downloads"]


def console_downloads() -> list[str]:
    """The staff console's file list of a case with drafts (channels/files.staff_extras)."""
    from channels.files import staff_extras

    tracker = SimpleNamespace(slots={"latest_drafts": SimpleNamespace(name="latest_drafts", value=DRAFTS)},
                              events=[])
    return [d["name"] for d in staff_extras(tracker, "staff-abcdef12")["downloads"]]


def test_without_the_font_no_pdf_is_offered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    no_font(monkeypatch, tmp_path)
    assert not exports.pdf_possible()
    assert download_links.offered() == ("drafts.docx", "schedule.ics")
    text, items = bot_downloads()
    assert [i["name"] for i in items] == ["drafts.docx", "schedule.ics"]
    assert "PDF" not in text and "drafts.pdf" not in text and "Word 文档：/webhooks/files/download/" in text
    assert console_downloads() == ["drafts.docx", "schedule.ics"]


def test_with_the_font_the_pdf_is_offered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    a_font(monkeypatch, tmp_path)
    assert exports.font_path() == tmp_path / "font.ttc"
    text, items = bot_downloads()
    assert [i["name"] for i in items] == ["drafts.docx", "drafts.pdf", "schedule.ics"]
    assert "PDF：/webhooks/files/download/rest-alice/drafts.pdf?" in text
    assert console_downloads() == ["drafts.docx", "drafts.pdf", "schedule.ics"]


def test_pdf_font_names_the_only_font_tried(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PDF_FONT set: the usual places are not searched (a machine with the font can run as one without)."""
    no_font(monkeypatch, tmp_path)
    monkeypatch.setattr(exports, "FONT_CANDIDATES", (Path(__file__),))
    with pytest.raises(exports.FontMissing):
        exports.font_path()
    monkeypatch.delenv("PDF_FONT")
    assert exports.font_path() == Path(__file__)
