"""Knowledge answers (coach/knowledge.py + knowledge.yml) and the facts check for every template."""

import datetime
import functools
import itertools
import re
from pathlib import Path

import pytest
import yaml

from coach import knowledge
from coach.case import LENDER_TYPES, REGIONS, CaseFacts
from coach.case.facts import StatedPayment
from coach.drafting import TEMPLATE_DIR, draft_borrower, draft_staff, plan_note, plan_summary
from coach.plan import make_plan

# The project's copy of the team's sourced facts (knowledge/sources.md says how it is kept up to date).
FACTS_PATH = Path(__file__).parents[2] / "knowledge" / "sources.md"
FACTS = FACTS_PATH.read_text(encoding="utf-8")
DATA = yaml.safe_load(knowledge.KNOWLEDGE_PATH.read_text(encoding="utf-8"))
STATEMENTS = DATA["statements"]

PHONE_PATTERNS = [
    r"(?<![\d,.])1\d{4}(?![\d,])",            # 12356, 12378, 12363, 12321
    r"(?<![\d,.])9\d{4}(?![\d,])",            # 96110
    r"(?<!\d)\d{3}-\d{3}-\d{4}(?!\d)",        # 400-161-9995
    r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)",         # 010-82951332
    r"(?<!\d)\d{3}-\d{4}-\d{4}(?!\d)",        # mobile-style 3-4-4
    r"(?<!\d)\d{4} \d{4}(?!\d)",              # Hong Kong 2896 0000
    r"(?<![\d,.])19\d\d(?![\d,年])",           # Taiwan 1925 (and the unverified 1995/1980)
    r"(?<![\d,.])(?:110|120|999)(?![\d,])",   # emergency numbers
    r"(?<!\d)0\d{1,3}-\d{3,4}-\d{3,4}(?!\d)",  # Taiwan 0800-789-885, 02-8596-1629
    r"(?<![\d-])\d{3}-\d{4}(?![\d-])",        # Taiwan 412-8518
]
# Simplified 条 and Traditional 條 (the Hong Kong and Taiwan statements are written in Traditional characters).
ARTICLE = re.compile(r"第[一二三四五六七八九十百千零〇两\d]+[条條](?:之一)?")
SECTION = re.compile(r"§(\d+)(?:\.(\d+))?")


def phone_numbers(text):
    return {m for pattern in PHONE_PATTERNS for m in re.findall(pattern, text)}


def articles(text):
    return set(ARTICLE.findall(text))


def knowledge_texts():
    yield from (s["text"] for s in STATEMENTS.values())
    yield from DATA["hotlines"].values()


@functools.lru_cache(maxsize=1)
def template_texts():
    """Every template's source plus renders over a matrix that reaches every conditional branch (rendered once)."""
    return tuple(_template_texts())


def _template_texts():
    for path in sorted(TEMPLATE_DIR.glob("*.j2")):
        yield path.read_text(encoding="utf-8")
    today = datetime.date(2026, 11, 23)
    whole, part = StatedPayment(whole=True), StatedPayment(whole=False, amount=2000, days=10)
    # (debt, affordable, requested plan, stated payment, requested months): every plan kind and note
    shapes = [(36000, 1500, None, None, None), (200000, 1000, "fee_waiver", None, None), (5000, 8000, None, None, None),
              (32000, 1000, "extension", None, None), (3000, 9000, "extension", None, None),
              (60000, None, "extension", None, None), (90000, 0, None, None, None), (8000, 3000, None, whole, None),
              (12000, 2000, None, part, None), (36000, 1500, "installment", None, 12),
              (36000, 1500, "installment", None, 36), (60000, 2000, "installment", None, 72)]
    threats = ("visit", "lawsuit", "third_party", "harassment")
    for kind, (debt, affordable, requested, stated, months), reason in itertools.product(
        LENDER_TYPES, shapes, ("失业/收入下降", "疾病/意外", "生意失败", "工资拖欠", "家庭变故", "其他", None)
    ):
        for lender, region in itertools.product(("某机构", None), REGIONS):
            f = CaseFacts(lender=lender, lender_type=kind, debt_amount=debt, overdue_days=120,
                          affordable_monthly=affordable, hardship_reason=reason, requested_plan=requested,
                          threat_types=threats, stated_payment=stated, requested_months=months,
                          monthly_income=0 if affordable == 0 else None)
            plan = make_plan(f, today)
            d = draft_borrower(f, plan, today, region)
            s = draft_staff(f, plan, today, crisis=True, violence=True, region=region)
            yield from (d.phone_script, d.written_request, d.short_reply, d.checklist, plan_summary(f, plan),
                        plan_note(f, plan, region),
                        s.case_summary, s.tell_borrower, *s.risk_flags, *s.next_questions)


