"""The court stage and Taiwan's and Hong Kong's debt relief: the stage read from the words (coach/zh/court_words.py),
the answers (knowledge.yml ``special``, facts §12), the drafts (a 支付令异议书 and a 答辩状 outline, coach/letters.py)
and how they are asked for (coach/zh/evidence_cues.py). Every number the drafts say is checked against the sections
of knowledge/sources.md they cite."""

from __future__ import annotations

import datetime
import re

import pytest
import yaml

from actions.common_questions import from_the_court, not_a_contact
from coach import knowledge, letters
from coach.zh.court_words import STAGES, stage
from coach.zh.evidence_cues import command
from tests.unit.test_knowledge import FACTS, NUMBER, SECTION, articles, phone_numbers, section_text

TODAY = datetime.date(2026, 12, 1)

# ---------- the stage, from the words ----------

STAGE_CASES = [
    ("收到法院支付令了怎么办", "payment_order"),
    ("收到法院支付領了怎麼辦", "payment_order"),  # Traditional, and 令 typed as 領
    ("法院给我发了支付另 15天内要还", "payment_order"),
    ("督促程序是什么意思", "payment_order"),
    ("法院寄来传票 下周开庭 我没钱请律师", "lawsuit"),
    ("法院寄來傳票 下週開庭", "lawsuit"),
    ("今天签收了起诉状副本", "lawsuit"),
    ("下个月开庭 我要不要去", "lawsuit"),
    ("说要诉前调解 必须去吗", "mediation"),
    ("說要訴前調解 一定要去嗎", "mediation"),
    ("法院调解中心打电话让我去调解", "mediation"),
    ("诉前掉解能拒绝吗", "mediation"),
    ("法院把我的银行卡冻结了", "preservation"),
    ("对方申请了财产保全 怎么办", "preservation"),
    ("强制执行会扣工资吗", "enforcement"),
    ("我的房子会不会被查封拍卖", "enforcement"),
    ("收到执行通知书了", "enforcement"),
    ("微信上有人发了个法院传票照片 怎么辨别真假", "verify"),
    ("催收发来一张传票的截图", "verify"),
    ("这个起诉状是真的吗", "verify"),
    ("怎么知道支付令是不是真的", "verify"),
    ("催收说已经立案了", "collector_filed"),
    ("催收說已經立案了", "collector_filed"),
    ("对方称已经起诉我了", "collector_filed"),
    ("怎么查自己有没有被起诉", "check_sued"),
    ("怎麼查自己有沒有被起訴", "check_sued"),
    ("我想查下自己是不是被起述了", "check_sued"),  # 起诉 typed as 起述
]
NOT_COURT = ["逾期会坐牢吗", "催收说要起诉我是真的吗", "被起诉了没钱请律师怎么办", "会被列为失信被执行人吗",
             "我想申请分期", "银行卡被冻结了", "帮我写投诉信", "他们天天打电话骂我", "", "   "]


@pytest.mark.parametrize(("text", "expected"), STAGE_CASES)
def test_the_stage_is_read_from_the_words(text: str, expected: str) -> None:
    assert stage(text) == expected


@pytest.mark.parametrize("text", NOT_COURT)
def test_other_messages_are_no_court_stage(text: str) -> None:
    assert stage(text) is None


def test_every_stage_has_its_special_topic() -> None:
    named = {spec.get("court") for spec in knowledge.load()["special"].values()}
    assert set(STAGES) <= named


# ---------- the question asked, whatever the intent ----------

TOPICS = [
    ("收到法院支付令了怎么办", "court_payment_order"),
    ("法院寄来传票 下周开庭 我没钱请律师", "court_lawsuit"),
    ("说要诉前调解 必须去吗", "court_mediation"),
    ("微信上有人发了个法院传票照片 怎么辨别真假", "court_verify"),
    ("怎么查自己有没有被起诉", "sued_check"),
    ("催收说已经立案了", "court_filed_claim"),
    ("法院把我的银行卡冻结了", "court_preservation"),
    ("强制执行会扣工资吗", "court_enforcement"),
    ("我想走前置協商 要怎麼開始", "tw_negotiation"),
    ("銀行公會的債務協商怎麼申請", "tw_negotiation"),
    ("更生跟清算差在哪", "tw_rehabilitation"),
    ("IVA同破產有咩分別", "hk_relief"),
    ("我想申請破產 點算", "hk_relief"),
    # an SMS with a link stays the SMS answer; a phishing link opened stays first
    ("收到一条短信说我已经被法院立案了，让我点链接查看传票，是真的吗", "court_sms"),
    ("我刚才已经点了 还填了身份证号和银行卡", "phishing_clicked"),
]


