"""A long contact log over HTTP: 300 entries of 200 characters are listed, deleted from and made into a letter,
each report adding one small event. Two parts:

- the action server alone, over its /webhook, with trackers built by Rasa's own classes and the project's
  domain (tests/unit/rasa_loop.py): runs with or without a trained model;
- reports through Rasa's REST channel: NEEDS A MODEL TRAINED WITH domain/evidence.yml's
  ``contact_log: type: components.slots.ContactLogSlot`` (skipped, saying so, with a model trained before).
"""

from __future__ import annotations

import datetime
import io
import json
import tarfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from rasa.shared.core.events import SlotSet

from coach.case import contact_log
from coach.zh.normalizer import to_simplified
from components.slots import TYPE_NAME
from serving.servers import MODEL, Servers, texts
from tests.unit.rasa_loop import START, Conversation, stored_bytes

LIMIT = 16 * 1024 * 1024  # the action server's request body limit (serving/action_server.py)
FILL = "催收的人在电话里一直骂我，说要去我单位找领导，还说要告诉我所有的亲戚朋友，让我在老家抬不起头。"


def report(i: int) -> str:
    text = f"{i % 28 + 1}天前晚上十一点多催收打电话骂我，"
    while len(text) < contact_log.MAX_TEXT:
        text += FILL
    return "记录一下：" + text[:contact_log.MAX_TEXT]


def model_stores_changes(model: Path = MODEL) -> bool:
    """Whether the trained model's domain has the contact log's own slot type."""
    if not model.exists():
        return False
    with tarfile.open(model) as archive:
        for member in archive.getmembers():
            if member.name.endswith("domain.yml") or member.name.endswith("metadata.json"):
                data = archive.extractfile(member)
                if data is not None and TYPE_NAME in io.TextIOWrapper(data, encoding="utf-8").read():
                    return True
    return False


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    servers = Servers(tmp_path_factory.mktemp("log-actions"))
    servers.start_actions()
    try:
        yield servers
    finally:
        servers.stop_actions()


def poster(servers: Servers):
    def post(call: Dict[str, Any]) -> Dict[str, Any]:
        body = json.dumps(call).encode()
        assert len(body) < LIMIT / 4, len(body)
        req = urllib.request.Request(f"http://127.0.0.1:{servers.action_port}/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            assert resp.status == 200
            return json.loads(resp.read())
    return post


def test_a_300_entry_log_through_the_action_server(action_server: Servers) -> None:
    conversation = Conversation("http-300", post=poster(action_server))
    log: list[dict] = []
    now = contact_log.local_time(START)
    for i in range(299):  # a long log carried over from earlier sessions, as a new session sets it
        log, _ = contact_log.add(log, contact_log.Report(report(i)[5:], now - datetime.timedelta(hours=i)))
    conversation.tracker.update(SlotSet("contact_log", log))
    events, _ = conversation.say(report(299), "report_harassment")
    (change,) = [e for e in events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert change.value["op"] == "change" and len(change.value["put"]) == 1 and stored_bytes(change) < 3000
    assert len(conversation.tracker.get_slot("contact_log")) == 300
    _, listed = conversation.say("我的记录", "ask_complaint_channel", "action_answer_question")
    assert "共 300 条" in listed and "\n300. " in listed
    events, said = conversation.say("删除第1条", "ask_complaint_channel", "action_answer_question")
    (change,) = [e for e in events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert change.value["put"] == [] and len(change.value["drop"]) == 1 and "共 299 条" in said
    _, letter = conversation.say("帮我写投诉信", "ask_complaint_channel", "action_answer_question")
    assert "按您的证据记录（299 条）" in letter and letter.count("｜电话｜") >= 299
    assert len(conversation.rebuilt().get_slot("contact_log")) == 299
    assert conversation.last_request_bytes < LIMIT / 4


# ---------- through Rasa (needs the retrained model) ----------

needs_retrained_model = pytest.mark.skipif(
    not model_stores_changes(),
    reason="needs a model trained with domain/evidence.yml's contact_log: type: components.slots.ContactLogSlot "
           "(retrain: make train)")

REPORTS = 8  # with the list, delete and letter: inside the per-conversation burst (channels/limits.py)


@needs_retrained_model
def test_reports_over_rest_store_one_small_event_each(servers: Servers) -> None:
    sender = f"log-scale-{uuid.uuid4().hex}"
    for i in range(REPORTS):
        servers.say(sender, report(i))
        time.sleep(0.5)  # inside the per-conversation rate limit
    tracker = servers.tracker(sender)
    log = tracker["slots"]["contact_log"]
    assert contact_log.is_valid(log) and len(log) == REPORTS
    changes = [e for e in tracker["events"] if e["event"] == "slot" and e["name"] == "contact_log"]
    assert len(changes) == REPORTS
    sizes = [len(json.dumps(e).encode()) for e in changes]
    assert all(e["value"]["op"] == "change" and len(e["value"]["put"]) == 1 for e in changes)
    assert max(sizes) < 1.2 * min(sizes) and max(sizes) < 3000, sizes  # the same size for the first and the last
    body = to_simplified(texts(servers.say(sender, "我的记录")))
    assert f"共 {REPORTS} 条" in body
    time.sleep(0.5)
    body = to_simplified(texts(servers.say(sender, "删除第3条")))
    assert f"共 {REPORTS - 1} 条" in body
    time.sleep(0.5)
    body = to_simplified(texts(servers.say(sender, "帮我写投诉信")))
    assert f"按您的证据记录（{REPORTS - 1} 条）" in body
    assert len(servers.tracker(sender)["slots"]["contact_log"]) == REPORTS - 1


def test_free_text_read_as_a_lender_never_addresses_the_complaint(servers: Servers) -> None:
    """「逾期两个月」 as the answer to 「哪家机构」: the complaint goes to a neutral addressee with a blank (the form
    may still ask whether 「逾期两个月」 is the lender: that question is not a letter)."""
    sender = f"log-lender-{uuid.uuid4().hex}"
    assert "哪家" in texts(servers.say(sender, "我想申请分期还款"))
    for message in ("逾期两个月", "记录一下：昨晚十一点多催收打电话骂我", "帮我写投诉信"):
        time.sleep(0.5)
        replies = servers.say(sender, message)
    made = [to_simplified(r.get("text") or "") for r in replies
            if str(((r.get("custom") or {}).get("draft") or {}).get("kind") or "").startswith("letter_")]
    assert made and ("致：贷款机构【请填写机构名称】" in made[0] or "致：放款机构【请先查清放款方名称】" in made[0])
    assert all("逾期两个月" not in text.replace("已逾期", "") for text in made)
    assert servers.tracker(sender)["slots"].get("lender_confirmed") is not True
