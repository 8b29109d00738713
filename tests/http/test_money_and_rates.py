"""Loan terms, the lender behind a brand, a budget and a hardship, over REST against the real servers
(actions/common_questions.py answer_money_and_rates / money_help_once): answered whatever intent the classifier
gives (「借1万分12期每期980」 reads as a request for instalments, 「借呗是哪家公司放的贷」 as facts)."""

from __future__ import annotations

import re
import time
import uuid

from coach.zh.normalizer import to_simplified
from serving.servers import Servers, texts


def say(servers: Servers, sender: str, message: str) -> str:
    replies_ = servers.say(sender, message)
    time.sleep(0.3)  # well inside the per-conversation rate limit
    return to_simplified(texts(replies_))


def sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def test_loan_terms_get_the_true_rate_and_the_hedged_thresholds(servers: Servers) -> None:
    who = sender("rate")
    body = say(servers, who, "借1万分12期每期980，还收了会员费299")
    assert "真实年化利率约 37.1%" in body, body
    assert "9,701" in body and "11,760" in body and "月利率约 3.09%" in body  # the working
    assert "超过了年化 24%" in body and "请求法院调减" in body
    assert "36% 是非法放贷入罪的门槛" in body and "不是借款人还款的上限" in body
    assert "12378" in body and "书面给出合同的年化利率" in body
    # read as a request for instalments, but no form starts on it
    assert servers.tracker(who).get("active_loop", {}).get("name") in (None, "")


def test_loan_terms_said_as_facts(servers: Servers) -> None:
    body = say(servers, sender("rate"), "两万 24期 每月1100")
    match = re.search(r"真实年化利率约 ([\d.]+)%", body)
    assert match and 28 < float(match.group(1)) < 29, body
    assert "没有超过年化 24%" not in body and "超过了年化 24%" in body and "36%" not in body


def test_a_brand_question_names_the_likely_lender(servers: Servers) -> None:
    body = say(servers, sender("brand"), "借呗是哪家公司放的贷")
    assert "重庆蚂蚁消费金融有限公司" in body and "据公开报道" in body, body
    assert "借款合同" in body and "业务管理机构" in body and "12378" in body and "95188" in body
    body = say(servers, sender("brand"), "分期乐投诉找谁")
    assert "分期乐是乐信" in body and "本身不放款" in body and "12378" in body, body


def test_a_budget_gets_what_is_left_less_the_margin_as_the_most_to_offer(servers: Servers) -> None:
    who = sender("budget")
    body = say(servers, who, "工资5000 房租1500 吃饭1200 孩子800 交通300")
    # the same margin as the form's budget (coach/budget.py): nine tenths of what is left, in whole hundreds
    assert "每月剩 1,200 元" in body and "最多报 1,000 元" in body, body
    slots = servers.tracker(who)["slots"]
    assert slots["monthly_income"] == 5000 and slots["essential_expenses"] == 3800
    assert slots["affordable_monthly"] == 1000


def test_job_loss_gets_unemployment_insurance_and_12333(servers: Servers) -> None:
    who = sender("jobloss")
    body = say(servers, who, "我失业了，网贷还不上了")
    assert "失业保险金" in body and "12333" in body and "失业登记" in body, body
    # once a conversation: the next message about it does not repeat the block
    again = say(servers, who, "失业快两个月了")
    assert "失业保险金：" not in again


def test_a_question_about_help_is_answered(servers: Servers) -> None:
    body = say(servers, sender("dibao"), "怎么申请低保")
    assert "低保" in body and "街道办事处" in body and "临时救助" in body, body
    assert "帮不上忙" not in body
