"""The hotline staff console in a real browser: refused without the staff token, case summary with it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

STAFF_FLOW = ["催收说明天要上门", "借款人想申请分期", "欠招行信用卡三万二", "逾期两个月", "失业了，没收入",
              "每月能还一千五"]


def staff_say(page: Page, text: str) -> None:
    before = page.locator(".msg.bot").count()
    box = page.get_by_label("输入消息（回车发送，Shift+回车换行）")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.msg.bot').length > n && document.getElementById('typing').hidden",
        arg=before, timeout=60_000)


def test_console_refuses_without_token(new_page, channel_servers, screenshots):
    page = new_page(1280, 800)
    page.goto(channel_servers.base + "/webhooks/staff/console")
    expect(page.get_by_role("alert")).to_contain_text("需要员工凭证")
    expect(page.locator("#app")).to_be_hidden()
    page.get_by_label("员工令牌").fill("wrong-token")
    page.get_by_role("button", name="进入控制台").click()
    expect(page.get_by_role("alert")).to_contain_text("员工令牌不正确")
    expect(page.locator("#app")).to_be_hidden()
    page.screenshot(path=str(screenshots / "console-login-1280.png"))


def test_console_shows_case_summary_with_token(new_page, channel_servers, screenshots, staff_token):
    page = new_page(1280, 900)
    page.goto(channel_servers.base + "/webhooks/staff/console")
    page.get_by_label("员工令牌").fill(staff_token)
    page.get_by_role("button", name="进入控制台").click()
    expect(page.locator("#app")).to_be_visible()
    for text in STAFF_FLOW:
        staff_say(page, text)
    facts = page.locator("#facts")
    expect(facts).to_contain_text("招商银行")
    expect(facts).to_contain_text("32,000 元")
    expect(facts).to_contain_text("60 天")
    expect(facts).to_contain_text("1,500 元")
    expect(page.locator("#threats")).to_contain_text("上门催收")
    expect(page.locator("#plan")).to_contain_text("每期 1,455 元")
    drafts = page.locator("#drafts .draft")
    assert drafts.count() >= 4
    expect(page.locator("#drafts")).to_contain_text("个案摘要")
    expect(page.locator("#next li").first).not_to_have_text("暂无")
    copy = page.get_by_role("button", name="复制「书面协商申请」")
    copy.click()
    expect(copy).to_have_text("已复制")
    assert "协商还款申请" in page.evaluate("() => navigator.clipboard.readText()")
    page.locator("aside.case").evaluate("el => el.scrollTop = 0")
    page.screenshot(path=str(screenshots / "console-1280.png"))

    # same case after a reload (token kept for the tab, case id in the URL), and at phone width
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    expect(page.locator("#facts")).to_contain_text("招商银行")
    expect(page.locator(".msg.user").filter(has_text="欠招行信用卡三万二")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "console-360.png"), full_page=True)


def test_console_shows_the_list_of_debts_and_each_lenders_drafts(new_page, channel_servers, staff_token):
    page = new_page(1280, 900)
    page.goto(channel_servers.base + "/webhooks/staff/console")
    page.get_by_label("员工令牌").fill(staff_token)
    page.get_by_role("button", name="进入控制台").click()
    expect(page.locator("#app")).to_be_visible()
    for text in ["借款人欠招行信用卡3万、微粒贷1万5，每月能还1500", "逾期三个月", "生病住院"]:
        staff_say(page, text)
    facts = page.locator("#facts")
    expect(facts).to_contain_text("欠款（2 家）")
    expect(facts).to_contain_text("招商银行 30,000 元；微粒贷 15,000 元")
    expect(facts).to_contain_text("45,000 元")
    expect(page.locator("#drafts")).to_contain_text("欠款清单和还款方案")
    copy = page.get_by_role("button", name="复制「微粒贷 · 电话协商话术」")
    copy.click()
    expect(copy).to_have_text("已复制")
    assert "贵平台这一份是每月" in page.evaluate("() => navigator.clipboard.readText()")
