"""Practice calls over the REST channel with the trained model and the action server: the bot plays the
collector of the case in each style, comments on each reply and ends with a scorecard."""

from __future__ import annotations

import uuid
from typing import Any

from serving.servers import Servers, texts

COLLECTOR = "【催收】"
COACH = "【教练】"


def new_sender(prefix: str) -> str:
    return f"rehearsal-{prefix}-{uuid.uuid4().hex}"


def drafted(replies: list[dict[str, Any]]) -> bool:
    return any((r.get("custom") or {}).get("draft", {}).get("kind") == "phone_script" for r in replies)


def draft_case(servers: Servers, sender: str, message: str, answers: list[str]) -> list[dict[str, Any]]:
    """Tell the case, answer what the form still asks, until the drafts come."""
    replies = servers.say(sender, message)
    for answer in answers:
        if drafted(replies):
            break
        replies = servers.say(sender, answer)
    assert drafted(replies), texts(replies)
    return replies


def collector_lines(replies: list[dict[str, Any]]) -> list[str]:
    lines = [r["text"] for r in replies if (r.get("text") or "").startswith(COLLECTOR)]
    assert all((r.get("custom") or {}).get("collector") for r in replies
               if (r.get("text") or "").startswith(COLLECTOR)), "the widget's collector bubble needs custom.collector"
    return lines


def coach_text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r["text"] for r in replies if (r.get("text") or "").startswith((COACH, "【教練】")))


def play(servers: Servers, sender: str, replies_to_send: list[str]) -> tuple[list[list[dict[str, Any]]], int]:
    """Send replies until the scorecard comes; the answers per turn and the number of collector lines."""
    turns, lines = [], 0
    for text in replies_to_send:
        got = servers.say(sender, text)
        turns.append(got)
        lines += len(collector_lines(got))
        if "练习结束" in texts(got) or "練習結束" in texts(got):
            break
    return turns, lines


MAINLAND_CARD = "想分期，欠招商银行信用卡三万二，逾期45天了，失业了，每月最多能还一千"


def test_bank_style_catches_an_offer_above_means_and_a_promise_under_pressure(servers: Servers) -> None:
    sender = new_sender("bank")
    drafts = draft_case(servers, sender, MAINLAND_CARD, ["失业了", "一千", "45天"])
    buttons = [b["title"] for r in drafts for b in r.get("buttons") or []]
    assert "模拟练习一次" in buttons
    first = servers.say(sender, "模拟练习一次")  # the button sends its title
    opening = collector_lines(first)
    assert len(opening) == 1 and "招商银行" in opening[0] and "32,000" in opening[0] and "3,200" in opening[0]

    above = servers.say(sender, "那我每个月还两千吧")
    assert "2,000" in coach_text(above) and "1,000" in coach_text(above)  # the person's own limit, said back
    assert collector_lines(above)

    pressed = servers.say(sender, "好好好我今天想办法")
    assert "压力下答应" in coach_text(pressed)

    rest = ["我人就在这里，不要联系我家人，这是违规的，再这样我打12378投诉", "最低还款我也拿不出，每月一千",
            "每月一千，请把结果书面发给我，我只在官方App还款", "好的", "好的", "好的", "好的"]
    turns, lines = play(servers, sender, rest)
    end = texts(turns[-1])
    assert "练习结束" in end and "下次要改的两件事" in end
    assert 6 <= 1 + len(collector_lines(above)) + len(collector_lines(pressed)) + lines <= 10
    script = next(r for r in turns[-1] if (r.get("custom") or {}).get("draft", {}).get("kind") == "phone_script")
    assert "您自己在练习中说得好的话" in script["text"] and "一、开场" in script["text"]
    # the practice changed nothing in the case: what the person can pay is still 1,000 a month
    slots = servers.tracker(sender)["slots"]
    assert slots["affordable_monthly"] == 1000
    # the downloads carry the improved script, not the drafted one
    kept = next(p for p in slots["latest_drafts"]["parts"] if p["kind"] == "phone_script")
    assert "您自己在练习中说得好的话" in kept["text"] and "一、开场" in kept["text"]


