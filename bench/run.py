"""Run the whole benchmark suite and write <out>/bench.md, <out>/bench.json and the plots.

Full run (`make bench`), one step after the other so that no step disturbs another's timings:
  train.py    → the six models (project full, project with TEDPolicy, NLU-only a, b, c, c'), timed
  nlu.py      → held-out accuracy side by side + interleaved parse latency (a) vs (b)
  crossval.py → 5-fold cross-validation of the project pipeline
  serve.py    → REST conversations at 1/10/50/100 borrowers, profile of a turn, start-up, memory
  turn_ab.py  → Rasa CPU per turn with and without the turn patches, interleaved → turn_ab.md
  profiles.py → embedded vs production profile, each with and without the turn patches → profiles.md (needs
                postgresql, redis-server, nginx); then both profiles with the model trained with TEDPolicy beside
                the served one (the policy change) → policies/profiles.md
  report.py   → bench.md

Smoke run (`--smoke`, `make bench-smoke`): the same scripts on tiny sizes (1 epoch, 6 examples per intent,
1 fold of 2, 1 and 2 borrowers; of the configs only (a), (b) and the refused (c)), the served model being
models/latest.tar.gz (a 1-epoch model could not finish the conversation the load test checks). The two
independent chains run side by side to fit in the time of `make test`; their numbers mean nothing.
Exits non-zero when any step fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import QUIET_ENV, ROOT, machine, quiet_environment, run_timed, write_json

PY = sys.executable
HERE = ROOT / "bench"


PROFILE_STEPS = ("turn_ab", "profiles", "profiles_ted")


def plan(work: Path, out: Path, smoke: bool, serve_model: Path | None,
         profiles_only: bool = False) -> list[list[tuple[str, list[str]]]]:
    """Chains of (step name, command); chains may run side by side, the steps of a chain in order."""
    w, o = str(work), str(out)
    if smoke:
        served = serve_model or ROOT / "models" / "latest.tar.gz"
        return [
            [("train", [PY, str(HERE / "train.py"), "--out", w, "--epochs", "1", "--max-per-intent", "6",
                        "--only", "project_nlu", "stock_nlu", "rasa_init_zh"]),
             ("nlu", [PY, str(HERE / "nlu.py"), "--work", w, "--plots", o, "--latency-repeats", "1",
                      "--latency-limit", "20"]),
             # in this chain, so the two take about as long (measured 2026-12-07: 163 s and 171 s)
             ("crossval", [PY, str(HERE / "crossval.py"), "--work", w, "--folds", "2", "--max-folds", "1",
                           "--epochs", "1", "--max-per-intent", "6"])],
            [("serve", [PY, str(HERE / "serve.py"), "--model", str(served), "--out", w, "--plots", o,
                        "--levels", "1", "2", "--min-conversations", "2", "--profile-conversations", "1",
                        "--warmup", "1", "--compare-conversations", "1"]),
             # about 60 s of fuzzed requests against the real servers (bench/fuzz.py; `make fuzz` runs 20 min)
             ("fuzz", [PY, str(HERE / "fuzz.py"), "--smoke", "--model", str(served), "--out", str(out / "fuzz")])],
        ]
    served = serve_model or work / "models" / "project_full.tar.gz"
    full = [
        ("train", [PY, str(HERE / "train.py"), "--out", w]),
        ("nlu", [PY, str(HERE / "nlu.py"), "--work", w, "--plots", o]),
        ("crossval", [PY, str(HERE / "crossval.py"), "--work", w, "--folds", "5"]),
        ("serve", [PY, str(HERE / "serve.py"), "--model", str(served), "--out", w, "--plots", o]),
        # CPU per turn with and without the turn patches (serving/patches), one conversation at a time, ABBA
        ("turn_ab", [PY, str(HERE / "turn_ab.py"), "--model", str(served), "--out", o]),
        # embedded vs production profile (serving/prod.py): closed and open loop, CPU ms per turn, RSS; each
        # with Rasa's own code and with the turn patches
        ("profiles", [PY, str(HERE / "profiles.py"), "--models", str(served), "--turn-patches", "both",
                      "--out", o]),
        # the dialogue policies before (with TEDPolicy) and after (without), both with the turn patches
        ("profiles_ted", [PY, str(HERE / "profiles.py"), "--models", str(work / "models" / "project_ted.tar.gz"),
                          str(served), "--turn-patches", "on", "--out", str(out / "policies")]),
    ]
    if profiles_only:  # the served model (unless given) and the TED one, then the profile steps
        only = ["project_ted"] if serve_model else ["project_full", "project_ted"]
        train = ("train", [PY, str(HERE / "train.py"), "--out", w, "--only", *only])
        return [[train, *(step for step in full if step[0] in PROFILE_STEPS)]]
    return [full]


def run_chain(chain: list[tuple[str, list[str]]], logs: Path) -> dict[str, dict]:
    results = {}
    for name, cmd in chain:
        res = run_timed(cmd, logs / f"step_{name}.log")
        rc = res["returncode"]
        results[name] = {**res, "ok": rc == 0}
        tail = Path(res["log"]).read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        print(f"[bench] {name}: {'ok' if rc == 0 else f'FAILED (exit {rc})'} in {res['seconds']:.0f} s "
              f"(CPU {res['cpu_s']:.0f} s)" + ("" if rc == 0 else "\n    " + "\n    ".join(tail)), flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="where bench.md, bench.json and the plots go")
    parser.add_argument("--work", default=None, help="models, logs, intermediate JSON (default: a temp folder)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, independent steps side by side")
    parser.add_argument("--serve-model", type=Path, default=None,
                        help="model for the REST benchmarks (default: the one train.py builds; smoke: "
                             "models/latest.tar.gz)")
    parser.add_argument("--profiles-only", action="store_true",
                        help="the turn-cost and profile steps only (`make bench-profiles`): train the served "
                             "model and the one with TEDPolicy, then turn_ab, profiles and profiles_ted; no bench.md")
    args = parser.parse_args()
    quiet_environment()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="bench-work-")
    work = Path(args.work or tmp.name).resolve()  # type: ignore[union-attr]
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    meta = {"machine": machine(), "smoke": args.smoke, "env": QUIET_ENV}
    print(f"[bench] {'smoke' if args.smoke else 'full'} run, work folder {work}, output {out}", flush=True)
    start = time.perf_counter()
    chains = plan(work, out, args.smoke, args.serve_model, args.profiles_only)
    steps: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=len(chains)) as pool:
        for result in pool.map(lambda c: run_chain(c, logs), chains):
            steps.update(result)
    meta.update({"steps": steps, "total_s": time.perf_counter() - start,
                 "cpu_s": sum(s.get("cpu_s") or 0 for s in steps.values())})
    write_json(work / "meta.json", meta)
    rc = 0 if args.profiles_only else subprocess.run(
        [PY, str(HERE / "report.py"), "--work", str(work), "--out", str(out)], cwd=ROOT).returncode
    failed = [name for name, s in steps.items() if not s["ok"]]
    if failed or rc:
        # keep the logs of a failed run next to the report
        (out / "bench_logs").mkdir(exist_ok=True)
        for log in logs.glob("*.log"):
            (out / "bench_logs" / log.name).write_bytes(log.read_bytes()[-300_000:])
        print(f"[bench] FAILED steps: {failed or ['report']}; logs in {out / 'bench_logs'}", file=sys.stderr)
    print(f"[bench] done in {time.perf_counter() - start:.0f} s", flush=True)
    if tmp:
        tmp.cleanup()
    return 1 if failed or rc else 0


if __name__ == "__main__":
    sys.exit(main())
