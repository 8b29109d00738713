"""How the bot reads messages its authors never saw: the independently written sets in tests/nlu/independent/.

- intents: every ``intents_*.yml`` (written by authors who never saw data/): intent macro-F1, accuracy,
  per-intent recall, express_crisis recall and precision. Messages that also occur in the training data
  (after normalisation: short replies such as 「886」 or 「嗯嗯」 coincide) are left out and counted.
- form answers: every ``form_answers*.yml`` (replies to each form question with the value they must fill):
  the message is parsed by the trained model, then read exactly as the action server reads a reply while
  the form waits for that fact (coach.form_reading.form_turn). It counts as completed when it is read as
  the answer and fills the asked slot with the right value ("unknown": recorded as not known) — the
  form-completion rate.

Writes ``<out>/nlu_unseen.md`` and ``<out>/nlu_unseen.json``; with ``--check`` exits non-zero below the gates
given on the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.form_reading import Reading, form_turn  # noqa: E402
from coach.zh.normalizer import normalize  # noqa: E402

SETS = ROOT / "tests" / "nlu" / "independent"
CRISIS = "express_crisis"


def training_texts(dirs: list[str]) -> set[str]:
    """Normalised training examples of every folder given (compare two versions on the same messages)."""
    out: set[str] = set()
    for path in sorted(p for d in dirs for p in Path(d).rglob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    out.add(normalize(line.strip()[2:]))
    return out


def intent_rows(seen: set[str], globs: tuple[str, ...] = ("intents_*.yml",)) -> tuple[list[tuple[str, str]], int]:
    rows, overlap = [], 0
    for path in sorted(p for g in globs for p in SETS.glob(g)):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                if not line.strip().startswith("- "):
                    continue
                text = line.strip()[2:]
                if normalize(text) in seen:
                    overlap += 1
                    continue
                rows.append((text, item["intent"]))
    return rows, overlap


def form_rows(name_glob: str) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(SETS.glob(name_glob)):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("answers") or []:
            rows.append({**item, "set": path.stem})
    return rows


async def parse_all(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    from evaluation.nlu import rasa_log_level

    rasa_log_level()
    agent = Agent.load(model)
    return [await agent.parse_message(t) for t in texts]


def value_right(slot: str, expected: Any, updates: dict[str, Any]) -> bool:
    if expected == "unknown":
        return slot in (updates.get("facts_unknown") or ())
    got = updates.get(slot)
    if got is None:
        return False
    if isinstance(expected, (int, float)):
        try:
            return round(float(got)) == round(float(expected))
        except (TypeError, ValueError):
            return False
    return normalize(str(got)) == normalize(str(expected))


def score_intents(rows: list[tuple[str, str]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    gold = [g for _, g in rows]
    pred = [(p.get("intent") or {}).get("name") or "nlu_fallback" for p in parses]
    labels = sorted(set(gold))
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
        n_gold = gold.count(label)
        n_pred = pred.count(label)
        per[label] = {"support": n_gold, "recall": tp / n_gold if n_gold else 0.0,
                      "precision": tp / n_pred if n_pred else 0.0}
    confusions = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    crisis_false = [t for (t, g), p in zip(rows, pred) if p == CRISIS and g != CRISIS]
    crisis_missed = [t for (t, g), p in zip(rows, pred) if g == CRISIS and p != CRISIS]
    return {
        "messages": len(rows),
        "macro_f1": f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(rows),
        "per_intent": per,
        "crisis_recall": per[CRISIS]["recall"], "crisis_precision": per[CRISIS]["precision"],
        "crisis_false_alarms": crisis_false, "crisis_missed": crisis_missed,
        "top_confusions": [{"gold": g, "pred": p, "n": n} for (g, p), n in confusions.most_common(12)],
    }


def score_form(rows: list[dict[str, Any]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    by_slot: dict[str, list[bool]] = defaultdict(list)
    failures = []
    for row, parse in zip(rows, parses):
        intent = (parse.get("intent") or {}).get("name")
        reading, updates = form_turn(intent=intent, entities=parse.get("entities") or [], text=parse.get("text") or "",
                                     raw_text=parse.get("text_original") or row["text"],
                                     requested_slot=row["slot"], current={})
        ok = reading == Reading.ANSWER and value_right(row["slot"], row["value"], updates)
        by_slot[row["slot"]].append(ok)
        if not ok:
            failures.append({"set": row["set"], "slot": row["slot"], "text": row["text"], "expected": row["value"],
                             "got": updates.get(row["slot"]), "reading": reading.value, "intent": intent})
    total = [ok for oks in by_slot.values() for ok in oks]
    return {"answers": len(total), "completion_rate": sum(total) / len(total) if total else 0.0,
            "by_slot": {s: sum(v) / len(v) for s, v in sorted(by_slot.items())}, "failures": failures}


def report(result: dict[str, Any]) -> str:
    lines = ["# Unseen messages (tests/nlu/independent)", ""]
    intents = result["intents"]
    lines += [
        f"Model: `{result['model']}`", "",
        "## Intents", "",
        f"- {intents['messages']} messages ({result['overlap']} left out: also in the training data)",
        f"- intent macro-F1 **{intents['macro_f1']:.3f}**, accuracy {intents['accuracy']:.3f}",
        f"- express_crisis recall **{intents['crisis_recall']:.2f}**, precision **{intents['crisis_precision']:.2f}**",
        "", "| intent | support | recall | precision |", "|---|---|---|---|",
    ]
    for name, s in intents["per_intent"].items():
        lines.append(f"| {name} | {s['support']} | {s['recall']:.2f} | {s['precision']:.2f} |")
    lines += ["", "Most frequent confusions: " + "; ".join(
        f"{c['gold']} → {c['pred']} ({c['n']})" for c in intents["top_confusions"])]
    if intents["crisis_false_alarms"]:
        lines += ["", "Read as crisis but not crisis: " + "；".join(intents["crisis_false_alarms"])]
    if intents["crisis_missed"]:
        lines += ["", "Crisis messages missed: " + "；".join(intents["crisis_missed"])]
    if "crisis_set" in result:
        c = result["crisis_set"]
        lines += ["", "## Crisis set (crisis_*.yml: crisis messages and hard negatives)", "",
                  f"- {c['messages']} messages; express_crisis recall **{c['crisis_recall']:.2f}**, "
                  f"precision **{c['crisis_precision']:.2f}**"]
        if c["crisis_false_alarms"]:
            lines += ["", "Read as crisis but not crisis: " + "；".join(c["crisis_false_alarms"])]
        if c["crisis_missed"]:
            lines += ["", "Crisis messages missed: " + "；".join(c["crisis_missed"])]
    for name, form in result["form"].items():
        lines += ["", f"## Form answers ({name})", "",
                  f"- {form['answers']} answers; form-completion rate **{form['completion_rate']:.3f}** "
                  "(read as the answer, right slot, right value)", "",
                  "| slot | completion |", "|---|---|"]
        lines += [f"| {s} | {v:.2f} |" for s, v in form["by_slot"].items()]
        if form["failures"]:
            lines += ["", "Not completed:", ""]
            lines += [f"- [{f['slot']}] 「{f['text']}」 expected {f['expected']}, got {f['got']} "
                      f"({f['reading']}, intent {f['intent']})" for f in form["failures"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "latest.tar.gz"))
    ap.add_argument("--out", default=str(ROOT / "reports"))
    ap.add_argument("--intent-sets", nargs="+", default=["intents_*.yml"], help="globs of intent sets to score")
    ap.add_argument("--form-sets", default="form_answers*.yml", help="glob of form-answer sets to score")
    ap.add_argument("--training", nargs="+", default=[str(ROOT / "data" / "nlu")],
                    help="training-data folders whose messages are left out of the intent set")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--min-macro-f1", type=float, default=0.0)
    ap.add_argument("--min-crisis-recall", type=float, default=0.0)
    ap.add_argument("--min-crisis-precision", type=float, default=0.0)
    ap.add_argument("--min-form-completion", type=float, default=0.0)
    args = ap.parse_args()

    import logging

    logging.disable(logging.WARNING)
    rows, overlap = intent_rows(training_texts(args.training), tuple(args.intent_sets))
    forms: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in form_rows(args.form_sets):
        forms[row["set"]].append(row)
    crisis_rows, _ = intent_rows(training_texts(args.training), ("crisis_*.yml",))
    texts = [t for t, _ in rows] + [t for t, _ in crisis_rows] + [r["text"] for rs in forms.values() for r in rs]
    parses = asyncio.run(parse_all(args.model, texts))
    result: dict[str, Any] = {"model": args.model, "overlap": overlap,
                              "intents": score_intents(rows, parses[:len(rows)]), "form": {}}
    offset = len(rows)
    if crisis_rows:
        result["crisis_set"] = score_intents(crisis_rows, parses[offset:offset + len(crisis_rows)])
        offset += len(crisis_rows)
    for name, rs in forms.items():
        result["form"][name] = score_form(rs, parses[offset:offset + len(rs)])
        offset += len(rs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nlu_unseen.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "nlu_unseen.md").write_text(report(result), encoding="utf-8")
    if "crisis_set" in result:
        c = result["crisis_set"]
        print(f"crisis set: recall {c['crisis_recall']:.2f}, precision {c['crisis_precision']:.2f} "
              f"({c['messages']} messages)")
    i = result["intents"]
    print(f"unseen intents: macro-F1 {i['macro_f1']:.3f}, accuracy {i['accuracy']:.3f}, crisis recall "
          f"{i['crisis_recall']:.2f}, precision {i['crisis_precision']:.2f} ({i['messages']} messages)")
    for name, form in result["form"].items():
        print(f"form answers ({name}): completion {form['completion_rate']:.3f} of {form['answers']}")
    if not args.check:
        return 0
    problems = []
    if i["macro_f1"] < args.min_macro_f1:
        problems.append(f"macro-F1 {i['macro_f1']:.3f} < {args.min_macro_f1}")
    if i["crisis_recall"] < args.min_crisis_recall:
        problems.append(f"crisis recall {i['crisis_recall']:.2f} < {args.min_crisis_recall}")
    if i["crisis_precision"] < args.min_crisis_precision:
        problems.append(f"crisis precision {i['crisis_precision']:.2f} < {args.min_crisis_precision}")
    for name, form in result["form"].items():
        if form["completion_rate"] < args.min_form_completion:
            problems.append(f"form completion ({name}) {form['completion_rate']:.3f} < {args.min_form_completion}")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