# ---------- knowledge/sources.md is the only source ----------

def test_facts_file_found():
    assert "12356" in FACTS and "第七十条" in FACTS


@pytest.mark.parametrize("source", ["knowledge", "templates"])
def test_every_phone_number_and_article_is_in_facts(source):
    texts = list(knowledge_texts()) if source == "knowledge" else list(template_texts())
    joined = "\n".join(texts)
    numbers, refs = phone_numbers(joined), articles(joined)
    assert numbers, "the pattern found nothing: the check itself is broken"
    for number in numbers:
        assert number in FACTS, f"phone number {number} not in knowledge/sources.md"
    for ref in refs:
        assert ref in FACTS, f"article {ref} not in knowledge/sources.md"
    if source == "knowledge":
        for expected in ("12356", "400-161-9995", "010-82951332", "12378", "12363", "12321", "110", "120",
                         "96110", "999", "2896 0000", "1925", "第六十八条"):
            assert expected in joined, expected
    else:
        assert {"12378", "12363", "12321", "110", "12356", "400-161-9995"} <= numbers
        assert "第七十条" in refs


def test_hotlines_have_one_home():
    """Templates and replies.yml take every phone number from knowledge.yml's hotlines; each is in a statement."""
    replies_source = (Path(knowledge.__file__).with_name("replies.yml")).read_text(encoding="utf-8")
    for path in [*sorted(TEMPLATE_DIR.glob("*.j2"))]:
        assert not phone_numbers(path.read_text(encoding="utf-8")), path.name
    assert not phone_numbers(replies_source)
    statements = "\n".join(s["text"] for s in STATEMENTS.values())
    for name, number in knowledge.hotlines().items():
        assert number in statements, name


def test_pattern_catches_unverified_numbers():
    assert phone_numbers("打 12348 或 1995 或 138-1234-5678 或 021-12345678") == {
        "12348", "1995", "138-1234-5678", "021-12345678"}
    assert phone_numbers("欠 12,378 元，2026年，逾期 1,110 天") == set()


def _section_exists(major, minor):
    if not re.search(rf"^## {major}\.", FACTS, re.M):
        return False
    if minor is None:
        return True
    if re.search(rf"^### {major}\.{minor}\b", FACTS, re.M):
        return True
    # §0.n and §6.n are numbered items of a list
    body = FACTS.split(f"\n## {major}.", 1)[1].split("\n## ", 1)[0]
    return re.search(rf"^{minor}\. ", body, re.M) is not None


@pytest.mark.parametrize("sid", sorted(STATEMENTS))
def test_statement_has_source_and_confidence(sid):
    s = STATEMENTS[sid]
    assert set(s) == {"text", "source", "confidence"}, sid
    assert s["text"].strip()
    assert s["confidence"] in ("V", "S")
    assert re.fullmatch(r"facts §\d+(\.\d+)?(, §\d+(\.\d+)?)*", s["source"]), s["source"]
    for major, minor in SECTION.findall(s["source"]):
        assert _section_exists(major, minor or None), f"{sid}: §{major}.{minor} not in knowledge/sources.md"


