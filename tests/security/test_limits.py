"""Medium: no rate limits (about 800 requests brought no 429; 50 senders flooding pushed a normal user's median
latency from 0.1 s to 4.3 s), Sanic's 100 MB body limit, and metadata without size or depth limits (5 MB stored
~20 MB; 5,000 levels of nesting → 500). Now: per-address and per-conversation limits answered with 429 and a
Chinese message, a 64 KB body limit, metadata of at most 1 KB and 2 levels."""

from __future__ import annotations

import json
import threading
import time

from channels import limits
from tests.security.helpers import REST, address, call, client_metadata, new_id, raw_post, rest, user_events


def test_one_conversation_is_limited_with_429_and_a_chinese_message(channel_servers):
    sender, client = new_id("flood"), address()
    answers = [rest(channel_servers.base, sender, "", client=client) for _ in range(14)]
    statuses = [a.status for a in answers]
    assert statuses[:10] == [200] * 10 and 429 in statuses[10:], statuses
    refused = next(a for a in answers if a.status == 429)
    assert "发送得太快" in refused.json["error"] and "每分钟最多 20 条" in refused.json["error"]
    assert int(refused.headers["Retry-After"]) >= 1
    assert rest(channel_servers.base, new_id("other"), "", client=client).status == 200  # others still served


def test_one_address_is_limited_and_others_are_not(channel_servers):
    flooder, bystander = address(), address()
    statuses = [rest(channel_servers.base, new_id("many"), "", client=flooder).status for _ in range(75)]
    assert limits.LIMITS.per_address is not None
    assert statuses[:int(limits.LIMITS.per_address.burst)].count(429) == 0
    assert statuses.count(429) >= 10, statuses
    answer = rest(channel_servers.base, new_id("bystander"), "催收说明天上门", client=bystander)
    assert answer.status == 200 and answer.json


def test_a_flood_of_real_turns_from_one_address_is_mostly_refused(channel_servers):
    """The probe's 50 flooding senders: from one address they get 429s, and a normal user is still answered."""
    flooder = address()
    results: list[int] = []
    lock = threading.Lock()

    def flood(k: int) -> None:
        for i in range(4):
            status = rest(channel_servers.base, f"flood-{k}-{i}", "逾期有什么后果", client=flooder).status
            with lock:
                results.append(status)

    threads = [threading.Thread(target=flood, args=(k,)) for k in range(50)]
    for t in threads:
        t.start()
    started = time.monotonic()
    normal = rest(channel_servers.base, new_id("normal"), "催收天天打电话怎么办")
    normal_latency = time.monotonic() - started
    for t in threads:
        t.join()
    assert normal.status == 200 and normal.json
    assert results.count(429) >= 80, results.count(429)  # 200 requests: the burst of 60 and 2 a second served
    assert normal_latency < 30


def test_bodies_over_64_kb_are_refused_with_413(channel_servers, staff_token):
    big = json.dumps({"sender": "big", "message": "催" * 40_000}).encode()  # ~120 KB
    for path, headers in ((REST, {}), ("/webhooks/staff/api/message", {"Authorization": f"Bearer {staff_token}"})):
        status, body = raw_post(channel_servers.rasa_port, path, big, headers)
        assert status == 413 and "请求太大" in json.loads(body)["error"], (path, status, body[:200])
    huge_metadata = json.dumps({"sender": "meta5mb", "message": "你好", "metadata": {"x": "a" * 5_000_000}}).encode()
    status, _ = raw_post(channel_servers.rasa_port, REST, huge_metadata)
    assert status == 413
    assert not any(e.get("event") == "user" for e in channel_servers.tracker("meta5mb")["events"])
    # a body is refused on its declared size, before it is read
    status, _ = raw_post(channel_servers.rasa_port, REST, b"", {"Content-Length": "100000000"})
    assert status == 413


def test_deep_or_large_metadata_gets_400_not_500(channel_servers, staff_token):
    deep = '{"a":' * 5000 + '"x"' + "}" * 5000  # the probe's 5,000 levels (json.dumps itself cannot write it)
    body = f'{{"sender": "{new_id("deep")}", "message": "你好", "metadata": {deep}}}'
    assert len(body.encode()) < limits.MAX_BODY
    answer = call(channel_servers.base, "POST", REST, body)
    assert answer.status == 400 and "JSON" in answer.json["error"]
    nested_message = f'{{"sender": "{new_id("deep")}", "message": {"[" * 5000 + "]" * 5000}}}'
    assert call(channel_servers.base, "POST", REST, nested_message).status == 400
    staff = call(channel_servers.base, "POST", "/webhooks/staff/api/message",
                 f'{{"conversation_id": "staff-{new_id("deep")}", "message": {deep}}}',
                 headers={"Authorization": f"Bearer {staff_token}"})
    assert staff.status == 400
    for metadata, word in (({"a": {"b": {"c": 1}}}, "层级"), ({"source": "x" * 2000}, "过大"),
                           ({"a": [1, [2]]}, "层级")):
        answer = rest(channel_servers.base, new_id("meta"), "你好", metadata=metadata)
        assert answer.status == 400 and word in answer.json["error"], metadata


def test_only_whitelisted_metadata_is_stored(channel_servers):
    sender = new_id("meta-keep")
    metadata = {"source": "合作方A", "audience": "staff", "tracking": "x" * 500, "n": 1}
    assert rest(channel_servers.base, sender, "你好", metadata=metadata).status == 200
    assert [client_metadata(e) for e in user_events(channel_servers, f"rest-{sender}")] == \
        [{"source": "合作方A", "audience": "borrower"}]


def test_the_widget_is_limited_too(channel_servers, browser):
    widget = browser()
    widget.start()
    notices = []
    for _ in range(13):
        replies = widget.say({"message": ""})
        notices += [r for r in replies if r.get("error") == 429]
    assert notices and "发送得太快" in notices[0]["text"]
