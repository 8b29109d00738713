"""Adviser accounts and the case workspace in a real browser (Debian's Chromium) against the real servers:
sign-in and lock-out, a supervisor reading the audit log with the advisers' names, the case list and its search,
notes, and two callers in two tabs of one signed-in browser."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.http.test_staff_accounts import PASSWORD, call

CONSOLE = "/webhooks/staff/console"


def unique(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}"


def make_team(base: str, staff_token: str) -> dict[str, str]:
    """A supervisor (operator's token) and two advisers (the supervisor's session), over the API."""
    team = {"boss": unique("zhou"), "li": unique("li"), "wu": unique("wu")}
    status, body = call(base, "POST", "api/accounts", {"login": team["boss"], "name": "周主管", "role": "supervisor",
                                                       "password": PASSWORD}, token=staff_token)
    assert status == 201, body
    boss = call(base, "POST", "api/session", {"login": team["boss"], "password": PASSWORD})[1]["token"]
    for key, name in (("li", "李娜"), ("wu", "吴琪")):
        status, body = call(base, "POST", "api/accounts", {"login": team[key], "name": name, "role": "adviser",
                                                           "password": PASSWORD}, token=boss)
        assert status == 201, body
    return team


def sign_in(page: Page, base: str, login: str, password: str = PASSWORD) -> None:
    page.goto(base + CONSOLE)
    page.locator("#login-name").fill(login)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def staff_say(page: Page, text: str) -> None:
    before = page.locator(".msg.bot").count()
    box = page.get_by_label("输入消息（回车发送，Shift+回车换行）")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.msg.bot').length > n && document.getElementById('typing').hidden",
        arg=before, timeout=60_000)


def test_sign_in_wrong_password_and_lock_out(new_page, channel_servers, staff_token, screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    page = new_page(1280, 800)
    sign_in(page, base, team["wu"], "not-the-password")
    expect(page.locator("#auth-error")).to_contain_text("账号或密码不正确")
    expect(page.locator("#app")).to_be_hidden()
    for n, expected in enumerate([401, 401, 401, 423, 423]):
        page.locator("#password").fill(f"guess-{n}-wrong" if n < 4 else PASSWORD)  # the last one is right
        with page.expect_response(lambda r: r.url.endswith("/api/session")) as answer:
            page.get_by_role("button", name="登录", exact=True).click()
        assert answer.value.status == expected
        expect(page.locator("#auth-error")).to_contain_text("已暂时锁定" if expected == 423 else "账号或密码不正确")
    # locked: the right password did not open it
    expect(page.locator("#app")).to_be_hidden()
    page.screenshot(path=str(screenshots / "console-lockout-1280.png"))

    sign_in(page, base, team["li"])
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#who")).to_have_text("李娜 · 坐席")
    expect(page.locator("#nav-audit")).to_be_hidden()  # an adviser is not offered the audit log …
    page.goto(base + CONSOLE + "#audit")  # … and the server refuses it when asked anyway
    page.reload()
    expect(page.locator("#audit-error")).to_contain_text("只有主管")
    expect(page.locator("#audit-table tbody tr")).to_have_count(0)

    phone = new_page(360, 780)
    sign_in(phone, base, team["boss"], "wrong-password-x")
    expect(phone.locator("#auth-error")).to_contain_text("账号或密码不正确")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "console-signin-360.png"))


def test_a_supervisor_reads_the_audit_log_with_the_advisers_names(new_page, channel_servers, staff_token,
                                                                   screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    page = new_page(1280, 900)
    sign_in(page, base, team["li"])
    expect(page.locator("#app")).to_be_visible()
    case = page.locator("#case-id").inner_text()
    staff_say(page, "借款人欠招行信用卡三万二，逾期两个月")
    expect(page.locator("#facts")).to_contain_text("招商银行")
    # a note typed into the message box is kept as a note and answered as one
    staff_say(page, "坐席备注：借款人情绪稳定")
    expect(page.locator(".msg.bot").last).to_contain_text("已记为坐席备注")
    page.locator("#note-input").fill("已约周五下午回访")
    page.get_by_role("button", name="保存备注").click()
    expect(page.locator("#notes")).to_contain_text("李娜：已约周五下午回访")
    expect(page.locator("#notes")).to_contain_text("借款人情绪稳定")
    expect(page.locator("#holder")).to_contain_text("负责坐席：李娜")

    boss = new_page(1280, 900)
    sign_in(boss, base, team["boss"])
    expect(boss.locator("#nav-audit")).to_be_visible()
    boss.get_by_role("link", name="审计日志").click()
    rows = boss.locator("#audit-table tbody tr").filter(has_text=case)
    expect(rows.filter(has_text="写备注")).to_have_count(2)
    expect(rows.filter(has_text="记录对话").first).to_contain_text("李娜（坐席）")
    expect(boss.locator("#audit-table")).not_to_contain_text("未署名")
    boss.screenshot(path=str(screenshots / "console-audit-1280.png"))
    boss.get_by_role("link", name="账号管理").click()
    expect(boss.locator("#account-list")).to_contain_text(team["wu"])
    boss.locator("#a-login").fill(unique("sun"))
    boss.locator("#a-name").fill("孙悦")
    boss.locator("#a-password").fill("sun-yue-initial-pass")
    boss.get_by_role("button", name="创建账号").click()
    expect(boss.locator("#account-message")).to_contain_text("已创建：孙悦")
    expect(boss.locator("#account-list")).to_contain_text("孙悦")


def test_the_case_list_search_and_opening_by_click(new_page, channel_servers, staff_token, screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    li = call(base, "POST", "api/session", {"login": team["li"], "password": PASSWORD})[1]["token"]
    wu = call(base, "POST", "api/session", {"login": team["wu"], "password": PASSWORD})[1]["token"]
    cases = {}
    for key, token, text in (("weilidai", li, "借款人欠微粒贷一万五，逾期两个月，失业了"),
                             ("hk", wu, "借款人在香港 欠咗財務公司十幾萬"),
                             ("jiebei", li, "借款人欠借呗两万，催收说要上门")):
        cases[key] = call(base, "POST", "api/cases", token=token)[1]["conversation_id"]
        sent = {"conversation_id": cases[key], "message": text}
        assert call(base, "POST", "api/message", sent, token=token)[0] == 200

    page = new_page(1280, 900)
    sign_in(page, base, team["li"])
    expect(page.locator("#app")).to_be_visible()
    page.get_by_role("link", name="个案列表").click()
    expect(page.locator("#case-list")).to_contain_text(cases["hk"])
    page.get_by_label("我的个案").check()
    expect(page.locator("#case-list")).not_to_contain_text(cases["hk"])
    expect(page.locator("#case-list")).to_contain_text(cases["jiebei"])
    page.get_by_label("机构").fill("微粒贷")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#case-list .case-item")).to_have_count(1)
    expect(page.locator("#cases-count")).to_contain_text("找到 1 个个案")
    page.screenshot(path=str(screenshots / "console-cases-1280.png"))
    page.get_by_role("link", name="微粒贷").click()
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#case-id")).to_have_text(cases["weilidai"])
    expect(page.locator("#facts")).to_contain_text("15,000 元")
    expect(page.locator(".msg.user")).to_contain_text("借款人欠微粒贷一万五")

    # hand it to 吴琪
    page.locator("#assignee").select_option(team["wu"])
    page.get_by_role("button", name="转交", exact=True).click()
    expect(page.locator("#work-message")).to_contain_text("已转交给吴琪")
    expect(page.locator("#holder")).to_contain_text("负责坐席：吴琪")

    # region and status filters; a typo in an id is answered as such
    page.get_by_role("link", name="个案列表").click()
    page.get_by_label("我的个案").uncheck()
    page.get_by_label("机构").fill("")
    page.get_by_label("地区").select_option("hk")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#case-list")).to_contain_text(cases["hk"])
    expect(page.locator("#case-list")).not_to_contain_text(cases["jiebei"])
    typo = cases["jiebei"][:-1] + ("0" if cases["jiebei"][-1] != "0" else "1")  # one hex digit mistyped
    page.get_by_label("按编号打开").fill(typo)
    page.get_by_role("button", name="打开", exact=True).click()
    expect(page.locator("#open-error")).to_contain_text("没有编号为")
    page.goto(base + CONSOLE + "#staff-nosuchcase0")
    page.reload()
    expect(page.locator("#case-error")).to_contain_text("没有编号为 staff-nosuchcase0 的个案")

    phone = new_page(360, 780)
    sign_in(phone, base, team["li"])
    expect(phone.locator("#app")).to_be_visible()
    phone.get_by_role("link", name="个案列表").click()
    expect(phone.locator("#case-list")).to_contain_text(cases["jiebei"])
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "console-cases-360.png"), full_page=True)


def test_two_callers_in_two_tabs_with_one_sign_in(new_page, channel_servers, staff_token, screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    first = new_page(1280, 900)
    sign_in(first, base, team["li"])
    expect(first.locator("#app")).to_be_visible()
    first_case = first.locator("#case-id").inner_text()
    staff_say(first, "借款人欠借呗两万，逾期三个月")

    second = first.context.new_page()  # another tab of the same browser: no second sign-in
    second.goto(base + CONSOLE)
    expect(second.locator("#app")).to_be_visible()
    expect(second.locator("#who")).to_have_text("李娜 · 坐席")
    second_case = second.locator("#case-id").inner_text()
    assert second_case != first_case
    staff_say(second, "借款人欠招行信用卡三万二，催收说明天要上门")
    expect(second.locator("#facts")).to_contain_text("招商银行")

    first.reload()  # each tab keeps its own caller
    expect(first.locator("#case-id")).to_have_text(first_case)
    expect(first.locator("#facts")).to_contain_text("借呗")
    expect(first.locator("#facts")).not_to_contain_text("招商银行")
    first.screenshot(path=str(screenshots / "console-tabs-1280.png"))

    second.set_viewport_size({"width": 360, "height": 780})
    second.reload()
    expect(second.locator("#facts")).to_contain_text("招商银行")
    assert second.evaluate("() => document.documentElement.scrollWidth") <= 360
    second.screenshot(path=str(screenshots / "console-tabs-360.png"))

    # signing out in one tab signs the other out too (one session for the browser, ended on the server)
    second.get_by_role("button", name="退出").click()
    expect(second.locator("#login")).to_be_visible()
    expect(first.locator("#login")).to_be_visible()
    staff_token_left = first.evaluate("() => localStorage.getItem('debtCoach.staffSession')")
    assert staff_token_left is None


def test_a_supervisor_deactivates_an_adviser_and_resets_a_password(new_page, channel_servers, staff_token,
                                                                    screenshots):
    base = channel_servers.base
    team = make_team(base, staff_token)
    li = new_page(1280, 800)
    sign_in(li, base, team["li"])
    expect(li.locator("#app")).to_be_visible()

    boss = new_page(1280, 900)
    boss.on("dialog", lambda dialog: dialog.accept())  # 「停用…？」「重置…？」
    sign_in(boss, base, team["boss"])
    expect(boss.locator("#app")).to_be_visible()
    boss.get_by_role("link", name="账号管理").click()
    expect(boss.get_by_role("button", name=f"停用 周主管（{team['boss']}）")).to_have_count(0)  # not oneself
    boss.get_by_role("button", name=f"停用 吴琪（{team['wu']}）").click()
    expect(boss.locator("#account-message")).to_contain_text("已停用：吴琪")
    expect(boss.locator("#account-list li").filter(has_text=team["wu"])).to_contain_text("已停用")
    expect(boss.get_by_role("button", name=f"启用 吴琪（{team['wu']}）")).to_be_visible()

    boss.get_by_role("button", name=f"重置 李娜（{team['li']}）的密码").click()
    expect(boss.locator("#temp-box")).to_be_visible()
    expect(boss.locator("#temp-text")).to_contain_text("李娜")
    expect(boss.locator("#temp-box").get_by_role("button", name="复制「临时密码」")).to_be_visible()
    temporary = boss.locator("#temp-password").inner_text()
    assert len(temporary) >= 12
    boss.screenshot(path=str(screenshots / "console-accounts-reset-1280.png"))
    boss.get_by_role("link", name="个案列表").click()  # shown once: leaving the page hides it
    boss.get_by_role("link", name="账号管理").click()
    expect(boss.locator("#temp-box")).to_be_hidden()
    expect(boss.locator("#temp-password")).to_have_text("")

    wu = new_page(1280, 800)
    sign_in(wu, base, team["wu"])
    expect(wu.locator("#auth-error")).to_have_text("账号已停用，请联系主管。")
    expect(wu.locator("#app")).to_be_hidden()

    li.reload()  # 李娜's session ended with the reset
    expect(li.locator("#login")).to_be_visible()
    expect(li.locator("#auth-error")).to_contain_text("重新登录")

    phone = new_page(360, 780)
    sign_in(phone, base, team["li"], temporary)
    expect(phone.locator("#must-change")).to_be_visible()
    expect(phone.locator("#app")).to_be_hidden()
    phone.locator("#must-new").fill("li-na-own-password")
    phone.locator("#must-again").fill("li-na-own-passwor")
    phone.get_by_role("button", name="保存新密码").click()
    expect(phone.locator("#must-error")).to_contain_text("两次输入的新密码不一样")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "console-must-change-360.png"))
    phone.locator("#must-again").fill("li-na-own-password")
    phone.get_by_role("button", name="保存新密码").click()
    expect(phone.locator("#app")).to_be_visible()
    expect(phone.locator("#who")).to_have_text("李娜 · 坐席")
    phone.get_by_role("link", name="账号管理").click()
    expect(phone.locator("#password-section")).to_be_visible()
    expect(phone.locator("#accounts-admin")).to_be_hidden()  # an adviser only changes their own password
    own = phone.locator("#password-section")
    own.get_by_label("原密码").fill("li-na-own-password")
    own.get_by_label("新密码", exact=True).fill("li-na-second-password")
    own.get_by_label("再输一次新密码").fill("li-na-second-password")
    own.get_by_role("button", name="修改密码").click()
    expect(phone.locator("#password-message")).to_contain_text("密码已修改")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "console-password-360.png"), full_page=True)

    boss.set_viewport_size({"width": 360, "height": 780})
    boss.reload()
    expect(boss.locator("#account-list")).to_contain_text(team["wu"])
    assert boss.evaluate("() => document.documentElement.scrollWidth") <= 360
    boss.screenshot(path=str(screenshots / "console-accounts-360.png"), full_page=True)
