"""The replay records and event-time windows of the signed channels (channels/replay.py): the Redis record
against a real redis-server on a free loopback port (tests/unit/conftest.py), the defaults LINE and WhatsApp
build from configuration."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from channels import line, whatsapp
from channels.replay import (
    MAX_CLOCK_SKEW,
    ROOT,
    MemoryReplayRecord,
    RedisReplayRecord,
    SQLiteReplayRecord,
    default_spec,
    event_time_ok,
    make_record,
)
from serving.servers import free_port


@pytest.fixture
def redis_url(redis_server) -> str:  # type: ignore[no-untyped-def]
    return redis_server.url(3)  # the production profile's database of the replay records


async def test_the_redis_record_claims_once_across_clients_and_forgets_after_its_ttl(redis_url: str) -> None:
    first, second = make_record(redis_url), make_record(redis_url)  # two processes' clients of one server
    assert isinstance(first, RedisReplayRecord)
    assert await first.claim("line:EV1", 60)
    assert not await second.claim("line:EV1", 60) and not await first.claim("line:EV1", 60)
    assert await second.claim("whatsapp:EV1", 60)  # the channel is part of the key
    assert 0 < first.client.ttl("debtcoach:replay:line:EV1") <= 60  # stored with its expiry, no content
    assert first.client.get("debtcoach:replay:line:EV1") == b"1"
    assert await first.claim("wecom:short", 0.2)  # a fraction of a second is rounded up, never 0 (no expiry)
    assert first.client.ttl("debtcoach:replay:wecom:short") == 1
    first.client.pexpire("debtcoach:replay:line:EV1", 1)  # its time is up
    await asyncio.sleep(0.05)
    assert await second.claim("line:EV1", 60)


async def test_many_processes_claiming_one_event_at_once_take_it_exactly_once(redis_url: str) -> None:
    records = [make_record(redis_url) for _ in range(8)]
    taken = await asyncio.gather(*(r.claim("line:RACE", 60) for r in records for _ in range(4)))
    assert sum(taken) == 1


async def test_an_unreachable_redis_raises_instead_of_taking_the_event() -> None:
    """No answer from Redis must never read as "not taken yet": the webhook fails and is delivered again."""
    import redis

    record = make_record(f"redis://127.0.0.1:{free_port()}/3")
    with pytest.raises(redis.ConnectionError):
        await record.claim("line:EV2", 60)


def test_event_time_window() -> None:
    now = 1_700_000_000.0
    assert event_time_ok(now, 300, now=now) and event_time_ok(now - 300, 300, now=now)
    assert event_time_ok(str(int(now) + 299), 300, now=now)  # WhatsApp sends seconds as a string
    assert not event_time_ok(now - 301, 300, now=now)  # captured and replayed later
    assert not event_time_ok(now + 301, 300, now=now)  # too far in the future
    for bad in (None, "", "abc", float("nan"), float("inf")):
        assert not event_time_ok(bad, 300, now=now)
    assert MAX_CLOCK_SKEW == 300


def test_line_and_whatsapp_default_to_the_shared_sqlite_file_in_var(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LINE_REPLAY_RECORD", "WHATSAPP_REPLAY_RECORD", "LINE_MAX_CLOCK_SKEW", "WHATSAPP_MAX_CLOCK_SKEW"):
        monkeypatch.delenv(name, raising=False)
    made: list[str] = []
    monkeypatch.setattr(line, "make_record", lambda spec: made.append(spec) or MemoryReplayRecord())
    monkeypatch.setattr(whatsapp, "make_record", lambda spec: made.append(spec) or MemoryReplayRecord())
    channel = line.LineInput.from_credentials({"channel_secret": "s", "access_token": "t", "replay_record": ""})
    wa = whatsapp.WhatsAppInput.from_credentials({"verify_token": "v", "app_secret": "s", "access_token": "t",
                                                  "phone_number_id": "1"})
    assert [spec for spec in made if spec != "memory"] == [default_spec("line"), default_spec("whatsapp")]
    assert default_spec("line") == f"sqlite:///{ROOT / 'var' / 'line-replay.db'}"  # absolute: any working dir
    assert channel.max_clock_skew == wa.max_clock_skew == 300
    monkeypatch.setenv("LINE_REPLAY_RECORD", "redis://redis.internal:6379/3")
    line.LineInput.from_credentials({"channel_secret": "s", "access_token": "t"})
    assert made[-1] == "redis://redis.internal:6379/3"  # the production profile's setting wins
    assert line.LineInput.from_credentials({"replay_record": "sqlite:///x.db"}).configured is False


def test_the_sqlite_default_is_shared_by_two_processes_views(tmp_path: Path) -> None:
    spec = f"sqlite:///{tmp_path / 'var' / 'line-replay.db'}"
    first, second = make_record(spec), make_record(spec)
    assert isinstance(first, SQLiteReplayRecord)
    assert first.claim_sync("line:E", 60) and not second.claim_sync("line:E", 60)
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700  # the folder is private, as var/ is
