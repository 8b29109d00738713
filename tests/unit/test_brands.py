"""Who lends behind a brand (coach/case/brands.py, coach/brands.yml): the questions people ask, the hedges the marks
of knowledge/lender_entities.yml call for, the complaint route that follows the lender's kind (facts §3, §11.3), and
the official 协商 line only where facts §13.3 has one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from coach.case import brands
from coach.case.brands import answer, brand_question, find_brand

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)", (ROOT / "knowledge" / "sources.md").read_text("utf-8"), re.M))


@pytest.mark.parametrize("text, brand", [
    ("借呗是哪家公司放的贷", "借呗"),
    ("美团借钱背后是谁", "美团借钱"),
    ("分期乐投诉找谁", "分期乐"),
    ("360借条是什么公司的", "360借条"),
    ("度小满的钱是谁借给我的", "度小满"),
    ("京东金条哪家放款", "京东金条"),
    ("白条怎么投诉", "京东白条"),
    ("有钱花的资金方是哪个银行", "度小满"),
    ("微粒贷是哪個銀行的", "微粒贷"),
    ("借唄的放款方是誰", "借呗"),
    ("安逸花是谁放的款", "安逸花"),
])
def test_brand_questions(text: str, brand: str) -> None:
    found = brand_question(text)
    assert found is not None and found.name == brand, text


@pytest.mark.parametrize("text", [
    "借呗到期还不上怎么办", "借呗的催收是谁", "打电话的是谁 说是借呗的", "我想投诉催收", "美团外卖是谁送的",
    "借了信用贷是哪家", "我欠了花呗两万",
])
def test_not_brand_questions(text: str) -> None:
    assert brand_question(text) is None


def test_platform_brand_names_its_likely_lenders_hedged() -> None:
    reply = answer(find_brand("分期乐"))
    assert reply.startswith("分期乐是乐信") and "本身不放款" in reply and "据公开报道" in reply and "可能" in reply
    assert "南京银行" in reply and "深圳市乐信融资担保有限公司" in reply
    assert "借款合同" in reply and "业务管理机构" in reply  # how to confirm it (facts §13.1)
    assert "12378" in reply and "地方金融管理局" not in reply  # only bank lenders are listed


def test_microloan_route_and_never_12378_for_it() -> None:
    reply = answer(find_brand("美团借钱"))
    assert "重庆美团三快小额贷款有限公司" in reply
    assert "小额贷款公司：由省级地方金融管理局监管" in reply
    route = next(line for line in reply.splitlines() if "小额贷款公司：" in line)
    assert "12378" not in route


def test_x_marked_lenders_are_never_named() -> None:
    baitiao = answer(find_brand("京东白条"))
    assert "天津京东消费金融" not in baitiao and "重庆京东盛际小额贷款有限公司" in baitiao
    anyihua = answer(find_brand("安逸花"))
    assert "没有查到可靠的资料" in anyihua and "马上消费金融" not in anyihua
    assert "12378" in anyihua and "地方金融管理局" in anyihua  # lender unknown: both routes, the contract decides


def test_former_lender_is_said_as_former() -> None:
    reply = answer(find_brand("借呗"))
    assert "重庆蚂蚁消费金融有限公司" in reply
    first = reply.splitlines()[0]
    assert "蚂蚁商诚" not in first and "2021 年以前的借款，放款方可能是重庆市蚂蚁商诚小额贷款有限公司" in reply


def test_negotiation_line_only_where_the_facts_have_one() -> None:
    assert "95384" in answer(find_brand("微粒贷"))
    assert "95188" in answer(find_brand("花呗"))
    for name in ("分期乐", "美团借钱", "网商贷", "招联好期贷"):
        reply = answer(find_brand(name))
        assert not re.search(r"\b9\d{4}\b|400-", reply), name
        assert "客服/帮助" in reply


def test_every_brand_answers_and_every_statement_cites_its_section() -> None:
    for brand in brands.brands():
        assert answer(brand)
    data = yaml.safe_load(brands.TEXT_PATH.read_text("utf-8"))
    for key, statement in data["statements"].items():
        cited = re.findall(r"§(\d+(?:\.\d+)?)", statement["source"])
        assert statement["source"].startswith("facts §") and cited and set(cited) <= SECTIONS, key
        assert statement["confidence"] in ("V", "S"), key
    sources = (ROOT / "knowledge" / "sources.md").read_text("utf-8")
    section = sources[sources.index("### 13.3"):sources.index("### 13.4")]
    for number in data["lines"].values():
        assert number in section
