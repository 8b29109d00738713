"""Real conversations over the REST channel with the trained model and the action server."""

from __future__ import annotations

import json
import uuid

from coach.zh.normalizer import to_simplified
from serving.servers import Servers, texts


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def test_visit_threat_gets_rights_complaint_line_and_an_offer(servers: Servers) -> None:
    replies = servers.say(new_sender("visit"), "催收发短信说明天上门")
    body = texts(replies)
    assert "上门" in body and "同意" in body  # a visit needs consent to enter
    assert "12378" in body
    assert any(r.get("buttons") for r in replies), "the plan offer comes with buttons"


def test_crisis_that_mentions_a_threat_gets_crisis_help_first_and_the_threat_answered(servers: Servers) -> None:
    replies = servers.say(new_sender("crisis-threat"), "催收说明天上门 我真的不想活了")
    body = texts(replies)
    assert "12356" in replies[0]["text"]
    assert "上门" in body.split("12356", 1)[1]


def test_installment_flow_drafts_the_plan_with_the_numbers(servers: Servers) -> None:
    sender = new_sender("inst")
    assert "哪家" in texts(servers.say(sender, "我想申请分期还款"))
    assert "多少" in texts(servers.say(sender, "招行信用卡"))
    assert "逾期" in texts(servers.say(sender, "三万二左右"))
    assert "原因" in texts(servers.say(sender, "两个月了"))
    assert "每个月" in texts(servers.say(sender, "失业了"))
    replies = servers.say(sender, "每月能还一千五")
    body = texts(replies)
    # 32000 / 1500 → 22 months; 32000 / 22 → 1455 a month
    assert "22 期" in body and "1,455 元" in body
    assert "招商银行" in body
    kinds = [r["custom"]["draft"]["kind"] for r in replies if r.get("custom", {}).get("draft")]
    assert kinds[:3] == ["phone_script", "written_request", "short_reply"]


def test_a_correction_inside_the_form_changes_the_plan(servers: Servers) -> None:
    sender = new_sender("fix")
    servers.say(sender, "想分期，欠建设银行信用卡三万，逾期一个月了，生意亏了")
    servers.say(sender, "不对，是四万")
    body = texts(servers.say(sender, "每个月最多还两千"))
    assert "20 期" in body and "2,000 元" in body  # 40000 / 2000


def test_facts_given_earlier_are_not_asked_again(servers: Servers) -> None:
    sender = new_sender("known")
    servers.say(sender, "我欠借呗两万，逾期四十多天了")
    body = texts(servers.say(sender, "能不能延期还款"))
    assert "哪家" not in body and "一共欠多少" not in body


def test_crisis_in_the_middle_of_the_form_gets_crisis_help_first(servers: Servers) -> None:
    sender = new_sender("crisis")
    servers.say(sender, "想申请分期")
    body = texts(servers.say(sender, "我真的不想活了"))
    assert "12356" in body
    assert not (servers.tracker(sender).get("active_loop") or {}).get("name"), "the form is paused"


def test_traditional_chinese_gets_a_traditional_reply(servers: Servers) -> None:
    body = texts(servers.say(new_sender("trad"), "催收話明天要上門，係咪合法？"))
    assert body and to_simplified(body) != body  # Traditional users get Traditional characters
    assert "香港" in body  # a Cantonese user gets the Hong Kong rules, not the mainland ones


def test_traditional_users_get_domain_responses_and_buttons_in_traditional(servers: Servers) -> None:
    sender = new_sender("trad-form")
    question = texts(servers.say(sender, "我想申請分期還款，唔該"))
    assert "機構" in question and "机构" not in question  # utter_ask_lender, rendered by Rasa, not the actions
    assert "財務公司" in question and "借唄" not in question  # Hong Kong examples, not mainland apps
    # Cantonese words (收數) say Hong Kong; Traditional characters alone would get 「您在香港、台湾还是内地？」 first
    offer = servers.say(new_sender("trad-offer"), "收數佬話明天要上門，好驚")
    titles = [b["title"] for r in offer for b in r.get("buttons") or []]
    assert "好，開始" in titles
    assert all(b["payload"].startswith("/") for r in offer for b in r.get("buttons") or [])


def test_taiwan_borrower_with_a_local_bank_gets_a_plan_in_taiwan_wording(servers: Servers) -> None:
    sender = new_sender("tw-form")
    question = texts(servers.say(sender, "我想申請分期還款"))
    assert "融資公司" in question and "借唄" not in question
    servers.say(sender, "國泰世華信用卡")  # not in the lender list: taken as the borrower names it
    servers.say(sender, "大概十二萬")
    servers.say(sender, "快三個月了")
    servers.say(sender, "公司倒閉 失業了")
    body = texts(servers.say(sender, "每個月最多還四千"))
    assert "國泰世華" in body and "30 期" in body and "4,000 元" in body  # 120000 / 4000
    assert to_simplified(body) != body  # Taiwan script throughout


