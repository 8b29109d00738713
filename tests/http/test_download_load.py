"""Downloads do not hold up other conversations (channels/files.py, channels/document_worker.py), against the real
servers: the action server and Rasa of serving.servers, with their own settings.

First with the download rate limits off, so that two clients really download the .docx and PDF of a
conversation with a contact log of ~100 entries over and over, each at the pace of the looping client of the
finding (two downloads a second; built once in the worker, then served from the cache without reading the
tracker): another conversation's median reply time with the clients looping stays within 20 % of its median
without them (measured side by side, in interleaved blocks, warm-up left out). Then
Rasa is restarted with the shipped defaults: the links made before the restart still work (nothing cached: a
fresh build), the same version is served as the same bytes until a new message changes the case, and a looping
client gets 429 with ``Retry-After`` per link (on loopback too) and per address."""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from serving.servers import Servers, texts

REAL_IP_HEADER = "X-Real-IP"
REPORT_COUNT = 100
REPORTS = ("记录一下：昨天晚上十一点催收打电话骂我", "记录一下：前天下午三点催收打电话给我妈",
           "记录一下：上周五他们发短信说要抓我坐牢", "记录一下：今天早上七点催收连打了十几个电话",
           "记录一下：昨晚催收在微信上骂我全家")
QUESTIONS = ("逾期有什么后果", "催收天天打电话怎么办", "催收说要上门怎么办", "可以申请停息挂账吗", "会不会坐牢")
# Every request of the looping clients is served: no download limits. Messages are not limited either.
LOAD_ENV = {"DOWNLOAD_RATE_PER_ADDRESS": "0", "DOWNLOAD_RATE_PER_LINK": "0"}
# Each looping client asks again as soon as its download is in and at least this many seconds after the last
# request: the pace of the client in the finding, whose every download took that long to build.
PACE = 0.5
WARM_UP, BLOCKS, PER_BLOCK, LOADERS = 6, 12, 4, 2


def new_sender(prefix: str) -> str:
    """A sender id with no run of digits (one could look like a phone number, which the REST channel refuses)."""
    return f"{prefix}-" + uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijklmnop"))


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status, resp.read(), {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as err:
        return err.code, err.read(), {k.lower(): v for k, v in err.headers.items()}


def downloads(replies: list[dict[str, Any]]) -> dict[str, str]:
    return {d["name"]: d["url"] for r in replies for d in (r.get("custom") or {}).get("downloads") or []}


def docx_text(body: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(body))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture(scope="module")
def dl_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    s = Servers(tmp_path_factory.mktemp("download-load"))
    s.env.update(RATE_LIMIT_PER_CONVERSATION="0", SANIC_REAL_IP_HEADER=REAL_IP_HEADER, **LOAD_ENV)
    with s.running():
        yield s


def letter_case(servers: Servers, sender: str, reports: int) -> dict[str, str]:
    """A conversation with a debt, ``reports`` contact-log entries and a complaint letter; its download links."""
    servers.say(sender, "我欠招商银行信用卡三万二，逾期两个月了")
    for k in range(reports):
        body = texts(servers.say(sender, f"{REPORTS[k % len(REPORTS)]}（第{k + 1}回）"))
        assert "证据记录" in body or "證據記錄" in body, body
    links = downloads(servers.say(sender, "帮我写投诉信"))
    assert {"drafts.docx", "drafts.pdf"} <= set(links), links
    return {name: servers.base + url for name, url in links.items()}


@pytest.fixture(scope="module")
def big_case(dl_servers: Servers) -> tuple[str, dict[str, str]]:
    sender = new_sender("dl-big")
    links = letter_case(dl_servers, sender, REPORT_COUNT)
    assert len(dl_servers.tracker(sender)["slots"]["contact_log"]) >= REPORT_COUNT * 0.9
    return sender, links


class Loop:
    """Clients that download the files in a loop while ``on`` is set; ``idle`` waits for their last request."""

    def __init__(self, urls: list[str], clients: int) -> None:
        self.urls = urls
        self.on = threading.Event()
        self.stop = threading.Event()
        self.lock = threading.Condition()
        self.busy = 0
        self.results: list[tuple[int, int, float]] = []  # status, bytes, seconds
        self.threads = [threading.Thread(target=self.run, args=(k,), daemon=True) for k in range(clients)]
        for thread in self.threads:
            thread.start()

    def run(self, k: int) -> None:
        while not self.stop.is_set():
            if not self.on.wait(0.05):
                continue
            with self.lock:
                self.busy += 1
            started = time.perf_counter()
            try:
                status, body, _ = get(self.urls[k % len(self.urls)])
                time.sleep(max(0.0, PACE - (time.perf_counter() - started)))
            finally:
                with self.lock:
                    self.busy -= 1
                    self.lock.notify_all()
            self.results.append((status, len(body), time.perf_counter() - started))
            k += 1

    def start(self) -> None:
        self.on.set()
        with self.lock:  # the block starts once downloads are under way
            self.lock.wait_for(lambda: self.busy > 0, timeout=5)

    def pause(self) -> None:
        self.on.clear()
        with self.lock:
            self.lock.wait_for(lambda: self.busy == 0, timeout=120)

    def close(self) -> None:
        self.pause()
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)


