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
import os
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


def blocks(text: str) -> list[str | list[list[str]]]:
    """A section's lines, with each run of table lines (cells separated by 「｜」, as the letters write their
    tables) turned into rows of cells, so the files show a real table."""
    out: list[str | list[list[str]]] = []
    for line in text.splitlines():
        if line.count("｜") >= 2:
            cells = [c.strip() for c in line.split("｜")]
            if out and isinstance(out[-1], list) and len(out[-1][0]) == len(cells):
                out[-1].append(cells)
            else:
                out.append([cells])
        else:
            out.append(line)
    return out


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
        for block in blocks(section.text):
            if isinstance(block, str):
                doc.add_paragraph(block)
                continue
            table = doc.add_table(rows=len(block), cols=len(block[0]))
            table.style = "Table Grid"
            for row, cells in zip(table.rows, block):
                for cell, value in zip(row.cells, cells):
                    cell.text = value
    if bundle.events:
        doc.add_heading("日程", level=1)
        for event in bundle.events:
            doc.add_paragraph(f"{event.day:%Y-%m-%d}　{event.summary}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def font_path() -> Path:
    """The Chinese font the PDF embeds. ``PDF_FONT`` in the environment names the only one to try (another TrueType
    font, or a path that does not exist to run as a machine without one: no PDF is offered then)."""
    chosen = os.environ.get("PDF_FONT")
    for path in (Path(chosen),) if chosen is not None else FONT_CANDIDATES:
        if path.is_file():
            return path
    raise FontMissing("没有找到中文字体：请安装 fonts-wqy-microhei")


def pdf_possible() -> bool:
    """Whether this machine can make the PDF: the links offer it only then (channels/download_links.offered)."""
    try:
        font_path()
    except FontMissing:
        return False
    return True


def pdf_bytes(bundle: Bundle) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    name = "CJK"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_path()), subfontIndex=0))
    body = ParagraphStyle("body", fontName=name, fontSize=10.5, leading=16, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=14, leading=22, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, spaceAfter=6)
    story: list[Flowable] = [Paragraph(escape(bundle.title), title),
                             Paragraph(f"生成日期：{bundle.made_on:%Y-%m-%d}", body)]
    small = ParagraphStyle("cell", parent=body, fontSize=9, leading=13)
    for section in bundle.sections:
        story.append(Paragraph(escape(section.title), heading))
        for block in blocks(section.text):
            if isinstance(block, str):
                story.append(Paragraph(escape(block), body) if block.strip() else Spacer(1, 6))
                continue
            widths = _column_widths(len(block[0]), A4[0] - 36 * mm)
            table = Table([[Paragraph(escape(c), small) for c in row] for row in block], colWidths=widths,
                          repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [table, Spacer(1, 6)]
    if bundle.events:
        story.append(Paragraph("日程", heading))
        story += [Paragraph(escape(f"{e.day:%Y-%m-%d}　{e.summary}"), body) for e in bundle.events]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=bundle.title, leftMargin=18 * mm, rightMargin=18 * mm,
                      topMargin=18 * mm, bottomMargin=18 * mm).build(story)
    return out.getvalue()


def _column_widths(n: int, total: float) -> list[float]:
    """The letters' table (序号, 时间, 方式, 经过, 违反的规定): narrow number and channel, wide description."""
    if n == 5:
        shares = [0.07, 0.2, 0.09, 0.38, 0.26]
    else:
        shares = [1 / n] * n
    return [total * share for share in shares]


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
