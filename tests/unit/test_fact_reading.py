"""Facts read as new borrowers write them: each amount's role, 「各」, every lender named, dates against the message
day (UTC+8), durations in every common form, and corrections that name the fact they change."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from coach.case import CaseFacts
from coach.case.facts import stated_payment_in
from coach.case.lenders import find_lenders
from coach.extraction import extract_facts
from coach.zh.amount_roles import amount_role
from coach.zh.normalizer import normalize
from coach.zh.numbers import extract
from coach.zh.time_words import upcoming_date

DECEMBER = datetime.date(2026, 12, 6)
DECEMBER_NOON = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def _role(text: str, amount: str) -> str | None:
    start = text.index(amount)
    return amount_role(text, start, start + len(amount))


@pytest.mark.parametrize(("text", "amount", "role"), [
    ("他们还让我再交2000", "2000", "demand"),
    ("催收要我今天必须先还3000", "3000", "demand"),
    ("对方叫我转5000到他卡上", "5000", "demand"),
    ("原来月供7800", "7800", "installment"),
    ("之前分期每月还2300", "2300", "installment"),
    ("月供能接受2000", "2000", "affordable"),
    ("每月能还1500", "1500", "affordable"),
    ("每个月工资5000", "5000", "income"),
    ("先还3000", "3000", "partial"),
    ("已经还了5000", "5000", "repaid"),
    ("手续费800", "800", "fee"),
    ("房贷月供3000", "3000", "expenses"),
    ("欠招行3万", "3万", "debt"),
    ("还有来分期4000", "4000", "debt"),
    ("1月15号发了工资一次还清6000", "6000", "debt"),
    ("借呗、微粒贷各一万六左右", "一万六", "each"),
    ("4000", "4000", None),
    ("每个月必须花的差不多六千一百块", "六千一百", "expenses"),
    ("使费大概12,000元", "12,000", "expenses"),
])
def test_every_amount_gets_its_role_from_the_words_around_it(text: str, amount: str, role: str | None) -> None:
    assert _role(text, amount) == role


@pytest.mark.parametrize(("text", "days"), [
    ("个半月", 45), ("一个半月", 45), ("兩個幾月", 60), ("俩月", 60), ("半个月", 15), ("一年多", 365),
])
def test_durations_in_every_common_form(text: str, days: int) -> None:
    _, durations = extract(normalize(text))
    assert [d.value for d in durations] == [days]


def test_a_duration_the_borrower_rejects_is_not_read() -> None:
    _, durations = extract("逾期是4个月 不是2个月")
    assert [d.value for d in durations] == [120]


def test_a_number_inside_a_lender_name_is_no_amount() -> None:
    amounts, _ = extract("欠360借条2万3")
    assert [a.value for a in amounts] == [23000]


@pytest.mark.parametrize(("text", "names"), [
    ("还有个叫速借宝的app 2千", [("速借宝", False)]),
    ("还有个速借宝2千", [("速借宝", False)]),
    ("我欠了“闪电借”一万", [("闪电借", False)]),
    ("WeLend 5万", [("WeLend", False)]),
    ("网商贷欠8000", [("网商贷", True)]),
    ("还有来分期4000", [("来分期", True)]),
    ("招联好期贷欠两万", [("招联消费金融", True)]),
    ("他们叫我转3000", []),
    ("还有房贷", []),
    ("叫家里的人还", []),
    ("678借条", [("678借条", False)]),
    ("PrimeCredit 中银 各欠十二万两千", [("PrimeCredit", False)]),
    ("是123贷的", [("123贷", False)]),
])
def test_lenders_the_registry_lacks_are_found(text: str, names: list[tuple[str, bool]]) -> None:
    assert [(f["value"], f["registry"]) for f in find_lenders(text)] == names


def _entities(text: str, lenders: tuple[tuple[str, str], ...] = ()) -> list[dict[str, Any]]:
    """What the NLU gives: the registry's lenders (as LenderExtractor), amounts and durations with offsets."""
    amounts, durations = extract(text)
    out: list[dict[str, Any]] = []
    for surface, canonical in lenders:
        start = text.index(surface)
        out.append({"entity": "lender", "value": canonical, "start": start, "end": start + len(surface),
                    "text": surface})
    for kind, spans in (("amount", amounts), ("duration", durations)):
        for s in spans:
            ent: dict[str, Any] = {"entity": kind, "value": s.value, "start": s.start, "end": s.end, "text": s.text}
            if s.role:
                ent["role"] = s.role
            out.append(ent)
    return out