def section_text(major, minor):
    """The body of facts §major.minor (up to the next heading of the same or a higher level)."""
    heading = re.search(rf"^### {major}\.{minor}\b.*$", FACTS, re.M)
    if heading is None:  # §0.n and §6.n are numbered items of a list
        body = FACTS.split(f"\n## {major}.", 1)[1].split("\n## ", 1)[0]
        item = re.search(rf"^{minor}\. (.*?)(?=^\d+\. |\Z)", body, re.M | re.S)
        assert item, f"§{major}.{minor}"
        return item.group(1)
    rest = FACTS[heading.end():]
    end = re.search(r"^#{2,3} ", rest, re.M)
    return rest[:end.start()] if end else rest


# Amounts, days, years, percentages, clock times (NT$1,000, HK$10,000, 15, 2025, 48%, 8:30); phone numbers are
# checked above.
NUMBER = re.compile(r"(?:NT|HK)\$[\d,]+|\d+(?:[,.:]\d+)*%?")
LATER_SECTIONS = [sid for sid, s in sorted(STATEMENTS.items()) if re.search(r"§1[23]\.\d", s["source"])]


@pytest.mark.parametrize("sid", LATER_SECTIONS)
def test_every_number_of_a_section_12_or_13_statement_is_in_the_sections_it_cites(sid):
    """Facts §12–§13 (the court stage, Taiwan's and Hong Kong's debt relief) are full of days, amounts and rates:
    each one a statement says is written in a section it cites, so a wrong 15 or 48% cannot slip in."""
    s = STATEMENTS[sid]
    cited = "\n".join(section_text(a, b) for a, b in SECTION.findall(s["source"]) if b)
    text = s["text"]
    for number in phone_numbers(text):
        assert number in cited or number in FACTS, (sid, number)
        text = text.replace(number, " ")
    for number in NUMBER.findall(text):
        whole = rf"(?<![\d,.:$]){re.escape(number)}(?![\d,:])"
        assert re.search(whole, cited), f"{sid}: {number} is not in {s['source']}"


def test_the_section_number_check_can_fail():
    assert "NT$1,000" in section_text(12, 15) and "NT$2,000" not in section_text(12, 15)
    assert NUMBER.findall("費用 NT$1,000；15 日；48%；上午 8:30") == ["NT$1,000", "15", "48%", "8:30"]
    assert len(LATER_SECTIONS) >= 40


@pytest.mark.parametrize("sid", sorted(STATEMENTS))
def test_hedges(sid):
    s = STATEMENTS[sid]
    text = s["text"]
    assert "法律规定" not in text  # self-regulation is never "law"; and we cite the rule by name instead
    sections = {f"{a}.{b}" for a, b in SECTION.findall(s["source"]) if b}
    industry_only = sections and sections <= {"1.5", "1.6", "1.7", "1.8"}
    if industry_only:
        assert any(h in text for h in ("行业规范", "国家标准", "据报道", "指引")), sid
    if sections & {"1.3", "1.4"} and "行业" not in text:
        assert "据报道" in text, sid


def test_x_claims_never_stated():
    joined = "\n".join(knowledge_texts()) + "\n".join(template_texts())
    # Taiwan's 1995 生命線 is verified since facts §13.6; 張老師 1980 is not, and no hours are said for either
    for claim in ("第四十一条", "第五十条", "12315", "1980", "1995 生命線（24", "1995（24", "21:00", "17:00",
                  "〔2022〕13号", "78号", "加强银行业保险业机构催收管理", "停息是", "不用还", "都不用还",
                  "必须同意", "有权要求分期", "一定会同意", "删除逾期记录", "洗白", "22:00–06:00", "第十七條"):
        assert claim not in joined, claim
    # 12348 only as facts §11.3 names it (free legal questions), never as a promise of a free lawyer; no LPR value
    # (facts §1.15: the current value is not verified).
    assert "12348 公共法律服务热线" in joined
    for promise in ("法律援助热线", "免费提供律师", "指派律师", "一定能请到"):
        assert promise not in joined, promise
    assert not re.search(r"LPR[^。\n]{0,6}\d+(\.\d+)?%", joined)


