"""The turn-cost patches change no conversation: the same messages over REST give the same replies
and the same stored events on the project's server and on one with Rasa's own code (DEBT_COACH_STOCK_TURN=1),
with the same model and action server code."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from serving.patches.turn_switch import STOCK_TURN_ENV
from serving.servers import Servers

# The benchmark's whole installment conversation, then a question, a correction and a Traditional-Chinese line.
MESSAGES = ["想申请分期", "招行信用卡", "三万二", "两个月了", "失业了", "每月能还一千五", "上门催收合法吗",
            "不对，是四万", "他們天天打電話給我家人"]


@pytest.fixture(scope="module")
def stock_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    servers = Servers(Path(tmp_path_factory.mktemp("stock-turn")))
    servers.env[STOCK_TURN_ENV] = "1"
    with servers.running() as s:
        yield s


def unsigned(replies: Any) -> str:
    """The replies with the download links' expiry and signature (each server signs with its own secret) left out."""
    return re.sub(r"exp=\d+&sig=[0-9a-f]+", "exp=…&sig=…", json.dumps(replies, ensure_ascii=False))


def comparable(event: dict[str, Any]) -> dict[str, Any]:
    """What a turn decided, without clocks, ids and classifier scores."""
    kept: dict[str, Any] = {"event": event["event"]}
    for key in ("name", "text", "value", "policy"):
        if key in event:
            kept[key] = event[key]
    if event["event"] == "user":
        parse = event.get("parse_data") or {}
        kept["intent"] = (parse.get("intent") or {}).get("name")
        kept["entities"] = [(e.get("entity"), e.get("value"), e.get("role")) for e in parse.get("entities") or []]
    if event["event"] == "bot":
        kept["data"] = json.loads(unsigned(event.get("data")))
    if "text" in kept and isinstance(kept["text"], str):
        kept["text"] = json.loads(unsigned(kept["text"]))
    if event["event"] == "slot" and event.get("name") == "contact_log" and isinstance(kept.get("value"), list):
        # the two servers log the same report a second apart: compare the entries without their clocks
        kept["value"] = [{k: v for k, v in entry.items() if k not in ("at", "recorded_at")}
                         for entry in kept["value"]]
    if event["event"] == "slot" and event.get("name") == "contact_log" and isinstance(kept.get("value"), dict):
        # the log stored as a change (components/slots.py): its entries likewise without their clocks
        kept["value"] = {**kept["value"], "put": [{k: v for k, v in entry.items() if k not in ("at", "recorded_at")}
                                                  for entry in kept["value"].get("put") or []]}
    return kept


def test_same_messages_same_replies_and_events_with_and_without_the_patches(
        servers: Servers, stock_servers: Servers) -> None:
    sender = f"turn-{uuid.uuid4().hex}"
    for message in MESSAGES:
        ours, stock = servers.say(sender, message), stock_servers.say(sender, message)
        assert unsigned(ours) == unsigned(stock), message
        assert ours, message  # every message gets an answer
    events = [comparable(e) for e in servers.tracker(sender)["events"]]
    assert events == [comparable(e) for e in stock_servers.tracker(sender)["events"]]
    assert any(e["event"] == "slot" and e.get("name") == "debt_amount" and e.get("value") == 32000.0
               for e in events), "三万二 reached the slot"
    assert sum(e["event"] == "user" for e in events) == len(MESSAGES)
    db = servers.workdir / "trackers.db"
    assert (db.parent / "trackers.db-wal").exists(), "the project's server keeps its store in WAL mode"
    assert not (stock_servers.workdir / "trackers.db-wal").exists(), "the stock server does not"