def test_staff_console_gets_a_case_summary(servers: Servers) -> None:
    # staff output comes only through the staff console's API (tests/security: REST metadata cannot ask for it)
    replies = servers.staff_say(new_sender("staff"),
                                "借款人想分期，欠招商银行信用卡五万，逾期三个月，失业，每月能还两千")
    kinds = [r["custom"]["draft"]["kind"] for r in replies if r.get("custom", {}).get("draft")]
    assert kinds[0] == "case_summary" and "tell_borrower" in kinds
    summary = next(r["text"] for r in replies if r.get("custom", {}).get("draft", {}).get("kind") == "case_summary")
    assert "50,000" in summary and "招商银行" in summary and "90 天" in summary
    assert "25 期" in texts(replies) and "2,000 元" in texts(replies)  # 50000 / 2000


def test_staff_get_threat_answers_framed_as_something_to_pass_on(servers: Servers) -> None:
    replies = servers.staff_say(new_sender("staff-threat"), "借款人说催收发短信讲明天要上门")
    assert replies[0]["text"].startswith("借款人遇到的这种情况，可以这样跟他/她说明")
    assert "12378" in texts(replies)  # the borrower-facing answer itself follows, complaint line included
    offer = next(r for r in replies if r.get("buttons"))
    assert "借款人的情况" in offer["text"] and "您的情况" not in offer["text"]  # the offer is worded for staff


def test_malformed_json_gets_a_clear_400(servers: Servers) -> None:
    status, body = servers.post_raw("/webhooks/rest/webhook", b'{"sender": "x", "message": ')
    assert status == 400 and "JSON" in body["error"]
    status, body = servers.post_raw("/webhooks/rest/webhook", json.dumps({"message": "你好"}).encode())
    assert status == 400 and "sender" in body["error"]


def test_empty_emoji_huge_and_html_messages_get_answers(servers: Servers) -> None:
    sender = new_sender("bad")
    assert "空消息" in texts(servers.say(sender, "   "))
    assert texts(servers.say(sender, "😭😭😭🙏")), "emoji only still gets a reply"
    huge = "催收天天打电话骂我" * 500
    assert "前 1000 个字" in texts(servers.say(sender, huge))
    html = "<img src=x onerror=alert(1)>"
    assert servers.say(sender, html)
    user_texts = [e.get("text") for e in servers.tracker(sender)["events"] if e.get("event") == "user"]
    assert html in user_texts


def test_personal_numbers_are_redacted_before_storage(servers: Servers) -> None:
    sender = new_sender("pii")
    body = texts(servers.say(sender, "我手机13812345678，卡号6222021234567890123"))
    assert "隐去" in body
    stored = json.dumps(servers.tracker(sender)["events"], ensure_ascii=False)
    assert "13812345678" not in stored and "6222021234567890123" not in stored


def test_conversation_survives_a_rasa_restart(servers: Servers) -> None:
    sender = new_sender("restart")
    servers.say(sender, "欠美团借钱八千，逾期两个月了")
    servers.stop_rasa()
    servers.start_rasa()
    slots = servers.tracker(sender)["slots"]
    assert slots["debt_amount"] == 8000 and slots["lender"] == "美团借钱" and slots["overdue_days"] == 60


def test_action_server_outage_gets_a_message_and_the_chat_continues(servers: Servers) -> None:
    sender = new_sender("down")
    servers.stop_actions()
    try:
        body = texts(servers.say(sender, "上门催收合法吗"))
        assert "系统这会儿有点忙" in body
    finally:
        servers.start_actions()
    assert "上门" in texts(servers.say(sender, "上门催收合法吗"))


def test_a_new_session_keeps_the_case_facts(servers: Servers) -> None:
    sender = new_sender("session")
    servers.say(sender, "欠招联好期贷一万二，逾期一个半月")
    servers.say(sender, "/session_start")  # what Rasa does after the inactivity timeout
    events = servers.tracker(sender)["events"]
    assert sum(1 for e in events if e.get("event") == "session_started") >= 2
    body = texts(servers.say(sender, "想申请延期还款"))
    assert "哪家" not in body and "一共欠多少" not in body
    slots = servers.tracker(sender)["slots"]
    assert slots["lender"] == "招联消费金融" and slots["debt_amount"] == 12000 and slots["overdue_days"] == 45
