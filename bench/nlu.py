"""Held-out accuracy of the trained NLU models side by side, and interleaved parse latency.

Reads <work>/train.json (bench/train.py). Every model that trained is scored on tests/nlu/holdout.yml:
intent macro-F1 and accuracy of the classifier's own top intent (and macro-F1 after each pipeline's
FallbackClassifier), per-intent F1, recall of the safety intents, and entity values for
lender/amount/duration with the project's own scorer (evaluation/nlu.py, as `make eval`: all values of a type
right, no extras). Then parse latency of the project model against the stock model (b) on the same held-out
texts, one process, alternating the model that goes first on every message (ABBA), several passes.

Writes <work>/nlu.json and <plots>/bench_accuracy.png, <plots>/bench_nlu_latency.png.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    HOLDOUT,
    SAFETY_INTENTS,
    quiet_environment,
    ratio,
    read_json,
    silence_rasa,
    summarize_ms,
    write_json,
)
from evaluation.nlu import entity_scores, load_holdout, parse_all, top_intent

LABELS = {
    "project_nlu": "(a) project pipeline (config.yml)",
    "project_full": "(a) project pipeline (config.yml)",
    "stock_nlu": "(b) stock: JiebaTokenizer + default featurizers + DIET",
    "rasa_init_zh": "(c) `rasa init` pipeline, language zh",
    "rasa_init_en": "(c') `rasa init` pipeline forced to language en",
}


def score(rows: list[dict[str, Any]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    from sklearn.metrics import classification_report, f1_score

    gold = [r["intent"] for r in rows]
    pred = [top_intent(p) for p in parses]
    final = [(p.get("intent") or {}).get("name") for p in parses]
    labels = sorted(set(gold))
    report = classification_report(gold, pred, labels=labels, output_dict=True, zero_division=0)
    ents = entity_scores(rows, parses)
    ents.pop("failures", None)
    return {
        "examples": len(rows),
        "macro_f1": f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "macro_f1_after_fallback": f1_score(gold, final, labels=labels, average="macro", zero_division=0),
        "fallback_rate": sum(f == "nlu_fallback" for f in final) / len(final),
        "per_intent": {k: {m: report[k][m] for m in ("precision", "recall", "f1-score", "support")} for k in labels},
        "entities": ents,
    }


async def interleaved_latency(agents: dict[str, Any], texts: list[str], repeats: int) -> dict[str, list[float]]:
    """Alternate which model parses a message first (ABBA…), so drift and noise hit both alike."""
    names = list(agents)
    times: dict[str, list[float]] = {n: [] for n in names}
    for rep in range(repeats):
        for i, text in enumerate(texts):
            order = names if (i + rep) % 2 == 0 else names[::-1]
            for name in order:
                start = time.perf_counter()
                await agents[name].parse_message(text)
                times[name].append(time.perf_counter() - start)
    return times


def plot_accuracy(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n, r in results.items() if r.get("scores")]
    if not names:
        return
    intents = list(results[names[0]]["scores"]["per_intent"])
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(14, 5))
    for k, name in enumerate(names):
        f1 = [results[name]["scores"]["per_intent"][i]["f1-score"] for i in intents]
        ax.bar([x + k * width for x in range(len(intents))], f1, width, label=LABELS.get(name, name))
    ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(intents))], labels=intents, rotation=70,
                  fontsize=8)
    ax.set(ylabel="F1 (held-out)", ylim=(0, 1.05))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.01), ncol=len(names), frameon=False)
    fig.suptitle("Per-intent F1 on the held-out set")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_latency(times: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in times.items():
        ms = sorted(v * 1000 for v in values)
        ax.plot(ms, [(i + 1) / len(ms) for i in range(len(ms))], label=LABELS.get(name, name))
    ax.set(xscale="log", xlabel="parse time (ms, log scale)", ylabel="share of messages",
           title="NLU parse latency, held-out texts, interleaved")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", required=True, help="folder with train.json; nlu.json is written here")
    parser.add_argument("--plots", required=True)
    parser.add_argument("--holdout", default=str(HOLDOUT))
    parser.add_argument("--latency-repeats", type=int, default=5, help="passes over the held-out texts")
    parser.add_argument("--latency-limit", type=int, default=None, help="only the first N texts (smoke runs)")
    args = parser.parse_args()
    quiet_environment()
    silence_rasa()
    from rasa.core.agent import Agent

    work = Path(args.work)
    trained = read_json(work / "train.json") or {}
    rows = load_holdout(args.holdout)
    texts = [r["text"] for r in rows]
    # (a) is the NLU-only model when it was trained, else the NLU part of the full model (same config).
    wanted = ["project_nlu" if "project_nlu" in trained else "project_full", "stock_nlu", "rasa_init_zh",
              "rasa_init_en"]
    results: dict[str, Any] = {}
    agents: dict[str, Any] = {}
    for name in wanted:
        info = trained.get(name)
        if info is None:
            continue
        entry: dict[str, Any] = {"label": LABELS[name], "trained": info["ok"]}
        if not info["ok"]:
            entry["error"] = info.get("error")
            results[name] = entry
            continue
        start = time.perf_counter()
        agent = Agent.load(info["model"])
        entry["load_s"] = time.perf_counter() - start
        parses = asyncio.run(parse_all(agent, texts))
        entry["scores"] = score(rows, parses)
        results[name] = entry
        s = entry["scores"]
        print(f"{name}: macro-F1 {s['macro_f1']:.3f}, accuracy {s['accuracy']:.3f}, "
              f"crisis recall {s['per_intent'].get('express_crisis', {}).get('recall', float('nan')):.3f}, "
              f"entities right {s['entities']['all']['correct']}/{s['entities']['all']['messages']}", flush=True)
        if name in ("project_nlu", "project_full", "stock_nlu"):
            agents[name] = agent

    latency: dict[str, Any] = {}
    if len(agents) == 2:
        sample = texts[: args.latency_limit] if args.latency_limit else texts
        times = asyncio.run(interleaved_latency(agents, sample, args.latency_repeats))
        a_name, b_name = list(agents)
        paired = sorted(a / b for a, b in zip(times[a_name], times[b_name]) if b > 0)
        latency = {
            "messages": len(sample), "repeats": args.latency_repeats,
            "models": {n: summarize_ms(t) for n, t in times.items()},
            "project": a_name, "stock": b_name,
            "ratio_p50": ratio(*(summarize_ms(times[n])["p50"] for n in (a_name, b_name))),
            "ratio_p95": ratio(*(summarize_ms(times[n])["p95"] for n in (a_name, b_name))),
            "median_paired_ratio": paired[len(paired) // 2] if paired else None,
        }
        plot_latency(times, Path(args.plots) / "bench_nlu_latency.png")
        for n in times:
            m = latency["models"][n]
            print(f"parse {n}: p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms, p99 {m['p99']:.1f} ms", flush=True)

    write_json(work / "nlu.json", {"holdout": args.holdout, "safety_intents": SAFETY_INTENTS, "models": results,
                                   "latency": latency})
    plot_accuracy(results, Path(args.plots) / "bench_accuracy.png")
    return 0 if any(r.get("scores") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
