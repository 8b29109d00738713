"""Run simulated conversations against the real servers and check every turn.

    python -m sim.run --n 5000 --seed 2026 --out reports/simulate.json      # also writes reports/simulate.md

Starts the action server and Rasa once (serving.servers.Servers, temporary tracker store), plays each conversation
through the REST channel (or the staff console's API for a staff persona) with its own sender id, 2–4 at a time,
reads the case after each turn from the tracker and checks it (sim/check.py). ``--attach PORT`` uses servers
already running on that loopback port instead (development). A tool: runtime code never imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import re
import secrets
import signal
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator, Sequence

from serving.servers import Servers
from sim.check import ASKED, KINDS, Violation, asked, check_turn
from sim.generate import Conversation, Turn, conversations, grammar_size

REPLY_CHARS = 300  # a reply kept in the report is cut to this


def _texts(replies: Sequence[dict[str, Any]]) -> list[str]:
    return [str(r.get("text") or "") for r in replies if r.get("text")]


def _conversation_key(servers: Servers, sender: str, staff: bool) -> str:
    if staff:
        return "staff-" + sender
    from channels.rest import conversation_id

    return conversation_id(sender)


def slots_of(servers: Servers, conversation: str) -> dict[str, Any]:
    """The conversation's slots (the tracker without its events: a long conversation stays cheap to read)."""
    url = (f"{servers.base}/conversations/{urllib.parse.quote(conversation, safe='')}/tracker"
           "?include_events=NONE")
    with urllib.request.urlopen(url, timeout=60) as resp:
        return dict(json.loads(resp.read()).get("slots") or {})


# The facts a scripted answer (a turn written as the answer to one of the bot's questions) may give, and the
# answers whose words alone do not say which fact they give (「加起来1400吧」, 「是每月能还的钱」).
_ANSWER_FACTS = ("costs", "income", "affordable", "overdue_days")
_BARE_ANSWERS = frozenset({"costs_total", "unsettled_monthly"})
_NAMES_ITS_FACT = re.compile(r"开销|開銷|使费|使費|花的|花銷|花销|必须|必須")


def _bare_answer(turn: Turn) -> bool:
    """A scripted answer whose words do not name its fact (「加起来1400吧」, not 「开销大概七千九」)."""
    return turn.kind in _BARE_ANSWERS and not _NAMES_ITS_FACT.search(turn.text)
_AS_ASKED = {"ask_affordable": "affordable", "ask_income": "income", "ask_costs": "costs"}


