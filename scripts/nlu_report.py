"""Held-out NLU evaluation: intent P/R/F1, confusion matrix, entity value accuracy, fallback analysis.

Writes ``reports/nlu_holdout.md``, ``reports/nlu_holdout.json`` and ``reports/confusion_matrix.png``.
With ``--check`` exits non-zero when the product's bars are missed (macro-F1 ≥ 0.95, express_crisis
recall = 1.0, entity values right in ≥ 95 % of the held-out messages that contain them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ENTITY_TYPES = ("lender", "amount", "duration")
SAFETY_INTENTS = ("express_crisis", "express_distress", "report_harassment", "report_visit_threat")


def load_holdout(path: str) -> list[dict[str, Any]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(path)
    rows = []
    for msg in data.intent_examples:
        gold = [(e["entity"], str(e.get("value", e.get("text"))), e.get("role")) for e in msg.get("entities", [])]
        rows.append({"text": msg.get("text"), "intent": msg.get("intent"), "entities": gold})
    return rows


async def predict(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(t) for t in texts]


def entity_scores(rows: list[dict[str, Any]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """Per type: share of messages containing that type whose values were all extracted, with no extras."""
    out: dict[str, Any] = {}
    any_total = any_ok = 0
    failures: list[dict[str, Any]] = []
    role_total = role_ok = 0
    for row, parse in zip(rows, parses):
        pred = [(e["entity"], str(e.get("value")), e.get("role")) for e in parse.get("entities", [])
                if e["entity"] in ENTITY_TYPES]
        message_ok = True
        has_any = False
        for etype in ENTITY_TYPES:
            gold_vals = Counter(v for t, v, _ in row["entities"] if t == etype)
            pred_vals = Counter(v for t, v, _ in pred if t == etype)
            if not gold_vals and not pred_vals:
                continue
            stats = out.setdefault(etype, {"messages": 0, "correct": 0, "false_positive_messages": 0})
            if gold_vals:
                has_any = True
                stats["messages"] += 1
                if gold_vals == pred_vals:
                    stats["correct"] += 1
                else:
                    message_ok = False
            else:
                stats["false_positive_messages"] += 1
        for t, v, r in row["entities"]:
            if t in ("amount", "duration") and r:
                role_total += 1
                role_ok += any(pt == t and pv == v and pr == r for pt, pv, pr in pred)
        if has_any:
            any_total += 1
            any_ok += message_ok
            if not message_ok:
                failures.append({"text": row["text"], "gold": row["entities"], "pred": pred})
    for stats in out.values():
        stats["accuracy"] = stats["correct"] / stats["messages"] if stats["messages"] else None
    out["all"] = {"messages": any_total, "correct": any_ok, "accuracy": any_ok / any_total if any_total else None}
    out["roles"] = {"annotated": role_total, "correct": role_ok,
                    "accuracy": role_ok / role_total if role_total else None}
    out["failures"] = failures
    return out


def fallback_analysis(gold: list[str], pred: list[str], conf: list[float]) -> list[dict[str, Any]]:
    """For candidate thresholds: how many right answers would fall back, how many wrong ones are caught."""
    rows = []
    for thr in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        right_lost = sum(1 for g, p, c in zip(gold, pred, conf) if g == p and c < thr)
        wrong_caught = sum(1 for g, p, c in zip(gold, pred, conf) if g != p and c < thr)
        rows.append({"threshold": thr, "correct_sent_to_fallback": right_lost, "errors_caught": wrong_caught})
    return rows


def plot_confusion(labels: list[str], matrix: Any, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 10))
    im = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels=labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i][j]:
                ax.text(j, i, int(matrix[i][j]), ha="center", va="center", fontsize=7,
                        color="white" if matrix[i][j] > matrix.max() / 2 else "black")
    fig.colorbar(im)
    ax.set_title("Held-out intent confusion matrix")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--holdout", default="tests/nlu/holdout.yml")
    parser.add_argument("--rasa-report", default=None, help="folder of `rasa test nlu` output (cross-checked)")
    parser.add_argument("--out", default="reports")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    from sklearn.metrics import classification_report, confusion_matrix, f1_score

    rows = load_holdout(args.holdout)
    parses = asyncio.run(predict(args.model, [r["text"] for r in rows]))
    gold = [r["intent"] for r in rows]
    # The FallbackClassifier may replace the top intent; score the classifier's own top intent too.
    pred_final = [p["intent"]["name"] for p in parses]
    pred = [p["intent"]["name"] if p["intent"]["name"] != "nlu_fallback"
            else next((r["name"] for r in p["intent_ranking"] if r["name"] != "nlu_fallback"), "nlu_fallback")
            for p in parses]
    conf = [max((r["confidence"] for r in p["intent_ranking"] if r["name"] != "nlu_fallback"), default=0.0)
            for p in parses]
    labels = sorted(set(gold))
    report = classification_report(gold, pred, labels=labels, output_dict=True, zero_division=0)
    macro_f1 = f1_score(gold, pred, labels=labels, average="macro", zero_division=0)
    macro_f1_with_fallback = f1_score(gold, pred_final, labels=labels, average="macro", zero_division=0)
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    ents = entity_scores(rows, parses)
    safety_net = [r["text"] for r, p in zip(rows, parses) if p.get("crisis_safety_net")]
    errors = [{"text": r["text"], "gold": g, "pred": p, "confidence": round(c, 3)}
              for r, g, p, c in zip(rows, gold, pred, conf) if g != p]

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot_confusion(labels, confusion_matrix(gold, pred, labels=labels), out / "confusion_matrix.png")
    summary = {
        "examples": len(rows), "intents": len(labels), "macro_f1": macro_f1, "accuracy": accuracy,
        "macro_f1_after_fallback": macro_f1_with_fallback,
        "crisis_recall": report["express_crisis"]["recall"],
        "per_intent": {k: report[k] for k in labels}, "entities": ents, "errors": errors,
        "fallback": fallback_analysis(gold, pred, conf), "crisis_safety_net": safety_net,
    }
    (out / "nlu_holdout.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")

    lines = [
        "# Held-out NLU evaluation", "",
        f"{len(rows)} messages, {len(labels)} intents (`{args.holdout}`, never trained on).", "",
        f"- intent macro-F1 **{macro_f1:.3f}**, accuracy {accuracy:.3f} "
        f"(after the fallback threshold: macro-F1 {macro_f1_with_fallback:.3f})",
        f"- express_crisis recall **{report['express_crisis']['recall']:.3f}** (the crisis safety net changed "
        f"{len(safety_net)} prediction(s): {'; '.join(safety_net) or '—'})",
        f"- entity values right in **{ents['all']['correct']}/{ents['all']['messages']}** messages that contain "
        f"lender/amount/duration ({(ents['all']['accuracy'] or 0):.1%}); roles right "
        f"{ents['roles']['correct']}/{ents['roles']['annotated']}", "",
        "| entity | messages | all values right | messages with a false positive |", "|---|---|---|---|",
    ]
    for etype in ENTITY_TYPES:
        s = ents.get(etype, {})
        lines.append(f"| {etype} | {s.get('messages', 0)} | {s.get('correct', 0)} | "
                     f"{s.get('false_positive_messages', 0)} |")
    lines += ["", "| intent | precision | recall | F1 | n |", "|---|---|---|---|---|"]
    for k in labels:
        r = report[k]
        lines.append(f"| {k} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1-score']:.2f} | {r['support']} |")
    lines += ["", "## Fallback threshold (top-intent confidence)", "",
              "| threshold | right answers sent to fallback | wrong answers caught |", "|---|---|---|"]
    lines += [f"| {f['threshold']} | {f['correct_sent_to_fallback']} | {f['errors_caught']} |"
              for f in summary["fallback"]]
    lines += ["", "## Intent errors", ""] + [f"- {e['text']} — {e['gold']} → {e['pred']} ({e['confidence']})"
                                            for e in errors]
    lines += ["", "## Entity misses", ""] + [f"- {f['text']} — gold {f['gold']} → {f['pred']}"
                                             for f in ents["failures"]]
    (out / "nlu_holdout.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:8]))

    if args.check:
        problems = []
        if macro_f1 < 0.95:
            problems.append(f"intent macro-F1 {macro_f1:.3f} < 0.95")
        if report["express_crisis"]["recall"] < 1.0:
            problems.append(f"express_crisis recall {report['express_crisis']['recall']:.3f} < 1.0")
        if (ents["all"]["accuracy"] or 0) < 0.95:
            problems.append(f"entity accuracy {ents['all']['accuracy']:.3f} < 0.95")
        if problems:
            print("NLU quality bar missed: " + "; ".join(problems), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
