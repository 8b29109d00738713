"""The staff console's live-call help over HTTP against the real servers: the checklist of what is still unknown
changes after each note; what the collector said gets a line to relay in the case's region; the wrap-up is saved
with the case, seen by whoever opens it next, and its callback date is in the case list; each lender's status in
the outcome loop is in the case; the practice call starts from the console's words. Every call is in the audit
log with the adviser's name; bad input is a clear 4xx."""

from __future__ import annotations

import datetime
from typing import Any

from tests.http.test_staff_accounts import call, new_case, say
from tests.http.test_staff_api import call as raw_call

SAYINGS = {"今天必须还": "today", "再不还就上门": "visit", "找你家人": "third_party"}


def checklist(base: str, token: str, case: str) -> dict[str, dict[str, Any]]:
    status, body = call(base, "GET", f"api/case/{case}/checklist", token=token)
    assert status == 200, body
    return {item["key"]: item for item in body["checklist"]}


def open_keys(items: dict[str, dict[str, Any]]) -> list[str]:
    return [k for k, item in items.items() if not item["done"]]


def audit(base: str, boss_token: str, case: str) -> list[dict[str, Any]]:
    status, body = call(base, "GET", f"api/audit?case={case}", token=boss_token)
    assert status == 200, body
    return list(body["entries"])


def hotline_today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()


