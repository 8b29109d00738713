"""Whole turns through the REST channel, with the real action server and a temporary SQLite tracker store.

One Rasa process (bench/rasa_profiled.py = `rasa run` with per-turn timers that only fire for senders
named "profile-…") and one action server, both on free loopback ports. Measures, in this order:

1. start-up time of the action server and of Rasa (spawn → health URL answers; polled every 0.1 s);
2. warm-up conversations (not counted);
3. profile: conversations one after another, each turn's time split into NLU, policies, action-server
   calls, tracker store read/write … (see rasa_profiled.py), next to the time the client saw;
4. load: at each concurrency level, that many simulated borrowers (asyncio + aiohttp) each hold
   6-turn conversations that end in an installment draft; turns/s, latency percentiles, errors;
   every reply is checked (the form's next question, then the draft with 22 期 / 每期 1,455 元) and
   afterwards every conversation's tracker (slots and the stored draft);
5. peak RSS (VmHWM) of both server processes;
6. the fix for the slowest part of the action-server calls, side by side: a second Rasa process with Rasa's
   own check of action-server answers (DEBT_COACH_STOCK_ACTION_CHECK=1, serving/patches/action_response_check.py)
   and the project's server take turns, one conversation each, same action server.

Writes <out>/serve.json and the plot <plots>/bench_scaling.png. Exits 1 on any error or failed check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, file_mb, proc_status_mb, quiet_environment, summarize_ms, write_json

# The real order of the form's questions (checked by running it): what each reply must contain.
CONVERSATION: list[tuple[str, str | None]] = [
    ("想申请分期", "哪家"),
    ("招行信用卡", "多少"),
    ("三万二", "逾期"),
    ("两个月了", "原因"),
    ("失业了", "每个月"),
    ("每月能还一千五", None),  # → the drafts
]
DRAFT_MUST_CONTAIN = ("22 期", "1,455 元", "招商银行")  # 32000 / 1500 → 22 months; 32000 / 22 → 1455
DRAFT_KINDS = ["phone_script", "written_request", "short_reply"]
EXPECTED_SLOTS = {"lender": "招商银行", "debt_amount": 32000.0, "overdue_days": 60.0, "affordable_monthly": 1500.0}
REQUEST_TIMEOUT = 300.0


# Rasa's command line with the per-turn timers of rasa_profiled.py (which then installs the server patches).
PROFILED_RASA = (sys.executable, str(ROOT / "bench" / "rasa_profiled.py"))
# Start-up is polled often enough to time it to a tenth of a second.
READY = {"timeout": 600, "poll": 0.1}


def start_servers(workdir: Path, model: Path, profile_file: Path) -> tuple[Any, dict[str, float]]:
    from serving.servers import Servers

    servers = Servers(workdir, model=model)
    servers.env["BENCH_PROFILE_FILE"] = str(profile_file)
    t0 = time.perf_counter()
    servers.start_actions(**READY)
    t1 = time.perf_counter()
    servers.start_rasa(**READY, entry=PROFILED_RASA)
    t2 = time.perf_counter()
    return servers, {"action_server_s": t1 - t0, "rasa_s": t2 - t1}


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def check_reply(turn: int, replies: Any) -> str | None:
    """None if the reply is what this turn of the conversation must produce, else what is wrong."""
    if not isinstance(replies, list) or not replies:
        return f"turn {turn + 1}: empty or malformed reply {replies!r:.200}"
    body = texts(replies)
    expect = CONVERSATION[turn][1]
    if expect is not None:
        return None if expect in body else f"turn {turn + 1}: expected「{expect}」, got {body[:120]!r}"
    missing = [s for s in DRAFT_MUST_CONTAIN if s not in body]
    kinds = [r["custom"]["draft"]["kind"] for r in replies if isinstance(r.get("custom"), dict)
             and isinstance(r["custom"].get("draft"), dict)]
    if missing or kinds[:3] != DRAFT_KINDS:
        return f"draft turn: missing {missing}, draft kinds {kinds}, got {body[:160]!r}"
    return None


class Recorder:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.per_turn: list[list[float]] = [[] for _ in CONVERSATION]
        self.errors: list[str] = []  # HTTP errors, exceptions, timeouts
        self.check_failures: list[str] = []
        self.completed: list[str] = []  # senders whose conversation ended in the right draft


async def conversation(session: Any, base: str, sender: str, rec: Recorder) -> list[float]:
    import aiohttp

    own: list[float] = []
    for i, (message, _) in enumerate(CONVERSATION):
        start = time.perf_counter()
        try:
            async with session.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": message}) \
                    as resp:
                status = resp.status
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            rec.errors.append(f"{sender} turn {i + 1}: {type(exc).__name__}: {exc}")
            return own
        elapsed = time.perf_counter() - start
        if status != 200:
            rec.errors.append(f"{sender} turn {i + 1}: HTTP {status}: {str(body)[:200]}")
            return own
        rec.latencies.append(elapsed)
        rec.per_turn[i].append(elapsed)
        own.append(elapsed)
        problem = check_reply(i, body)
        if problem:
            rec.check_failures.append(f"{sender} {problem}")
            return own
    rec.completed.append(sender)
    return own


async def run_level(base: str, users: int, conversations_per_user: int, tag: str) -> tuple[dict[str, Any], Recorder]:
    import aiohttp

    rec = Recorder()
    # A fresh loopback connection per request: no keep-alive race with the server closing idle connections.
    connector = aiohttp.TCPConnector(limit=max(users, 1), force_close=True)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async def borrower(u: int) -> None:
            for c in range(conversations_per_user):
                await conversation(session, base, f"{tag}-u{users}-{u}-{c}", rec)

        start = time.perf_counter()
        await asyncio.gather(*(borrower(u) for u in range(users)))
        wall = time.perf_counter() - start
    conversations = users * conversations_per_user
    result = {
        "users": users, "conversations": conversations, "turns": len(rec.latencies),
        "turns_expected": conversations * len(CONVERSATION), "wall_s": wall,
        "turns_per_s": len(rec.latencies) / wall if wall else None,
        "latency_ms": summarize_ms(rec.latencies),
        "draft_turn_ms": summarize_ms(rec.per_turn[-1]),
        "errors": len(rec.errors), "check_failures": len(rec.check_failures),
        "conversations_with_draft": len(rec.completed),
        "error_samples": (rec.errors + rec.check_failures)[:5],
    }
    return result, rec


async def check_trackers(base: str, senders: list[str]) -> list[str]:
    """Every finished conversation's stored state: the case facts and the draft kept in `latest_drafts`."""
    import aiohttp

    from channels.rest import conversation_id as rest_conversation_id  # the REST channel's id of a sender

    problems: list[str] = []
    limit = asyncio.Semaphore(4)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) as session:
        async def one(sender: str) -> None:
            async with limit, session.get(f"{base}/conversations/{rest_conversation_id(sender)}/tracker") as resp:
                if resp.status != 200:
                    problems.append(f"{sender}: tracker HTTP {resp.status}")
                    return
                slots = (await resp.json())["slots"]
            wrong = {k: slots.get(k) for k, v in EXPECTED_SLOTS.items() if slots.get(k) != v}
            summary = (slots.get("latest_drafts") or {}).get("summary") or ""
            if wrong or "22 期" not in summary or "1,455 元" not in summary:
                problems.append(f"{sender}: slots {wrong}, stored draft summary {summary!r}")

        await asyncio.gather(*(one(s) for s in senders))
    return problems


