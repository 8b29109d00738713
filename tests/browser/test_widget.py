"""The borrower widget in a real browser against the real bot: the demo page embeds it with one script tag."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

ROOT = "document.querySelector('#debt-coach-widget').shadowRoot"
INSTALLMENT_FLOW = ["想申请分期", "欠招行信用卡三万二", "逾期两个月", "失业了，没收入", "每月能还一千五"]


def open_widget(new_page, base: str, width: int = 1280, height: int = 800) -> Page:  # type: ignore[no-untyped-def]
    page = new_page(width, height)
    page.goto(base + "/webhooks/web/")
    expect(page.locator(".conn-label")).to_have_text("在线")
    return page


def bot_count(page: Page) -> int:
    return page.evaluate(f"() => {ROOT}.querySelectorAll('.msg.bot').length")


def say(page: Page, text: str) -> None:
    """Type into the widget, press Enter, wait until the bot has answered and stopped typing."""
    before = bot_count(page)
    box = page.get_by_label("输入消息（回车发送，Shift+回车换行）")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        f"n => {ROOT}.querySelectorAll('.msg.bot').length > n && {ROOT}.querySelector('.typing').hidden",
        arg=before, timeout=60_000)


def log_text(page: Page) -> str:
    return page.locator(".log").inner_text()


def test_threat_message_gets_answer_with_typing_and_quick_replies(new_page, channel_servers, screenshots):
    page = open_widget(new_page, channel_servers.base)
    expect(page.get_by_role("note", name="隐私提示")).to_contain_text("不要发送身份证号、银行卡号")
    page.evaluate(f"""() => {{ const t = {ROOT}.querySelector('.typing'); window.__typingSeen = false;
        new MutationObserver(() => {{ if (!t.hidden) window.__typingSeen = true; }})
          .observe(t, {{attributes: true}}); }}""")
    say(page, "催收说明天要上门")
    assert page.evaluate("() => window.__typingSeen"), "typing indicator never shown"
    user = page.locator(".msg.user").last
    expect(user).to_have_text(re.compile("催收说明天要上门"))
    expect(page.locator(".msg.bot").filter(has_text="110").first).to_be_visible()
    chips = page.get_by_role("group", name="快捷回复").get_by_role("button")
    expect(chips.first).to_be_visible()
    assert chips.count() >= 2
    page.screenshot(path=str(screenshots / "widget-1280.png"))

    # quick reply: the title is shown, the payload reaches Rasa (the form starts and asks the first question)
    before = bot_count(page)
    chips.filter(has_text="好，开始").click()
    page.wait_for_function(f"n => {ROOT}.querySelectorAll('.msg.bot').length > n", arg=before)
    expect(page.locator(".msg.user").last).to_have_text(re.compile("好，开始"))
    expect(page.locator(".msg.bot").last).to_contain_text("哪家机构")


def test_installment_flow_draft_copy_and_reload(new_page, channel_servers, screenshots):
    page = open_widget(new_page, channel_servers.base, 360, 740)
    panel = page.locator("#dc-panel").bounding_box()
    assert panel and panel["width"] <= 360 and panel["x"] >= 0, panel  # full width on a phone, no overflow
    for text in INSTALLMENT_FLOW:
        say(page, text)
    expect(page.locator(".draft").first).to_be_visible()
    phone = page.locator(".draft", has=page.get_by_role("heading", name="电话协商话术"))
    expect(phone).to_contain_text("招商银行")
    expect(page.locator(".log")).to_contain_text("每期 1,455 元")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "widget-draft-360.png"))

    copy = phone.get_by_role("button", name="复制「电话协商话术」")
    copy.click()
    expect(copy).to_have_text("已复制")
    clip = page.evaluate("() => navigator.clipboard.readText()")
    assert clip.startswith("通话前") and "32,000 元" in clip and "【" not in clip[:1]

    # expand a long draft with the keyboard
    more = phone.get_by_role("button", name="展开全文")
    more.focus()
    page.keyboard.press("Enter")
    expect(phone.get_by_role("button", name="收起")).to_have_attribute("aria-expanded", "true")

    session = page.evaluate("() => window.DebtCoachWidget.sessionId")
    drafts_before = page.locator(".draft").count()
    page.reload()
    expect(page.locator(".conn-label")).to_have_text("在线")
    assert page.evaluate("() => window.DebtCoachWidget.sessionId") == session
    expect(page.locator(".msg.user").filter(has_text="欠招行信用卡三万二")).to_have_count(1)
    expect(page.locator(".draft")).to_have_count(drafts_before)
    expect(page.get_by_role("heading", name="书面协商申请")).to_be_visible()
    page.get_by_role("button", name="知道了").click()
    page.locator(".log").evaluate("el => el.scrollTop = 0")
    page.screenshot(path=str(screenshots / "widget-360.png"))


def test_several_debts_overview_and_a_collapsed_card_per_lender(new_page, channel_servers, screenshots):
    page = open_widget(new_page, channel_servers.base, 360, 740)
    for text in ["借呗2万，微粒贷1万5，招行信用卡3万，每个月只能拿出2000", "逾期两个月", "失业了"]:
        say(page, text)
    overview = page.locator(".draft", has=page.get_by_role("heading", name="欠款清单和还款方案"))
    expect(overview).to_contain_text("3 家，合计 65,000 元")
    cards = page.locator(".lender-card")
    expect(cards).to_have_count(3)
    card = cards.filter(has=page.get_by_role("heading", name=re.compile("^微粒贷：每月")))
    toggle = card.get_by_role("button", name="展开")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(card.locator(".lender-body")).to_be_hidden()  # collapsed by default: the list stays readable
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="知道了").click()
    cards.first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "widget-several-debts-360.png"))

    toggle.click()
    expect(card.get_by_role("button", name="收起")).to_have_attribute("aria-expanded", "true")
    expect(card.get_by_role("heading", name="电话协商话术")).to_be_visible()
    copy = card.get_by_role("button", name="复制「微粒贷 · 书面协商申请」")
    copy.click()
    expect(copy).to_have_text("已复制")
    clip = page.evaluate("() => navigator.clipboard.readText()")
    assert clip.startswith("协商还款申请") and "另欠其他 2 家机构，合计欠款 65,000 元" in clip
    card.get_by_role("heading", name="电话协商话术").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "widget-lender-card-360.png"))


def test_html_is_shown_as_text_and_never_runs(new_page, channel_servers):
    page = open_widget(new_page, channel_servers.base)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    payload = "<img src=x onerror=alert(1)>"
    say(page, payload)
    expect(page.locator(".msg.user .bubble").last).to_have_text(payload)
    assert page.evaluate(f"() => {ROOT}.querySelectorAll('.log img, .log script').length") == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    page.reload()  # history from the server is rendered as text too
    expect(page.locator(".msg.user .bubble").filter(has_text=payload)).to_have_count(1)
    assert page.evaluate(f"() => {ROOT}.querySelectorAll('.log img').length") == 0
    assert dialogs == []


def test_dropped_connection_shows_notice_and_reconnects(new_page, channel_servers):
    page = open_widget(new_page, channel_servers.base)
    say(page, "你好")
    page.evaluate("() => window.DebtCoachWidget.socket.io.engine.close()")  # the transport drops
    banner = page.locator(".banner")
    expect(banner).to_contain_text(re.compile("连接已断开|已重新连接"))
    expect(banner).to_have_text("已重新连接")
    expect(page.locator(".conn-label")).to_have_text("在线")
    say(page, "逾期有什么后果")
    expect(page.locator(".msg.user")).to_have_count(2)  # the history was re-rendered once, not duplicated


def test_keyboard_only_open_and_close(new_page, channel_servers):
    page = new_page(1280, 800)
    page.goto(channel_servers.base + "/webhooks/web/")
    expect(page.get_by_role("dialog", name="债务协商助手")).to_be_visible()
    page.keyboard.press("Escape")
    launcher = page.get_by_role("button", name="债务协商助手")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.get_by_label("输入消息（回车发送，Shift+回车换行）")).to_be_focused()


def test_one_script_tag_on_another_origin(new_page, channel_servers, partner_origin, tmp_path):
    """A partner page on a different origin, allowed in the configuration (``--cors``), embeds the widget with
    the one script tag and chats."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>合作方</title></head><body>'
        f'<h1>合作方网站</h1><script src="{channel_servers.base}/webhooks/web/widget.js" async></script>'
        "</body></html>", encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[assignment]
    partner = ThreadingHTTPServer(("127.0.0.1", partner_origin[1]), handler)
    threading.Thread(target=partner.serve_forever, daemon=True).start()
    try:
        page = new_page(1280, 800)
        page.goto(f"{partner_origin[0]}/index.html")
        launcher = page.get_by_role("button", name="债务协商助手")
        expect(launcher).to_be_visible()
        launcher.click()
        expect(page.locator(".conn-label")).to_have_text("在线")
        say(page, "催收天天打电话怎么办")
        assert bot_count(page) >= 2
    finally:
        partner.shutdown()
        partner.server_close()