def play(servers: Servers, conv: Conversation, tag: str) -> dict[str, Any]:
    """One conversation: each turn sent, the case read back and checked. Violations are kept once per
    (kind, subject) — the first turn it shows — so a fact lost once is not counted again every later turn."""
    sender = f"{conv.id}-{tag}"
    staff = conv.channel == "staff"
    key = _conversation_key(servers, sender, staff)
    earlier: list[str] = []
    previous: dict[str, Any] | None = None
    seen: set[tuple[str, str]] = set()
    turns: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    unasked: dict[str, Any] = {}  # facts a scripted answer gave to a question the bot had not asked: not held to
    checked: list[Turn] = []
    last_reply = ""
    for i, turn in enumerate(conv.turns):
        said_before = conv.turns[i - 1].truth if i else None
        changed = [name for name in _ANSWER_FACTS
                   if getattr(turn.truth, name) != (getattr(said_before, name) if said_before else None)]
        if _bare_answer(turn) and not asked(turn.after or "", earlier[-1] if earlier else ""):
            # 「加起来1400吧」 as the costs when the bot asked something else: the words alone do not say which fact
            # it is (the bot may ask, or take it for the question it did ask), so the fact is not expected
            for name in changed:
                unasked.setdefault(name, getattr(said_before, name) if said_before else None)
            # ... and when the bot had asked another money fact, the amount answers that one
            other = next((fact for question, fact in _AS_ASKED.items()
                          if asked(question, last_reply)), None)  # the question is the bot's last message
            if other is not None and changed:
                unasked[other] = getattr(turn.truth, changed[0])
        else:
            for name in changed:
                unasked.pop(name, None)  # said again in a turn of its own: held to it from then on
        turn_now = dataclasses.replace(turn, truth=dataclasses.replace(turn.truth, **unasked)) if unasked else turn
        checked.append(turn_now)
        try:
            replies = _texts(servers.say(sender, turn.text, metadata={"audience": "staff"} if staff else None))
            slots = slots_of(servers, key)
            violations = check_turn(turn_now, checked[i - 1] if i else None, replies, earlier, slots, previous)
        except Exception as err:  # a failed request is a finding; the run goes on
            replies, slots = [], previous or {}
            violations = [Violation("bot_error", f"{type(err).__name__}: {err}"[:200])]
        new = []
        for v in violations:
            if (v.kind, v.subject or v.detail) not in seen:
                seen.add((v.kind, v.subject or v.detail))
                new.append({"kind": v.kind, "detail": v.detail})
        record: dict[str, Any] = {"text": turn.text, "kind": turn.kind,
                                  "replies": [r[:REPLY_CHARS] for r in replies], "violations": new}
        if turn.after:
            # the script relied on this question: did the bot ask it just before?
            record["after"] = turn.after
            record["asked"] = asked(turn.after, earlier[-1] if earlier else "")
            if not record["asked"]:
                record["bot_before"] = (earlier[-1] if earlier else "")[-REPLY_CHARS:]  # what it said instead
        turns.append(record)
        found += [{**v, "turn": i} for v in new]
        earlier.append("\n".join(replies))
        last_reply = replies[-1] if replies else ""
        previous = slots
    return {"id": conv.id, "region": conv.region, "age": conv.age, "channel": conv.channel, "style": conv.style,
            "turns": turns, "violations": found}


def simulate(servers: Servers, convs: Sequence[Conversation], workers: int = 3,
             progress: bool = False) -> dict[str, Any]:
    """Play ``convs`` (``workers`` at a time); the results with counts by kind."""
    # a fresh sender id per run, so an attached server's old trackers never mix in; letters only: a tag of six
    # digits (one in sixteen hex tags) reads as personal data to the REST channel, which refuses the sender
    tag = "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(6))
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, 4))) as pool:
        for n, result in enumerate(pool.map(lambda c: play(servers, c, tag), convs), 1):
            results.append(result)
            if progress and n % 50 == 0:
                print(f"  {n}/{len(convs)} conversations, {time.monotonic() - started:.0f} s", file=sys.stderr,
                      flush=True)
    seconds = time.monotonic() - started
    turns = sum(len(r["turns"]) for r in results)
    counts = Counter(v["kind"] for r in results for v in r["violations"])
    affected = Counter(kind for r in results for kind in {v["kind"] for v in r["violations"]})
    scripted = [t for r in results for t in r["turns"] if t.get("after")]
    contexts = {after: {"turns": sum(t["after"] == after for t in scripted),
                        "asked": sum(t["after"] == after and t["asked"] for t in scripted)} for after in ASKED}
    return {
        "conversations": len(results), "turns": turns, "seconds": round(seconds, 1),
        "turns_per_second": round(turns / seconds, 2) if seconds else None,
        "violations": {kind: counts.get(kind, 0) for kind in KINDS},
        "conversations_affected": {kind: affected.get(kind, 0) for kind in KINDS},
        "contexts": contexts,
        "grammar": grammar_size(),
        "results": results,
    }


def example(result: dict[str, Any], kind: str) -> tuple[list[str], str]:
    """The conversation up to the first turn with ``kind``: Markdown lines, and the violation's detail."""
    hit = next(v for v in result["violations"] if v["kind"] == kind)
    lines = [f"`{result['id']}` ({result['region']}, {result['age']}, {result['channel']}, {result['style']})", ""]
    for i, turn in enumerate(result["turns"][:hit["turn"] + 1]):
        lines.append(f"{i + 1}. 👤 {turn['text']}")
        for reply in turn["replies"][:3]:
            lines.append(f"   🤖 {reply[:160].replace(chr(10), ' / ')}")
    return lines, hit["detail"]


