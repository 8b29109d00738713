"""The contact log (coach/case/contact_log.py), the rules each entry breaks (coach/case/conduct_rules.py) and
the words that ask for them (coach/zh/evidence_cues.py), with a fixed "now"."""

import datetime

import pytest
import yaml

from coach.case import conduct_rules, contact_log
from coach.zh.evidence_cues import command
from tests.unit.test_knowledge import FACTS, articles, phone_numbers

NOW = datetime.datetime(2026, 11, 28, 16, 20, tzinfo=contact_log.LOCAL_TZ)  # a Saturday


def logged(*texts, lender="招商银行", now=NOW):
    log = []
    for text in texts:
        log, _ = contact_log.add(log, contact_log.Report(text, now, lender))
    return log


def test_a_report_becomes_a_dated_entry():
    (entry,) = logged("昨晚十一点多催收打电话骂我是老赖")
    assert entry["at"] == "2026-11-27T23:00:00+08:00" and entry["has_time"] and entry["approximate"]
    assert entry["channel"] == "电话" and "insult" in entry["kinds"] and entry["lender"] == "招商银行"
    assert contact_log.when_label(entry) == "2026年11月27日 23:00左右"


def test_without_time_words_the_message_time_is_kept():
    (entry,) = logged("催收给我同事发短信说我欠钱不还")
    assert entry["at"] == NOW.isoformat() and entry["channel"] == "短信"
    assert entry["contacted"] == ["同事/单位"] and entry["kinds"][0] == "third_party"


def test_who_how_many_and_the_record_prefix():
    (entry,) = logged("记录一下：今天上午自称律所的人打了二十多个电话")
    assert entry["text"].startswith("今天上午") and entry["count"] == 20 and entry["who"] == "律所"
    (visit,) = logged("上周五两个人来我家门口赖着不走")
    assert visit["channel"] == "上门" and {"visit", "refuse_leave"} <= set(visit["kinds"])
    assert visit["at"].startswith("2026-11-20")
    (announced,) = logged("催收发短信讲明天要上门")
    assert announced["channel"] == "短信" and "visit" not in announced["kinds"]  # announced, not made


def test_entries_are_listed_by_when_they_happened_and_numbered_so():
    log = logged("今天下午三点打给我妈", "上周五发短信说要抓我坐牢", "昨晚十一点多打电话骂我")
    lines = contact_log.as_lines(log)
    assert [line[:14] for line in lines] == ["1. 2026年11月20日", "2. 2026年11月27日", "3. 2026年11月28日"]
    assert contact_log.number_of(log, 1) == 3  # the first recorded happened last


def test_delete_by_number_and_the_last_one():
    log = logged("今天下午三点打给我妈", "上周五发短信说要抓我坐牢", "昨晚十一点多打电话骂我")
    log, removed = contact_log.delete(log, 2)
    assert removed["text"] == "昨晚十一点多打电话骂我" and len(log) == 2
    log, removed = contact_log.delete(log, -1)  # 「删掉刚才那条」: the last one recorded
    assert removed["text"] == "上周五发短信说要抓我坐牢" and len(log) == 1
    unchanged, none = contact_log.delete(log, 5)
    assert none is None and unchanged == log


def test_correct_the_time_or_the_content():
    log = logged("今天下午三点打给我妈", "昨晚十一点多打电话骂我")
    log, fixed = contact_log.correct(log, 2, "是今天下午两点", NOW)
    assert fixed["at"] == "2026-11-28T14:00:00+08:00" and fixed["text"] == "今天下午三点打给我妈"
    log, fixed = contact_log.correct(log, 1, "改成：打给了我同事", NOW)
    assert fixed["contacted"] == ["同事/单位"] and fixed["at"] == "2026-11-27T23:00:00+08:00"
    assert fixed["id"] == 2  # the same entry, corrected
    assert contact_log.correct(log, 9, "是前天", NOW)[1] is None
    assert contact_log.correct(log, 1, "", NOW)[1] is None


