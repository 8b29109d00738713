"""Correcting what was read, in a real browser (Debian's Chromium) against the real servers: the words a note was
read from are marked and what could not be placed is named; a fact corrected in place shows the change and marks
the drafts out of date until one click rewrites them; the caller's region is chosen beside the bot's reading; a
letter has a copy and a download button. At 360 and 1280 px."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_console_accounts import make_team, sign_in, staff_say


def no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_an_edit_in_place_marks_the_drafts_out_of_date(new_page, channel_servers, staff_token, screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    for width, height in ((1280, 900), (360, 780)):
        page = new_page(width, height)
        sign_in(page, base, team["li"])
        expect(page.locator("#app")).to_be_visible()
        staff_say(page, "借款人欠招商银行信用卡35000，逾期两个月，每个月能还1500，催收说这周要上门 还打给她弟弟，"
                        "家里的狗也被吓到了")
        note = page.locator(".msg.user").last
        expect(note.locator("mark").first).to_contain_text("招商银行")
        expect(note.locator("mark").first).to_have_attribute("title", "读作：机构")
        expect(note.locator(".read-facts")).to_contain_text("欠款金额 35,000 元")
        expect(note.locator(".read-missed")).to_contain_text("家里的狗也被吓到了")  # nothing read from it
        expect(note.locator(".read-missed")).not_to_contain_text("弟弟")  # a third party contacted: read
        expect(page.locator(".draft")).not_to_have_count(0)
        expect(page.locator("#stale")).to_be_hidden()

        page.get_by_role("button", name=re.compile(r"^改\s*「欠款金额」$")).click()
        field = page.get_by_label("欠款金额（元）")
        expect(field).to_have_value("35000")
        field.fill("53000")
        page.get_by_role("button", name="保存", exact=True).click()
        amount = page.locator("#facts dd").filter(has_text="53,000 元")
        expect(amount.locator(".was")).to_have_text("35,000 元")
        expect(page.locator("#stale")).to_be_visible()
        expect(page.locator("#stale-text")).to_contain_text("欠款金额：35,000 元 → 53,000 元")
        expect(page.locator(".draft.stale").first).to_contain_text("已过时")
        expect(page.locator(".msg.notice").last).to_contain_text("李娜 改了 欠款金额：35,000 元 → 53,000 元")
        no_sideways_scroll(page, width)
        page.locator("#stale").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"console-edit-stale-{width}.png"))

        page.get_by_role("button", name="按新情况重写草稿").click()
        expect(page.locator("#stale")).to_be_hidden(timeout=60_000)
        expect(page.locator(".draft[data-kind='case_summary']")).to_contain_text("53,000 元")
        expect(page.locator(".draft.stale")).to_have_count(0)

        # threats the bot did not read: added in place, with the box of kinds
        page.get_by_role("button", name=re.compile(r"^改\s*「催收方式」$")).click()
        page.get_by_label("联系家人、同事等第三方").check()
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator("#threats")).to_contain_text("联系家人、同事等第三方")
        page.locator("#facts").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"console-edit-facts-{width}.png"))


def test_the_region_selector_and_the_letters(new_page, channel_servers, staff_token, screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    for width, height in ((1280, 900), (360, 780)):
        page = new_page(width, height)
        sign_in(page, base, team["li"])
        expect(page.locator("#app")).to_be_visible()
        staff_say(page, "借款人欠借呗两万，催收昨天打电话到她单位骂人")
        staff_say(page, "帮借款人写投诉信")
        letters = page.locator("#letters .letter")
        expect(letters.first).to_be_visible(timeout=60_000)
        first = letters.first
        expect(first.get_by_role("button", name="复制「")).to_be_visible()
        with page.expect_download() as got:
            first.locator("button", has_text="下载").click()
        assert got.value.suggested_filename.startswith("letter-") and got.value.suggested_filename.endswith(".docx")
        first.locator("button", has_text="复制").click()
        expect(first.locator("button", has_text="已复制")).to_be_visible()
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"console-edit-letters-{width}.png"))
        page.get_by_role("button", name="新个案").click()
        staff_say(page, "借款人欠国泰世华信用卡八万")
        expect(page.locator("#region-hint")).to_contain_text("助手判断：内地")
        page.get_by_label("来电人所在地").select_option("tw")
        expect(page.locator("#work-message")).to_contain_text("地区已设为台湾")
        expect(page.locator("#region-hint")).to_contain_text("已由坐席设定，按台湾的规则回答")
        staff_say(page, "借款人问催收天天打电话骚扰，该去哪里投诉")
        reply = page.locator(".msg.bot").filter(has_text="1998")
        expect(reply.first).to_be_visible()
        expect(page.locator("#log")).not_to_contain_text("12378")
        no_sideways_scroll(page, width)
        if width < 900:  # the panel is below the conversation: show the selector with its hint
            page.locator("#work-title").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"console-edit-region-{width}.png"))

