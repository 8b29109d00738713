"""The money side of the case form over REST against the real servers: a borrower who does not know what they can
pay is asked their income and the month's costs (one question), is shown the working with the margin kept for the
unexpected, and gets a plan within what is left; a single total and 「不知道」 are answers too; nothing left brings
the official help that fits what they said (coach/budget.py, coach/money_help.py, actions/actions.py).

The form takes an answer as an answer whatever intent the model gives it, so these hold for any reasonable model.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from coach.zh.normalizer import to_simplified
from serving.servers import Servers, texts
from tests.http.test_staff_api import call, new_case


def sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def say(servers: Servers, who: str, message: str) -> str:
    replies_ = servers.say(who, message)
    time.sleep(0.3)  # well inside the per-conversation rate limit
    return texts(replies_)


def slots(servers: Servers, who: str) -> dict[str, Any]:
    return servers.tracker(who)["slots"]


def up_to_the_monthly_question(servers: Servers, who: str, debt: str, reason: str,
                               start: str = "我想申请分期还款", lender: str = "借呗") -> str:
    """Lender, debt, time overdue and reason answered one by one; returns the reply to the reason."""
    say(servers, who, start)
    body = say(servers, who, lender)
    if re.search(r"对吗|對嗎|是不是", body):  # a name the registry does not know is confirmed first
        say(servers, who, "对")
    say(servers, who, debt)
    say(servers, who, "逾期两个月")
    body = say(servers, who, reason)
    assert slots(servers, who)["requested_slot"] == "affordable_monthly", body
    return body


def monthly_amounts(body: str) -> list[int]:
    """The plan's monthly amounts (「分 30 期，每期 1,000 元」)."""
    return [int(a.replace(",", "")) for a in re.findall(r"每期 ([\d,]+)", to_simplified(body))]


def test_not_knowing_what_one_can_pay_gets_a_budget_item_by_item(servers: Servers) -> None:
    who = sender("budget")
    up_to_the_monthly_question(servers, who, "3万", "厂里减产，工资少了一半")
    body = say(servers, who, "不知道能还多少")
    assert "两个问题" in body and "收入" in body, body
    assert slots(servers, who)["requested_slot"] == "monthly_income"
    body = say(servers, who, "每月工资5000")
    assert "房租" in body and "看病吃药" in body and "最低还款" in body and "「房租1500" in body, body
    body = say(servers, who, "房租1500 吃饭1200 孩子800 交通300")
    assert "收入 5,000 − 房租 1,500 − 吃饭 1,200 − 孩子 800 − 交通 300 = 剩 1,200" in body, body
    assert "再留出 200 元" in body and "每月大约能拿出 1,000 元" in body
    amounts = monthly_amounts(body)
    assert amounts and max(amounts) <= 1000, body  # the plan never asks more than what is left after the margin
    state = slots(servers, who)
    assert (state["monthly_income"], state["essential_expenses"], state["affordable_monthly"]) == (5000, 3800, 1000)
    assert state["budget"]["costs"] == [["房租", 1500], ["吃饭", 1200], ["孩子", 800], ["交通", 300]]
    assert state["budget"]["offer"] == 1000 and state["debt_amount"] == 30000  # no cost became the debt


def test_a_single_total_for_the_costs(servers: Servers) -> None:
    who = sender("budget-total")
    up_to_the_monthly_question(servers, who, "1万", "生意不好做")
    say(servers, who, "不知道")
    say(servers, who, "5000")
    body = say(servers, who, "开销大概四千二")
    assert "收入 5,000 − 必要开支 4,200 = 剩 800" in body and "每月大约能拿出 700 元" in body, body
    amounts = monthly_amounts(body)
    assert amounts and max(amounts) <= 700, body
    assert slots(servers, who)["affordable_monthly"] == 700


def test_not_knowing_the_costs_starts_from_a_pause_never_a_guess(servers: Servers) -> None:
    who = sender("budget-unknown")
    up_to_the_monthly_question(servers, who, "2万", "生病住院了")
    say(servers, who, "不知道")
    say(servers, who, "四千左右")
    body = say(servers, who, "不知道")
    assert "不硬报一个数" in body and "暂缓" in body, body
    assert "大约能拿出" not in body and "每个月最多能拿出多少" not in body  # no guessed number, no question again
    state = slots(servers, who)
    assert state["affordable_monthly"] is None and state["budget"] is None
    assert state["requested_slot"] is None and not monthly_amounts(body)