def test_no_phone_number_is_stored_in_clear():
    """The channel replaces every number before Rasa sees the text; the log keeps the marker as it came."""
    from channels.inbound import redact

    text, kinds = redact("昨晚11点 13912345678 打电话骂我")
    (entry,) = logged(text)
    assert "13912345678" not in str(entry) and kinds


@pytest.mark.parametrize("text, op, index, letter", [
    ("我的记录", "list", None, None), ("看看记录", "list", None, None),
    ("删除第二条", "delete", 2, None), ("把第3条删了", "delete", 3, None), ("删掉刚才那条", "delete", -1, None),
    ("第二条时间不对，是前天晚上九点", "correct", 2, None),
    ("记录一下：昨晚又打电话", "add", None, None),
    ("帮我写投诉信", "letter", None, "complaint"), ("报警材料怎么写", "letter", None, "police"),
    ("写一封暂缓催收的信", "letter", None, "holding"), ("要一封书面确认的信", "letter", None, "confirm_writing"),
    ("让他们别再联系我家人的信", "letter", None, "stop_third_party"),
    ("银行没回复，写个跟进信", "letter", None, "follow_up"), ("把所有信件都给我", "letter", None, "all"),
])
def test_requests_in_plain_words(text, op, index, letter):
    found = command(text)
    assert found is not None and (found.op, found.index, found.letter) == (op, index, letter)


@pytest.mark.parametrize("text", ["投诉信用卡催收找谁", "找第三方代理协商信用卡有没有用", "有没有回复催收短信的模板",
                                  "催收打电话骂我", "记录", "怎么查征信记录", "他们说要起诉我"])
def test_ordinary_messages_are_no_request(text):
    assert command(text) is None


def test_night_third_party_and_frequent_calls_are_marked_with_their_rule():
    log = contact_log.ordered(logged("昨晚十一点多打电话骂我", "今天下午三点打给我妈", "今天上午打了两个电话",
                                     "今天中午又打了两个电话"))
    rules = conduct_rules.breaches(log, "mainland", "credit_card")
    night, mom_call = rules[0], rules[3]
    assert {r.kind for r in night} == {"night", "insult"}
    assert any("第六十八条" in r.text and r.confidence == "V" for r in night)
    assert {r.kind for r in mom_call} == {"frequent", "third_party"}  # 5 calls today > 3
    frequent = next(r for r in mom_call if r.kind == "frequent")
    assert frequent.self_regulation and "行业规范" in frequent.text and frequent.confidence == "S"


def test_rules_follow_the_lender_and_the_region():
    third = logged("今天下午三点打给我妈")
    platform = conduct_rules.breaches(third, "mainland", "platform")[0]
    assert platform and not any("第六十八条" in r.text for r in platform)  # the card rule is for cards only
    hk = conduct_rules.breaches(third, "hk", "credit_card")[0]
    assert any("3.4.1" in r.text and r.confidence == "V" for r in hk)
    tw = conduct_rules.breaches(logged("昨晚十一点打电话来"), "tw", "credit_card")[0]
    assert any("上午七时至晚上十时" in r.text for r in tw)
    early = logged("今天早上七点半打电话")  # after 07:00: allowed in Taiwan, night on the mainland
    assert not conduct_rules.breaches(early, "tw")[0] and conduct_rules.breaches(early, "mainland")[0]


def test_hong_kong_never_gets_clock_hours():
    for rule in conduct_rules.rules_for("night", "hk"):
        assert "10 点" not in rule.text and "不合理" in rule.text


RULES = yaml.safe_load(conduct_rules.RULES_PATH.read_text(encoding="utf-8"))


def _rule_items():
    for region in ("mainland", "hk", "tw"):
        for kind, items in RULES[region].items():
            for item in items or []:
                yield region, kind, item