def markdown(report: dict[str, Any], seed: int) -> str:
    g = report["grammar"]
    out = [
        "# Simulated conversations", "",
        f"Seed {seed}: {report['conversations']} conversations, {report['turns']} turns in {report['seconds']} s "
        f"({report['turns_per_second']} turns/s). Generated by sim/generate.py from sim/grammar.yml, checked "
        "after every turn by sim/check.py (docs/simulator.md).", "",
        "## Grammar", "",
        f"- lenders: {g['registry_lenders']} from the registry ({g['lender_spellings']} ways of naming them), "
        f"{g['unknown_lenders']} no list knows",
        f"- amount spellings: {g['amount_spellings']}; amount roles: {g['amount_roles']}; durations: {g['durations']}; "
        f"cost items: {g['cost_items']}",
        f"- patterns: {g['patterns']} with {g['sentences']} sentences; regions: {g['regions']}; writing styles: "
        f"{g['styles']}", "",
        "## Violations by kind", "",
        "| kind | violations | conversations | what it means |", "|---|---:|---:|---|",
    ]
    for kind, meaning in KINDS.items():
        out.append(f"| {kind} | {report['violations'][kind]} | {report['conversations_affected'][kind]} | "
                   f"{meaning} |")
    out += ["", "## Scripted turns: did the bot ask what they answer?", "",
            "A turn written as the answer to a question (a correction right after the offer, after the name "
            "confirmation; the budget answers) checks what it is meant to only when the bot asked that question "
            "just before.", "", "| answers | turns | the bot had asked it |", "|---|---:|---:|"]
    for after, count in report.get("contexts", {}).items():
        out.append(f"| {after} | {count['turns']} | {count['asked']} |")
    out += ["", "## One example of each", ""]
    for kind in KINDS:
        result = next((r for r in report["results"] if any(v["kind"] == kind for v in r["violations"])), None)
        if result is None:
            continue
        lines, detail = example(result, kind)
        out += [f"### {kind}", "", f"**{detail}**", "", *lines, ""]
    return "\n".join(out) + "\n"


@contextlib.contextmanager
def servers_for(attach: int | None) -> Iterator[Servers]:
    """Servers of its own (a temporary tracker store), or the ones running on loopback port ``attach``
    (their staff token in STAFF_TOKEN)."""
    if attach:
        servers = Servers.__new__(Servers)
        servers.rasa_port = attach
        servers.env = {"STAFF_TOKEN": os.environ.get("STAFF_TOKEN", "")}
        yield servers
        return
    with tempfile.TemporaryDirectory(prefix="simulate-") as tmp, simulation_servers(Path(tmp)).running() as servers:
        yield servers


def simulation_servers(workdir: Path) -> Servers:
    """The servers a simulation plays against: the usual ones, without the per-conversation and per-address rate
    limits (a simulated person types far faster than 20 messages a minute; the limits are tested elsewhere)."""
    servers = Servers(workdir)
    servers.env.update(RATE_LIMIT_PER_ADDRESS="0", RATE_LIMIT_PER_CONVERSATION="0")
    return servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="conversations")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("reports/simulate.json"))
    parser.add_argument("--workers", type=int, default=3, help="conversations at once (1-4)")
    parser.add_argument("--attach", type=int, default=None, help="use Rasa already running on this loopback port")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out, as Ctrl-C does
    convs = conversations(args.seed, args.n, datetime.date.today())
    with servers_for(args.attach) as servers:
        report = simulate(servers, convs, args.workers, progress=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    kept = [r if r["violations"] else {**r, "turns": [{k: v for k, v in t.items() if k != "replies"}
                                                      for t in r["turns"]]}
            for r in report["results"]]  # replies only where something failed: 5,000 conversations stay small
    args.out.write_text(json.dumps({"seed": args.seed, **report, "results": kept}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(report, args.seed), encoding="utf-8")
    summary = ", ".join(f"{k} {v}" for k, v in report["violations"].items() if v) or "none"
    print(f"{report['conversations']} conversations, {report['turns']} turns, {report['turns_per_second']} turns/s; "
          f"violations: {summary}\n→ {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