def test_every_statement_used_and_every_reference_exists():
    used = set()
    for intent, entry in DATA["answers"].items():
        assert entry["default"] in entry["topics"], intent
        for topic, spec in entry["topics"].items():
            assert spec["say"], (intent, topic)
            used |= set(spec["say"])
    for ids in (*DATA["crisis"].values(), *DATA["crisis_act"].values()):
        used |= set(ids)
    for by_region in DATA["safety"].values():
        for ids in by_region.values():
            used |= set(ids)
    for region in DATA["regions"].values():
        used |= set(region["legal"])
    for topic, spec in DATA["special"].items():
        assert ("say" in spec) != ("reply" in spec), topic
        say = spec.get("say") or []
        for ids in (say.values() if isinstance(say, dict) else [say]):
            used |= set(ids)
    assert used <= set(STATEMENTS), used - set(STATEMENTS)
    assert set(STATEMENTS) <= used, set(STATEMENTS) - used


# ---------- answers ----------

ALL = [(i, t) for i in knowledge.intents() for t in knowledge.topics(i)]


@pytest.mark.parametrize(("intent", "topic"), ALL)
@pytest.mark.parametrize("region", REGIONS)
def test_answers_are_phone_screen_length(intent, topic, region):
    text = knowledge.answer(intent, topic, region)
    lines = text.splitlines()
    assert 3 <= len(lines) <= 6, (intent, topic, region, len(lines))
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)


def test_required_topics_exist():
    assert {"visit", "third_party", "address_book", "night_calls", "abuse", "fake_documents",
            "lawsuit_threat", "blacklist"} <= set(knowledge.topics("ask_legality"))
    assert {"jail", "credit", "family", "job", "travel_high_consumption", "lawsuit"} <= set(
        knowledge.topics("ask_consequences"))
    assert set(LENDER_TYPES) <= set(knowledge.topics("ask_complaint_channel"))
    for intent in ("ask_debt_service", "verify_collector", "evidence", "report_visit_threat",
                   "report_lawsuit_threat", "report_third_party_contact", "report_harassment"):
        assert intent in knowledge.intents()


@pytest.mark.parametrize(
    ("intent", "text", "topic"),
    [
        ("ask_legality", "上门催收合法吗", "visit"),
        ("ask_legality", "爆通讯录违法吗", "address_book"),
        ("ask_legality", "打电话给我妈合法吗", "third_party"),
        ("ask_legality", "半夜打电话可以吗", "night_calls"),
        ("ask_legality", "他们骂人合法吗", "abuse"),
        ("ask_legality", "发律师函说要立案是真的吗", "fake_documents"),
        ("ask_legality", "说要把我列入失信", "blacklist"),
        ("ask_legality", "他们说要起诉我", "lawsuit_threat"),
        ("ask_legality", "他们能这样做吗", "general"),
        ("ask_consequences", "逾期会坐牢吗", "jail"),
        ("ask_consequences", "影响征信吗", "credit"),
        ("ask_consequences", "会不会影响孩子上学", "family"),
        ("ask_consequences", "会不会被单位开除", "job"),
        ("ask_consequences", "还能坐高铁吗", "travel_high_consumption"),
        ("ask_consequences", "被起诉会怎样", "lawsuit"),
        ("ask_consequences", "不还会怎么样", "general"),
        ("ask_complaint_channel", "招行信用卡催收怎么投诉", "credit_card"),
        ("ask_complaint_channel", "借呗的催收去哪举报", "platform"),
        ("ask_complaint_channel", "马上消费金融的催收怎么投诉", "consumer_finance"),
        ("ask_complaint_channel", "网贷催收怎么投诉", "platform"),
        ("ask_complaint_channel", "投诉电话是多少", "general"),
        ("report_harassment", "半夜一直打電話", "night_calls"),
        ("report_harassment", "说要弄死我", "violence"),
        ("report_harassment", "冒充公安给我打电话", "fake_documents"),
        ("report_harassment", "天天骂我", "abuse"),
        ("report_third_party_contact", "說要爆我通訊錄", "address_book"),
        ("report_third_party_contact", "打到我公司领导那了", "job"),
        ("report_third_party_contact", "打给我妈了", "third_party"),
        ("report_lawsuit_threat", "说要抓我坐牢", "jail"),
        ("report_lawsuit_threat", "说要把我列为老赖", "blacklist"),
        ("report_lawsuit_threat", "收到律师函说要起诉", "lawsuit_threat"),
        ("report_visit_threat", "说明天上门", "visit"),
        ("ask_debt_service", "停息挂账代理靠谱吗", "scam"),
        ("verify_collector", "怎么知道是不是真的催收", "verify"),
        ("greet", "你好", "general"),
    ],
)
def test_topic_for(intent, text, topic):
    assert knowledge.topic_for(intent, text) == topic


