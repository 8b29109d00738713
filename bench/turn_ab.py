"""CPU per turn of the Rasa process with and without the turn-cost patches, interleaved in one run (so machine
noise falls on both alike).

    python bench/turn_ab.py [--conversations 20] [--out reports] [--model M]      (wrap it in `flock /work/.heavy.lock`)

Starts two embedded stacks side by side (serving.servers.Servers: action server + one Rasa process + SQLite, the
same model): one with Rasa's own code (DEBT_COACH_STOCK_TURN=1), one with the patches. After 2 warm-up
conversations each, they take turns, one whole 6-turn benchmark conversation at a time (bench/serve.py, every
reply checked), in ABBA order so a slow spell of the machine falls on both. For each conversation the user +
system CPU of each server process is read from /proc before and after. On a shared, noisy machine this is the
figure that matters; wall times are printed too but mean little there. Writes <out>/turn_ab.json and
<out>/turn_ab.md; exits 1 on any wrong reply.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, quiet_environment, write_json
from bench.profiles import closed_loop, cpu_seconds
from bench.serve import CONVERSATION

CONFIGS = {"stock": "1", "patched": "0"}  # DEBT_COACH_STOCK_TURN


def order(n: int) -> list[str]:
    """ABBA ABBA …: n conversations for each configuration."""
    block = ["stock", "patched", "patched", "stock"]
    return [block[i % 4] for i in range(2 * n)]


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    turns = sum(r["turns"] for r in rows)
    per_conv = [1000 * r["rasa_cpu_s"] / r["turns"] for r in rows if r["turns"]]
    return {"conversations": len(rows), "turns": turns,
            "rasa_cpu_ms_per_turn": 1000 * sum(r["rasa_cpu_s"] for r in rows) / max(1, turns),
            "rasa_cpu_ms_per_turn_median_conversation": statistics.median(per_conv) if per_conv else None,
            "actions_cpu_ms_per_turn": 1000 * sum(r["actions_cpu_s"] for r in rows) / max(1, turns),
            "wall_ms_per_turn": 1000 * sum(r["wall_s"] for r in rows) / max(1, turns),
            "errors": sum(r["errors"] for r in rows)}


def run(conversations: int, model: Path | None = None) -> dict[str, Any]:
    from serving.patches.turn_switch import STOCK_TURN_ENV
    from serving.servers import Servers

    works = {name: Path(tempfile.mkdtemp(prefix=f"turn-ab-{name}-")) for name in CONFIGS}
    stacks = {name: Servers(works[name], **({'model': model} if model else {})) for name in CONFIGS}
    for name, stock in CONFIGS.items():
        stacks[name].env[STOCK_TURN_ENV] = stock
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in CONFIGS}
    try:
        for stack in stacks.values():
            stack.start_actions()
            stack.start_rasa()
        urls = {name: s.base + "/webhooks/rest/webhook" for name, s in stacks.items()}
        for name in CONFIGS:
            for k in range(2):
                asyncio.run(closed_loop(urls[name], 1, 1, f"ab-warm{k}"))
        for i, name in enumerate(order(conversations)):
            stack = stacks[name]
            rasa0, act0, t0 = cpu_seconds(stack.rasa.pid), cpu_seconds(stack.actions.pid), time.perf_counter()
            result = asyncio.run(closed_loop(urls[name], 1, 1, f"ab{i}"))
            rows[name].append({"turns": result["turns"], "errors": result["errors"],
                               "rasa_cpu_s": cpu_seconds(stack.rasa.pid) - rasa0,
                               "actions_cpu_s": cpu_seconds(stack.actions.pid) - act0,
                               "wall_s": time.perf_counter() - t0, "error_examples": result["error_examples"]})
    finally:
        for stack in stacks.values():
            stack.stop_rasa()
            stack.stop_actions()
        for work in works.values():
            shutil.rmtree(work, ignore_errors=True)
    return {"turns_per_conversation": len(CONVERSATION), "loadavg_at_end": os.getloadavg(),
            "summary": {name: summary(r) for name, r in rows.items()}, "rows": rows}


def table(result: dict[str, Any]) -> str:
    s = result["summary"]
    lines = ["| Rasa process | conversations (turns) | Rasa CPU ms/turn (all / median conversation) "
             "| action server CPU "
             "ms/turn | wall ms/turn | errors |", "|---|---|---|---|---|---|"]
    for name, label in (("stock", "Rasa's own code (DEBT_COACH_STOCK_TURN=1)"), ("patched", "turn patches")):
        r = s[name]
        lines.append(f"| {label} | {r['conversations']} ({r['turns']}) | {r['rasa_cpu_ms_per_turn']:.1f} / "
                     f"{r['rasa_cpu_ms_per_turn_median_conversation']:.1f} | {r['actions_cpu_ms_per_turn']:.1f} | "
                     f"{r['wall_ms_per_turn']:.0f} | {r['errors']} |")
    cut = 1 - s["patched"]["rasa_cpu_ms_per_turn"] / s["stock"]["rasa_cpu_ms_per_turn"]
    return "\n".join(lines) + f"\n\nRasa CPU per turn {100 * cut:.0f} % lower with the patches.\n"


def main() -> int:
    quiet_environment()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=20, help="per configuration")
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument("--model", type=Path, default=None, help="default: models/latest.tar.gz")
    args = parser.parse_args()
    result = run(args.conversations, args.model)
    write_json(args.out / "turn_ab.json", result)
    text = (f"# Turn cost with and without the turn patches ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{os.cpu_count()} cores, load average at the end {result['loadavg_at_end'][0]:.1f})\n\n" + table(result))
    (args.out / "turn_ab.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(r["errors"] for r in result["summary"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
