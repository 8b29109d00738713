"""The kind of debt (a mortgage, a car loan, a car finance lease, a private loan, a likely illegal loan): read from
the borrower's words (coach/zh/debt_kind_words.py), kept in the case (slot lender_type, CaseFacts.debt_kind), and
deciding the plan (coach/plan.py), the drafts (coach/templates/kinds/) and the answers (knowledge.yml ``special``).

A mortgage or a car loan never gets the credit card's 60-month arithmetic; an illegal loan gets no repayment plan
for what the lender added on top of the money that reached the borrower."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest

from coach import extraction, knowledge
from coach.case import REGIONS, CaseFacts, vocabulary
from coach.drafting import TEMPLATE_DIR, layout
from coach.plan import IllegalLoanPlan, InstallmentPlan, SecuredPlan, make_plan
from coach.zh import debt_kind_words
from coach.zh.debt_kind_words import debt_kind, received_amount
from tests.unit.test_knowledge import FACTS, articles, phone_numbers

TODAY = datetime.date(2026, 12, 6)

KINDS = [
    ("房贷120万 断供三个月了 每个月只能还5000", "mortgage"),
    ("房子会被拍卖吗 我能自己先卖房吗", "mortgage"),
    ("按揭还不上了", "mortgage"),
    ("车贷逾期两个月 他们说要拖车", "car_loan"),
    ("车子断供了 会被收走吗", "car_loan"),
    ("以租代购的车 租金逾期了", "car_lease"),
    ("借了个714高炮 到手700 要还1000", "illegal"),
    ("到手3500 7天要还5000", "illegal"),
    ("被套路贷了", "illegal"),
    ("借了朋友5万还不上", "private"),
    ("招行信用卡欠了三万", None),
    ("网贷月供2000还不上", None),
    ("欠了71400", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_the_kind_is_read_from_the_words(text, kind):
    assert debt_kind(text) == kind


def test_what_reached_the_borrower_is_read():
    assert received_amount("借了个714高炮 到手700 要还1000") == 700
    assert received_amount("实际到账只有3500") == 3500
    assert received_amount("欠了一千") is None


def test_the_vocabulary_labels_every_kind_the_words_read():
    assert set(vocabulary.DEBT_KINDS) == set(debt_kind_words.DEBT_KINDS)
    assert not set(vocabulary.DEBT_KINDS) & set(vocabulary.LENDER_KINDS)
    assert vocabulary.labels()["debt_kinds"]["mortgage"] == "房贷"


def _extract(text: str, current: dict | None = None, entities: list | None = None) -> dict:
    return extraction.extract_facts(intent="inform", entities=entities or [], text=text, raw_text=text,
                                    requested_slot=None, current=current or {})


def test_the_kind_goes_to_lender_type_and_stays_when_the_bank_is_named_later():
    assert _extract("房贷120万 断供三个月了")["lender_type"] == "mortgage"
    later = _extract("是工商银行的", {"lender_type": "mortgage"},
                     [{"entity": "lender", "value": "工商银行", "start": 1, "end": 5}])
    assert later.get("lender") == "工商银行" and later["lender_type"] == "mortgage"
    # an ordinary card debt keeps the lender's family
    card = _extract("招行信用卡欠了三万", {}, [{"entity": "lender", "value": "招商银行", "start": 0, "end": 2}])
    assert card.get("lender_type") == "credit_card"


def test_case_facts_keep_the_kind_and_what_reached_the_borrower():
    facts = CaseFacts.from_slots({"lender_type": "illegal", "debt_amount": 1000},
                                 messages=["借了个714高炮 到手700 要还1000"], today=TODAY)
    assert facts.debt_kind == "illegal" and facts.loan_received == 700
    mortgage = CaseFacts.from_slots({"lender": "工商银行", "lender_type": "mortgage", "debt_amount": 1_200_000})
    assert mortgage.debt_kind == "mortgage" and mortgage.lender_type == "mortgage"
    card = CaseFacts.from_slots({"lender": "招商银行", "lender_type": "credit_card", "debt_amount": 30000})
    assert card.debt_kind is None and card.lender_type == "credit_card"


# ---------- the plan per kind ----------

MORTGAGE = CaseFacts(lender_type="mortgage", debt_amount=1_200_000, affordable_monthly=5000, overdue_days=90)


def test_a_mortgage_gets_no_installment_arithmetic():
    plan = make_plan(MORTGAGE, TODAY)
    assert plan == SecuredPlan("mortgage", 1_200_000, 5000)
    # the same numbers as a card debt: 60 months at 20,000 a month, beyond what they can pay
    card = make_plan(CaseFacts(lender_type="credit_card", debt_amount=1_200_000, affordable_monthly=5000), TODAY)
    assert card.monthly_at_max_term == 20000  # type: ignore[union-attr]


def _all_text(facts: CaseFacts, region: str = "mainland", staff: bool = False) -> str:
    drafts = layout(facts, make_plan(facts, TODAY), TODAY, staff=staff, crisis=staff, violence=staff,
                    region=region)
    return "\n".join([drafts.summary, drafts.note, *(body for _, body in drafts.parts), *drafts.next_questions])


SECURED = [CaseFacts(lender=lender, lender_type=kind, debt_amount=debt, affordable_monthly=affordable,
                     overdue_days=overdue, hardship_reason="失业/收入下降")
           for kind, lender, debt, affordable, overdue in itertools.product(
               ("mortgage", "car_loan", "car_lease"), (None, "工商银行"), (1_200_000, 80000), (5000, None, 0),
               (90, None))]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("staff", [False, True])
def test_a_secured_debt_never_gets_the_card_rule(region, staff):
    for facts in SECURED:
        text = _all_text(facts, region, staff)
        for card_words in ("60 期", "60期", "个性化分期", "第七十条", "分 ", "最长 5 年"):
            assert card_words not in text, (facts, card_words, text)


def test_the_mortgage_drafts_say_what_the_bank_can_do_and_what_the_borrower_can():
    text = _all_text(MORTGAGE)
    for said in ("每月先还 5,000 元", "住房公积金", "卖房款先还清贷款", "法院拍卖、变卖", "第四百一十条",
                 "由银行决定"):
        assert said in text, said
    assert "贵行" in text


def test_a_car_loan_asks_for_written_notice_and_names_110_against_force():
    text = _all_text(CaseFacts(lender="工商银行", lender_type="car_loan", debt_amount=80000, overdue_days=60))
    assert "书面通知" in text and "强行开走" in text and "110" in text
    assert "贵行" in text  # the lender is a bank


ILLEGAL = CaseFacts(lender_type="illegal", debt_amount=1000, loan_received=700)


def test_an_illegal_loan_gets_no_repayment_plan():
    plan = make_plan(ILLEGAL, TODAY)
    assert plan == IllegalLoanPlan(1000, 700) and plan.added == 300
    drafts = layout(ILLEGAL, plan, TODAY)
    kinds = [kind for kind, _ in drafts.parts]
    assert "written_request" not in kinds  # nothing is proposed to such a lender
    text = _all_text(ILLEGAL)
    assert "实际到手 700 元" in text and "不按对方要求的 1,000 元还款" in text and "报警" in text
    for plan_words in ("分期", "每期", "每月先还", "一次性结清", "申请调整"):
        assert plan_words not in text, plan_words


def test_an_illegal_loan_with_no_amount_received_said_still_gets_no_plan():
    facts = CaseFacts(lender_type="illegal", debt_amount=1000)
    assert make_plan(facts, TODAY) == IllegalLoanPlan(1000, None)
    assert "每期" not in _all_text(facts) and "【" not in _all_text(facts).replace("【机构名称】", "")


def test_a_private_loan_and_a_card_keep_their_plans():
    for kind in ("private", "credit_card", None):
        plan = make_plan(CaseFacts(lender_type=kind, debt_amount=36000, affordable_monthly=1500), TODAY)
        assert plan == InstallmentPlan(24, 1500, 36000)


def test_every_number_and_article_of_the_kind_drafts_is_in_the_facts():
    facts = [*SECURED, ILLEGAL, CaseFacts(lender_type="illegal", debt_amount=5000)]
    joined = "\n".join(_all_text(f, region, staff) for f, region, staff in
                       itertools.product(facts, REGIONS, (False, True)))
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (TEMPLATE_DIR / "kinds").glob("*.j2"))
    assert not phone_numbers(sources)  # every phone number comes from knowledge.yml's hotlines
    assert articles(joined) == {"第四百一十条"}
    for ref in articles(joined):
        assert ref in FACTS
    for number in phone_numbers(joined):
        assert number in FACTS


def test_hong_kong_and_taiwan_borrowers_get_no_mainland_law_in_the_kind_drafts():
    for facts, region in itertools.product([*SECURED, ILLEGAL], ("hk", "tw")):
        text = _all_text(facts, region)
        assert not re.search(r"第[一二三四五六七八九十百]+条|民法典|12378", text), text


# ---------- the answers per kind ----------

SPECIAL = [
    ("房贷120万 断供三个月了 每个月只能还5000", "mortgage_arrears"),
    ("房贷逾期了怎么办", "mortgage_arrears"),
    ("房子会被拍卖吗 我能自己先卖房吗", "mortgage_auction"),
    ("房贷断供了 银行会不会收房", "mortgage_auction"),
    ("车贷逾期两个月 他们说要拖车", "car_loan"),
    ("以租代购的车 他们要收车", "car_loan"),
    ("借了个714高炮 到手700 要还1000", "illegal_loan"),
    ("被套路贷了", "illegal_loan"),
    # what came before keeps its answer
    ("法院要强制执行拍卖我的房子", "court_enforcement"),
    ("我儿子房贷断供了 我要不要替他还", "family_not_liable"),
    ("信用卡逾期了怎么办", "overdue_card"),
    ("招行信用卡欠了三万 每月能还1500", None),
]


@pytest.mark.parametrize(("text", "topic"), SPECIAL)
def test_the_answer_follows_the_kind(text, topic):
    assert knowledge.special_topic(text) == topic


def test_the_mortgage_answers_cite_sections_12_7_to_12_9():
    statements = knowledge.load()["statements"]
    arrears = knowledge.load()["special"]["mortgage_arrears"]["say"]["mainland"]
    assert {statements[s]["source"] for s in arrears} >= {"facts §12.7", "facts §12.8", "facts §12.9"}
    text = knowledge.special_answer("mortgage_auction")
    assert "第四百零六条" in text and "法院拍卖、变卖" in text and "差额仍要还" in text
    assert "坐牢" not in text


def test_the_car_and_illegal_answers():
    car = knowledge.special_answer("car_loan")
    assert "110" in car and "第七百五十二条" in car and "强行开走" in car
    illegal = knowledge.special_answer("illegal_loan")
    assert "110" in illegal and "实际到手" in illegal and "第二十六条" in illegal
    assert not re.search(r"分期|每期", illegal)


# ---------- which messages make the case a kind, and how their amounts are read ----------

CASE_KINDS = [
    ("房贷120万 断供三个月了 每个月只能还5000", None, None, "mortgage"),
    ("工商银行房贷断供了", "bank_loan", None, "mortgage"),
    ("车贷逾期两个月 他们说要拖车", None, None, "car_loan"),
    ("借了个714高炮 到手700 要还1000", "platform", "credit_card", "illegal"),
    # a mortgage named as a monthly expense of another debt's case, or beside a card the case already is
    ("借呗逾期了 收入8000 房贷每月4000", None, None, None),
    ("招行信用卡逾期了 房贷也断供了", "credit_card", None, None),
    ("房贷也断供了", None, "credit_card", None),
    ("我有房贷", None, None, None),
]


@pytest.mark.parametrize(("text", "named", "current", "kind"), CASE_KINDS)
def test_the_case_becomes_a_kind_only_when_that_debt_is_in_trouble(text, named, current, kind):
    assert debt_kind_words.case_kind(text, named, current) == kind


def _amounts(text: str) -> list[dict]:
    from coach.zh.numbers import extract
    money, durations = extract(text)
    return [*({"entity": "amount", "start": s.start, "end": s.end, "value": s.value, "role": s.role} for s in money),
            *({"entity": "duration", "start": s.start, "end": s.end, "value": s.value, "role": s.role}
              for s in durations)]


def test_the_amounts_of_a_mortgage_and_of_a_714_loan():
    said = "房贷120万 断供三个月了 每个月只能还5000"
    mortgage = _extract(said, entities=_amounts(said))
    assert mortgage["debt_amount"] == 1_200_000 and mortgage["affordable_monthly"] == 5000
    assert "essential_expenses" not in mortgage
    illegal = _extract("借了个714高炮 到手700 要还1000", entities=_amounts("借了个714高炮 到手700 要还1000"))
    assert illegal["debt_amount"] == 1000 and "monthly_income" not in illegal
    # a card debt's budget keeps its mortgage as an expense
    budget = _extract("收入8000 房贷每月4000", entities=_amounts("收入8000 房贷每月4000"))
    assert budget.get("essential_expenses") == 4000 and "debt_amount" not in budget
