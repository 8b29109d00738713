"""Files a borrower can keep: the plan, the drafts and the letters as .docx and PDF, and the repayment schedule as
an iCalendar file with reminders. Pure: bytes from a Bundle; no Rasa, no tracker.

- .docx: python-docx, East Asian font named (宋体 / SimSun) so Word shows Chinese in a Chinese font.
- PDF: reportlab with a TrueType CJK font from the system (Debian ``fonts-wqy-microhei``; reportlab cannot
  embed the CFF outlines of fonts-noto-cjk), embedded, so the PDF renders anywhere. ``FontMissing`` when none.
- .ics: icalendar; one event per due date with a reminder ``REMINDER_DAYS`` before, and a follow-up date
  with a reminder on the day (「如果贵行15天内没有答复…」).
"""

from __future__ import annotations

import datetime
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

REMINDER_DAYS = 3
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


class FontMissing(RuntimeError):
    """No TrueType Chinese font on this machine (apt-get install fonts-wqy-microhei)."""


@dataclass(frozen=True)
class Section:
    title: str
    text: str


@dataclass(frozen=True)
class Event:
    """A day in the calendar: a due date (``reminder_days`` before it) or a follow-up (on the day)."""

    day: datetime.date
    summary: str
    description: str = ""
    reminder_days: int = REMINDER_DAYS


@dataclass(frozen=True)
class Bundle:
    title: str
    made_on: datetime.date
    sections: Sequence[Section] = field(default_factory=tuple)
    events: Sequence[Event] = field(default_factory=tuple)


def docx_bytes(bundle: Bundle) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading(bundle.title, level=0)
    doc.add_paragraph(f"生成日期：{bundle.made_on:%Y-%m-%d}")
    for section in bundle.sections:
        doc.add_heading(section.title, level=1)
        for line in section.text.splitlines():
            doc.add_paragraph(line)
    if bundle.events:
        doc.add_heading("日程", level=1)
        for event in bundle.events:
            doc.add_paragraph(f"{event.day:%Y-%m-%d}　{event.summary}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def font_path() -> Path:
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    raise FontMissing("没有找到中文字体：请安装 fonts-wqy-microhei")


def pdf_bytes(bundle: Bundle) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    name = "CJK"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_path()), subfontIndex=0))
    body = ParagraphStyle("body", fontName=name, fontSize=10.5, leading=16, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=14, leading=22, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, spaceAfter=6)
    story = [Paragraph(escape(bundle.title), title), Paragraph(f"生成日期：{bundle.made_on:%Y-%m-%d}", body)]
    for section in bundle.sections:
        story.append(Paragraph(escape(section.title), heading))
        for line in section.text.splitlines():
            story.append(Paragraph(escape(line), body) if line.strip() else Spacer(1, 6))
    if bundle.events:
        story.append(Paragraph("日程", heading))
        story += [Paragraph(escape(f"{e.day:%Y-%m-%d}　{e.summary}"), body) for e in bundle.events]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=bundle.title, leftMargin=18 * mm, rightMargin=18 * mm,
                      topMargin=18 * mm, bottomMargin=18 * mm).build(story)
    return out.getvalue()


def ics_bytes(bundle: Bundle, conversation_key: str = "") -> bytes:
    from icalendar import Alarm, Calendar
    from icalendar import Event as IcsEvent

    cal = Calendar()
    cal.add("prodid", "-//debt-coach//repayment schedule//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", bundle.title)
    stamp = datetime.datetime.combine(bundle.made_on, datetime.time(0, 0), datetime.timezone.utc)
    for event in bundle.events:
        item = IcsEvent()
        item.add("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, f"{conversation_key}/{event.day}/{event.summary}")))
        item.add("dtstamp", stamp)
        item.add("dtstart", event.day)
        item.add("dtend", event.day + datetime.timedelta(days=1))
        item.add("summary", event.summary)
        if event.description:
            item.add("description", event.description)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.summary)
        # All-day events start at midnight: the reminder comes at 9 in the morning, reminder_days before.
        alarm.add("trigger", datetime.timedelta(days=-event.reminder_days, hours=9))
        item.add_component(alarm)
        cal.add_component(item)
    return cal.to_ical()
