"""Issue 15 over REST against the real servers: reports become dated entries, the log is listed, corrected and
deleted in plain words, the complaint letter is routed by lender kind and region, the files download only with
a good link, and a returning borrower is told what is pending."""

from __future__ import annotations

import datetime
import io
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from channels.rest import conversation_id
from coach import download_links
from coach.schedule import add_months
from coach.zh.normalizer import to_simplified
from serving.servers import Servers, texts

TZ = datetime.timezone(datetime.timedelta(hours=8))


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def today() -> datetime.date:
    return datetime.datetime.now(TZ).date()


def say(servers: Servers, sender: str, message: str) -> tuple[str, list[dict]]:
    replies = servers.say(sender, message)
    time.sleep(0.5)  # well inside the per-conversation rate limit
    return to_simplified(texts(replies)), replies


def slot(servers: Servers, sender: str, name: str):
    return servers.tracker(sender)["slots"].get(name)


def downloads(replies: list[dict]) -> dict[str, str]:
    return {d["name"]: d["url"] for r in replies for d in (r.get("custom") or {}).get("downloads") or []}


def get(servers: Servers, path: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(servers.base + path, timeout=60) as resp:
            return resp.status, resp.read(), {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as err:
        return err.code, err.read(), {k.lower(): v for k, v in err.headers.items()}


# (case facts, route markers in order, markers that must not appear)
ROUTES = {
    "bank": ("我欠招商银行信用卡三万二", ["先向招商银行的官方客服热线", "拨打 12378"], ["地方金融管理局", "香港"]),
    "consumer_finance": ("我欠招联消费金融两万", ["先向招联消费金融的官方客服热线", "拨打 12378"], ["地方金融管理局"]),
    "platform": ("我欠借呗一万五", ["先查清放款方", "12378", "地方金融管理局"], ["香港"]),
    "hong_kong": ("我喺香港，欠滙豐信用卡五萬", ["建议先向汇丰银行投诉", "香港金融管理局", "2878 1378"],
                  ["12378", "12321"]),
    "taiwan": ("我住在台北，欠國泰世華信用卡十萬", ["先向国泰世华银行申诉", "金融消费评议中心", "0800-789-885"],
               ["12378", "香港金融"]),
}


@pytest.mark.parametrize("case", list(ROUTES))
def test_three_reports_to_a_routed_complaint(servers: Servers, case: str) -> None:
    facts, order, absent = ROUTES[case]
    sender = new_sender(f"ev-{case}")
    say(servers, sender, facts)
    traditional = case in ("hong_kong", "taiwan")
    reports = (["記錄一下：昨晚十一點多催收打電話罵我", "記錄一下：前天下午三點他們打給我媽",
                "記錄一下：上週五發簡訊說要抓我坐牢"] if traditional else
               ["记录一下：昨晚十一点多催收打电话骂我", "催收前天下午三点打电话给我妈了",
                "记录一下：上周五他们发短信说要抓我坐牢"])
    for report in reports:
        body, replies = say(servers, sender, report)
        assert "已记入证据记录（现有" in body, body
        if traditional:
            assert "證據記錄" in texts(replies)  # answered in the user's script
    log = slot(servers, sender, "contact_log")
    assert len(log) == 3
    when = {e["text"][:6]: datetime.datetime.fromisoformat(e["at"]) for e in log}
    day = today()
    last_friday = day - datetime.timedelta(days=day.weekday() + 7) + datetime.timedelta(days=4)
    times = sorted(when.values())
    assert times[0].date() == last_friday
    assert (times[1].date(), times[1].hour) == (day - datetime.timedelta(days=2), 15)
    assert (times[2].date(), times[2].hour) == (day - datetime.timedelta(days=1), 23)
    body, replies = say(servers, sender, "帮我写投诉信")
    complaint = next(to_simplified(r["text"]) for r in replies
                     if (r.get("custom") or {}).get("draft", {}).get("kind") == "letter_complaint")
    positions = [complaint.index(marker) for marker in order]
    assert positions == sorted(positions), (case, complaint)
    for marker in absent:
        assert marker not in complaint, (case, marker)
    assert complaint.count("｜") >= 4 * 4 and "上周五" in complaint and "违反的规定" in complaint
    assert set(downloads(replies)) == {"drafts.docx", "drafts.pdf", "schedule.ics"}


def test_list_correct_and_delete_in_plain_words(servers: Servers) -> None:
    sender = new_sender("ev-edit")
    say(servers, sender, "记录一下：昨晚十一点多催收打电话骂我")
    say(servers, sender, "记录一下：今天上午他们打给我同事")
    body, _ = say(servers, sender, "我的记录")
    assert "共 2 条" in body and "1. " in body and "2. " in body and "夜间催收" in body and "联系第三方" in body
    body, _ = say(servers, sender, "第二条时间不对，是前天晚上九点")
    assert "已更正" in body
    log = slot(servers, sender, "contact_log")
    moved = next(e for e in log if "同事" in e["text"])
    assert datetime.datetime.fromisoformat(moved["at"]) == datetime.datetime.combine(
        today() - datetime.timedelta(days=2), datetime.time(21, 0), TZ)
    body, _ = say(servers, sender, "删除第一条")  # the colleague call now comes first (the day before yesterday)
    assert "已删除第 1 条" in body and "共 1 条" in body
    (left,) = slot(servers, sender, "contact_log")
    assert "骂我" in left["text"]
    body, _ = say(servers, sender, "删除第五条")
    assert "没有找到第 5 条" in body and len(slot(servers, sender, "contact_log")) == 1


def test_a_report_during_the_form_is_logged_and_the_form_goes_on(servers: Servers) -> None:
    sender = new_sender("ev-form")
    body, _ = say(servers, sender, "我想申请分期还款")
    assert "哪家" in body
    body, _ = say(servers, sender, "记录一下：刚才催收又打电话骂我")
    assert "已记入证据记录（现有 1 条" in body and "哪家" in body  # the form asks again
    body, _ = say(servers, sender, "招行信用卡")
    assert "多少" in body  # the form goes on with the next question
    assert len(slot(servers, sender, "contact_log")) == 1


def test_no_entries_no_complaint_but_a_question(servers: Servers) -> None:
    body, _ = say(servers, new_sender("ev-empty"), "帮我写投诉信")
    assert "请先告诉我催收做了什么" in body


def _plan_and_letters(servers: Servers, sender: str) -> dict[str, str]:
    for message in ("我欠招商银行信用卡三万二，逾期两个月了，失业了，每个月能还一千五，想申请分期",
                    "记录一下：昨晚十一点多催收打电话骂我"):
        say(servers, sender, message)
    if not slot(servers, sender, "latest_drafts"):
        say(servers, sender, "好")
    _, replies = say(servers, sender, "帮我写投诉信")
    links = downloads(replies)
    assert set(links) == {"drafts.docx", "drafts.pdf", "schedule.ics"}
    return links


@pytest.fixture(scope="module")
def planned(servers: Servers) -> tuple[str, dict[str, str]]:
    sender = new_sender("ev-files")
    return sender, _plan_and_letters(servers, sender)


def test_the_files_open_and_hold_the_drafts(servers: Servers, planned, tmp_path) -> None:
    from docx import Document
    from icalendar import Calendar

    _, links = planned
    status, body, headers = get(servers, links["drafts.docx"])
    assert status == 200 and "attachment" in headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "书面协商申请" in text and "投诉材料（致招商银行信用卡中心" in text and "昨晚十一点多催收打电话骂我" in text
    status, body, headers = get(servers, links["drafts.pdf"])
    assert status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        pdf = tmp_path / "plan.pdf"
        pdf.write_bytes(body)
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "投诉材料" in out and "招商银行" in out
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                       check=True)
        assert list(tmp_path.glob("p*.png"))
    status, body, _ = get(servers, links["schedule.ics"])
    assert status == 200
    events = list(Calendar.from_ical(body).walk("VEVENT"))
    dues = sorted(e.decoded("DTSTART") for e in events if "期还款" in str(e["SUMMARY"]))
    drafted = today()
    assert len(dues) == 22 and dues[0] == add_months(drafted, 1) and dues[-1] == add_months(drafted, 22)
    assert all(e.walk("VALARM") for e in events)
    follow = [e.decoded("DTSTART") for e in events if str(e["SUMMARY"]).startswith("跟进")]
    assert drafted + datetime.timedelta(days=15) in follow


def test_links_refuse_other_conversations_tampering_and_expiry(servers: Servers, planned) -> None:
    sender, links = planned
    own = conversation_id(sender)
    other = conversation_id(new_sender("ev-other"))
    say(servers, other.removeprefix("rest-"), "记录一下：昨晚又打电话骂我")
    path, query = links["drafts.pdf"].split("?")
    swapped = path.replace(urllib.parse.quote(own, safe=""), urllib.parse.quote(other, safe="")) + "?" + query
    status, body, _ = get(servers, swapped)
    assert status == 403 and "不属于这个对话" in json.loads(body)["error"]
    status, _, _ = get(servers, links["drafts.pdf"][:-4] + "0000")
    assert status == 403
    key = servers.env["DOWNLOAD_SECRET"].encode()
    expired = download_links.link(own, "drafts.pdf", key=key, expires=int(time.time()) - 5)
    status, body, _ = get(servers, expired)
    assert status == 410 and "已过期" in json.loads(body)["error"]
    status, _, _ = get(servers, download_links.link(own, "drafts.pdf", key=key))  # a fresh link still works
    assert status == 200


def test_a_returning_borrower_is_told_what_is_pending(servers: Servers, planned) -> None:
    sender, _ = planned
    # A new session of the same conversation (what Rasa runs after session_expiration_time of silence).
    url = f"{servers.base}/conversations/{urllib.parse.quote(conversation_id(sender), safe='')}/execute"
    request = urllib.request.Request(url, data=json.dumps({"name": "action_session_start"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        messages = json.loads(resp.read())["messages"]
    greeting = "\n".join(m.get("text") or "" for m in messages)
    day = today()
    assert "欢迎回来" in greeting and f"{day.year}年{day.month}月{day.day}日起草了还款方案：分 22 期" in greeting
    assert "投诉材料" in greeting and "证据记录有 1 条" in greeting
    due = day + datetime.timedelta(days=15)
    assert f"如果到 {due.year}年{due.month}月{due.day}日（15 天）还没有书面答复" in greeting
    assert slot(servers, sender, "debt_amount") == 32000  # the case is carried over
    body, _ = say(servers, sender, "银行没回复，写个跟进信")
    assert "跟进函" in body and "15 天内书面答复" in body


def test_hotline_staff_see_the_log_the_pending_list_and_the_links(servers: Servers) -> None:
    conversation = "staff-" + uuid.uuid4().hex
    for message in ("借款人欠招商银行信用卡三万二", "记录一下：昨晚十一点多催收打电话骂借款人", "帮我写投诉信"):
        servers.staff_say(conversation, message)
        time.sleep(0.5)
    request = urllib.request.Request(f"{servers.base}/webhooks/staff/api/case/{conversation}",
                                     headers={"Authorization": f"Bearer {servers.env['STAFF_TOKEN']}"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        case = json.loads(resp.read())["case"]
    assert len(case["evidence"]) == 1 and "23:00左右｜电话" in case["evidence"][0]
    day = today()
    assert any(f"{day.year}年{day.month}月{day.day}日写了：投诉材料" in line for line in case["pending"])
    assert {d["name"] for d in case["downloads"]} == {"drafts.docx", "drafts.pdf", "schedule.ics"}
    status, body, _ = get(servers, next(d["url"] for d in case["downloads"] if d["name"] == "drafts.docx"))
    assert status == 200 and body[:2] == b"PK"


def test_asking_for_the_log_during_the_form_does_not_break_it(servers: Servers) -> None:
    sender = new_sender("ev-form-list")
    say(servers, sender, "记录一下：昨晚十一点多催收打电话骂我")
    body, _ = say(servers, sender, "我想申请分期还款")
    assert "哪家" in body
    body, _ = say(servers, sender, "我的记录")
    assert "共 1 条" in body and "哪家" in body  # listed, then the form asks again
    body, _ = say(servers, sender, "招行信用卡")
    assert "多少" in body and slot(servers, sender, "lender") == "招商银行"