def test_threat_default_topics():
    """A reported threat with nothing more specific said gets its intent's default topic."""
    assert knowledge.topic_for("report_visit_threat", "") == "visit"
    assert knowledge.topic_for("report_lawsuit_threat", "") == "lawsuit_threat"
    assert knowledge.topic_for("report_third_party_contact", "") == "third_party"
    assert knowledge.topic_for("report_harassment", "") == "abuse"
    assert knowledge.topic_for("greet", "") == "general"


THREAT_INTENTS = ["report_visit_threat", "report_lawsuit_threat", "report_third_party_contact",
                  "report_harassment"]


@pytest.mark.parametrize("intent", THREAT_INTENTS)
def test_threat_answers_acknowledge_give_evidence_and_offer(intent):
    text = knowledge.answer(intent, knowledge.topic_for(intent, ""))
    assert text.startswith("收到")
    assert "截图" in text or "录音" in text
    assert "方案" in text
    assert knowledge.threat_answer(intent, "") == text


def test_violence_puts_110_first():
    for intent in ("report_harassment", "report_visit_threat", "ask_legality"):
        text = knowledge.threat_answer(intent, "他们说要找人打我") if intent != "ask_legality" else \
            knowledge.answer(intent, knowledge.topic_for(intent, "威胁要打我合法吗"))
        assert "110" in text.splitlines()[0], intent


def test_complaint_channels_by_lender_type():
    card = knowledge.answer("ask_complaint_channel", "credit_card")
    assert "12378" in card and "12363" in card and "110" in card
    platform = knowledge.answer("ask_complaint_channel", "platform")
    assert "地方金融管理局" in platform and "jubao.nifa.org.cn" in platform and "行业自律" in platform
    assert platform.splitlines()[0].startswith("先在 App")
    assert knowledge.complaint_topic("platform") == "platform"
    assert knowledge.complaint_topic(None) == "general"


def test_scam_and_verify():
    scam = knowledge.answer("ask_debt_service", "scam")
    assert "免费" in scam and "停息挂账" in scam and "伪造" in scam
    verify = knowledge.answer("verify_collector", "verify")
    assert "工号" in verify and "个人账户" in verify and "96110" in verify


def test_crisis_mainland_order():
    text = knowledge.crisis_message("mainland")
    first = text.index("12356")
    assert first < text.index("400-161-9995") < text.index("010-82951332")
    assert "110" in text and "120" in text and "时间可能不同" in text
    assert knowledge.answer("express_crisis", "anything") == text
    assert knowledge.crisis_message("unknown-region") == text


def test_crisis_hk_and_tw():
    hk = knowledge.crisis_message("hk")
    assert "999" in hk and "2896 0000" in hk and "2389 2222" in hk and "12356" not in hk
    assert hk.index("18111") < hk.index("2389 2222")  # facts §13.6: the government's line first
    tw = knowledge.crisis_message("tw")
    assert "1925" in tw and "1995" in tw and "119" in tw and "12356" not in tw


