"""Medium: personal data in clear in the tracker store (file mode 0644): e-mail addresses, Hong Kong and Taiwan
phones, dotted, full-width and Chinese-numeral phone numbers, REST metadata, sender ids containing a phone
number. Now: ≥ 200 generated spellings sent through the real channels, none found in clear anywhere in the store
(events, their metadata and parse data, sender ids), and the store file readable by its owner only."""

from __future__ import annotations

import os
import re
import stat

from channels import wecom
from tests.security.helpers import new_id, rest, stored, strings
from tests.security.personal_sentences import sample
from tests.security.spellings import Spelling, flat, leaked, spellings

SPELLINGS = list(spellings(seed=2026, per_form=4))
CONTEXTS = ("我的电话是{}，催收天天打", "{}", "催收打到{}了，怎么办", "这是我的联系方式 {} 欠招行三万")


def all_stored_strings(servers) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    out = []
    for row in stored(servers):
        out.append((row["sender_id"], row["sender_id"]))
        for value in (row["intent"], row["action"], *strings(row["data"])):
            if value:
                out.append((row["sender_id"], value))
    return out


def test_generated_spellings_never_reach_the_store_in_clear(channel_servers, wecom_settings):
    assert len(SPELLINGS) >= 200, len(SPELLINGS)
    kinds = {s.kind for s in SPELLINGS}
    assert {"mainland mobile", "Hong Kong phone", "Taiwan mobile", "e-mail", "ID card", "bank card"} <= kinds
    sent: list[Spelling] = []
    sender = new_id("pii")
    for i, spelling in enumerate(SPELLINGS):
        if i % 8 == 0:
            sender = new_id("pii")  # a conversation takes 10 messages at once (rate limit)
        text = CONTEXTS[i % len(CONTEXTS)].format(spelling.text)
        metadata = {"source": spelling.text} if i % 5 == 0 else None
        answer = rest(channel_servers.base, sender, text, metadata=metadata)
        assert answer.status == 200, (spelling, answer.text)
        notes = [r["text"] for r in answer.json if "已自动隐去" in (r.get("text") or "")]
        assert notes, f"no redaction note for {spelling}"
        sent.append(spelling)
    # WeCom user ids that are phone numbers (the channel keys them with an HMAC)
    from tests.security.test_conversation_ids import wecom_say

    for spelling in SPELLINGS[:3]:
        wecom_say(channel_servers, wecom_settings, spelling.core, "你好")
        assert wecom.conversation_id(spelling.core, wecom_settings["WECOM_AES_KEY"]) in \
            {r["sender_id"] for r in stored(channel_servers)}

    values = all_stored_strings(channel_servers)
    flats = [(sender_id, flat(value)) for sender_id, value in values]
    leaks = []
    for spelling in sent:
        core = flat(spelling.core)
        for sender_id, value in flats:
            if core in value:
                leaks.append((spelling.kind, spelling.text, sender_id, value[:120]))
                break
    assert not leaks, leaks[:10]
    for spelling in sent[:40]:  # the raw spelling too, byte for byte
        assert not any(spelling.text in value for _, value in values), spelling


def test_the_stored_text_keeps_the_rest_of_the_message(channel_servers):
    sender = new_id("pii-keep")
    rest(channel_servers.base, sender, "我手机１３８.１２３４.５６７８，欠借呗两万，逾期三十天")
    tracker = channel_servers.tracker(sender)
    user = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert user["text"] == "我手机[手机号已隐去]，欠借呗两万，逾期三十天"
    assert tracker["slots"]["debt_amount"] == 20000 and tracker["slots"]["lender"] == "借呗"
    assert not leaked(str(tracker), Spelling("x", "", "13812345678"))


def test_the_tracker_store_file_is_private(channel_servers):
    db = channel_servers.workdir / "trackers.db"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    for extra in ("trackers.db-journal", "trackers.db-wal"):
        path = channel_servers.workdir / extra
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0


GENERATED = sample(seed=2027, n=48)  # 6 of each kind (tests/security/personal_sentences.py), fixed
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?")


def log_leaks(servers, spelling: Spelling) -> list[str]:  # type: ignore[no-untyped-def]
    """Lines of the servers' logs holding the spelling: as typed, or its core once separators are dropped (the
    time stamp first, whose digits would run into the rest)."""
    out = []
    core = flat(spelling.core)
    for name in ("rasa.log", "actions.log"):
        path = servers.workdir / name
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []:
            if spelling.text in line or core in flat(_TIMESTAMP.sub(" ", line)):
                out.append(f"{name}: {line[:160]}")
    return out


def test_generated_messages_leave_no_number_in_the_tracker_or_the_logs(channel_servers):
    assert len({s.kind for _, s in GENERATED}) == 8
    senders: list[tuple[str, list[Spelling]]] = []
    for i, (text, spelling) in enumerate(GENERATED):
        if i % 8 == 0:
            senders.append((new_id("pii-gen"), []))  # a conversation takes 10 messages at once (rate limit)
        sender, spellings_sent = senders[-1]
        answer = rest(channel_servers.base, sender, text)
        assert answer.status == 200, (text, answer.text)
        assert any("已自动隐去" in (r.get("text") or "") for r in answer.json), text
        spellings_sent.append(spelling)
    for sender, spellings_sent in senders:
        tracker = channel_servers.tracker(sender)
        values = [flat(v) for v in strings(tracker)]
        users = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        assert len(users) >= len(spellings_sent) and any("已隐去" in u for u in users)
        for spelling in spellings_sent:
            core = flat(spelling.core)
            assert not [v for v in values if core in v], (spelling, sender)
    for _, spelling in GENERATED:
        assert not log_leaks(channel_servers, spelling), spelling