@pytest.mark.parametrize(("text", "topic"), TOPICS)
def test_the_court_stage_and_relief_are_answered_whatever_the_intent(text: str, topic: str) -> None:
    assert knowledge.special_topic(text) == topic


def answer(topic: str, region: str = "mainland") -> str:
    return knowledge.special_answer(topic, region) or ""


def test_payment_order_fifteen_days_written_objection_to_the_debt_itself() -> None:
    text = answer("court_payment_order")
    assert "15 日内" in text and "书面异议" in text and "口头异议无效" in text
    assert "债务本身" in text and "只说没钱还" in text and "不影响支付令的效力" in text  # 「没钱」 is no objection
    assert "强制执行" in text and "转入诉讼" in text and "欠款不会因此消失" in text
    assert "12368" in text and "「帮我写异议书」" in text  # check first; the draft is offered
    assert "第二百二十八条" in text and "第二百一十六条" not in text  # the 2023 numbering (facts §12 warning)


def test_lawsuit_papers_answer_days_default_judgment_small_claims() -> None:
    text = answer("court_lawsuit")
    assert "起诉状副本" in text and "15 日内" in text and "答辩状" in text
    assert "缺席判决" in text and "小额诉讼" in text and "一审终审" in text and "可能没有上诉" in text
    assert "借款合同" in text and "还款记录" in text  # what to prepare
    assert "12348 公共法律服务热线" in text and "「帮我写答辩状」" in text
    assert "拘传" not in text  # facts §12.2: never threaten ordinary debtors with it


def test_mediation_is_voluntary_and_changed_in_2025() -> None:
    text = answer("court_mediation")
    assert "自愿" in text and "也可以拒绝" in text and "2025 年起" in text and "据公开资料" in text
    assert "第十八条" in text and "不利" in text and "不收费" in text
    assert "个人账户" in text and "官方电话" in text
    assert "必须去" not in text and "强制调解" not in text


def test_freeze_and_enforcement_say_what_is_protected() -> None:
    freeze = answer("court_preservation")
    assert "立即通知" in freeze and "5 日内" in freeze and "复议" in freeze and "30 日内" in freeze
    assert "12368" in freeze and "案号" in freeze
    enforcement = answer("court_enforcement")
    assert "生活必需费用" in enforcement and "不得拍卖" in enforcement and "衣服" in enforcement
    assert "执行和解" in enforcement and "如实申报" in enforcement and "加倍" in enforcement


@pytest.mark.parametrize("topic", ["court_verify", "court_filed_claim", "sued_check"])
def test_papers_are_checked_through_official_channels_never_a_link(topic: str) -> None:
    text = answer(topic)
    assert "12368" in text and "中国审判流程信息公开网" in text
    assert "个人账户" in text
    assert not re.search(r"https?://|www\.|\.cn\b|\.com\b", text)


def test_whatever_form_the_papers_came_in() -> None:
    text = answer("court_verify")
    assert "照片" in text and "链接或二维码" in text and "官方网站" in text and "96110" in text
    assert "一定是假的" not in text  # a real court may serve electronically too (facts §12.4)
    claim = answer("court_filed_claim")
    assert "不等于真的立案" in claim and "行业规范" in claim and "法院和案号" in claim and "起诉状副本" in claim


# ---------- Hong Kong and Taiwan: their own rules, their own words ----------

MAINLAND_ONLY = re.compile(r"(?<!\d)(12378|12363|12321|12356|12368|12348|96110)(?!\d)|民事诉讼法|民事訴訟法|"
                           r"第[一二三四五六七八九十百]+条|行业规范|15 日|人民币|元（")
SIMPLIFIED_ONLY = re.compile(r"[们说这还钱银贷债务请协产条国门时个让诉调]")
COURT_TOPICS = ["court_verify", "court_filed_claim", "sued_check", "court_payment_order", "court_lawsuit",
                "court_mediation", "court_preservation", "court_enforcement"]


@pytest.mark.parametrize("topic", COURT_TOPICS)
@pytest.mark.parametrize("region", ["hk", "tw"])
def test_the_court_stage_in_hong_kong_and_taiwan_names_no_mainland_rule(topic: str, region: str) -> None:
    text = answer(topic, region)
    assert not MAINLAND_ONLY.search(text), text
    if topic not in ("court_verify", "sued_check"):
        assert "並不適用" in text  # says the mainland's procedure is not theirs


def test_taiwan_relief_in_its_own_words() -> None:
    start = answer("tw_negotiation", "tw")
    assert "最大債權金融機構" in start and "前置協商" in start and "書面" in start
    assert "NT$1,000" in start and "20 日內" in start and "更生或清算" in start
    assert "02-8596-1629" in start and "代辦" in start and "自律規範" in start  # the 3rd-day pause is [S]
    rehab = answer("tw_rehabilitation", "tw")
    assert "新臺幣一千二百萬元" in rehab and "六年" in rehab and "免責" in rehab and "1957" in rehab
    for text in (start, rehab):
        assert not MAINLAND_ONLY.search(text) and not SIMPLIFIED_ONLY.search(text), text
        assert "人民币" not in text and "账户" not in text