def summarize_profile(path: Path, client_draft: list[float], client_all: list[float]) -> dict[str, Any]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    n_turns = len(CONVERSATION)

    def med(values: list[float]) -> float | None:
        return statistics.median(values) * 1000 if values else None

    def table(recs: list[dict[str, Any]], client: list[float]) -> dict[str, Any]:
        cats = sorted({c for r in recs for c in r["steps"]})
        steps = {c: med([r["steps"].get(c, 0.0) for r in recs]) for c in cats}
        server_total = med([r["total"] for r in recs])
        client_total = med(client)
        return {"turns": len(recs), "steps_ms": steps, "server_total_ms": server_total, "client_total_ms": client_total,
                "http_and_channel_ms": client_total - server_total if client_total and server_total else None,
                "actions": recs[0]["actions"] if recs else []}

    # Each profiled conversation writes its turns in order; the draft turn is the last of a full one.
    by_sender: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_sender.setdefault(r["sender"], []).append(r)
    draft = [turns[-1] for turns in by_sender.values() if len(turns) == n_turns]
    return {"draft_turn": table(draft, client_draft), "all_turns": table(records, client_all)}


def plot_scaling(levels: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    users = [lv["users"] for lv in levels]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(users, [lv["turns_per_s"] for lv in levels], "o-")
    ax1.set(xscale="log", xlabel="concurrent borrowers", ylabel="turns / s", title="Throughput")
    for q, style in (("p50", "o-"), ("p95", "s--"), ("p99", "^:")):
        ax2.plot(users, [lv["latency_ms"][q] for lv in levels], style, label=q)
    ax2.set(xscale="log", yscale="log", xlabel="concurrent borrowers", ylabel="turn latency (ms)",
            title="Turn latency (REST, whole turn)")
    ax2.legend()
    for ax in (ax1, ax2):
        ax.minorticks_off()
        ax.set_xticks(users, labels=[str(u) for u in users])
        ax.grid(alpha=0.3)
    ax1.set_ylim(bottom=0)
    fig.suptitle("Cost growth: 6-turn installment conversations, Rasa + action server on loopback")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


async def drive(servers: Any, args: argparse.Namespace, profile_file: Path) -> dict[str, Any]:
    base = servers.base
    warm = Recorder()
    for i in range(args.warmup):
        await run_one(base, f"warmup-{i}", warm)

    # Profile: one conversation at a time; the server times the turns of senders named profile-*.
    prof = Recorder()
    for i in range(args.profile_conversations):
        await run_one(base, f"profile-{i}", prof)
    profile = summarize_profile(profile_file, prof.per_turn[-1], prof.latencies)
    profile["conversations"] = args.profile_conversations
    profile["errors"] = prof.errors + prof.check_failures

    levels, all_completed, failures = [], [], list(warm.errors + warm.check_failures)
    for users in args.levels:
        per_user = max(1, math.ceil(args.min_conversations / users))
        result, rec = await run_level(base, users, per_user, "load")
        levels.append(result)
        all_completed += rec.completed
        failures += rec.errors + rec.check_failures
        lat = result["latency_ms"]
        print(f"{users:>4} borrowers: {result['turns']} turns in {result['wall_s']:.1f} s = "
              f"{result['turns_per_s']:.1f} turns/s, p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms, "
              f"errors {result['errors']}, failed checks {result['check_failures']}", flush=True)
    tracker_problems = await check_trackers(base, all_completed + prof.completed)
    return {"levels": levels, "profile": profile, "final_state": {
        "conversations_checked": len(all_completed) + len(prof.completed),
        "problems": len(tracker_problems), "problem_samples": tracker_problems[:5]},
        "warmup_errors": warm.errors + warm.check_failures, "failures": failures}


def start_stock_check_rasa(servers: Any, model: Path) -> tuple[subprocess.Popen, str]:
    """A second Rasa process, the same but for Rasa's own (uncached) check of action-server answers."""
    from serving.patches.action_response_check import STOCK_ENV
    from serving.servers import free_port, rasa_command, wait_http

    port = free_port()
    endpoints = servers.workdir / "endpoints_stock_check.yml"
    endpoints.write_text(servers.endpoints.read_text(encoding="utf-8").replace(
        "trackers.db", "trackers_stock_check.db"), encoding="utf-8")
    proc = servers.spawn(rasa_command(model, endpoints, port, entry=PROFILED_RASA), "rasa_stock_check.log",
                         env={**servers.env, STOCK_ENV: "1"})
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/status", proc, **READY)
    return proc, base


async def compare_action_check(base: str, stock_base: str, conversations: int) -> dict[str, Any]:
    """Alternate single conversations between the project's server and the stock-check one (ABBA order)."""
    recs = {"project": Recorder(), "stock_check": Recorder()}
    bases = {"project": base, "stock_check": stock_base}
    for name in recs:  # one warm-up conversation each, not counted
        await run_one(bases[name], f"ab-warm-{name}", Recorder())
    for i in range(conversations):
        order = ["project", "stock_check"] if i % 2 == 0 else ["stock_check", "project"]
        for name in order:
            await run_one(bases[name], f"ab-{name}-{i}", recs[name])
    out: dict[str, Any] = {"conversations": conversations}
    for name, rec in recs.items():
        out[name] = {"turn_ms": summarize_ms(rec.latencies), "draft_turn_ms": summarize_ms(rec.per_turn[-1]),
                     "errors": rec.errors + rec.check_failures}
    p, st = out["project"], out["stock_check"]
    out["ratio_turn_p50"] = p["turn_ms"]["p50"] / st["turn_ms"]["p50"] if st["turn_ms"]["p50"] else None
    out["ratio_draft_p50"] = (p["draft_turn_ms"]["p50"] / st["draft_turn_ms"]["p50"]
                              if st["draft_turn_ms"]["p50"] else None)
    return out


async def run_one(base: str, sender: str, rec: Recorder) -> None:
    import aiohttp

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) as session:
        await conversation(session, base, sender, rec)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="trained model (NLU + dialogue)")
    parser.add_argument("--out", required=True, help="folder for serve.json and the server logs")
    parser.add_argument("--plots", required=True, help="folder for bench_scaling.png")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50, 100])
    parser.add_argument("--min-conversations", type=int, default=40,
                        help="at least this many conversations per level (borrowers hold several in a row)")
    parser.add_argument("--profile-conversations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--compare-conversations", type=int, default=20,
                        help="conversations on each server for the action-check comparison (0: skip)")
    args = parser.parse_args()
    quiet_environment()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    model = Path(args.model).resolve()

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        workdir = Path(tmp)
        profile_file = workdir / "profile.jsonl"
        servers, startup = start_servers(workdir, model, profile_file)
        idle = {"rasa": proc_status_mb(servers.rasa.pid), "action_server": proc_status_mb(servers.actions.pid)}
        print(f"start-up: action server {startup['action_server_s']:.1f} s, Rasa {startup['rasa_s']:.1f} s", flush=True)
        try:
            result = asyncio.run(drive(servers, args, profile_file))
            peak = {"rasa": proc_status_mb(servers.rasa.pid), "action_server": proc_status_mb(servers.actions.pid)}
            result["action_check"] = None
            if args.compare_conversations:
                stock, stock_base = start_stock_check_rasa(servers, model)
                try:
                    result["action_check"] = asyncio.run(
                        compare_action_check(servers.base, stock_base, args.compare_conversations))
                finally:
                    stock.terminate()
                    stock.wait(timeout=60)
                ac = result["action_check"]
                print(f"action-answer check: turn p50 {ac['project']['turn_ms']['p50']:.0f} ms (cached validator) vs "
                      f"{ac['stock_check']['turn_ms']['p50']:.0f} ms (Rasa's own), ratio {ac['ratio_turn_p50']:.2f}",
                      flush=True)
                result["failures"] += ac["project"]["errors"] + ac["stock_check"]["errors"]
        finally:
            servers.stop_rasa()
            servers.stop_actions()
            for log in ("rasa.log", "actions.log"):
                if (workdir / log).exists():
                    (out / f"serve_{log}").write_bytes((workdir / log).read_bytes()[-200_000:])
    result.update({"model": str(model), "model_mb": file_mb(model), "startup": startup,
                   "memory_mb": {"after_start": idle, "at_end": peak}, "settings": vars(args),
                   "conversation": [m for m, _ in CONVERSATION]})
    write_json(out / "serve.json", result)
    plot_scaling(result["levels"], Path(args.plots) / "bench_scaling.png")
    bad = len(result["failures"]) + result["final_state"]["problems"] + len(result["profile"]["errors"])
    if bad:
        print(f"FAILED: {bad} errors or failed checks, e.g. "
              f"{(result['failures'] + result['final_state']['problem_samples'] + result['profile']['errors'])[:3]}",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
