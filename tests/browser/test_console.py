"""The hotline staff console in a real browser: refused without the staff token, case summary with it."""

from __future__ import annotations

import re

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


def test_console_opens_from_the_link_make_run_prints(new_page, channel_servers, staff_token):
    """`make run` prints …/console#token=…: the console opens without the token typed, keeps it for the tab only,
    and takes it out of the address bar (a fragment never reaches the server, its logs or a Referer)."""
    from serving.servers import console_url

    page = new_page(1280, 800)
    page.goto(console_url("127.0.0.1", channel_servers.rasa_port, staff_token))
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#case-id")).to_have_text(re.compile(r"^staff-[0-9a-f]{16}$"))
    assert "token" not in page.url
    assert page.evaluate("() => sessionStorage.getItem('debtCoach.staffToken')") == staff_token
    staff_say(page, "催收说明天要上门")
    expect(page.locator("#threats")).to_contain_text("上门催收")

    wrong = new_page(1280, 800)
    wrong.goto(console_url("127.0.0.1", channel_servers.rasa_port, "not-the-token"))
    expect(wrong.get_by_role("alert")).to_contain_text("员工令牌不正确")
    assert "token" not in wrong.url
    assert wrong.evaluate("() => sessionStorage.getItem('debtCoach.staffToken')") is None


def test_console_pins_the_crisis_protocol_for_the_callers_region(new_page, channel_servers, screenshots, staff_token):
    """An adviser types that a Hong Kong caller has taken pills: the console pins the protocol above the case (the
    adviser's steps, then the words for the caller with Hong Kong's numbers, 999 first) and keeps it in view while
    the case panel scrolls; no mainland line in it."""
    from serving.servers import console_url

    page = new_page(1280, 900)
    page.goto(console_url("127.0.0.1", channel_servers.rasa_port, staff_token))
    expect(page.locator("#app")).to_be_visible()
    staff_say(page, "借款人在香港 欠咗財務公司十幾萬")
    staff_say(page, "她说已经吃了安眠药")
    crisis = page.locator("#crisis")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("不要挂断")
    expect(crisis).to_contain_text("主管")
    expect(page.locator("#crisis-steps")).to_contain_text("999")
    tell = page.locator("#crisis-tell")
    expect(tell).to_contain_text("999")
    expect(tell).to_contain_text("18111")
    assert "12356" not in crisis.inner_text()
    tell_text = tell.inner_text()
    assert tell_text.index("999") < tell_text.index("18111")  # emergency first for an act under way
    # the protocol stays in view when the case panel scrolls
    page.locator("aside.case").evaluate("el => el.scrollTop = el.scrollHeight")
    box = crisis.bounding_box()
    panel = page.locator("aside.case").bounding_box()
    assert box is not None and panel is not None and panel["y"] - 1 <= box["y"] <= panel["y"] + 30
    page.locator("aside.case").evaluate("el => el.scrollTop = 0")
    page.screenshot(path=str(screenshots / "console-crisis-1280.png"))
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    expect(page.locator("#crisis")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.locator("#crisis").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "console-crisis-360.png"))
