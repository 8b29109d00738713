"""Message → case facts: roles, form answers, corrections, "不知道", threats and plan requests."""

from typing import Any

import pytest

from coach.extraction import detect_script, extract_facts, region_is_clear
from coach.zh.numbers import extract


def _entities(text: str, lender: str | None = None) -> list[dict[str, Any]]:
    amounts, durations = extract(text)
    ents: list[dict[str, Any]] = []
    for kind, spans in (("amount", amounts), ("duration", durations)):
        for s in spans:
            ent: dict[str, Any] = {"entity": kind, "value": s.value}
            if s.role:
                ent["role"] = s.role
            ents.append(ent)
    if lender:
        ents.append({"entity": "lender", "value": lender})
    return ents


def _facts(text: str, *, intent: str = "inform", requested: str | None = None, lender: str | None = None,
           raw: str | None = None, **current: Any) -> dict[str, Any]:
    return extract_facts(intent=intent, entities=_entities(text, lender), text=text, raw_text=raw or text,
                         requested_slot=requested, current=current)


def test_full_sentence_fills_every_fact_by_role() -> None:
    out = _facts("欠招行信用卡三万二，逾期两个月，月收入五千，每月能还一千五，失业了", lender="招商银行")
    assert out["lender"] == "招商银行" and out["lender_type"] == "credit_card"
    assert (out["debt_amount"], out["overdue_days"], out["monthly_income"], out["affordable_monthly"]) == \
        (32000, 60, 5000, 1500)
    assert out["hardship_reason"] == "失业/收入下降"


def test_bare_answer_goes_to_the_requested_slot() -> None:
    assert _facts("三万二左右", requested="debt_amount")["debt_amount"] == 32000
    assert _facts("一千五吧", requested="affordable_monthly")["affordable_monthly"] == 1500
    assert _facts("两个月了", requested="overdue_days")["overdue_days"] == 60


def test_correction_changes_the_fact_given_last() -> None:
    out = _facts("不对，是四万", intent="deny", debt_amount=32000.0, last_fact="debt_amount")
    assert out["debt_amount"] == 40000


def test_dont_know_is_recorded_for_the_requested_slot() -> None:
    out = _facts("不知道", requested="affordable_monthly", facts_unknown=[])
    assert out["facts_unknown"] == ["affordable_monthly"]
    assert "affordable_monthly" not in out


def test_no_income_answer_is_zero() -> None:
    assert _facts("没工作 没收入", requested="monthly_income")["monthly_income"] == 0


def test_not_overdue_yet() -> None:
    assert _facts("还没逾期", requested="overdue_days")["overdue_days"] == 0


def test_extension_request_takes_the_duration_as_extension() -> None:
    out = _facts("能不能宽限一个月", intent="request_extension")
    assert out["extension_days"] == 30 and out["requested_plan"] == "extension"


def test_threats_accumulate_once() -> None:
    out = _facts("又打给我妈了", intent="report_third_party_contact", threat_types=["visit"])
    assert out["threat_types"] == ["visit", "third_party"]
    assert "threat_types" not in _facts("又打我妈", intent="report_third_party_contact", threat_types=["third_party"])


def test_crisis_sets_the_flag() -> None:
    assert _facts("不想活了", intent="express_crisis")["crisis_flag"] is True


def test_script_detection() -> None:
    assert detect_script("佢哋打俾我公司", None) is None  # no character differs from Simplified: unknown
    assert detect_script("他們說要上門", None) == "tw"
    assert detect_script("佢哋話要上門", None) == "hk"
    assert detect_script("他们说要上门", "tw") == "simplified"
    assert detect_script("想分期，欠建设银行三万", None) == "simplified"  # full-width punctuation is not Traditional


def test_correction_while_another_slot_is_asked() -> None:
    out = _facts("不对，是四万", intent="deny", requested="affordable_monthly", debt_amount=30000.0,
                 last_fact="debt_amount,overdue_days")
    assert out["debt_amount"] == 40000 and "affordable_monthly" not in out


def test_a_wage_delay_is_not_the_overdue_time() -> None:
    out = _facts("这个月实在还不上了，公司工资拖了两个月没发", intent="cannot_pay")
    assert "overdue_days" not in out and out["hardship_reason"] == "工资拖欠"


def test_threats_named_in_a_case_description_are_recorded() -> None:
    out = _facts("借款人欠广发信用卡五万二，催收说要去她单位，还打给了她同事", intent="inform")
    assert out["threat_types"] == ["visit", "third_party"]
    assert "threat_types" not in _facts("上门催收合法吗", intent="ask_legality")


def test_numbers_in_threat_reports_and_fee_questions_are_not_case_facts() -> None:
    assert "overdue_days" not in _facts("一天打二十几个电话 从早打到晚", intent="report_harassment")
    assert "debt_amount" not in _facts("有个公司说能帮我停息挂账 收费三千 靠谱吗", intent="ask_debt_service")


def test_a_month_as_a_rate_is_not_an_extension() -> None:
    out = _facts("一个月到手四千出头", intent="inform", requested="monthly_income", extension_days=60.0)
    assert "extension_days" not in out and out["monthly_income"] == 4000


def test_more_than_n_months() -> None:
    assert _facts("一个多月了", requested="overdue_days")["overdue_days"] == 30
    assert _facts("逾期两个多月", intent="inform")["overdue_days"] == 60


def test_an_unknown_lender_is_taken_as_given_when_asked() -> None:
    out = _facts("国泰世华信用卡", requested="lender")
    assert out["lender"] == "国泰世华"
    assert "lender" not in _facts("不知道是哪家", requested="lender")


