"""Issue 15 in a real browser: the widget shows the download links after the letters, and a click downloads the
borrower's own file (a .docx that opens with the complaint in it)."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect

from tests.browser.test_widget import open_widget, say


def test_widget_downloads_the_letters_as_docx(new_page, channel_servers, tmp_path, screenshots):
    from docx import Document

    page = open_widget(new_page, channel_servers.base)
    for text in ("我欠招商银行信用卡三万二", "记录一下：昨晚十一点多催收打电话骂我", "帮我写投诉信"):
        say(page, text)
    expect(page.locator(".draft", has=page.get_by_role("heading", name="投诉材料"))).to_be_visible()
    link = page.get_by_role("link", name="Word 文档")
    expect(link).to_have_attribute("href", re.compile(r"/webhooks/files/download/web-[^/]+/drafts\.docx\?exp=\d+&sig="))
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    expect(page.get_by_role("link", name="还款日历（含提醒）")).to_be_visible()
    page.screenshot(path=str(screenshots / "widget-downloads-1280.png"))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "debt-plan.docx"
    path = tmp_path / "plan.docx"
    download.save_as(path)
    text = "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "投诉材料（致招商银行信用卡中心" in text and "昨晚十一点多催收打电话骂我" in text