def test_platform_style_praises_a_good_counter_offer_and_catches_a_code_given_away(servers: Servers) -> None:
    sender = new_sender("platform")
    draft_case(servers, sender, "借呗欠了两万，逾期一个月，收入降了一半，每个月只能还八百，想协商分期",
               ["一个月", "收入降了", "八百"])
    start = servers.say(sender, "练一下")
    assert "网贷平台" in texts(start) and "一次性" in collector_lines(start)[0]
    countered = servers.say(sender, "一次性我拿不出来，每月八百可以")
    assert "最关键的一步" in coach_text(countered)  # the lump sum countered with the person's own number
    assert "6,000" in collector_lines(countered)[0]  # the collector's 30 % down payment of 20,000
    code = servers.say(sender, "验证码是 482913")
    assert "验证码" in coach_text(code) and "不给" in coach_text(code)
    stopped = servers.say(sender, "不练了")
    assert "练习结束" in texts(stopped) and not collector_lines(stopped)
    after = servers.say(sender, "上门催收合法吗")
    assert not collector_lines(after) and "上门" in texts(after)


def test_agency_style_names_the_forbidden_threats_and_a_crisis_ends_the_practice(servers: Servers) -> None:
    sender = new_sender("agency")
    draft_case(servers, sender, MAINLAND_CARD, ["失业了", "一千", "45天"])
    start = servers.say(sender, "模拟一下外包催收公司")
    assert "催收公司" in collector_lines(start)[0]
    servers.say(sender, "你们是哪家公司？")
    family = servers.say(sender, "我每月能还一千")
    assert "爸妈" in collector_lines(family)[0]
    named = servers.say(sender, "好的")  # the family threat goes unanswered: the coach names it and the route
    assert "联系第三方" in coach_text(named) and "12378" in coach_text(named)
    crisis = servers.say(sender, "我真的不想活了")
    assert "12356" in texts(crisis) and not collector_lines(crisis)
    assert servers.tracker(sender)["slots"]["rehearsal"] is None
    assert not collector_lines(servers.say(sender, "每月一千"))


def test_taiwan_case_practises_in_traditional_with_taiwan_routes(servers: Servers) -> None:
    sender = new_sender("tw")
    draft_case(servers, sender, "我在台北，欠國泰世華信用卡十五萬，逾期兩個月，失業了，每月最多還五千，想分期",
               ["失業了", "五千", "兩個月"])
    start = servers.say(sender, "練一下")
    line = collector_lines(start)[0]
    assert "國泰世華" in line and "150,000" in line and "還款" in line  # Traditional characters
    turns, _ = play(servers, sender, ["請問您怎麼稱呼，工號多少？", "我失業了，每月最多還五千", "行",
                                      "好的", "好的", "好的", "好的", "好的", "好的"])
    asked = collector_lines(turns[1])[0]
    assert "15,000" in asked  # the bank asks for a part payment first
    agreed = coach_text(turns[2])  # a bare 「行」 to it agrees to 15,000: above the 5,000 a month
    assert "15,000" in agreed and "5,000" in agreed
    credit = collector_lines(turns[2])[0]
    assert "信用紀錄" in credit and "征信" not in credit and "徵信" not in credit  # Taiwan's own wording
    body = "\n".join(texts(t) for t in turns)
    assert "0800-789-885" in body  # the bank's call to the contacts: Taiwan's complaint route
    assert "練習結束" in body and "练习" not in body


def test_no_practice_while_the_form_asks(servers: Servers) -> None:
    sender = new_sender("form")
    assert "哪家" in texts(servers.say(sender, "我想申请分期还款"))
    replies = servers.say(sender, "练一下")
    assert "方案做好之后" in texts(replies) and not collector_lines(replies)


def test_staff_console_can_start_a_practice_with_the_same_words(servers: Servers) -> None:
    sender = new_sender("staff")
    staff = {"audience": "staff"}
    servers.say(sender, "来电者欠招商银行信用卡三万二，逾期45天，失业，每月最多能还一千，想分期", staff)
    replies = servers.say(sender, "练一下", staff)
    assert collector_lines(replies)
