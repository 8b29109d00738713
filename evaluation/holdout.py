"""Held-out NLU evaluation (``make eval``): intent P/R/F1, confusion matrix, entity value accuracy, fallback
analysis. ``python -m evaluation.holdout --model models/latest.tar.gz [--check]``; the scoring is evaluation/nlu.py.

Writes ``reports/nlu_holdout.md``, ``reports/nlu_holdout.json`` and ``reports/confusion_matrix.png``.
With ``--check`` exits non-zero below the gates given (defaults: the product's bars, macro-F1 ≥ 0.95, express_crisis
recall = 1.0, entity values right in ≥ 95 %); `make eval` passes gates set below the spread over seeds (README).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from evaluation.nlu import (
    ENTITY_TYPES,
    entity_scores,
    fallback_analysis,
    load_holdout,
    predict,
    top_intent,
)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


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
    parser.add_argument("--min-macro-f1", type=float, default=0.95)
    parser.add_argument("--min-crisis-recall", type=float, default=1.0)
    parser.add_argument("--min-entity-accuracy", type=float, default=0.95)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    from sklearn.metrics import classification_report, confusion_matrix, f1_score

    rows = load_holdout(args.holdout)
    parses = asyncio.run(predict(args.model, [r["text"] for r in rows]))
    gold = [r["intent"] for r in rows]
    # The FallbackClassifier may replace the top intent; score the classifier's own top intent too.
    pred_final = [p["intent"]["name"] for p in parses]
    pred = [top_intent(p) for p in parses]
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
        if macro_f1 < args.min_macro_f1:
            problems.append(f"intent macro-F1 {macro_f1:.3f} < {args.min_macro_f1}")
        crisis_recall = report["express_crisis"]["recall"]
        if crisis_recall < args.min_crisis_recall:
            problems.append(f"express_crisis recall {crisis_recall:.3f} < {args.min_crisis_recall}")
        if (ents["all"]["accuracy"] or 0) < args.min_entity_accuracy:
            problems.append(f"entity accuracy {ents['all']['accuracy']:.3f} < {args.min_entity_accuracy}")
        if problems:
            print("NLU quality bar missed: " + "; ".join(problems), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