def reply_seconds(servers: Servers, sender: str, count: int, start: int) -> list[float]:
    out = []
    for k in range(count):
        started = time.perf_counter()
        replies = servers.say(sender, QUESTIONS[(start + k) % len(QUESTIONS)])
        out.append(time.perf_counter() - started)
        assert replies
    return out


def test_a_client_downloading_in_a_loop_does_not_slow_other_conversations(dl_servers, big_case, tmp_path) -> None:
    _, links = big_case
    status, body, _ = get(links["drafts.docx"])
    assert status == 200 and "第100回" in docx_text(body)  # the whole log is in the file
    first_pdf = time.perf_counter()
    assert get(links["drafts.pdf"])[0] == 200
    first_pdf = time.perf_counter() - first_pdf  # the first PDF: a build, the worker already running
    other = new_sender("dl-other")
    reply_seconds(dl_servers, other, WARM_UP, 0)
    loop = Loop([links["drafts.docx"], links["drafts.pdf"]], LOADERS)
    unloaded: list[float] = []
    loaded: list[float] = []
    rounds = 0
    try:
        # A B A B …: slow drifts of a shared machine fall on both sides. A second round, pooled with the first, only
        # when the first is over the line: the code under test gives about 1.05 here, a build on the event loop 47.
        while rounds < 2 and (rounds == 0 or statistics.median(loaded) > statistics.median(unloaded) * 1.2):
            offset = rounds * BLOCKS * 2
            for block in range(offset, offset + BLOCKS * 2):
                if block % 2:
                    loop.start()
                    loaded += reply_seconds(dl_servers, other, PER_BLOCK, block * PER_BLOCK)
                    loop.pause()
                else:
                    unloaded += reply_seconds(dl_servers, other, PER_BLOCK, block * PER_BLOCK)
            rounds += 1
    finally:
        loop.close()
    statuses = [status for status, _, _ in loop.results]
    quiet, busy = statistics.median(unloaded), statistics.median(loaded)
    report = {"unloaded_median_s": round(quiet, 4), "loaded_median_s": round(busy, 4),
              "ratio": round(busy / quiet, 3), "samples_each": len(loaded), "downloads_during_load": len(statuses),
              "download_median_s": round(statistics.median(s for _, _, s in loop.results), 3),
              "first_pdf_s": round(first_pdf, 3), "clients": LOADERS, "rounds": rounds}
    print("\ndownload load:", json.dumps(report))
    (Path(tmp_path) / "download-load.json").write_text(json.dumps(report))
    assert statuses and set(statuses) == {200}, statuses
    assert len(statuses) >= BLOCKS, "the looping clients hardly downloaded: no load was measured"
    assert busy <= quiet * 1.2, report


@pytest.fixture(scope="module")
def defaults(dl_servers: Servers) -> Servers:
    """The same servers, Rasa restarted with the shipped download settings (limits and cache on)."""
    dl_servers.stop_rasa()
    for name in LOAD_ENV:
        dl_servers.env.pop(name, None)
    dl_servers.start_rasa()
    return dl_servers


def test_a_link_made_before_a_restart_still_downloads(defaults, big_case) -> None:
    _, links = big_case
    status, body, headers = get(links["drafts.docx"])
    assert status == 200 and headers["content-disposition"].startswith("attachment")
    assert "第100回" in docx_text(body)


def test_the_same_case_is_served_from_the_cache_until_a_message_changes_it(defaults) -> None:
    sender = new_sender("dl-cache")
    links = letter_case(defaults, sender, 2)
    status, first, _ = get(links["drafts.pdf"])
    assert status == 200 and first.startswith(b"%PDF")
    time.sleep(1.5)  # a new build would differ: the PDF carries the second it was made
    status, again, _ = get(links["drafts.pdf"])
    assert status == 200 and again == first
    defaults.say(sender, "记录一下：今天中午催收又打电话来骂我")
    status, newer, _ = get(links["drafts.pdf"])
    assert status == 200 and newer.startswith(b"%PDF") and newer != first


def test_a_looping_client_gets_429_per_link_and_per_address(defaults) -> None:
    sender = new_sender("dl-limit")
    links = letter_case(defaults, sender, 1)
    answers = [get(links["drafts.docx"]) for _ in range(6)]  # loopback: per link only
    statuses = [status for status, _, _ in answers]
    assert statuses[:3] == [200] * 3 and set(statuses[3:]) == {429}, statuses
    status, body, headers = answers[-1]
    assert "下载得太频繁" in json.loads(body)["error"] and int(headers["retry-after"]) >= 1
    assert headers["cache-control"] == "no-store"
    assert get(links["drafts.pdf"])[0] == 200  # another file of the conversation is its own link

    # Per address (behind the declared proxy): guesses count too, so 15 bad links use up the burst.
    client = {REAL_IP_HEADER: "203.0.113.77"}
    bad = links["schedule.ics"].replace("sig=", "sig=0")
    assert [get(bad, client)[0] for _ in range(15)] == [403] * 15
    status, body, headers = get(links["schedule.ics"], client)
    assert status == 429 and int(headers["retry-after"]) >= 1 and "下载得太频繁" in json.loads(body)["error"]
    assert get(links["schedule.ics"], {REAL_IP_HEADER: "203.0.113.78"})[0] == 200  # another client is served
