"""Live-call help (coach/live_call.py): the checklist of what is still unknown, the lines to relay for what a
collector says (real Chinese: Simplified, Traditional, Cantonese), every rule behind them sourced in
knowledge/sources.md and held by the case's own region, and the wrap-up summary."""

from __future__ import annotations

import datetime
import re

import pytest

from coach import live_call
from coach.case import conduct_rules
from tests.unit.test_knowledge import FACTS, SECTION, articles, phone_numbers, section_text

SECTIONS = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)", FACTS, re.M))
SAYINGS = ["今天必须还", "再不还就上门", "找你家人"]


def keys(items: list[live_call.Item], done: bool) -> list[str]:
    return [i.key for i in items if i.done is done]


def test_checklist_asks_in_the_advisers_order_and_ticks_what_is_known() -> None:
    empty = live_call.checklist({})
    assert keys(empty, False) == ["lender", "debt_amount", "overdue_days", "affordable", "hardship_reason",
                                  "threat_types", "region"]
    assert all("？" in i.ask for i in empty)

    slots = {"lender": "招商银行", "debt_amount": 32000, "overdue_days": 45.0, "threat_types": ["visit"],
             "script": "simplified"}
    items = live_call.checklist(slots)
    values = {i.key: i.value for i in items if i.done}
    assert values == {"lender": "招商银行", "debt_amount": "32,000 元", "overdue_days": "45 天",
                      "threat_types": "上门催收"}
    assert keys(items, False) == ["affordable", "hardship_reason", "region"]
    region = next(i for i in items if i.key == "region")
    assert "助手判断：内地" in region.ask  # the bot's reading of the script is a guess, not a tick

    # income and essential costs stand in for what the caller can pay; the adviser's region ticks the region
    more = live_call.checklist({**slots, "monthly_income": 6000, "essential_expenses": 4500,
                                "hardship_reason": "失业/收入下降"}, region_set="tw")
    values = {i.key: i.value for i in more if i.done}
    assert values["affordable"] == "月收入 6,000 元，必要开支 4,500 元" and values["region"] == "台湾"
    assert keys(more, False) == []


def test_checklist_names_several_lenders_and_what_the_caller_could_not_say() -> None:
    items = live_call.checklist({"debts": [{"lender": "借呗", "amount": 20000}, {"lender": "美团", "amount": 8000}],
                                 "debt_amount": 28000, "facts_unknown": ["overdue_days"]})
    values = {i.key: i.value for i in items if i.done}
    assert values["lender"] == "2 家：借呗、美团" and values["overdue_days"] == "借款人说不清"


@pytest.mark.parametrize("said, kinds", [
    ("今天必须还", ["today"]),
    ("再不还就上门", ["visit"]),
    ("找你家人", ["third_party"]),
    ("我们今天之内一定要看到钱，不然就去你单位", ["visit", "today"]),
    ("再不还我就告诉你爸妈，通讯录里的人都会知道", ["third_party"]),
    ("收數話要上門", ["visit"]),  # Traditional
    ("今日一定要還，唔還就搵你屋企人", ["third_party", "today"]),  # Cantonese
    ("收數佬話聽日上你屋企", ["visit"]),
    ("我们法务已经立案了，你要坐牢的", ["lawsuit"]),
    ("不还就把你列入失信黑名单，高铁都坐不了", ["blacklist"]),
    ("先还一部分，首付30%就给你分期", ["down_payment"]),
    ("你去借别的还，下个口子很容易的", ["new_loan"]),
    ("一次结清可以给你减免", ["lump_sum"]),
    ("钱直接打到我个人账户，我帮你处理", ["personal_account"]),
    ("系统发了个验证码，你念给我", ["secret"]),
    ("晚上十一点我再打给你", ["night"]),
    ("您好，请问是本人吗", []),
])
def test_what_the_collector_said_is_read(said: str, kinds: list[str]) -> None:
    assert live_call.kinds_in(said) == kinds


def test_the_three_sayings_get_a_line_and_why_on_the_mainland() -> None:
    today = live_call.suggested_line(SAYINGS[0], "simplified", affordable=1000)
    assert today is not None and today.kind == "today"
    assert "每月 1,000 元" in today.say and "书面" in today.say  # the caller's own number, and in writing
    assert not live_call.suggested_line(SAYINGS[0]).say.count("1,000")  # unknown: a blank, never a guess
    visit = live_call.suggested_line(SAYINGS[1])
    assert visit is not None and "上门" in visit.say and "录音" in visit.say
    assert any("至少 2 人" in w and "行业规范" in w for w in visit.why)  # industry self-regulation, said as such
    family = live_call.suggested_line(SAYINGS[2], "mainland", lender_kind="credit_card")
    assert family is not None and "家人" in family.say
    assert any("第六十八条" in w for w in family.why)  # the card rule only for a card
    other = live_call.suggested_line(SAYINGS[2], "mainland", lender_kind="platform")
    assert other is not None and not any("第六十八条" in w for w in other.why)


def test_the_collection_methods_the_words_show_are_offered_for_the_case() -> None:
    found = live_call.suggestions("今天必须还，再不还就上门，还要找你家人，半夜也打给你")
    assert [s.threat for s in found] == ["third_party", "visit", None, "harassment"]
    assert live_call.new_threats(found, None) == ["visit", "third_party", "harassment"]  # the vocabulary's order
    assert live_call.new_threats(found, ["visit", "harassment"]) == ["third_party"]
    assert live_call.new_threats(live_call.suggestions("今天必须还"), []) == []


