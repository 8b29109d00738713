"""Complaint and request letters (coach/letters.py): routing by lender kind and region (facts §3, §11), the
table of entries with the rules they break, and every number and article checked against knowledge/sources.md."""

import datetime
import itertools

import pytest
import yaml

from coach import letters
from coach.case import LENDER_TYPES, REGIONS, contact_log
from tests.unit.test_knowledge import FACTS, articles, phone_numbers

NOW = datetime.datetime(2026, 11, 28, 16, 20, tzinfo=contact_log.LOCAL_TZ)
TODAY = NOW.date()
REPORTS = ("昨晚十一点多打电话骂我是老赖", "今天下午三点打给我妈，说我欠钱不还", "上周五自称法院的人发短信说要抓我坐牢",
           "今天他们威胁说要找人收拾我")


def log_of(*texts):
    log = []
    for text in texts:
        log, _ = contact_log.add(log, contact_log.Report(text, NOW, "某机构"))
    return log


def case(kind, region="mainland", lender="招商银行"):
    return letters.Case(lender=lender, lender_kind=kind, debt=32000, overdue_days=60, region=region,
                        plan_summary="分 22 期，每期 1,455 元")


def complaint(kind, region="mainland", reports=REPORTS):
    made = letters.complaint_letters(case(kind, region), log_of(*reports), TODAY)
    return {m.kind: m.text for m in made}


@pytest.mark.parametrize("kind", ["credit_card", "bank_loan", "consumer_finance"])
def test_bank_and_consumer_finance_go_to_the_lender_first_then_12378(kind):
    text = complaint(kind)["complaint"]
    first, second = text.index("先向招商银行的官方客服热线"), text.index("拨打 12378")
    assert first < second
    assert "地方金融管理局" not in text


def test_platform_identifies_the_lender_then_12378_or_the_local_regulator():
    text = complaint("platform")["complaint"]
    assert text.index("先查清放款方") < text.index("12378") < text.index("地方金融管理局")
    assert "致：放款机构【请先查清放款方名称】" in text
    assert "12378 不" not in text  # never says 12378 covers 小贷 (facts §11.3)


def test_hong_kong_goes_to_the_bank_then_the_hkma():
    text = complaint("credit_card", "hk")["complaint"]
    assert text.index("建议先向招商银行投诉") < text.index("香港金融管理局") and "2878 1378" in text
    assert "12378" not in text and "12321" not in text and "110" not in text
    assert "999" in text  # the threat adds the police step


def test_taiwan_goes_to_the_bank_then_the_foi_after_30_days():
    text = complaint("credit_card", "tw")["complaint"]
    assert text.index("先向招商银行申诉") < text.index("金融消费评议中心") and "0800-789-885" in text
    assert "30 天" in text and "12378" not in text and "香港" not in text


def test_the_table_has_every_entry_dated_with_the_rules_it_breaks():
    text = complaint("credit_card")["complaint"]
    assert "序号｜时间｜方式｜经过｜违反的规定" in text
    assert "1｜2026年11月20日｜短信｜上周五自称法院的人发短信说要抓我坐牢｜见规定" in text
    assert "2026年11月27日 23:00左右｜电话｜昨晚十一点多打电话骂我是老赖" in text
    assert "第六十八条" in text and "（已核实）" in text and "（据二手资料）" in text and "行业规范" in text
    for heading in ("三、本人的请求", "四、附件", "五、投诉途径（依次）"):
        assert heading in text
    assert "家人、同事、朋友收到的电话记录" in text  # a third party was contacted
    assert "“法院”“律师函”" in text  # a fake court was named


def test_harassing_calls_add_a_12321_report_and_threats_police_material():
    made = complaint("credit_card")
    assert set(made) == {"complaint", "spam", "police"}
    assert "12321" in made["spam"] and "找人收拾我" in made["police"] and "110" in made["police"]
    assert "打给我妈" not in made["police"]  # only the threats go to the police
    quiet = complaint("credit_card", reports=("今天下午三点打给我妈",))
    assert set(quiet) == {"complaint"}


def test_no_entries_no_complaint():
    assert letters.complaint_letters(case("credit_card"), [], TODAY) == []


def test_the_small_letter_set():
    log = log_of(*REPORTS)
    made = {k: letters.small_letter(k, case("credit_card"), log, TODAY, TODAY - datetime.timedelta(days=20)).text
            for k in letters.SMALL_SET}
    assert "暂缓催收" in made["holding"] and "2026年12月12日 前" in made["holding"]
    assert "第七十条" in made["confirm_writing"] and "年化利率" in made["confirm_writing"]
    assert "今天下午三点打给我妈" in made["stop_third_party"] and "第六十八条" in made["stop_third_party"]
    assert "骂我" not in made["stop_third_party"]  # only the third-party entries
    assert "2026年11月8日" in made["follow_up"] and "15 天内" in made["follow_up"] and "12378" in made["follow_up"]
    tw = letters.small_letter("follow_up", case("credit_card", "tw"), log, TODAY).text
    assert "30 天内" in tw and "金融消费评议中心" in tw
    platform = letters.small_letter("confirm_writing", case("platform"), log, TODAY).text
    assert "第七十条" not in platform  # the card rule only for cards


def test_unknown_letter_kind_is_refused():
    with pytest.raises(ValueError):
        letters.small_letter("love_letter", case("credit_card"), [], TODAY)


def _every_letter():
    log = log_of(*REPORTS, "今天上午打了二十多个电话", "上周五两个人来我家门口赖着不走")
    for kind, region, lender in itertools.product((*LENDER_TYPES, None), REGIONS, ("某银行", None)):
        c = letters.Case(lender=lender, lender_kind=kind, debt=None if lender else 5000, region=region,
                         plan_summary=None if lender else "分 5 期")
        yield from (m.text for m in letters.letters_for("all", c, log, TODAY))


def test_every_number_and_article_in_the_letters_is_in_facts():
    joined = "\n".join(_every_letter())
    data = yaml.safe_load(letters.LETTERS_PATH.read_text(encoding="utf-8"))
    joined += "\n".join(step["text"] for step in data["steps"].values())
    numbers = phone_numbers(joined)
    assert {"12378", "12321", "110", "999", "2878 1378", "0800-789-885", "1998", "02-8596-1629"} <= numbers
    for number in numbers:
        assert number in FACTS, number
    for ref in articles(joined):
        assert ref in FACTS or ref.replace("条", "條") in FACTS, ref


def test_every_step_has_a_source_and_a_mark():
    data = yaml.safe_load(letters.LETTERS_PATH.read_text(encoding="utf-8"))
    for name, step in data["steps"].items():
        assert step["source"].startswith("facts §") and step["confidence"] in ("V", "S"), name
        if step["confidence"] == "S":
            assert any(w in step["text"] for w in ("据公开资料", "可以", "可向", "立即打", "行业协会", "建议")), name
    for region, routes in data["routes"].items():
        assert set(routes) == set(LENDER_TYPES), region
        for route in routes.values():
            assert all(s in data["steps"] for s in route["steps"])