def test_the_checklist_ticks_what_each_note_told(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = new_case(base, team.li_token)
    assert open_keys(checklist(base, team.li_token, case)) == [
        "lender", "debt_amount", "overdue_days", "affordable", "hardship_reason", "threat_types", "region"]
    say(base, team.li_token, case, "借款人欠招商银行信用卡三万二")
    items = checklist(base, team.li_token, case)
    assert items["lender"]["value"] == "招商银行" and items["debt_amount"]["value"] == "32,000 元"
    assert open_keys(items)[0] == "overdue_days" and "逾期" in items["overdue_days"]["ask"]
    say(base, team.li_token, case, "逾期45天了，失业了，每个月最多能还一千，催收说要上门")
    items = checklist(base, team.li_token, case)
    assert items["overdue_days"]["value"] == "45 天" and items["affordable"]["value"] == "每月 1,000 元"
    assert items["threat_types"]["value"] == "上门催收" and items["hardship_reason"]["done"]
    assert open_keys(items) == ["region"] and "助手判断：内地" in items["region"]["ask"]
    status, _ = call(base, "PUT", f"api/case/{case}/region", {"script": "simplified"}, token=team.li_token)
    assert status == 200
    assert open_keys(checklist(base, team.li_token, case)) == []
    entries = [e for e in audit(base, team.boss_token, case) if e["action"] == "checklist"]
    assert len(entries) == 4 and {e["staff"] for e in entries} == {"李娜"}


def test_what_the_collector_said_gets_a_line_in_the_cases_region(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = new_case(base, team.li_token)
    say(base, team.li_token, case, "借款人欠招商银行信用卡三万二，逾期45天，每个月最多能还一千")
    for said, kind in SAYINGS.items():
        status, body = call(base, "POST", f"api/case/{case}/suggest", {"said": said}, token=team.li_token)
        assert status == 200, body
        first = body["suggestions"][0]
        assert first["kind"] == kind and first["say"] and first["why"], body
        assert all(s.startswith("facts §") for s in first["sources"]) and body["region"] == "内地"
        assert body["new_threats"] == ([] if kind == "today" else [kind])  # the case holds no method yet
    status, body = call(base, "POST", f"api/case/{case}/suggest", {"said": "今天必须还"}, token=team.li_token)
    assert "每月 1,000 元" in body["suggestions"][0]["say"]  # the caller's own number from the case
    status, body = call(base, "POST", f"api/case/{case}/suggest", {"said": "找你家人"}, token=team.li_token)
    assert any("第六十八条" in w for w in body["suggestions"][0]["why"])  # a credit card: the card rule
    status, body = call(base, "POST", f"api/case/{case}/suggest", {"said": "您好，请问是本人吗"}, token=team.li_token)
    assert status == 200 and body["suggestions"] == []

    # the same case as a Taiwan caller's: Taiwan's rules, in Traditional characters
    status, _ = call(base, "PUT", f"api/case/{case}/region", {"script": "tw"}, token=team.li_token)
    assert status == 200
    status, body = call(base, "POST", f"api/case/{case}/suggest", {"said": "再不還就上門"}, token=team.li_token)
    visit = body["suggestions"][0]
    assert body["region"] == "台湾" and "第十四條" in "".join(visit["why"]) and "住處" in visit["say"]
    assert "行业规范" not in "".join(visit["why"])
    entries = [e for e in audit(base, team.boss_token, case) if e["action"] == "suggest"]
    assert len(entries) == 7 and entries[0]["staff"] == "李娜" and entries[0]["detail"] == "visit"


def test_the_wrap_up_is_saved_and_seen_by_whoever_opens_the_case(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = new_case(base, team.li_token)
    say(base, team.li_token, case, "借款人欠借呗两万，逾期一个月，每个月能还八百")
    callback = (hotline_today() + datetime.timedelta(days=3)).isoformat()
    wrap = {"agreed": "借款人今晚在借呗 App 里申请分期，每月 800 元", "next_step": "回访确认借呗是否书面答复",
            "callback_date": callback, "call_seconds": 754}
    status, body = call(base, "POST", f"api/case/{case}/wrapup", wrap, token=team.li_token)
    assert status == 201, body
    summary = body["wrapup"]["summary"]
    assert summary.startswith(f"通话小结（{hotline_today().isoformat()}，李娜，通话 12 分 34 秒）")
    assert "机构 借呗" in summary and "每月 800 元" in summary and f"回访日期：{callback}" in summary
    assert "已商定：借款人今晚在借呗 App 里申请分期" in summary
    assert body["workspace"]["callback"] == callback and body["workspace"]["status"] == "waiting"  # 待回访

    # another adviser and the supervisor open the case: the wrap-up is there
    for token in (team.wu_token, team.boss_token):
        status, shown = call(base, "GET", f"api/case/{case}", token=token)
        assert status == 200 and shown["wrapups"][-1]["summary"] == summary
        assert shown["wrapups"][-1]["name"] == "李娜" and shown["workspace"]["callback"] == callback
    # the callback date is searched: due by that day, not by the day before
    status, listed = call(base, "GET", f"api/cases?callback={callback}", token=team.boss_token)
    assert status == 200 and case in [c["conversation_id"] for c in listed["cases"]]
    row = next(c for c in listed["cases"] if c["conversation_id"] == case)
    assert row["callback"] == callback and row["status_label"] == "待回访"
    earlier = (hotline_today() + datetime.timedelta(days=2)).isoformat()
    status, listed = call(base, "GET", f"api/cases?callback={earlier}", token=team.boss_token)
    assert case not in [c["conversation_id"] for c in listed["cases"]]

    # an adviser who does not hold the case is refused, naming who does; the supervisor may
    status, body = call(base, "POST", f"api/case/{case}/wrapup", wrap, token=team.wu_token)
    assert status == 403 and "李娜" in body["error"]
    status, body = call(base, "POST", f"api/case/{case}/wrapup", {"next_step": "主管跟进"}, token=team.boss_token)
    assert status == 201 and len(body["wrapups"]) == 2 and "回访日期：未定" in body["wrapup"]["summary"]
    entries = [e for e in audit(base, team.boss_token, case) if e["action"] == "wrapup"]
    assert [e["staff"] for e in entries] == ["周主管", "李娜"]
    assert entries[1]["detail"] == f"回访 {callback}；状态：待回访"


def test_bad_input_is_refused_clearly(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = new_case(base, team.li_token)
    say(base, team.li_token, case, "借款人欠借呗两万")
    suggest = f"api/case/{case}/suggest"
    for body, words in (({"said": ""}, "催收说了什么"), ({"said": "   "}, "催收说了什么"), ({}, "催收说了什么"),
                        ({"said": 123}, "催收说了什么"), ({"said": "今天必须还" * 200}, "太长"),
                        ({"said": "<script>alert(1)</script>今天必须还"}, "网页标签")):
        status, answer = call(base, "POST", suggest, body, token=team.li_token)
        assert status == 400 and words in answer["error"], (body, answer)
    status, answer = raw_call(base, "POST", suggest, b"{not json", token=team.li_token)
    assert status == 400 and "JSON" in answer["error"]

    wrapup = f"api/case/{case}/wrapup"
    past = (hotline_today() - datetime.timedelta(days=1)).isoformat()
    far = (hotline_today() + datetime.timedelta(days=400)).isoformat()
    for body, words in (({"agreed": "", "next_step": ""}, "小结是空的"), ({}, "小结是空的"),
                        ({"agreed": "好" * 1001}, "太长"), ({"next_step": "<b>回访</b>"}, "网页标签"),
                        ({"agreed": ["a"]}, "应为文字"),
                        ({"next_step": "回访", "callback_date": "2026-02-30"}, "回访日期"),
                        ({"next_step": "回访", "callback_date": "下周三"}, "回访日期"),
                        ({"next_step": "回访", "callback_date": past}, "回访日期"),
                        ({"next_step": "回访", "callback_date": far}, "回访日期"),
                        ({"next_step": "回访", "call_seconds": -1}, "通话时长"),
                        ({"next_step": "回访", "call_seconds": "90"}, "通话时长"),
                        ({"next_step": "回访", "call_seconds": True}, "通话时长")):
        status, answer = call(base, "POST", wrapup, body, token=team.li_token)
        assert status == 400 and words in answer["error"], (body, answer)
    status, shown = call(base, "GET", f"api/case/{case}", token=team.li_token)
    assert shown["wrapups"] == []  # nothing refused was saved

    status, answer = call(base, "GET", "api/case/staff-0000nocase0000/checklist", token=team.li_token)
    assert status == 404 and "没有编号为" in answer["error"]
    status, answer = call(base, "POST", "api/case/staff-13812345678/suggest", {"said": "今天必须还"},
                          token=team.li_token)
    assert status == 400
    status, answer = call(base, "GET", f"api/case/{case}/checklist")
    assert status == 401
    status, answer = call(base, "GET", "api/cases?callback=tomorrow", token=team.li_token)
    assert status == 400


def test_the_lenders_statuses_and_the_practice_call(channel_servers, team):  # type: ignore[no-untyped-def]
    base = channel_servers.base
    case = new_case(base, team.li_token)
    body = say(base, team.li_token, case, "借款人欠招商银行信用卡两万，逾期两个月，失业了，每个月能还一千，想分期")
    assert body["case"]["latest_drafts"] and body["case"]["outcomes"] == []
    body = say(base, team.li_token, case, "招行说要先还30%")
    outcomes = body["case"]["outcomes"]
    assert [(o["lender"], o["status"], o["label"]) for o in outcomes] == [
        ("招商银行", "counter_offer", "对方还价，我方已回复")]
    assert "30%" in outcomes[0]["offer"] and outcomes[0]["terms"]
    _, shown = call(base, "GET", f"api/case/{case}", token=team.boss_token)
    assert shown["case"]["outcomes"] == outcomes

    # the console's 「模拟催收练习」 sends the words of the bot's own button: the collector's lines are marked
    body = say(base, team.li_token, case, "模拟练习一次")
    collector = [r for r in body["replies"] if (r.get("custom") or {}).get("collector")]
    assert collector and collector[0]["text"].startswith("【催收】")
    _, shown = call(base, "GET", f"api/case/{case}", token=team.li_token)
    assert any((m.get("custom") or {}).get("collector") for m in shown["messages"])  # after a reload too
