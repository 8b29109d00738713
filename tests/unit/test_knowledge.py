"""Knowledge answers (actions/knowledge.py + knowledge.yml) and the facts check for every template."""

import datetime
import functools
import itertools
import re
from pathlib import Path

import pytest
import yaml

from actions import knowledge
from actions.drafting import TEMPLATE_DIR, draft_borrower, draft_staff, plan_note, plan_summary
from actions.plan import make_plan
from case import LENDER_TYPES, REGIONS, CaseFacts
from case.facts import StatedPayment

FACTS_PATH = Path(__file__).parents[2].parent / "shared/domain/facts.md"
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
]
ARTICLE = re.compile(r"第[一二三四五六七八九十百千零〇两\d]+条(?:之一)?")
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


# ---------- facts.md is the only source ----------

def test_facts_file_found():
    assert "12356" in FACTS and "第七十条" in FACTS


@pytest.mark.parametrize("source", ["knowledge", "templates"])
def test_every_phone_number_and_article_is_in_facts(source):
    texts = list(knowledge_texts()) if source == "knowledge" else list(template_texts())
    joined = "\n".join(texts)
    numbers, refs = phone_numbers(joined), articles(joined)
    assert numbers, "the pattern found nothing: the check itself is broken"
    for number in numbers:
        assert number in FACTS, f"phone number {number} not in facts.md"
    for ref in refs:
        assert ref in FACTS, f"article {ref} not in facts.md"
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
        assert _section_exists(major, minor or None), f"{sid}: §{major}.{minor} not in facts.md"


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
    for claim in ("第四十一条", "第五十条", "12348", "12315", "1995", "1980", "21:00", "17:00",
                  "〔2022〕13号", "78号", "加强银行业保险业机构催收管理", "停息是", "不用还", "LPR",
                  "必须同意", "有权要求分期", "一定会同意", "删除逾期记录", "洗白"):
        assert claim not in joined, claim


def test_every_statement_used_and_every_reference_exists():
    used = set()
    for intent, entry in DATA["answers"].items():
        assert entry["default"] in entry["topics"], intent
        for topic, spec in entry["topics"].items():
            assert spec["say"], (intent, topic)
            used |= set(spec["say"])
    for ids in DATA["crisis"].values():
        used |= set(ids)
    for region in DATA["regions"].values():
        used |= set(region["legal"])
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
    tw = knowledge.crisis_message("tw")
    assert "1925" in tw and "12356" not in tw and "110" not in tw


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