def test_hong_kong_relief_in_its_own_words() -> None:
    text = answer("hk_relief", "hk")
    assert "個人自願安排" in text and "破產管理署" in text and "2867 2448" in text
    assert "4 年" in text and "HK$10,000" in text and "3161 2929" in text and "2548 0803" in text
    assert "75%" not in text  # facts §12.18: the IVA creditor threshold is not verified
    assert "8,650" not in text and "8,000" not in text  # the deposit: sources disagree
    cap = answer("interest", "hk")
    assert "48%" in cap and "36%" in cap and "2022 年 12 月 30 日" in cap and "2860 3574" in cap
    for t in (text, cap):
        assert not MAINLAND_ONLY.search(t) and not SIMPLIFIED_ONLY.search(t), t
    assert "四倍" not in cap and "LPR" not in cap  # the mainland's caps are not Hong Kong's


def test_relief_words_get_the_relief_answer_in_every_region() -> None:
    """The words are Taiwan's or Hong Kong's own; a Simplified writer asking about them gets the same facts."""
    for topic in ("tw_negotiation", "tw_rehabilitation", "hk_relief"):
        assert answer(topic, "mainland") == answer(topic, "tw") == answer(topic, "hk")


# ---------- the evidence log: a court's papers are no collector's contact ----------

@pytest.mark.parametrize("text", ["法院寄来传票 下周开庭 我没钱请律师", "收到法院支付令了", "法院把我的银行卡冻结了"])
def test_the_courts_papers_are_not_a_log_entry(text: str) -> None:
    assert from_the_court(text) and not_a_contact(text)


@pytest.mark.parametrize("text", ["催收说已经立案了", "催收发来一张传票的截图", "催收打电话说法院要冻结我的卡"])
def test_a_collector_speaking_of_a_case_stays_an_entry(text: str) -> None:
    assert not from_the_court(text)


# ---------- the drafts ----------

@pytest.mark.parametrize(("text", "kind"), [
    ("帮我写支付令异议书", "objection"), ("帮我写异议书", "objection"), ("支付令異議怎麼寫", "objection"),
    ("帮我起草一份支付令的异议", "objection"), ("答辩状怎么写", "defence"), ("帮我写答辩状", "defence"),
    ("帮我准备答辩要点", "defence"),
])
def test_a_court_draft_is_asked_for_in_plain_words(text: str, kind: str) -> None:
    from coach.zh.normalizer import to_simplified
    found = command(to_simplified(text))
    assert found is not None and found.op == "letter" and found.letter == kind


@pytest.mark.parametrize("text", ["征信有错怎么提异议", "帮我写个征信异议申请", "信用报告异议书怎么写",
                                  "收到支付令了怎么办"])
def test_other_objections_and_questions_are_no_court_draft(text: str) -> None:
    found = command(text)
    assert found is None or found.letter not in letters.COURT_SET


def case(region: str = "mainland", **kw) -> letters.Case:
    base = dict(lender="招商银行", lender_kind="credit_card", debt=32000, region=region)
    return letters.Case(**(base | kw))


def test_the_objection_is_filled_from_the_case_with_blanks_for_the_rest() -> None:
    text = letters.court_letter("objection", case(), TODAY).text
    assert text.startswith("支付令异议书") and "申请人（债权人）：招商银行" in text
    assert "异议人记录的欠款约 32,000 元" in text
    for blank in ("【发出支付令的法院名称】", "【支付令上的案号】", "【收到日期】", "【支付令载明的金额】",
                  "【提交日期】"):
        assert blank in text, blank
    assert "对该支付令载明的债务本身提出书面异议" in text and "只写确有依据的内容" in text
    assert "裁定终结督促程序" in text
    assert "15 日内" in text and "视为没有提出异议" in text and "口头异议无效" in text and "12368" in text
    # never an objection that is no objection, never an invented one
    assert "无力偿还" not in text and "没有能力还，" not in text and "已经还清" in text  # only as an example to fill


def test_the_objection_without_a_known_lender_or_amount_leaves_blanks() -> None:
    text = letters.court_letter("objection", case(lender=None, debt=None, lender_kind="platform"), TODAY).text
    assert "申请人（债权人）：贷款机构【请填写机构名称】" in text and "异议人记录的欠款" not in text