def _facts(text: str, lenders: tuple[tuple[str, str], ...] = (), *, intent: str = "inform",
           requested: str | None = None, **current: Any) -> dict[str, Any]:
    text = normalize(text)
    return extract_facts(intent=intent, entities=_entities(text, lenders), text=text, raw_text=text,
                         requested_slot=requested, current=current, as_answer=requested is not None,
                         now=DECEMBER_NOON)


def test_a_demand_or_the_old_installment_is_never_what_the_borrower_can_pay() -> None:
    for text in ("他们还让我再交2000", "原来月供7800"):
        out = _facts(text, requested="affordable_monthly")
        assert "affordable_monthly" not in out, text


@pytest.mark.parametrize(("text", "costs"), [
    ("食飯 3100，租金6,000元", 9100), ("供樓 13500，交通600塊 食飯2200", 16300), ("供楼11000块 租金9000", 20000),
])
def test_every_cost_item_counts_in_cantonese_too(text: str, costs: int) -> None:
    assert _facts(text, requested="essential_expenses").get("essential_expenses") == costs


def test_a_fullwidth_comma_before_a_digit_ends_the_amount() -> None:
    out = _facts("捷信欠12万6，360借条 13.2w", (("捷信", "捷信消费金融"), ("360借条", "360借条")))
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [("捷信消费金融", 126000), ("360借条", 132000)]


def test_pay_said_in_cantonese_is_income_not_a_length_of_time() -> None:
    text = normalize("而家一個月就揾3500 過咗期兩個月")
    amounts, durations = extract(text)
    assert [(a.value, a.role) for a in amounts] == [(3500, "income")]
    assert [d.value for d in durations] == [60]


@pytest.mark.parametrize(("text", "name"), [("2345贷款王", "2345贷款王"), ("就米花花那笔", "米花花"), ("裕融", "裕融")])
def test_a_name_no_list_knows_answering_the_lender_question_is_kept(text: str, name: str) -> None:
    out = _facts(text, requested="lender")
    assert (out.get("lender"), out.get("lender_confirmed")) == (name, False)


def test_a_mortgage_payment_listed_with_other_costs_is_a_cost() -> None:
    out = _facts("房贷 2500 吃饭 1900", requested="affordable_monthly")
    assert out.get("essential_expenses") == 4400 and "debt_amount" not in out


def test_a_bank_named_like_a_cost_is_a_bank() -> None:
    out = _facts("交通银行信用卡欠8.7w 浦发信用卡欠39000", (("交通银行", "交通银行"), ("浦发", "浦发银行")))
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [("交通银行", 87000), ("浦发银行", 39000)]


def test_raising_a_child_alone_is_no_cost() -> None:
    out = _facts("离婚了 一个人带孩子 就是 一个月还3500块的话我能做到")
    assert out.get("affordable_monthly") == 3500 and "essential_expenses" not in out


def test_costs_listed_unasked_are_added_up_not_taken_as_the_debt() -> None:
    out = _facts("食飯3500塊 租金7000塊 交通600塊")
    assert out.get("essential_expenses") == 11100 and "debt_amount" not in out


def test_living_costs_said_to_the_monthly_question_are_living_costs() -> None:
    out = _facts("每个月必须花的差不多六千一百块", requested="affordable_monthly", monthly_income=6500.0)
    assert out.get("essential_expenses") == 6100 and "affordable_monthly" not in out


def test_another_lender_and_its_amount_while_the_form_asks_the_monthly_amount() -> None:
    out = _facts("还有来分期4000", requested="affordable_monthly", lender="借呗", debt_amount=10000.0)
    assert "affordable_monthly" not in out
    assert out["debts"] == [{"lender": "借呗", "amount": 10000, "registry": True},
                            {"lender": "来分期", "amount": 4000, "registry": True}]


def test_each_named_lender_gets_the_amount_said_with_ge() -> None:
    text = "借呗、微粒贷、京东金条、美团、360借条各一万六左右"
    out = _facts(text, (("借呗", "借呗"), ("微粒贷", "微粒贷"), ("京东金条", "京东金条"), ("美团", "美团借钱"),
                        ("360借条", "360借条")))
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [
        ("借呗", 16000), ("微粒贷", 16000), ("京东金条", 16000), ("美团借钱", 16000), ("360借条", 16000)]
    assert out["debt_amount"] == 80000


