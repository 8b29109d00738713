"""The console's live-call help in a real browser (Debian's Chromium) against the real servers, at 360 and 1280 px:
each note ticks the checklist; what the collector said gets a line with a copy button; the call timer runs; the
wrap-up is saved and shown; each lender's status is in the case panel; 「模拟催收练习」 starts a practice call whose
collector lines are marked in the transcript."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from tests.browser.test_console_accounts import make_team, sign_in, staff_say


def no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def hotline_day(days: int) -> str:
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    return (now + datetime.timedelta(days=days)).isoformat()


def test_live_call_help_from_the_first_note_to_the_wrap_up(new_page, channel_servers, staff_token, screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    for width, height in ((1280, 900), (360, 780)):
        page = new_page(width, height)
        sign_in(page, base, team["li"])
        expect(page.locator("#app")).to_be_visible()
        checklist = page.locator("#checklist")
        expect(checklist).to_contain_text("先在左侧记下来电人的情况")  # a new case: nothing to tick yet

        # every note ticks what it told; the rest stays a question to ask
        staff_say(page, "借款人欠招商银行信用卡三万二")
        expect(checklist.locator("li[data-key='lender']")).to_have_class("done")
        expect(checklist.locator("li[data-key='debt_amount']")).to_contain_text("32,000 元")
        overdue = checklist.locator("li[data-key='overdue_days']")
        expect(overdue).to_have_class("open")
        expect(overdue).to_contain_text("逾期多久了？")
        staff_say(page, "逾期45天了，失业了，每个月最多能还一千")
        expect(overdue).to_have_class("done")
        expect(overdue).to_contain_text("45 天")
        expect(checklist.locator("li[data-key='affordable']")).to_contain_text("每月 1,000 元")

        # the lender's answer: its status in the case panel
        expect(page.locator("#outcomes")).to_contain_text("还没有机构的答复")
        staff_say(page, "招行说要先还30%")
        status = page.locator("#outcomes li[data-status='counter_offer']")
        expect(status).to_contain_text("招商银行")
        expect(status).to_contain_text("对方还价，我方已回复")

        # what the collector said → the line to relay, copied with one click
        page.get_by_label("催收说了什么").fill("今天必须还，再不还就上门，还要找你家人")
        page.get_by_role("button", name="给建议").click()
        cards = page.locator("#suggestions .suggestion")
        expect(cards).to_have_count(3)
        today = page.locator(".suggestion[data-kind='today']")
        expect(today.locator(".say")).to_contain_text("每月 1,000 元")
        expect(page.locator(".suggestion[data-kind='visit'] .why")).to_contain_text("行业规范")
        line = today.locator(".say").inner_text().strip("「」")
        today.get_by_role("button", name="复制「").click()
        expect(today.locator("button.copy")).to_have_text("已复制")
        assert page.evaluate("() => navigator.clipboard.readText()") == line
        # what the words show of the collector's methods goes into the case with one click: the checklist ticks
        threats = checklist.locator("li[data-key='threat_types']")
        expect(threats).to_have_class("open")
        page.get_by_role("button", name="把「上门催收、联系家人、同事等第三方」记入催收方式").click()
        expect(threats).to_have_class("done")
        expect(threats).to_contain_text("上门催收、联系家人、同事等第三方")
        expect(page.locator("#threats")).to_contain_text("上门催收")
        no_sideways_scroll(page, width)
        page.locator("#live-title").evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(screenshots / f"console-live-call-{width}.png"))

        # the call timer runs while the call does
        page.get_by_role("button", name="开始计时").click()
        expect(page.locator("#call-time")).not_to_have_text("00:00", timeout=10_000)
        page.get_by_role("button", name="停止计时").click()
        stopped = page.locator("#call-time").inner_text()
        assert stopped != "00:00"

        # the wrap-up is saved with the case and shown; a callback makes the case 待回访
        callback = hotline_day(3)
        page.get_by_label("已商定").fill("今晚在招商银行 App 里申请分期，每月 1,000 元")
        page.get_by_label("下一步").fill("回访确认银行是否书面答复")
        page.get_by_label("回访日期").fill(callback)
        page.get_by_role("button", name="保存小结").click()
        saved = page.locator("#wrapups .wrapup-text").last
        expect(saved).to_contain_text("已商定：今晚在招商银行 App 里申请分期")
        expect(saved).to_contain_text(f"回访日期：{callback}")
        expect(saved).to_contain_text("通话 0 分")
        expect(page.locator("#status")).to_have_value("waiting")
        page.reload()  # kept with the case
        expect(page.locator("#wrapups .wrapup-text").last).to_contain_text(f"回访日期：{callback}")
        expect(page.locator("#outcomes")).to_contain_text("对方还价")
        no_sideways_scroll(page, width)
        page.locator("#wrapup-title").evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(screenshots / f"console-wrapup-{width}.png"))

        # a practice call from the case panel: the collector's lines are marked as such
        page.get_by_role("button", name="模拟催收练习").click()
        collector = page.locator(".msg.collector").first
        expect(collector).to_be_visible(timeout=60_000)
        expect(collector.locator(".collector-tag")).to_contain_text("模拟催收")
        expect(collector.locator(".bubble")).to_contain_text("【催收】")
        expect(page.locator(".msg.collector")).to_have_count(1)  # the coach's words are not marked as the collector's
        no_sideways_scroll(page, width)
        collector.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"console-rehearsal-{width}.png"))

        # the case list finds the case by its callback date and shows it
        page.get_by_role("link", name="个案列表").click()
        page.get_by_label("回访到期").fill(callback)
        page.get_by_role("button", name="查找").click()
        expect(page.locator("#case-list .case-item").first).to_contain_text(f"回访 {callback}")
        expect(page.locator("#case-list .case-item").first).to_contain_text("待回访")
