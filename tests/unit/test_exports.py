"""Files a borrower keeps (coach/exports.py, schedule.py, bundle.py): the .docx and PDF are read back, the PDF is
rendered to PNG with pdftoppm (poppler-utils) and its Chinese must come out as text; the .ics parses with the
right dates and alarms. Download links (coach/download_links.py) and the pending list (coach/pending.py)."""

import datetime
import io
import shutil
import subprocess

import pytest
from docx import Document
from icalendar import Calendar

from coach import download_links, exports
from coach.bundle import bundle
from coach.pending import pending_lines
from coach.plan import ExtensionPlan, HardshipPlan, InstallmentPlan
from coach.schedule import add_months, follow_up_event, plan_events

DAY = datetime.date(2026, 11, 28)
SLOTS = {"lender": "招商银行", "lender_type": "credit_card", "debt_amount": 32000.0, "overdue_days": 60.0,
         "affordable_monthly": 1500.0, "hardship_reason": "失业/收入下降",
         "latest_drafts": {"summary": "分 22 期，每期 1,455 元", "parts": [
             {"kind": "written_request", "title": "书面协商申请", "text": "协商还款申请\n致：招商银行信用卡中心"}]},
         "latest_letters": {"date": "2026-11-30", "letters": [
             {"kind": "complaint", "title": "投诉材料", "text": "投诉材料（致招商银行信用卡中心 客户投诉部门）\n"
              "序号｜时间｜方式｜经过｜违反的规定\n1｜2026年11月27日 23:00｜电话｜昨晚十一点打电话骂我｜见规定 1"}]},
         "contact_log": [{"id": 1, "at": "2026-11-27T23:00:00+08:00", "has_time": True, "time_words": "昨晚十一点",
                          "approximate": False, "recorded_at": "2026-11-28T10:00:00+08:00", "channel": "电话",
                          "kinds": ["insult"], "contacted": [], "who": None, "count": None, "lender": "招商银行",
                          "text": "昨晚十一点打电话骂我"}]}


@pytest.fixture(scope="module")
def content():
    return bundle(SLOTS, user_texts=["欠招行三万二"], drafted_on=DAY, today=DAY)


def test_the_bundle_holds_plan_drafts_letters_and_log(content):
    titles = [s.title for s in content.sections]
    assert titles == ["方案摘要", "书面协商申请", "投诉材料", "证据记录"]
    assert "1. 2026年11月27日 23:00｜电话：昨晚十一点打电话骂我" in content.sections[-1].text


def test_docx_reads_back(content):
    doc = Document(io.BytesIO(exports.docx_bytes(content)))
    (table,) = doc.tables  # the letter's table of entries is a real table
    assert [c.text for c in table.rows[0].cells] == ["序号", "时间", "方式", "经过", "违反的规定"]
    assert table.rows[1].cells[3].text == "昨晚十一点打电话骂我"
    text = "\n".join(p.text for p in doc.paragraphs)
    for expected in ("债务协商方案与信件", "分 22 期，每期 1,455 元", "致：招商银行信用卡中心",
                     "投诉材料（致招商银行信用卡中心", "昨晚十一点打电话骂我",
                     "2026-12-28　第 1/22 期还款：1,455 元（计划）"):
        assert expected in text, expected


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils (apt) — .ci/run installs it")
def test_pdf_renders_chinese(content, tmp_path):
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(exports.pdf_bytes(content))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "债务协商方案与信件" in text and "招商银行信用卡中心" in text and "昨晚十一点打电话骂我" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts or "CJK" in fonts
    assert " yes " in fonts.splitlines()[-1]  # embedded
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    from PIL import Image

    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(1 for v in page.getdata() if v < 128)
    assert dark > 2000  # glyphs drawn, not an empty page or missing-glyph boxes only


def test_pdf_without_a_font_says_so(monkeypatch, content, tmp_path):
    monkeypatch.setattr(exports, "FONT_CANDIDATES", (tmp_path / "none.ttc",))
    with pytest.raises(exports.FontMissing):
        exports.font_path()