def test_each_after_an_amount_belongs_only_to_the_lenders_after_it() -> None:
    text = "网商贷8000，借呗、微粒贷各5000"
    out = _facts(text, (("借呗", "借呗"), ("微粒贷", "微粒贷")))
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [("网商贷", 8000), ("借呗", 5000), ("微粒贷", 5000)]


def test_three_lenders_one_the_registry_lacks_are_all_kept() -> None:
    text = "网商贷欠8000，京东白条6000，还有浦发信用卡两万多"
    out = _facts(text, (("京东白条", "京东白条"), ("浦发", "浦发银行")))
    assert [(d["lender"], d["amount"]) for d in out["debts"]] == [
        ("网商贷", 8000), ("京东白条", 6000), ("浦发银行", 20000)]


def test_an_unknown_app_joins_the_several_debts_and_is_kept_unconfirmed() -> None:
    debts = [{"lender": n, "amount": a, "registry": True} for n, a in
             (("借呗", 10000), ("微粒贷", 8000), ("京东白条", 6000), ("招商银行", 5000))]
    out = _facts("还有个叫速借宝的app 2千", debts=debts, lender="借呗", debt_amount=29000.0)
    assert out["debts"][-1] == {"lender": "速借宝", "amount": 2000, "registry": False}
    assert len(out["debts"]) == 5 and out["debt_amount"] == 31000
    # named again later: found by the name the case holds
    dropped = _facts("那个速借宝2千呢 你没算进去啊", debts=debts, lender="借呗", debt_amount=29000.0)
    assert dropped["debts"][-1]["lender"] == "速借宝" and dropped["debt_amount"] == 31000


def test_a_lender_the_registry_lacks_answers_the_lender_question() -> None:
    out = _facts("网商贷 1万8", requested="lender")
    assert (out["lender"], out["lender_confirmed"], out["debt_amount"], out["lender_type"]) == \
        ("网商贷", True, 18000, "bank_loan")


def test_hotline_notes_keep_the_lender_name_and_the_amount_apart() -> None:
    assert _facts("欠360借条2万3", (("360借条", "360借条"),))["debt_amount"] == 23000
    latin = _facts("WeLend 5萬")
    assert (latin["lender"], latin["lender_confirmed"], latin["debt_amount"]) == ("WeLend", False, 50000)


def test_corrections_change_the_fact_they_name() -> None:
    out = _facts("逾期是4个月 不是2个月", intent="deny", overdue_days=60.0, last_fact="overdue_days")
    assert out["overdue_days"] == 120
    debts = [{"lender": "借呗", "amount": 10000, "registry": True}, {"lender": "微粒贷", "amount": 8000,
                                                                      "registry": True}]
    out = _facts("借呗其实是一万五", (("借呗", "借呗"),), intent="deny", debts=debts, lender="借呗",
                 debt_amount=18000.0)
    assert out["debts"][0]["amount"] == 15000 and out["debt_amount"] == 23000


def test_a_payday_said_in_december_is_next_years_and_its_correction_moves_it() -> None:
    assert upcoming_date("1月15号发了工资一次还清6000", DECEMBER) == datetime.date(2027, 1, 15)
    assert upcoming_date("15号发工资", DECEMBER) == datetime.date(2026, 12, 15)
    assert upcoming_date("3号", DECEMBER) == datetime.date(2027, 1, 3)
    assert upcoming_date("不是12月15号 是明年1月15号", DECEMBER) == datetime.date(2027, 1, 15)
    out = _facts("1月15号发了工资一次还清6000", debt_amount=6000.0)
    assert out["extension_days"] == 40 and "affordable_monthly" not in out
    moved = _facts("不是12月15号 是明年1月15号", intent="deny", extension_days=9.0, last_fact="extension_days")
    assert moved["extension_days"] == 40
    # a contact is not a payday: no time asked for
    assert "extension_days" not in _facts("3号他们打电话来")


