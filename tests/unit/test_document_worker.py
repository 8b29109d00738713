"""channels/document_worker.py without servers: the case version, the bounded cache, and the real process pool
(spawned workers, as in Rasa) building a .docx once per version, sharing one build between requests, refusing
when too many builds wait and answering a slow build with a timeout while it goes on to fill the cache."""

from __future__ import annotations

import asyncio
import datetime
import io
import os
from dataclasses import replace
from typing import Iterator

import pytest
from docx import Document

from channels import document_worker
from channels.document_worker import Builder, Busy, Cache, Job

DAY = datetime.date(2026, 11, 28)
SLOTS = {"lender": "招商银行", "lender_type": "credit_card", "debt_amount": 32000.0, "overdue_days": 60.0,
         "affordable_monthly": 1500.0,
         "latest_letters": {"date": "2026-11-30", "letters": [
             {"kind": "complaint", "title": "投诉材料", "text": "投诉材料（致招商银行信用卡中心 客户投诉部门）"}]},
         "contact_log": [{"id": 1, "at": "2026-11-27T23:00:00+08:00", "has_time": True, "time_words": "昨晚十一点",
                          "approximate": False, "recorded_at": "2026-11-28T10:00:00+08:00", "channel": "电话",
                          "kinds": ["insult"], "contacted": [], "who": None, "count": None, "lender": "招商银行",
                          "text": "昨晚十一点打电话骂我"}]}


def job(**changes: object) -> Job:
    base = Job("drafts.docx", "rest-worker-test", SLOTS, ("欠招行三万二", "记录一下：昨晚十一点打电话骂我"), None, DAY)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_version_follows_the_inputs_and_nothing_else() -> None:
    assert job().version() == job(slots=dict(reversed(list(SLOTS.items())))).version()  # slot order: same
    others = [job(name="drafts.pdf"), job(conversation_id="rest-other"), job(today=DAY + datetime.timedelta(1)),
              job(user_texts=(*job().user_texts, "又打电话来了")), job(drafted_on=DAY),
              job(slots={**SLOTS, "contact_log": [*SLOTS["contact_log"], {"id": 2, "text": "又骂我"}]})]
    versions = {j.version() for j in others}
    assert len(versions) == len(others) and job().version() not in versions


def test_the_cache_is_bounded_in_entries_and_bytes() -> None:
    cache = Cache(max_entries=3, max_bytes=100)
    for key in "abc":
        cache.put(key, (document_worker.OK, b"x" * 10))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("d", (document_worker.OK, b"x" * 10))
    assert cache.get("b") is None and all(cache.get(k) for k in "acd") and len(cache) == 3
    cache.put("big", (document_worker.OK, b"x" * 95))
    assert cache.size <= 100 and cache.get("big") and len(cache) == 1
    cache.put("huge", (document_worker.OK, b"x" * 101))  # larger than the whole cache: not kept
    assert cache.get("huge") is None and cache.get("big")
    off = Cache(max_entries=0, max_bytes=100)
    off.put("a", (document_worker.OK, b"x"))
    assert off.get("a") is None


@pytest.fixture
def builder() -> Iterator[Builder]:
    b = Builder(workers=1, timeout=60, max_pending=2, cache=Cache(8, 1 << 20))
    yield b
    b._stop_workers()


async def test_built_in_another_process_once_per_version(builder: Builder) -> None:
    outcome, body = await builder.get(job())
    assert outcome == document_worker.OK
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "投诉材料" in text and "昨晚十一点打电话骂我" in text
    assert builder._pool is not None
    assert os.getpid() not in builder._pool._processes  # the worker is another process
    again = await builder.get(job())
    assert again[1] == body and builder.builds == 1  # the same version: the cached bytes, no build
    newer = await builder.get(job(user_texts=(*job().user_texts, "他们又打来了")))
    assert builder.builds == 2 and newer[0] == document_worker.OK


async def test_a_conversation_the_store_describes_alike_is_served_without_a_tracker(builder: Builder) -> None:
    stored = ("rest-worker-test", "drafts.docx", "2026-11-28", 40, 140, 1764300000.5)
    assert builder.known(stored) is None
    outcome = await builder.get(job(), stored)
    assert builder.known(stored) == outcome and builder.known((*stored[:3], 41, 141, 1764300009.1)) is None
    builder.forget("rest-worker-test")  # 「删除我的记录」: nothing of it is reachable any more
    assert builder.known(stored) is None


async def test_a_case_without_drafts_or_letters_has_nothing_to_download(builder: Builder) -> None:
    assert await builder.get(job(slots={"lender": "招商银行"})) == (document_worker.NOTHING, b"")


async def test_requests_for_one_version_share_one_build(builder: Builder) -> None:
    results = await asyncio.gather(*(builder.get(job(name="drafts.pdf")) for _ in range(5)))
    assert builder.builds == 1 and len({body for _, body in results}) == 1


async def test_too_many_waiting_builds_are_refused_at_once(builder: Builder) -> None:
    jobs = [job(today=DAY + datetime.timedelta(days=k)) for k in range(3)]
    results = await asyncio.gather(*(builder.get(j) for j in jobs), return_exceptions=True)
    assert sum(isinstance(r, Busy) for r in results) == 1
    assert sum(isinstance(r, tuple) and r[0] == document_worker.OK for r in results) == 2


async def test_a_slow_build_times_out_and_still_fills_the_cache() -> None:
    builder = Builder(workers=1, timeout=0.05, max_pending=2, cache=Cache(8, 1 << 20), hard_timeout=300)
    try:
        with pytest.raises(asyncio.TimeoutError):
            await builder.get(job())  # the first build also starts the worker: far longer than 0.05 s
        key = job().version()
        for _ in range(600):
            if builder.cache.get(key) is not None:
                break
            await asyncio.sleep(0.1)
        assert builder.cache.get(key) is not None and builder.builds == 1
        assert (await builder.get(job()))[0] == document_worker.OK and builder.builds == 1
    finally:
        builder._stop_workers()


async def test_a_build_that_never_ends_has_its_worker_stopped_and_the_next_one_works() -> None:
    builder = Builder(workers=1, timeout=0.05, max_pending=2, cache=Cache(8, 1 << 20), hard_timeout=0.2)
    try:
        with pytest.raises(asyncio.TimeoutError):
            await builder.get(job())
        for _ in range(50):
            if builder._pool is None:
                break
            await asyncio.sleep(0.1)
        assert builder._pool is None and builder.cache.get(job().version()) is None  # stopped, nothing cached
        builder.timeout = builder.hard_timeout = 300
        assert (await builder.get(job()))[0] == document_worker.OK  # a new worker
    finally:
        builder._stop_workers()


async def test_no_chinese_font_is_reported_and_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker inherits the environment when it starts: as on a machine without fonts-wqy-microhei."""
    monkeypatch.setenv("PDF_FONT", "/nonexistent/font.ttc")
    builder = Builder(workers=1, timeout=120, max_pending=2, cache=Cache(8, 1 << 20))
    try:
        assert await builder.get(job(name="drafts.pdf")) == (document_worker.NO_FONT, b"")
        assert builder.cache.get(job(name="drafts.pdf").version()) is None  # a font installed later is used
        assert (await builder.get(job()))[0] == document_worker.OK  # the .docx needs no font
    finally:
        builder._stop_workers()