def test_every_rule_has_a_source_mark_and_hedge():
    for _, kind, item in _rule_items():
        assert kind in conduct_rules.KINDS, kind
        assert item["confidence"] in ("V", "S") and item["source"].startswith("facts §"), item
        if item.get("self_regulation"):
            assert any(w in item["text"] for w in ("行业规范", "行业自律", "非法定")), item["text"]
            assert "法律规定" not in item["text"]
        if item["confidence"] == "S" and not item.get("self_regulation"):
            assert any(w in item["text"] for w in ("据报道", "可以报警", "应当报警", "据旧版", "据公开")), item["text"]


def _traditional_or_simplified(ref):
    return ref in FACTS or ref.replace("条", "條") in FACTS


def test_every_number_and_article_in_the_rules_is_in_facts():
    joined = "\n".join(item["text"] for _, _, item in _rule_items())
    for number in phone_numbers(joined):
        assert number in FACTS, number
    refs = articles(joined)
    assert {"第六十八条", "第十四條", "第五十一條"} <= refs
    for ref in refs:
        assert _traditional_or_simplified(ref), ref


def test_deleting_the_whole_conversation_is_not_a_log_command() -> None:
    """「删除我的记录」 deletes the conversation (channels/forget.py); it is neither a list nor an entry deletion."""
    from coach.zh.evidence_cues import command

    for text in ("删除我的记录", "把我的聊天记录删掉", "刪除我的紀錄"):
        assert command(text) is None
    assert command("删除第二条").op == "delete" and command("我的记录").op == "list"


def test_a_change_carries_only_what_changed_and_applies_back_to_the_same_log():
    """The slot stores changes (components/slots.py): ``apply(before, change(before, after))`` is ``after``."""
    before = logged("昨晚十一点多打电话骂我", "今天下午三点打给我妈")
    added, entry = contact_log.add(before, contact_log.Report("今天上午打了两个电话", NOW, None))
    delta = contact_log.change(before, added)
    assert delta == {"op": "change", "put": [entry], "drop": []}
    assert contact_log.apply(before, delta) == added
    assert contact_log.apply(contact_log.apply(before, delta), delta) == added  # applied twice: the same
    fewer, removed = contact_log.delete(added, 1)
    assert contact_log.change(added, fewer) == {"op": "change", "put": [], "drop": [removed["id"]]}
    fixed, entry = contact_log.correct(fewer, 1, "是前天晚上九点", NOW)
    delta = contact_log.change(fewer, fixed)
    assert delta["put"] == [entry] and not delta["drop"] and contact_log.apply(fewer, delta) == fixed
    assert contact_log.change(fixed, fixed) is None


def test_apply_replaces_with_a_list_clears_with_none_and_refuses_anything_else():
    log = logged("昨晚十一点多打电话骂我")
    assert contact_log.apply(None, log) == log and contact_log.apply(log, None) is None
    copied = contact_log.apply(None, log)
    copied[0]["text"] = "changed"
    assert log[0]["text"] != "changed"  # a copy: trackers never share an entry
    assert contact_log.apply(None, contact_log.change([], log)) == log
    for odd in ("text", {"op": "change", "put": [{"id": 1}], "drop": []}, {"op": "add", "entry": log[0]}, 3):
        with pytest.raises(ValueError):
            contact_log.apply(log, odd)


def test_beyond_the_limit_the_oldest_entry_is_dropped_in_the_same_change():
    log = [{**logged("昨晚十一点多打电话骂我")[0], "id": i, "at": f"2026-01-01T00:{i % 60:02d}:00+08:00"}
           for i in range(1, contact_log.MAX_ENTRIES + 1)]
    added, entry = contact_log.add(log, contact_log.Report("今天上午打了两个电话", NOW, None))
    delta = contact_log.change(log, added)
    assert len(added) == contact_log.MAX_ENTRIES and delta["put"] == [entry] and len(delta["drop"]) == 1
    assert contact_log.apply(log, delta) == added
