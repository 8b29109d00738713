"""Train the benchmark's models, one after the other, each timed in its own `rasa train` process.

- project_full  config.yml, NLU + dialogue (what `make train` builds): served by load.py and profile_turn.py
- project_ted   config.yml plus TEDPolicy (as the project had it until 2026-11-28): the policy before/after
                comparison in profiles (bench/run.py)
- project_nlu   config.yml, NLU only                      (a)
- stock_nlu     bench/configs/stock_diet.yml, NLU only    (b)
- rasa_init_zh  bench/configs/rasa_init.yml, NLU only     (c)  Rasa refuses it (WhitespaceTokenizer, zh)
- rasa_init_en  bench/configs/rasa_init_en.yml, NLU only  (c') the same pipeline forced to run

Every run gets a fresh, empty Rasa cache and `--force`, so nothing is reused between runs. Writes
<out>/train.json: wall time, exit code, peak RSS of the training process, model size, error line.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    BIN,
    CONFIGS,
    PROJECT_CONFIG,
    ROOT,
    file_mb,
    first_per_intent,
    last_error,
    load_training_data,
    override_config,
    quiet_environment,
    run_timed,
    silence_rasa,
    write_json,
    write_nlu,
)

JOBS = {
    "project_full": (PROJECT_CONFIG, "full"),
    "project_ted": (PROJECT_CONFIG, "full+ted"),
    "project_nlu": (PROJECT_CONFIG, "nlu"),
    "stock_nlu": (CONFIGS / "stock_diet.yml", "nlu"),
    "rasa_init_zh": (CONFIGS / "rasa_init.yml", "nlu"),
    "rasa_init_en": (CONFIGS / "rasa_init_en.yml", "nlu"),
}


# The dialogue policy the project dropped on 2026-11-28 (its settings as they were in config.yml), kept to measure
# what dropping it saved.
TED_POLICY = {"name": "TEDPolicy", "max_history": 5, "epochs": 60, "constrain_similarities": True,
              "random_seed": 2026}


def with_ted(config: Path, dst: Path) -> Path:
    """The project's config with TEDPolicy added to its policies."""
    cfg = yaml.safe_load(config.read_text(encoding="utf-8"))
    cfg["policies"] = [*(cfg.get("policies") or []), dict(TED_POLICY)]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst


def train(name: str, config: Path, kind: str, out: Path, epochs: int | None, nlu: Path | None) -> dict:
    models = out / "models"
    if kind == "full+ted":
        config, kind = with_ted(config, out / "configs" / f"{name}.yml"), "full"
    cfg = override_config(config, out / "configs" / f"{name}.yml", epochs) if epochs else config
    if kind == "full":
        data = ["data"] if nlu is None else ["data/core", str(nlu)]
        args = [str(BIN / "rasa"), "train", "--config", str(cfg), "--domain", "domain", "--data", *data]
    else:
        args = [str(BIN / "rasa"), "train", "nlu", "--config", str(cfg), "--nlu", str(nlu or "data/nlu")]
    args += ["--out", str(models), "--fixed-model-name", name] + (["--force"] if kind == "full" else [])
    with tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache:
        res = run_timed(args, out / "logs" / f"train_{name}.log", env={"RASA_CACHE_DIRECTORY": cache})
    model = models / f"{name}.tar.gz"
    res.update({"name": name, "kind": kind, "config": str(config.relative_to(ROOT) if config.is_relative_to(ROOT)
                                                         else config), "epochs_override": epochs,
                "data_subset": str(nlu) if nlu else None, "ok": res["returncode"] == 0 and model.exists()})
    if res["ok"]:
        res.update({"model": str(model), "model_mb": file_mb(model)})
    else:
        res["error"] = last_error(Path(res["log"]))
    state = "ok" if res["ok"] else f"FAILED: {res['error']}"
    print(f"train {name}: {res['seconds']:.1f} s, peak RSS {res['peak_rss_mb']:.0f} MB — {state}", flush=True)
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="work folder: models/, logs/, train.json")
    parser.add_argument("--epochs", type=int, default=None, help="override DIET/TED epochs (smoke runs)")
    parser.add_argument("--max-per-intent", type=int, default=None,
                        help="train on the first N examples of each intent only (smoke runs)")
    parser.add_argument("--only", nargs="*", default=list(JOBS), choices=list(JOBS))
    args = parser.parse_args()
    quiet_environment()
    out = Path(args.out).resolve()
    nlu = None
    if args.max_per_intent:
        silence_rasa()
        base = load_training_data()
        nlu = write_nlu(out / "data" / "nlu_subset.yml", first_per_intent(base.intent_examples, args.max_per_intent),
                        base)
    results = {name: train(name, *JOBS[name], out, args.epochs, nlu) for name in args.only}
    write_json(out / "train.json", results)
    expected_failures = {"rasa_init_zh"}
    return 0 if all(r["ok"] or n in expected_failures for n, r in results.items()) else 1


if __name__ == "__main__":
    sys.exit(main())