def test_ics_has_every_due_date_and_reminders(content):
    cal = Calendar.from_ical(exports.ics_bytes(content, "rest-x"))
    events = [c for c in cal.walk("VEVENT")]
    dues = [e for e in events if "期还款" in str(e["SUMMARY"])]
    assert len(dues) == 22
    assert dues[0].decoded("DTSTART") == datetime.date(2026, 12, 28)
    assert dues[1].decoded("DTSTART") == datetime.date(2027, 1, 28)
    assert dues[-1].decoded("DTSTART") == datetime.date(2028, 9, 28) and "1,445" in str(dues[-1]["SUMMARY"])
    alarm = dues[0].walk("VALARM")[0]
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == datetime.timedelta(days=-3, hours=9)
    follow = [e for e in events if str(e["SUMMARY"]).startswith("跟进")]
    assert sorted(e.decoded("DTSTART") for e in follow) == [datetime.date(2026, 12, 13), datetime.date(2026, 12, 15)]
    assert follow[0].walk("VALARM")[0].decoded("TRIGGER") == datetime.timedelta(hours=9)  # on the day
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_schedule_of_each_plan_kind():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    one_off = plan_events(InstallmentPlan(1, 5000, 5000), DAY)
    assert len(one_off) == 1 and "一次性还款：5,000 元" in one_off[0].summary
    ext = plan_events(ExtensionPlan(30, datetime.date(2026, 12, 28), 8000, 8000), DAY)
    assert ext[0].day == datetime.date(2026, 12, 28) and "8,000" in ext[0].summary
    pause = plan_events(HardshipPlan("none", 90000, 90, datetime.date(2027, 2, 26), 0, 1500), DAY)
    assert pause[0].day == datetime.date(2027, 2, 26) and "暂缓期满" in pause[0].summary
    assert follow_up_event(DAY, 30).day == datetime.date(2026, 12, 28)


def test_taiwan_files_are_in_traditional_and_follow_up_after_30_days():
    tw = bundle({**SLOTS, "script": "tw"}, user_texts=[], drafted_on=DAY, today=DAY)
    assert tw.title == "債務協商方案與信件"
    assert any(e.day == datetime.date(2026, 12, 28) and e.summary.startswith("跟進") for e in tw.events)


def test_nothing_to_download_without_drafts_letters_or_log():
    assert not bundle({}, user_texts=[], drafted_on=None, today=DAY).sections


KEY = b"k" * 32


def test_links_are_bound_to_their_conversation_and_expire():
    url = download_links.link("rest-alice", "drafts.pdf", key=KEY, now=1_000_000)
    assert url.startswith("/webhooks/files/download/rest-alice/drafts.pdf?exp=1086400&sig=")
    sig = url.rsplit("sig=", 1)[1]
    assert download_links.check("rest-alice", "1086400", sig, key=KEY, now=1_000_100) is None
    assert download_links.check("rest-bob", "1086400", sig, key=KEY, now=1_000_100) == "bad"
    assert download_links.check("rest-alice", "1999999", sig, key=KEY, now=1_000_100) == "bad"  # expiry changed
    assert download_links.check("rest-alice", "1086400", sig, key=KEY, now=1_086_401) == "expired"
    assert download_links.check("rest-alice", "soon", sig, key=KEY) == "bad"
    assert download_links.check("rest-alice", "1086400", sig, key=b"x" * 32, now=1_000_100) == "bad"
    assert download_links.link("rest-alice", "../../etc/passwd", key=KEY) is None


def test_text_links_are_absolute_with_a_public_base(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bot.example/")
    assert download_links.public_url("/webhooks/files/download/x/drafts.pdf?exp=1&sig=a") == \
        "https://bot.example/webhooks/files/download/x/drafts.pdf?exp=1&sig=a"
    monkeypatch.setenv("PUBLIC_BASE_URL", "javascript:alert(1)")
    assert download_links.public_url("/p").startswith("/p")


def test_no_secret_no_links(monkeypatch):
    monkeypatch.delenv("DOWNLOAD_SECRET", raising=False)
    assert download_links.link("rest-alice", "drafts.pdf") is None
    assert download_links.check("rest-alice", "1", "x") == "unconfigured"
    monkeypatch.setenv("DOWNLOAD_SECRET", "short")
    assert download_links.secret() is None  # too short to be a secret


def test_pending_before_and_after_the_follow_up_date():
    before = pending_lines(SLOTS, DAY, DAY + datetime.timedelta(days=3))
    assert before[0] == "2026年11月28日起草了还款方案：分 22 期，每期 1,455 元。"
    assert "2026年11月30日写了：投诉材料。" in before and "证据记录有 1 条（说「我的记录」查看）。" in before
    assert "如果到 2026年12月13日（15 天）还没有书面答复" in before[-1]
    after = pending_lines(SLOTS, DAY, DAY + datetime.timedelta(days=20))
    assert after[-1].startswith("书面申请发出已经 20 天") and "写跟进信" in after[-1]
    assert pending_lines({}, None, DAY) == []