def test_a_taiwan_case_is_worked_out_in_traditional_and_nt_dollars(servers: Servers) -> None:
    who = sender("budget-tw")
    up_to_the_monthly_question(servers, who, "欠15萬", "失業了", start="我在台灣，想跟銀行申請分期還款",
                               lender="國泰世華信用卡")
    assert slots(servers, who)["script"] == "tw"
    say(servers, who, "不知道")
    body = say(servers, who, "每月收入5萬")
    assert "房租" in body and "15000" in body, body  # the question's example in local money
    body = say(servers, who, "房租15000 吃飯9000 孩子6000 交通2000")
    assert "按您說的算" in body and "能拿出" in body, body  # written in Traditional
    plain = to_simplified(body)
    assert "按您说的算（单位：新台币）" in plain and "= 剩 18,000" in plain, body
    offer_line = next(line for line in plain.splitlines() if "NT$16,200" in line)
    assert "再留出 NT$1,800" in offer_line and "每月大约能拿出 NT$16,200" in offer_line and "元" not in offer_line
    assert slots(servers, who)["affordable_monthly"] == 16200
    amounts = monthly_amounts(body)
    assert not amounts or max(amounts) <= 16200, body


def test_nothing_left_after_losing_a_job_points_to_the_help(servers: Servers) -> None:
    who = sender("budget-none")
    earlier = up_to_the_monthly_question(servers, who, "3万", "被裁员了，现在只打零工")
    say(servers, who, "不知道")
    say(servers, who, "两千")
    body = say(servers, who, "房租1500 吃饭1200 孩子800")
    assert "= 还差 1,500" in body and "拿不出钱来还" in body and "暂缓" in body, body
    assert "大约能拿出" not in body
    assert "12333" in earlier + body and "失业保险金" in earlier + body  # 失业 → unemployment insurance
    assert "低保" in body and "临时救助" in body and "街道办事处" in body  # the low income → 低保 and 临时救助
    assert slots(servers, who)["affordable_monthly"] == 0


def test_no_income_skips_the_costs_question(servers: Servers) -> None:
    who = sender("budget-zero")
    up_to_the_monthly_question(servers, who, "8000", "家里出了事")
    say(servers, who, "不知道")
    body = say(servers, who, "现在没有收入")
    assert "拿不出钱来还" in body and "低保" in body, body
    assert "按项目大概说一下" not in body  # the costs are not asked
    state = slots(servers, who)
    assert state["affordable_monthly"] == 0 and state["monthly_income"] == 0


def test_income_and_costs_in_one_answer_ask_nothing_more(servers: Servers) -> None:
    who = sender("budget-one")
    up_to_the_monthly_question(servers, who, "2万", "工资被拖欠")
    say(servers, who, "不知道")
    body = say(servers, who, "工资5000 房租1500 吃饭1200 孩子800 交通300")
    assert "= 剩 1,200" in body and "每月大约能拿出 1,000 元" in body, body
    assert "按项目大概说一下" not in body  # the costs question is not asked
    assert slots(servers, who)["affordable_monthly"] == 1000


def test_the_staff_case_summary_shows_the_budget(channel_servers: Servers, staff_token: str) -> None:
    """A hotline adviser relays the borrower's answers through the staff console API (channels/staff.py): the case
    summary the console shows carries the budget the form worked out."""
    case_id, base = new_case(), channel_servers.base
    bodies = []
    for message in ["借款人欠招行信用卡3万，逾期两个月，失业了", "好", "他不知道每月能还多少", "每月工资5000",
                    "房租1500 吃饭1200 孩子800 交通300"]:
        status, body = call(base, "POST", "api/message", {"conversation_id": case_id, "message": message},
                            token=staff_token)
        assert status == 200, body
        bodies.append(body)
    status, body = call(base, "GET", f"api/case/{case_id}", token=staff_token)
    assert status == 200, body
    drafts = body["case"]["latest_drafts"]
    summary = next(p["text"] for p in drafts["parts"] if p["kind"] == "case_summary")
    assert "收支测算：月收入 5,000 元，必要开支 3,800 元，可还约 1,000 元（已留出 200 元应付意外）" in summary, bodies
    assert "后来改为" not in summary
    request = next(p["text"] for p in drafts["parts"] if p["kind"] == "written_request")
    assert "本人月收入约 5,000 元，房租、吃饭等必要开支约 3,800 元，每月能用于还款的约 1,000 元" in request
