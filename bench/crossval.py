"""K-fold cross-validation of the project pipeline (config.yml) on the project's training data.

Own loop rather than `rasa test nlu --cross-validation`, so the folds are scored exactly like the
held-out set (the classifier's own top intent; nlu_fallback does not count as a prediction): sklearn
StratifiedKFold (shuffled, fixed seed) over the intent examples of data/nlu; every fold keeps all lender
synonyms and the lookup table (they feed the LenderExtractor and RegexFeaturizer, they are not examples).
Each fold trains in its own `rasa train nlu` process with an empty cache, then is scored in this process.

Writes <work>/crossval.json: per fold and mean ± sample standard deviation of intent macro-F1 and accuracy,
and, pooled over the folds, what each candidate fallback threshold would cost (right answers sent to
fallback) and gain (wrong answers caught): the threshold in config.yml is chosen from this table, not from
the held-out set.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    BIN,
    PROJECT_CONFIG,
    first_per_intent,
    load_training_data,
    override_config,
    quiet_environment,
    run_timed,
    silence_rasa,
    write_json,
    write_nlu,
)
from evaluation.nlu import FALLBACK_THRESHOLDS, parse_all, top_intent


def fold_scores(gold: list[str], parses: list[dict[str, Any]]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    pred = [top_intent(p) for p in parses]
    final = [(p.get("intent") or {}).get("name") for p in parses]
    labels = sorted(set(gold))
    return {
        "macro_f1": f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "macro_f1_after_fallback": f1_score(gold, final, labels=labels, average="macro", zero_division=0),
    }


THRESHOLDS = FALLBACK_THRESHOLDS


def confidence_rows(gold: list[str], parses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """(gold, the classifier's own top intent, its confidence) per message, for choosing a fallback threshold."""
    rows = []
    for g, p in zip(gold, parses):
        top = top_intent(p)
        conf = next((r["confidence"] for r in p.get("intent_ranking") or [] if r["name"] == top), 0.0)
        rows.append({"gold": g, "pred": top, "confidence": float(conf), "text": p.get("text")})
    return rows


def missed(rows: list[dict[str, Any]], intent: str = "express_crisis") -> list[dict[str, Any]]:
    """The messages of a safety intent that the pipeline (crisis safety net included) did not recognise."""
    return [{"text": r.get("text"), "pred": r["pred"], "confidence": round(r["confidence"], 3)}
            for r in rows if r["gold"] == intent and r["pred"] != intent]


def threshold_table(rows: list[dict[str, Any]], thresholds: tuple[float, ...] = THRESHOLDS) -> list[dict[str, Any]]:
    """For each threshold: how many right answers it would send to fallback, and how many wrong ones it catches."""
    right = [r["confidence"] for r in rows if r["gold"] == r["pred"]]
    wrong = [r["confidence"] for r in rows if r["gold"] != r["pred"]]
    table = []
    for t in thresholds:
        lost = sum(c < t for c in right)
        caught = sum(c < t for c in wrong)
        table.append({"threshold": t, "right_lost": lost, "right": len(right), "wrong_caught": caught,
                      "wrong": len(wrong)})
    return table


def confusions(rows: list[dict[str, Any]], top: int = 12) -> list[dict[str, Any]]:
    """The most frequent (gold → predicted) mistakes, pooled over the folds."""
    from collections import Counter

    pairs = Counter((r["gold"], r["pred"]) for r in rows if r["gold"] != r["pred"])
    return [{"gold": g, "pred": p, "count": n} for (g, p), n in pairs.most_common(top)]


def per_intent_recall(rows: list[dict[str, Any]]) -> dict[str, float]:
    totals: dict[str, list[int]] = {}
    for r in rows:
        hit_total = totals.setdefault(r["gold"], [0, 0])
        hit_total[0] += r["gold"] == r["pred"]
        hit_total[1] += 1
    return {intent: hits / total for intent, (hits, total) in sorted(totals.items())}


def mean_std(values: list[float]) -> dict[str, float | None]:
    return {"mean": statistics.fmean(values) if values else None,
            "std": statistics.stdev(values) if len(values) > 1 else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-folds", type=int, default=None, help="stop after this many folds (smoke runs)")
    parser.add_argument("--epochs", type=int, default=None, help="override DIET epochs (smoke runs)")
    parser.add_argument("--max-per-intent", type=int, default=None, help="subsample the data (smoke runs)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    quiet_environment()
    silence_rasa()
    import asyncio

    from rasa.core.agent import Agent
    from sklearn.model_selection import StratifiedKFold


    work = Path(args.work).resolve() / "crossval"
    base = load_training_data()
    examples = first_per_intent(base.intent_examples, args.max_per_intent)
    intents = [ex.get("intent") for ex in examples]
    config = override_config(PROJECT_CONFIG, work / "config.yml", args.epochs) if args.epochs else PROJECT_CONFIG
    skf = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    folds = []
    confidences: list[dict[str, Any]] = []
    for k, (train_idx, test_idx) in enumerate(skf.split(intents, intents)):
        if args.max_folds is not None and k >= args.max_folds:
            break
        train_file = write_nlu(work / f"fold{k}_train.yml", [examples[i] for i in train_idx], base)
        with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
            res = run_timed([str(BIN / "rasa"), "train", "nlu", "--config", str(config), "--nlu", str(train_file),
                             "--out", str(work / "models"), "--fixed-model-name", f"fold{k}"],
                            work / f"fold{k}_train.log", env={"RASA_CACHE_DIRECTORY": cache})
        model = work / "models" / f"fold{k}.tar.gz"
        if res["returncode"] != 0 or not model.exists():
            print(f"fold {k}: training failed, see {res['log']}", file=sys.stderr)
            return 1
        start = time.perf_counter()
        agent = Agent.load(str(model))
        test = [examples[i] for i in test_idx]
        parses = asyncio.run(parse_all(agent, [ex.get("text") for ex in test]))
        scores = fold_scores([ex.get("intent") for ex in test], parses)
        confidences += confidence_rows([ex.get("intent") for ex in test], parses)
        scores.update({"fold": k, "train_examples": len(train_idx), "test_examples": len(test_idx),
                       "train_s": res["seconds"], "eval_s": time.perf_counter() - start})
        folds.append(scores)
        model.unlink()
        print(f"fold {k}: macro-F1 {scores['macro_f1']:.3f}, accuracy {scores['accuracy']:.3f} "
              f"({len(test_idx)} test examples, trained in {res['seconds']:.0f} s)", flush=True)
    summary = {key: mean_std([f[key] for f in folds]) for key in ("macro_f1", "accuracy", "macro_f1_after_fallback")}
    write_json(work.parent / "crossval.json", {
        "folds": args.folds, "folds_run": len(folds), "seed": args.seed, "examples": len(examples),
        "intents": len(set(intents)), "epochs_override": args.epochs, "max_per_intent": args.max_per_intent,
        "per_fold": folds, "summary": summary, "thresholds": threshold_table(confidences),
        "confusions": confusions(confidences), "recall": per_intent_recall(confidences),
        "missed_crisis": missed(confidences)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
