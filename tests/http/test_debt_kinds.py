"""The kind of debt over REST against the real servers: a mortgage three months behind gets what the bank can do,
公积金 and selling with the bank (facts §12.7–§12.9) and, when drafted, a plan with no 60-month card arithmetic; a
question about an auction gets that answer; a car loan gets whether the car can be towed without a court (§12.10);
a 714 loan gets what is and is not owed and 110 (§12.11–§12.12), and no offer to negotiate a repayment; a credit
card case still gets its usual installment plan."""

from __future__ import annotations

import time
import uuid

from serving.servers import Servers, texts

CARD_RULE = ("60 期", "60期", "个性化分期", "分 240 期")


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def say(servers: Servers, sender: str, message: str) -> str:
    body = texts(servers.say(sender, message))
    time.sleep(0.3)  # well inside the per-conversation rate limit
    return body


def test_a_mortgage_behind_gets_the_bank_the_fund_and_selling_and_a_plan_without_the_card_rule(
        servers: Servers) -> None:
    sender = new_sender("mortgage")
    first = say(servers, sender, "房贷120万 断供三个月了 每个月只能还5000")
    for said in ("法院拍卖、变卖", "第四百一十条",  # §12.7: what the bank can do
                 "住房公积金", "第二十四条",  # §12.8
                 "申请调整还款计划或延期", "能不能批由银行决定",  # §12.9
                 "第四百零六条", "用卖房款先还清贷款"):  # §12.7: selling with the bank
        assert said in first, (said, first)
    assert not any(rule in first for rule in CARD_RULE), first
    assert "坐牢" not in first
    slots = servers.tracker(sender)["slots"]
    assert slots["lender_type"] == "mortgage" and slots["debt_amount"] == 1_200_000
    # the offer taken, the missing facts given: the plan is the mortgage's, never 60 periods of 20,000
    say(servers, sender, "好")
    say(servers, sender, "工商银行")
    plan = say(servers, sender, "失业了")
    assert "申请调整房贷的还款安排，每月先还 5,000 元" in plan, plan
    assert "公积金" in plan and "卖房款" in plan and "贵行" in plan
    assert not any(rule in plan for rule in CARD_RULE), plan
    assert "20,000" not in plan


def test_will_the_house_be_auctioned_can_i_sell_it_first(servers: Servers) -> None:
    body = say(servers, new_sender("auction"), "房子会被拍卖吗 我能自己先卖房吗")
    for said in ("谈不拢的，要请求法院拍卖、变卖", "实现担保物权", "抵押期间可以转让房子", "要及时通知银行",
                 "差额仍要还"):
        assert said in body, (said, body)
    assert "坐牢" not in body and "民事纠纷" not in body, body


def test_a_car_loan_behind_with_a_tow_threat(servers: Servers) -> None:
    sender = new_sender("car")
    body = say(servers, sender, "车贷逾期两个月 他们说要拖车")
    for said in ("车仍由您占有", "强行开走", "第七百五十二条", "110", "书面通知"):
        assert said in body, (said, body)
    assert servers.tracker(sender)["slots"]["lender_type"] == "car_loan"


def test_a_714_loan_gets_what_is_owed_and_110_and_no_repayment_plan(servers: Servers) -> None:
    sender = new_sender("714")
    body = say(servers, sender, "借了个714高炮 到手700 要还1000")
    for said in ("714高炮", "实际到手的金额认定本金", "借款合同无效", "110", "不要借新还旧"):
        assert said in body, (said, body)
    for plan_words in ("协商方案", "分期", "每期", "要现在开始吗"):
        assert plan_words not in body, (plan_words, body)
    slots = servers.tracker(sender)["slots"]
    assert slots["lender_type"] == "illegal"
    assert slots["debt_amount"] == 1000 and slots.get("monthly_income") is None  # 到手700 is no salary, 714 no sum


def test_a_credit_card_case_still_gets_its_installment_plan(servers: Servers) -> None:
    sender = new_sender("card")
    say(servers, sender, "我想申请分期还款")
    say(servers, sender, "招行信用卡")
    say(servers, sender, "三万二左右")
    say(servers, sender, "两个月了")
    say(servers, sender, "失业了")
    body = say(servers, sender, "每月能还一千五")
    assert "22 期" in body and "1,455 元" in body, body  # 32000 / 1500 → 22 months of 1,455
    assert "个性化分期" in body and "房贷" not in body and "公积金" not in body
    assert servers.tracker(sender)["slots"]["lender_type"] == "credit_card"
