"""How much the NLU figures move between trainings: the spread over random seeds (``make seeds``).

Trains the project pipeline (config.yml, NLU only) once per seed, each in its own `rasa train nlu` process with
an empty cache, and scores every model on the held-out set (tests/nlu/holdout.yml) and on the independently
written sets (tests/nlu/independent/, evaluation/unseen.py). A fresh machine trains a different model even
with the same seed; the seeds stand in for that variation. `make test`'s NLU gates sit below the minimum
measured here (README, "Evaluation").

Writes <out>/seeds.md and <out>/seeds.json.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

from bench.common import BIN, HOLDOUT, PROJECT_CONFIG, quiet_environment, run_timed, silence_rasa, write_json

DEFAULT_SEEDS = (2026, 7, 42)


def seeded_config(seed: int, dst: Path) -> Path:
    config = yaml.safe_load(PROJECT_CONFIG.read_text(encoding="utf-8"))
    for part in (*config["pipeline"], *config.get("policies", [])):
        if "random_seed" in part:
            part["random_seed"] = seed
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst


def holdout_rows() -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(HOLDOUT)).intent_examples]


def score(model: Path) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    from evaluation.unseen import form_rows, intent_rows, parse_all, score_form, score_intents, training_texts

    held = holdout_rows()
    unseen, _ = intent_rows(training_texts([str(Path("data") / "nlu")]))
    forms = form_rows("form_answers.yml")
    texts = [t for t, _ in held] + [t for t, _ in unseen] + [r["text"] for r in forms]
    parses = asyncio.run(parse_all(str(model), texts))
    held_pred = [(p.get("intent") or {}).get("name") for p in parses[:len(held)]]
    gold = [g for _, g in held]
    labels = sorted(set(gold))
    unseen_scores = score_intents(unseen, parses[len(held):len(held) + len(unseen)])
    form = score_form(forms, parses[len(held) + len(unseen):])
    return {
        "holdout_macro_f1": f1_score(gold, held_pred, labels=labels, average="macro", zero_division=0),
        "holdout_crisis_recall": sum(1 for g, p in zip(gold, held_pred) if g == p == "express_crisis")
        / max(1, gold.count("express_crisis")),
        "unseen_macro_f1": unseen_scores["macro_f1"],
        "unseen_crisis_recall": unseen_scores["crisis_recall"],
        "unseen_crisis_precision": unseen_scores["crisis_precision"],
        "form_completion": form["completion_rate"],
    }


def spread(runs: list[dict[str, Any]], key: str) -> dict[str, float]:
    values = [r[key] for r in runs if key in r]
    return {"min": min(values), "max": max(values), "mean": statistics.fmean(values),
            "std": statistics.pstdev(values)} if values else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--work", default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    args = parser.parse_args()
    quiet_environment()
    silence_rasa()
    out = Path(args.out)
    work = Path(args.work or tempfile.mkdtemp(prefix="seeds-"))
    runs: list[dict[str, Any]] = []
    for seed in args.seeds:
        cfg = seeded_config(seed, work / "configs" / f"seed{seed}.yml")
        name = f"seed{seed}"
        with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
            res = run_timed([str(BIN / "rasa"), "train", "nlu", "--config", str(cfg), "--nlu", "data/nlu",
                             "--out", str(work / "models"), "--fixed-model-name", name],
                            work / "logs" / f"train_{name}.log", env={"RASA_CACHE_DIRECTORY": cache})
        model = work / "models" / f"{name}.tar.gz"
        run: dict[str, Any] = {"seed": seed, "train_seconds": res["seconds"], "ok": model.exists()}
        if model.exists():
            run.update(score(model))
        runs.append(run)
        print(f"seed {seed}: {run}", flush=True)
    keys = ("holdout_macro_f1", "holdout_crisis_recall", "unseen_macro_f1", "unseen_crisis_recall",
            "unseen_crisis_precision", "form_completion")
    summary = {k: spread(runs, k) for k in keys}
    write_json(out / "seeds.json", {"runs": runs, "spread": summary})
    lines = ["# NLU spread over seeds", "", f"Seeds: {', '.join(map(str, args.seeds))} (config.yml, NLU only)", "",
             "| measure | " + " | ".join(f"seed {r['seed']}" for r in runs) + " | min | max |",
             "|---|" + "---|" * (len(runs) + 2)]
    for k in keys:
        s = summary[k]
        if s:
            lines.append(f"| {k} | " + " | ".join(f"{r.get(k, float('nan')):.3f}" for r in runs)
                         + f" | {s['min']:.3f} | {s['max']:.3f} |")
    out.mkdir(parents=True, exist_ok=True)
    (out / "seeds.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(r["ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