def test_the_stated_payment_date_follows_the_message_day_and_its_correction() -> None:
    stated = stated_payment_in(["1月15号发了工资一次还清6000"], DECEMBER)
    assert stated is not None and stated.whole and stated.days == 40
    corrected = stated_payment_in(["12月15号发了工资一次还清", "不对 是明年1月15号"], DECEMBER)
    assert corrected is not None and corrected.days == 40
    facts = CaseFacts.from_slots({"debt_amount": 6000}, messages=["12月15号发了工资一次还清",
                                                                 "不是12月15号 是明年1月15号"], today=DECEMBER)
    assert facts.stated_payment is not None and facts.stated_payment.days == 40


def test_a_debt_only_the_borrower_named_stays_in_the_plan_marked_unconfirmed() -> None:
    debts = [{"lender": "借呗", "amount": 10000, "registry": True}, {"lender": "速借宝", "amount": 2000,
                                                                      "registry": False}]
    facts = CaseFacts.from_slots({"debts": debts})
    assert [(d.lender, d.amount, d.confirmed) for d in facts.debts] == [("借呗", 10000, True), ("速借宝", 2000, False)]


@pytest.mark.parametrize(("text", "names"), [
    ("欠款明细 快易花141000 光大信用卡12万5", ["快易花"]), ("就一笔 闪电借的 48000", ["闪电借"]),
    ("在米花花借了7.5w还没还", ["米花花"]),
])
def test_the_words_around_a_list_are_no_part_of_a_name(text: str, names: list[str]) -> None:
    assert [f["value"] for f in find_lenders(normalize(text))] == names


def test_an_answer_about_paying_is_no_lender_name() -> None:
    assert _facts("月尾可以先還3500塊㗎", requested="lender").get("lender") is None
    assert _facts("Welab咯", requested="lender").get("lender") == "Welab"


_KNOWN_CASE = {"lender": "招商银行", "debt_amount": 30000.0, "affordable_monthly": 1500.0, "overdue_days": 60.0}


@pytest.mark.parametrize("text", ["5000", "还有5000", "大概3000吧", "我手上有3000", "另外还剩8000块"])
def test_an_amount_the_words_give_no_role_is_asked_about_never_guessed(text: str) -> None:
    out = _facts(text, **_KNOWN_CASE)
    assert "amount_unsettled" in out and out["amount_unsettled"] > 0, out
    assert not {"debt_amount", "affordable_monthly", "monthly_income", "debts"} & set(out), out


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("欠款一共5000", "debt_amount", 5000), ("每月能还5000", "affordable_monthly", 5000),
    ("月收入5000", "monthly_income", 5000),
])
def test_an_amount_with_its_role_is_taken_and_not_asked_about(text: str, slot: str, value: int) -> None:
    out = _facts(text, **_KNOWN_CASE)
    assert out.get(slot) == value and out.get("amount_unsettled") is None, out


def test_another_lender_named_with_its_amount_is_a_debt_not_a_question() -> None:
    out = _facts("还有借呗5000", (("借呗", "借呗"),), **_KNOWN_CASE)
    assert out.get("debt_amount") == 35000 and out.get("amount_unsettled") is None, out


@pytest.mark.parametrize(("text", "slot"), [
    ("每个月能还的", "affordable_monthly"), ("是收入", "monthly_income"), ("欠的总数", "debt_amount"),
])
def test_the_answer_in_words_gives_the_asked_amount_its_role(text: str, slot: str) -> None:
    out = _facts(text, **_KNOWN_CASE, amount_unsettled=5000.0)
    assert out.get(slot) == 5000 and out["amount_unsettled"] is None, out


def test_none_of_these_lets_the_amount_go_and_a_restated_amount_is_not_asked_about() -> None:
    for answer in ("都不是", "不知道"):  # 「不知道」 to the question: the amount is let go, not left hanging
        out = _facts(answer, **_KNOWN_CASE, amount_unsettled=5000.0)
        assert out.get("amount_unsettled", "missing") is None and "debt_amount" not in out, answer
    from coach.extraction import lets_amount_go
    assert lets_amount_go("不知道") and lets_amount_go("都不是") and not lets_amount_go("每个月能还的")
    assert "amount_unsettled" not in _facts("1500", **_KNOWN_CASE)  # what they can pay, said again
    assert "amount_unsettled" not in _facts("5000", requested="debt_amount", lender="招商银行")  # the form asked
    assert _role("他说要3000", "3000") == "demand"