def test_hong_kong_and_taiwan_get_their_own_rules_in_traditional() -> None:
    hk = live_call.suggestions("收數話要上門，仲話要搵你屋企人", "hk")
    assert [s.kind for s in hk] == ["third_party", "visit"]
    text = "\n".join([s.say for s in hk] + [w for s in hk for w in s.why])
    assert "金管局" in text and "999" in text and "門" in text  # Hong Kong's rules, Traditional characters
    assert "12378" not in text and "行业规范" not in text and "中国银行业协会" not in text
    tw = live_call.suggestions("今天必須還，不還就去你家", "tw", affordable=5000)
    text = "\n".join([s.say for s in tw] + [w for s in tw for w in s.why])
    assert "第十四條" in text and "住處" in text and "每月 5,000 元" in text
    assert "12378" not in text and "中国" not in text and "银行业协会" not in text
    # Hong Kong has no clock hours for calls: a late call is 「不合理的时间」, never 「十点」
    night = live_call.suggested_line("晚上十一點再打畀你", "hk")
    assert night is not None and "不合理" in night.say and "十點" not in night.say
    jail = live_call.suggested_line("你要坐牢", "hk")
    assert jail is not None and "民事" not in jail.say  # the mainland's 「民事纠纷」 is not said for Hong Kong


def all_suggestions() -> list[live_call.Suggestion]:
    """Every kind in every region, for a credit card (its extra rules too) and an unknown lender."""
    said = "，".join(["今天必须还", "上门", "找你家人", "起诉坐牢", "失信黑名单", "首付", "一次结清", "借别的还",
                     "打到我个人账户", "验证码", "半夜"])
    out = []
    for region in live_call.REGIONS:
        for kind in ("credit_card", None):
            found = live_call.suggestions(said, region, affordable=800, lender_kind=kind)
            assert {s.kind for s in found} == set(live_call.load()["suggestions"]), (region, kind)
            out += found
    return out


def test_every_line_has_its_sources_in_the_facts_file() -> None:
    for s in all_suggestions():
        assert s.sources, s.kind
        for source in s.sources:
            cited = SECTION.findall(source)
            assert source.startswith("facts §") and cited, (s.kind, source)
            for major, minor in cited:  # a heading (§1.8) or a numbered item of a list (§6.9)
                assert (major in SECTIONS) if not minor else section_text(major, minor).strip(), (s.kind, source)
        # no phone number or article that the facts file does not hold
        text = "\n".join((s.say, *s.why))
        assert phone_numbers(text) <= phone_numbers(FACTS), (s.kind, phone_numbers(text) - phone_numbers(FACTS))
        assert articles(text) <= articles(FACTS) | articles(FACTS.replace("条", "條")), s.kind


def test_every_reference_in_the_data_resolves_and_every_region_has_a_line() -> None:
    data = live_call.load()["suggestions"]
    for kind, spec in data.items():
        for region in live_call.REGIONS:
            say = spec["say"].get(region) or spec["say"].get("all")
            why = (spec["why"].get("all") or []) + (spec["why"].get(region) or [])
            assert say and why, (kind, region)
        for refs in list(spec["say"].values()) + list(spec["why"].values()):
            for ref in refs if isinstance(refs, list) else [refs]:
                if isinstance(ref, str) and ref.startswith("conduct:"):
                    assert ref.split(":")[1] in conduct_rules.KINDS
                    continue
                assert live_call._resolve(ref, "mainland", None), (kind, ref)


def test_wrap_up_summary() -> None:
    slots = {"lender": "招商银行", "debt_amount": 32000, "overdue_days": 45, "affordable_monthly": 1000,
             "latest_drafts": {"outcome": {"lender": "招商银行", "status": "counter_offer", "since": "2026-12-01",
                                           "offer": "先还 30%（约 9,600 元）",
                                           "terms": {"monthly": 1000, "months": 32, "down": 0, "last": 1000}}}}
    rows = live_call.statuses(slots)
    assert rows == [{"lender": "招商银行", "status": "counter_offer", "label": "对方还价，我方已回复",
                     "since": "2026-12-01", "offer": "先还 30%（约 9,600 元）", "terms": "32 期，每期 1,000 元"}]
    text = live_call.wrap_up(slots, rows, "今晚发书面分期申请，每月 1,000 元", "回访确认银行答复",
                             datetime.date(2026, 12, 10), call_seconds=754, adviser="李娜",
                             today=datetime.date(2026, 12, 6))
    lines = text.split("\n")
    assert lines[0] == "通话小结（2026-12-06，李娜，通话 12 分 34 秒）"
    assert lines[1] == "案情：机构 招商银行；欠款 32,000 元；逾期 45 天；还款能力 每月 1,000 元"
    assert "还不清楚：困难原因、催收方式、所在地" in text
    assert "各机构进展：招商银行 对方还价，我方已回复（2026-12-01）" in text
    assert "已商定：今晚发书面分期申请" in text and "下一步：回访确认银行答复" in text
    assert lines[-1] == "回访日期：2026-12-10"
    bare = live_call.wrap_up({}, [], "", "再打一次", None)
    assert "案情：还没有记录到。" in bare and "已商定：无" in bare and bare.endswith("回访日期：未定")
