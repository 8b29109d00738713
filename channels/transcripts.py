"""One LINE and one WhatsApp conversation, as the local fakes of the LINE and Graph APIs recorded them:
``python -m channels.transcripts [--out docs/channel-transcripts.md]``.

Starts the real action server and Rasa (``serving.servers.Servers``, the trained model) with both channels
pointed at ``channels/fakes.py`` on loopback, sends signed webhooks as LINE and Meta send them, and writes every
outbound API call the channels made (reply or push, each message's text, quick replies and buttons). Nothing
leaves the machine; the user ids are made up.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List

from channels.fakes import (
    FakeGraphAPI,
    FakeLineAPI,
    line_body,
    line_event,
    line_signature,
    whatsapp_body,
    whatsapp_message,
    whatsapp_signature,
)
from serving.servers import ROOT, Servers

LINE_USER = "U4af4980629d2b8e1a7c3f5e9d0b1c2a3"
WA_USER = "85261234567"
SETTINGS = {"LINE_CHANNEL_SECRET": "transcript-line-secret", "LINE_CHANNEL_ACCESS_TOKEN": "fake-line-token",
            "WHATSAPP_VERIFY_TOKEN": "transcript-verify", "WHATSAPP_APP_SECRET": "transcript-app-secret",
            "WHATSAPP_ACCESS_TOKEN": "fake-graph-token", "WHATSAPP_PHONE_NUMBER_ID": "109876543210"}
# (what the user does, the webhook event's arguments)
LINE_TURNS: List[tuple[str, Dict[str, Any]]] = [
    ("adds the bot as a friend", {"kind": "follow"}),
    ("sends 「催收說要打給我公司」", {"text": "催收說要打給我公司"}),
    ("taps the quick reply 「想申請分期」", {"kind": "postback", "postback": "/request_installment"}),
    ("sends 「欠招行信用卡三萬二」", {"text": "欠招行信用卡三萬二"}),
    ("sends 「逾期兩個月」", {"text": "逾期兩個月"}),
    ("sends 「失業了，沒有收入」", {"text": "失業了，沒有收入"}),
    ("sends 「每月能還一千五」", {"text": "每月能還一千五"}),
    ("sends a sticker", {"message": {"id": "1", "type": "sticker", "packageId": "446", "stickerId": "1988",
                                     "stickerResourceType": "STATIC"}}),
]
WA_TURNS: List[tuple[str, Dict[str, Any]]] = [
    ("sends 「你好」", {"text": "你好"}),
    ("sends 「我欠招行信用卡三萬二，逾期兩個月」", {"text": "我欠招行信用卡三萬二，逾期兩個月"}),
    ("taps the reply button 「好，開始」", {"button": ("/affirm", "好，開始")}),
    ("sends 「失業了，沒有收入」", {"text": "失業了，沒有收入"}),
    ("sends 「每月能還一千五」", {"text": "每月能還一千五"}),
    ("sends 「催收話要打去我公司搵我老細」 (Cantonese)", {"text": "催收話要打去我公司搵我老細"}),
    ("sends a photo", {"kind": "image"}),
]


def post(url: str, body: bytes, headers: Dict[str, str]) -> int:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.status


def settle(count: Callable[[], int], before: int, timeout: float = 90, quiet: float = 1.5) -> None:
    """Wait until calls beyond ``before`` have arrived and no new one came for ``quiet`` seconds."""
    deadline = time.time() + timeout
    while count() <= before and time.time() < deadline:
        time.sleep(0.2)
    last, since = count(), time.time()
    while time.time() - since < quiet and time.time() < deadline:
        time.sleep(0.2)
        if count() != last:
            last, since = count(), time.time()


def fenced(text: str) -> List[str]:
    return ["```text", text, "```"]


def line_conversation(servers: Servers, fake: FakeLineAPI) -> List[str]:
    out = ["## LINE (Taiwan user)", "", "Webhook `POST /webhooks/line/webhook` signed with the channel secret "
           "(`X-Line-Signature`); the calls below are what the LINE fake received.", ""]
    for n, (what, kwargs) in enumerate(LINE_TURNS, 1):
        before = len(fake.sent_to(LINE_USER))
        event = line_event(LINE_USER, reply_token=fake.reply_token(LINE_USER), **kwargs)
        body = line_body(event)
        status = post(servers.base + "/webhooks/line/webhook", body,
                      {"X-Line-Signature": line_signature(body, SETTINGS["LINE_CHANNEL_SECRET"])})
        settle(lambda: len(fake.sent_to(LINE_USER)), before)
        out += [f"### {n}. The user {what}", "", f"Webhook event `{event['type']}`"
                + (f" / `{event['message']['type']}`" if "message" in event else "") + f" → HTTP {status}", ""]
        for call in fake.sent_to(LINE_USER)[before:]:
            out += [f"**`POST /v2/bot/message/{call['kind']}`** — {len(call['messages'])} message(s)", ""]
            for i, message in enumerate(call["messages"], 1):
                length = len(message["text"].encode("utf-16-le")) // 2
                out += [f"message {i} ({length} characters):", "", *fenced(message["text"]), ""]
                items = (message.get("quickReply") or {}).get("items") or []
                if items:
                    out += ["quick replies: " + " · ".join(f"「{i['action']['label']}」→ `{i['action']['data']}`"
                                                           for i in items), ""]
    return out


def whatsapp_conversation(servers: Servers, fake: FakeGraphAPI) -> List[str]:
    out = ["## WhatsApp (Hong Kong user)", "", "Webhook `POST /webhooks/whatsapp/webhook` signed with the app secret "
           "(`X-Hub-Signature-256`); the calls below are what the Graph API fake received "
           "(`POST /v19.0/<phone-number-id>/messages`).", ""]
    for n, (what, kwargs) in enumerate(WA_TURNS, 1):
        before = len(fake.sent_to(WA_USER))
        body = whatsapp_body(SETTINGS["WHATSAPP_PHONE_NUMBER_ID"], [whatsapp_message(WA_USER, **kwargs)])
        status = post(servers.base + "/webhooks/whatsapp/webhook", body,
                      {"X-Hub-Signature-256": whatsapp_signature(body, SETTINGS["WHATSAPP_APP_SECRET"])})
        settle(lambda: len(fake.sent_to(WA_USER)), before)
        out += [f"### {n}. The user {what}", "", f"→ HTTP {status}", ""]
        for i, message in enumerate(fake.sent_to(WA_USER)[before:], 1):
            if message["type"] == "text":
                text = message["text"]["body"]
                out += [f"message {i}: `text` ({len(text)} characters)", "", *fenced(text), ""]
            else:
                interactive = message["interactive"]
                buttons = " · ".join(f"「{b['reply']['title']}」→ `{b['reply']['id']}`"
                                     for b in interactive["action"]["buttons"])
                out += [f"message {i}: `interactive` / `button`", "", *fenced(interactive["body"]["text"]), "",
                        f"reply buttons: {buttons}", ""]
    return out


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels.transcripts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "channel-transcripts.md")
    args = parser.parse_args(argv)
    line_api, graph_api = FakeLineAPI(SETTINGS["LINE_CHANNEL_ACCESS_TOKEN"]), FakeGraphAPI(
        SETTINGS["WHATSAPP_ACCESS_TOKEN"], SETTINGS["WHATSAPP_PHONE_NUMBER_ID"])
    line_api.start()
    graph_api.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            servers = Servers(Path(tmp))
            servers.env.update(LINE_API_BASE=line_api.base, WHATSAPP_API_BASE=graph_api.base, **SETTINGS)
            with servers.running():
                lines = line_conversation(servers, line_api)
                lines += whatsapp_conversation(servers, graph_api)
    finally:
        line_api.stop()
        graph_api.stop()
    header = ["# LINE and WhatsApp: two conversations as the API fakes recorded them", "",
              f"Generated by `python -m channels.transcripts` on {datetime.date.today().isoformat()} (commit "
              f"{commit()}, model `models/latest.tar.gz`): the real action server and Rasa, both channels pointed "
              "at local fakes of the LINE Messaging API and the WhatsApp Graph API (`channels/fakes.py`). "
              "Set-up and behaviour: [`channels.md`](channels.md).", "",
              f"Outbound calls recorded: LINE {len(line_api.ok_calls())}, WhatsApp {len(graph_api.ok_calls())}; "
              f"failed: {len(line_api.calls) - len(line_api.ok_calls())} and "
              f"{len(graph_api.calls) - len(graph_api.ok_calls())}.", ""]
    args.out.write_text("\n".join(header + lines).rstrip() + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
