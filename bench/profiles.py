"""Embedded vs production profile, and a model with vs without TEDPolicy, side by side in one run.

    python bench/profiles.py --out reports [--models models/latest.tar.gz models/noted.tar.gz] [--smoke]

For every (profile, model): start it (embedded: serving.servers.Servers, one Rasa process + SQLite;
production: serving.prod.ProdStack, nginx → 2 Rasa processes → PostgreSQL + Redis, action server ×2), 2
warm-up conversations, then:

- closed loop: 1, 10, 50, 100 concurrent borrowers, each holding the benchmark's 6-turn conversation
  (bench/serve.py: every reply checked); turns/s, turn latency p50/p95/p99, errors;
- open loop: turns arrive at a steady 20 a second (exponential gaps, seeded) whatever the replies do; each
  arrival is the next turn of a conversation that is waiting for one, or the first turn of a new one;
  latency p50/p95/p99 and how far the achieved rate fell behind;
- CPU ms per turn: user+system CPU time of every process of the profile (Rasa, the action server and its
  workers, PostgreSQL's backends, Redis, nginx; read from /proc, children included) over all closed-loop
  levels, divided by the turns;
- RSS of every process (its tree) at the end.

``--turn-patches both`` runs every (profile, model) twice in the same run, first with Rasa's own code
(``DEBT_COACH_STOCK_TURN=1``: without the patches that only make a turn cheaper, serving/patches/turn_switch.py)
and then with them, so the two rows can be compared on the same machine state.

Writes <out>/profiles.json and <out>/profiles.md. Exits 1 on any error or failed check.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, quiet_environment, summarize_ms, write_json
from bench.serve import CONVERSATION, check_reply

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------- /proc ----------

def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # fields from 3 (state) on


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st:
                parents.setdefault(int(st[1]), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def cpu_seconds(root: int) -> float:
    """User + system CPU of a process, its live descendants and the children it has waited for."""
    total = 0.0
    for i, pid in enumerate(_tree(root)):
        st = _stat(pid)
        if st:
            total += (int(st[11]) + int(st[12]) + (int(st[13]) + int(st[14]) if i == 0 else 0)) / TICK
    return total


def rss_mb(root: int) -> float:
    total = 0
    for pid in _tree(root):
        st = _stat(pid)
        if st:
            total += int(st[21]) * PAGE
    return total / 2**20


# ---------- load ----------

async def _turn(session: Any, url: str, sender: str, turn: int) -> tuple[float, str | None]:
    message = CONVERSATION[turn][0]
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as resp:
            body = await resp.json(content_type=None)
            status = resp.status
    except Exception as err:
        return time.perf_counter() - start, f"{type(err).__name__}: {err}"
    elapsed = time.perf_counter() - start
    if status != 200:
        return elapsed, f"HTTP {status}: {str(body)[:120]}"
    return elapsed, check_reply(turn, body)


async def closed_loop(url: str, users: int, conversations: int, tag: str) -> dict[str, Any]:
    import aiohttp

    latencies: list[float] = []
    errors: list[str] = []
    queue = list(range(conversations))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=300)) as session:
        async def borrower() -> None:
            while queue:
                k = queue.pop()
                for turn in range(len(CONVERSATION)):
                    elapsed, problem = await _turn(session, url, f"{tag}-{k}", turn)
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)
                        break

        start = time.perf_counter()
        await asyncio.gather(*(borrower() for _ in range(users)))
        wall = time.perf_counter() - start
    return {"users": users, "conversations": conversations, "turns": len(latencies), "wall_s": wall,
            "turns_per_s": len(latencies) / wall, "latency_ms": summarize_ms(latencies), "errors": len(errors),
            "error_examples": errors[:3]}


async def open_loop(url: str, rate: float, seconds: float, tag: str, seed: int = 2026) -> dict[str, Any]:
    import aiohttp

    rng = random.Random(seed)
    latencies: list[float] = []
    errors: list[str] = []
    ready: list[tuple[str, int]] = []  # conversations waiting for their next turn
    started = 0
    tasks: list[asyncio.Task] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=300)) as session:
        async def send(sender: str, turn: int) -> None:
            elapsed, problem = await _turn(session, url, sender, turn)
            latencies.append(elapsed)
            if problem:
                errors.append(problem)
            elif turn + 1 < len(CONVERSATION):
                ready.append((sender, turn + 1))

        start = time.perf_counter()
        due = start
        while due - start < seconds:
            due += rng.expovariate(rate)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if ready:
                sender, turn = ready.pop(0)
            else:
                sender, turn = f"{tag}-{started}", 0
                started += 1
            tasks.append(asyncio.create_task(send(sender, turn)))
        sent_s = time.perf_counter() - start
        await asyncio.gather(*tasks)
    return {"rate_per_s": rate, "seconds": seconds, "turns": len(tasks), "offered_per_s": len(tasks) / sent_s,
            "latency_ms": summarize_ms(latencies), "errors": len(errors), "error_examples": errors[:3]}


async def measure(url: str, pids: dict[str, int], levels: list[tuple[int, int]], rate: float, seconds: float,
                  tag: str) -> dict[str, Any]:
    for k in range(2):  # warm-up, not counted
        await closed_loop(url, 1, 1, f"{tag}-warm{k}")
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    results = [await closed_loop(url, users, conversations, f"{tag}-c{users}") for users, conversations in levels]
    after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    turns = sum(r["turns"] for r in results)
    cpu = {name: after[name] - before[name] for name in pids}
    opened = await open_loop(url, rate, seconds, f"{tag}-open")
    return {"closed": results, "open": opened, "cpu_s": cpu, "turns_for_cpu": turns,
            "cpu_ms_per_turn": 1000 * sum(cpu.values()) / max(1, turns),
            "cpu_ms_per_turn_by_process": {n: 1000 * v / max(1, turns) for n, v in cpu.items()},
            "rss_mb": {name: rss_mb(pid) for name, pid in pids.items()}}


# ---------- the two profiles ----------

def run_embedded(model: Path, work: Path, **kw: Any) -> dict[str, Any]:
    from serving.servers import Servers

    servers = Servers(work, model=model)
    with servers.running():
        pids = {"rasa": servers.rasa.pid, "actions": servers.actions.pid}  # type: ignore[union-attr]
        return asyncio.run(measure(servers.base + "/webhooks/rest/webhook", pids, tag="emb", **kw))


def run_prod(model: Path, work: Path, **kw: Any) -> dict[str, Any]:
    from serving.prod import Ports, ProdStack

    with ProdStack(work / "prod", Ports.free(2), model=model, action_workers=2).running() as stack:
        return asyncio.run(measure(stack.front + "/webhooks/rest/webhook", stack.pids(), tag="prod", **kw))


def table(results: dict[str, Any]) -> str:
    lines = ["| profile · model | turns/s at 1 / 10 / 50 / 100 | p95 ms at 1 / 10 / 50 / 100 | errors | "
             "open loop 20/s p50 / p95 / p99 ms (achieved/s) | CPU ms/turn | RSS MB |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        closed = r["closed"]
        tps = " / ".join(f"{c['turns_per_s']:.1f}" for c in closed)
        p95 = " / ".join(f"{c['latency_ms']['p95']:.0f}" for c in closed)
        errors = sum(c["errors"] for c in closed) + r["open"]["errors"]
        o = r["open"]["latency_ms"]
        rss = ", ".join(f"{n} {v:.0f}" for n, v in r["rss_mb"].items())
        lines.append(f"| {name} | {tps} | {p95} | {errors} | {o['p50']:.0f} / {o['p95']:.0f} / {o['p99']:.0f} "
                     f"({r['open']['offered_per_s']:.1f}) | {r['cpu_ms_per_turn']:.1f} | {rss} |")
    cpu = ["", "CPU ms per turn by process:", ""]
    for name, r in results.items():
        cpu.append(f"- {name}: " + ", ".join(f"{n} {v:.1f}" for n, v in r["cpu_ms_per_turn_by_process"].items()))
    return "\n".join(lines + cpu) + "\n"


def main() -> int:
    quiet_environment()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument("--models", nargs="+", type=Path, default=[ROOT / "models" / "latest.tar.gz"])
    parser.add_argument("--profiles", nargs="+", default=["embedded", "prod"])
    parser.add_argument("--turn-patches", choices=["on", "off", "both"], default="on",
                        help="the turn-cost patches (serving/patches/turn_switch.py): on, off, or both one after "
                             "the other")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the script, numbers mean nothing")
    args = parser.parse_args()
    levels = [(1, 1), (2, 2)] if args.smoke else [(1, 5), (10, 20), (50, 50), (100, 100)]
    kw = {"levels": levels, "rate": 5.0 if args.smoke else 20.0, "seconds": 3.0 if args.smoke else 30.0}
    from serving.patches.turn_switch import STOCK_TURN_ENV

    switches = {"on": [("", "0")], "off": [(" · stock turn", "1")],
                "both": [(" · stock turn", "1"), (" · turn patches", "0")]}[args.turn_patches]
    results: dict[str, Any] = {}
    for profile in args.profiles:
        for model in args.models:
            for label, stock in switches:
                os.environ[STOCK_TURN_ENV] = stock  # the servers inherit this process's environment
                work = Path(tempfile.mkdtemp(prefix="bench-profiles-"))
                try:
                    run = run_embedded if profile == "embedded" else run_prod
                    results[f"{profile} · {model.name}{label}"] = run(model, work, **kw)
                finally:
                    shutil.rmtree(work, ignore_errors=True)
                print(table(results), flush=True)
    write_json(args.out / "profiles.json", results)
    (args.out / "profiles.md").write_text(
        f"# Profiles side by side ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores)\n\n"
        + table(results), encoding="utf-8")
    bad = sum(c["errors"] for r in results.values() for c in r["closed"]) + sum(
        r["open"]["errors"] for r in results.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