def test_expenses_and_reduced_income() -> None:
    out = _facts("每月开销三千二", requested="essential_expenses")
    assert out["essential_expenses"] == 3200
    assert _facts("厂里减产，工资少了一半", intent="cannot_pay")["hardship_reason"] == "失业/收入下降"


def test_threats_in_names_each_kind_once() -> None:
    from coach.extraction import threats_in

    assert threats_in("催收说明天上门 还要打给我爸妈") == ["visit", "third_party"]
    assert threats_in("我真的不想活了") == []


@pytest.mark.parametrize("text", ["她说去年公司裁员了", "过去公司效益不好", "我去公司上班的时候他们打来的",
                                  "去年家里出了事"])
def test_going_somewhere_in_the_past_or_by_the_borrower_is_no_visit(text: str) -> None:
    from coach.extraction import threats_in

    assert "visit" not in threats_in(text)


@pytest.mark.parametrize("text", ["他们说要去你公司找你", "催收说不还就去我老家", "说明天去你单位"])
def test_a_collector_going_to_the_workplace_or_home_is_a_visit(text: str) -> None:
    from coach.extraction import threats_in

    assert "visit" in threats_in(text)


def test_a_place_the_borrower_names_decides_the_region_over_the_script() -> None:
    assert detect_script("我喺深圳住㗎 唔系香港", "hk") == "simplified"
    assert detect_script("收數公司話要去我公司搵我老細", None) == "hk"
    assert detect_script("我在台北 銀行一直打來", None) == "tw"


# ---------- several debts (共债) ----------

def _ents(text: str, *items: tuple) -> list[dict]:
    out = []
    for kind, value, surface, *role in items:
        start = text.find(surface)
        entity = {"entity": kind, "value": value, "start": start, "end": start + len(surface)}
        if role:
            entity["role"] = role[0]
        out.append(entity)
    return out


def _read(text: str, entities: list[dict], current: dict, requested_slot: str | None = None,
          intent: str = "inform") -> dict:
    return extract_facts(intent=intent, entities=entities, text=text, raw_text=text, requested_slot=requested_slot,
                         current=current, as_answer=requested_slot is not None)


def test_another_lender_named_with_an_amount_joins_the_first_one() -> None:
    text = "3万，还有借呗2万"
    updates = _read(text, _ents(text, ("amount", 30000, "3万"), ("lender", "借呗", "借呗"), ("amount", 20000, "2万")),
                    {"lender": "招商银行", "lender_confirmed": True}, requested_slot="debt_amount")
    assert updates["debts"] == [{"lender": "招商银行", "amount": 30000, "registry": True},
                                {"lender": "借呗", "amount": 20000, "registry": True}]
    assert updates["debt_amount"] == 50000


def test_a_new_lender_without_an_adding_word_still_corrects_the_single_lender() -> None:
    text = "不是借呗，是花呗"
    updates = _read(text, _ents(text, ("lender", "花呗", "花呗")), {"lender": "借呗", "debt_amount": 8000.0})
    assert updates["lender"] == "花呗" and "debts" not in updates


def test_a_bare_amount_fills_the_one_debt_still_without_an_amount() -> None:
    current = {"debts": [{"lender": "招商银行", "amount": 30000}, {"lender": "花呗", "amount": None}]}
    updates = _read("8000", _ents("8000", ("amount", 8000, "8000")), current)
    assert updates["debts"][1] == {"lender": "花呗", "amount": 8000} and updates["debt_amount"] == 38000


def test_paid_off_and_corrected_debts() -> None:
    current = {"lender": "招商银行", "debts": [{"lender": "招商银行", "amount": 30000},
                                              {"lender": "美团借钱", "amount": 5000},
                                              {"lender": "借呗", "amount": 20000}]}
    text = "美团那笔已经还清了"
    assert [d["lender"] for d in _read(text, _ents(text, ("lender", "美团借钱", "美团")), current)["debts"]] == \
        ["招商银行", "借呗"]
    text = "招行是三万五不是三万"
    updates = _read(text, _ents(text, ("lender", "招商银行", "招行"), ("amount", 35000, "三万五")), current)
    assert updates["debts"][0]["amount"] == 35000 and updates["debt_amount"] == 60000


def test_a_threat_is_kept_with_the_lender_named_in_its_clause() -> None:
    text = "借款人欠招行信用卡3万、借呗2万，招行说要起诉她"
    updates = _read(text, _ents(text, ("lender", "招商银行", "招行信用卡"), ("amount", 30000, "3万"),
                                ("lender", "借呗", "借呗"), ("amount", 20000, "2万")), {})
    assert updates["debts"][0]["threats"] == ["lawsuit"] and "threats" not in updates["debts"][1]


@pytest.mark.parametrize("texts,clear", [
    (["催收說要打給我公司"], False),  # Traditional characters alone: Hong Kong or Taiwan?
    (["催收話要打俾我公司"], True),  # Cantonese: Hong Kong
    (["銀行說要寄存證信函，我要找金管會申訴"], True),  # Taiwanese terms
    (["催收说要打给我公司"], True),  # Simplified: mainland
    (["銀行說要起訴我", "香港"], True),  # the answer to the question
    (["我喺深圳住㗎 唔系香港"], True),
])
def test_region_is_clear_only_from_the_borrowers_own_words(texts: list[str], clear: bool) -> None:
    assert region_is_clear(texts) is clear


@pytest.mark.parametrize("answer,script", [("香港", "hk"), ("我喺九龍㗎", "hk"), ("台北", "tw"),
                                           ("在深圳", "simplified")])
def test_a_bare_place_answers_where_the_borrower_is(answer: str, script: str) -> None:
    assert detect_script(answer, "tw") == script