def test_the_defence_outline() -> None:
    text = letters.court_letter("defence", case(plan_summary="分 22 期，每期 1,455 元"), TODAY).text
    assert text.startswith("答辩状要点") and "被答辩人（原告）：招商银行" in text and "约 32,000 元" in text
    for blank in ("【起诉状副本或传票上的案号】", "【法院名称】", "【提交日期】", "【收入下降等真实原因】"):
        assert blank in text, blank
    assert "确有其事" in text and "不回避这笔欠款" in text and "分 22 期，每期 1,455 元" in text
    assert "有律所引用最高法文件" in text and "24%" in text  # facts §12.13 [S], hedged
    assert "第一百二十八条" in text and "第一百三十条" in text and "缺席判决" in text and "一审终审" in text
    assert "12348 公共法律服务热线" in text


def test_court_drafts_are_mainland_only() -> None:
    for region in ("hk", "tw"):
        with pytest.raises(ValueError):
            letters.court_letter("objection", case(region), TODAY)
    with pytest.raises(ValueError):
        letters.court_letter("love_letter", case(), TODAY)
    assert [m.kind for m in letters.letters_for("defence", case(), [], TODAY)] == ["defence"]
    assert not {"objection", "defence"} & {m.kind for m in letters.letters_for("all", case(), [], TODAY)}


def _court_texts() -> list[str]:
    out = []
    for kind in letters.COURT_SET:
        for c in (case(), case(lender=None, debt=None, lender_kind="platform"), case(plan_summary="分 5 期")):
            out.append(letters.court_letter(kind, c, TODAY).text)
    return out


def test_every_number_and_article_in_the_court_drafts_is_in_facts() -> None:
    joined = "\n".join(_court_texts())
    numbers = phone_numbers(joined)
    assert {"12368", "12348"} <= numbers
    assert all(n in FACTS for n in numbers), numbers
    refs = articles(joined)
    assert refs >= {"第一百二十八条", "第一百三十条", "第一百四十七条", "第一百六十五条", "第一百七十一条"}
    assert all(r in FACTS for r in refs), refs


def test_every_court_note_cites_a_section_and_its_numbers_are_there() -> None:
    data = yaml.safe_load(letters.LETTERS_PATH.read_text(encoding="utf-8"))
    notes = [*(n for kind in letters.COURT_SET for n in data["court_notes"][kind]), data["court_fee_note"]]
    for note in notes:
        assert re.fullmatch(r"facts §\d+\.\d+(, §\d+\.\d+)*", note["source"]) and note["confidence"] in ("V", "S")
        cited = "\n".join(section_text(a, b) for a, b in SECTION.findall(note["source"]))
        text = note["text"].format(**knowledge.hotlines())
        for number in phone_numbers(text):
            text = text.replace(number, " ")
        for number in NUMBER.findall(text):
            assert re.search(rf"(?<![\d,.:$]){re.escape(number)}(?![\d,:])", cited), (note["text"], number)
        if note["confidence"] == "S":
            assert any(h in note["text"] for h in ("有律所引用", "可以", "先核实")), note["text"]


def test_the_intro_lines_say_what_an_objection_is_not() -> None:
    lines = letters.load()["lines"]
    assert "债务本身" in lines["court_intro_objection"] and "不影响支付令的效力" in lines["court_intro_objection"]
    assert "15 日内" in lines["court_intro_objection"]
    assert "香港、台湾" in lines["court_mainland_only"]


@pytest.mark.parametrize("text", ["帮我写支付令异议书", "答辩状怎么写", "我的记录呢"])
def test_a_request_for_a_draft_is_left_to_the_evidence_log(text: str) -> None:
    """A request names a stage (「支付令」) or asks (「怎么写」), but it is a request: the log reads it."""
    assert not not_a_contact(text)


# ---------- answered whatever the intent (the actions, without servers; tests/http/test_court_stage.py has them) ----

WHATEVER = [("收到法院支付令了怎么办", "court_payment_order"), ("说要诉前调解 必须去吗", "court_mediation"),
            ("催收说已经立案了", "court_filed_claim"), ("法院寄来传票 下周开庭 我没钱请律师", "court_lawsuit"),
            ("我想走前置協商 要怎麼開始", "tw_negotiation")]


@pytest.mark.parametrize(("text", "topic"), WHATEVER)
@pytest.mark.parametrize("intent", ["report_lawsuit_threat", "ask_consequences", "verify_collector", "ask_legality",
                                    "inform", "out_of_scope", "cannot_pay"])
async def test_the_court_stage_is_answered_whatever_the_intent(text: str, topic: str, intent: str) -> None:
    from tests.unit.test_answers import ACTION_BY_INTENT, run, tracker

    said, _, _ = await run(ACTION_BY_INTENT[intent], tracker(text, intent))
    assert said[0] == knowledge.special_answer(topic), (intent, said)
    assert not any("帮不上忙" in s for s in said)