@pytest.mark.parametrize("region,first", [("mainland", "120"), ("hk", "999"), ("tw", "119")])
def test_an_act_under_way_starts_with_the_emergency_number(region, first):
    text = knowledge.crisis_act_message(region)
    assert text.index(first) < min(text.index(n) for n in ("12356", "18111", "1925") if n in text)


def test_region_notes_replace_mainland_rules():
    hk = knowledge.answer("ask_legality", "visit", "hk")
    assert "銀行營運守則" in hk and "12378" not in hk
    tw = knowledge.answer("report_harassment", "abuse", "tw")
    assert "前置協商" in tw and "12378" not in tw
    # non-legal advice stays the general advice
    general = knowledge.answer("verify_collector", "verify")
    assert knowledge.answer("verify_collector", "verify", "hk") == general


def test_unknown_topic_falls_back_and_unknown_intent_raises():
    assert knowledge.answer("ask_legality", "nonsense") == knowledge.answer("ask_legality", "general")
    with pytest.raises(KeyError):
        knowledge.answer("no_such_intent", "general")



# ---------- the question that was asked (special topics, answered whatever the intent) ----------

SPECIAL_CASES = [
    ("收到一条短信说我已经被法院立案了，让我点链接查看传票，是真的吗", (), "court_sms"),
    ("法院会发短信让人点链接吗？", (), "court_sms"),
    ("我刚才已经点了 还填了身份证号和银行卡", ("法院会发短信让人点链接吗？",), "phishing_clicked"),
    ("利息超过24%合不合法", (), "interest"),
    ("他们的综合年化超过了国家标准，还收担保费和会员费，这合法吗", (), "interest"),
    ("综合年化加上担保费会员费都超过国家标准了", (), "interest"),
    ("我儿子欠了网贷，催收天天给我打电话，我到底要不要还", (), "family_not_liable"),
    ("我到底要不要还", ("我儿子欠了网贷，催收天天给我打电话",), "family_not_liable"),
    ("那我能怎么帮他", ("我儿子欠了网贷，催收天天给我打电话",), "family_help"),
    ("我该怎么回复催收", ("我儿子欠了网贷，催收天天给我打电话",), "family_reply"),
    ("催收說要到我公司找我主管", (), "workplace"),
    ("收數公司話要嚟我公司搵我老細", (), "workplace"),
    ("催收说要去我单位找我领导", (), "workplace"),
    ("我欠了好几家，先还哪个", (), "priority"),
    ("先还哪个", (), "priority"),
    ("催收在群里说我是骗子，算不算诽谤", (), "defamation"),
    ("算不算诽谤", (), "defamation"),
    ("今天天气怎么样", (), "off_topic"),
    ("没钱请律师", (), "legal_aid"),
    ("被起诉了没钱请律师怎么办", (), "legal_aid"),
]
NOT_SPECIAL = ["我想申请分期", "我该怎么回复催收", "上门催收合法吗", "能不能减免利息", "逾期会坐牢吗", "我到底要不要还",
               "他们能这样做吗", "催收天天打电话骂我", "今天天气不错，但是催收还是一直打电话", "招行信用卡催收怎么投诉",
               ""]


@pytest.mark.parametrize(("text", "earlier", "topic"), SPECIAL_CASES)
def test_special_topic_is_the_question_asked(text, earlier, topic):
    assert knowledge.special_topic(text, earlier) == topic


@pytest.mark.parametrize("text", NOT_SPECIAL)
def test_ordinary_messages_keep_their_intents_answer(text):
    assert knowledge.special_topic(text) is None


def test_a_family_context_only_counts_when_someone_else_owes():
    assert knowledge.special_topic("我到底要不要还", ["我欠了招行三万"]) is None
    assert knowledge.special_topic("那我能怎么帮他", []) is None


SPECIAL_WITH_STATEMENTS = [t for t in knowledge.special_topics() if knowledge.special_reply(t) is None]


@pytest.mark.parametrize("topic", SPECIAL_WITH_STATEMENTS)
@pytest.mark.parametrize("region", REGIONS)
def test_special_answers_are_phone_screen_length(topic, region):
    lines = knowledge.special_answer(topic, region).splitlines()
    assert 3 <= len(lines) <= 6, (topic, region, len(lines))
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)


@pytest.mark.parametrize("topic", SPECIAL_WITH_STATEMENTS)
@pytest.mark.parametrize("region", ["hk", "tw"])
def test_special_answers_for_hong_kong_and_taiwan_name_no_mainland_line(topic, region):
    text = knowledge.special_answer(topic, region)
    assert not re.search(r"(?<!\d)(12378|12363|12321|12356|12368|12348|96110)(?!\d)|第六十八条|行业规范", text), text


def test_court_sms_never_click_and_how_to_check():
    text = knowledge.special_answer("court_sms")
    assert "别点" in text and "12368" in text and "官方网站" in text and "96110" in text
    assert "一定是假的" not in text and "一定是诈骗" not in text  # a real court may send an SMS too (facts §11.3)


def test_after_a_click_the_damage_limiting_steps_come_in_order():
    lines = knowledge.special_answer("phishing_clicked").splitlines()
    freeze = next(i for i, line in enumerate(lines) if "冻结" in line)
    passwords = next(i for i, line in enumerate(lines) if "密码" in line)
    report = next(i for i, line in enumerate(lines) if "96110" in line)
    assert freeze < passwords < report and "110" in lines[report]
    assert "官方" in lines[freeze] and "别用短信里的号码" in lines[freeze]


def test_interest_answer_is_hedged_as_facts_marks_it():
    text = knowledge.special_answer("interest")
    assert "四倍" in text and "民间借贷" in text and "不直接适用" in text  # facts §1.15 [V]
    assert "有律所解读" in text and "不是明文规定" in text            # the 24% reading is [S, interpretation]
    assert "书面" in text and "年化利率" in text and "12378" in text and "地方金融管理局" in text
    assert "不用还" not in text


def test_family_member_owes_nothing_without_a_guarantee():
    text = knowledge.special_answer("family_not_liable")
    assert "没有义务替他还" in text and "担保" in text and "第六十八条" in text
    assert "「我不是借款人" in text  # what to say to the collector
    help_text = knowledge.special_answer("family_help")
    assert "协商" in help_text and "免费" in help_text and "12356" in help_text
    assert "第十四條" not in text
    tw = knowledge.special_answer("family_not_liable", "tw")
    assert "第三人" in tw and "0800-789-885" in tw
    hk = knowledge.special_answer("family_not_liable", "hk")
    assert "擔保" in hk and "金管局" in hk and "2878 1378" in hk


def test_workplace_rules_by_region():
    tw = knowledge.special_answer("workplace", "tw")
    assert "上午七時至晚上十時" in tw and "工作地點" in tw and "主管" in tw and "110" in tw and "1998" in tw
    hk = knowledge.special_answer("workplace", "hk")
    assert "不合理時間" in hk and "999" in hk and "七時" not in hk  # no clock hours for Hong Kong (facts §11.6)
    mainland = knowledge.special_answer("workplace")
    assert "没有哪条规定专门提到“单位”" in mainland and "第六十八条" in mainland


def test_priority_defamation_and_legal_aid():
    priority = knowledge.special_answer("priority")
    assert "比例" in priority and "StepChange" in priority and "必要开支" in priority
    defamation = knowledge.special_answer("defamation")
    assert "治安管理处罚法" in defamation and "公安机关认定" in defamation and "第四十二条" not in defamation
    legal = knowledge.special_answer("legal_aid")
    assert "12348 公共法律服务热线" in legal and "12368" in legal
    assert knowledge.special_reply("off_topic") == "off_topic" and knowledge.special_answer("off_topic") is None


def test_taiwan_legal_notes_now_give_the_verified_hours():
    tw = knowledge.answer("report_harassment", "abuse", "tw")
    assert "上午七時至晚上十時" in tw and "未能核實" not in tw
