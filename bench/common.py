"""Helpers shared by the benchmark scripts: environment, subprocess timing, percentiles, machine facts."""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable

import yaml

from evaluation.nlu import HOLDOUT, SAFETY_INTENTS  # noqa: F401  (the scoring's own; re-exported for bench)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONFIGS = ROOT / "bench" / "configs"
PROJECT_CONFIG = ROOT / "config.yml"

# Rasa reports crashes to Sentry and usage to Segment unless told not to; a benchmark stays on loopback.
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def quiet_environment() -> None:
    """Apply QUIET_ENV to this process (and so to every child it starts) and put the project on sys.path."""
    os.environ.update(QUIET_ENV)
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"]
                                           if os.environ.get("PYTHONPATH") else "")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def percentile(values: Iterable[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in 0..100; None for no values."""
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def summarize_ms(seconds: list[float]) -> dict[str, Any]:
    """p50/p95/p99/mean/max in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms) if ms else None, "max": max(ms) if ms else None,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


def override_config(src: Path, dst: Path, epochs: int | None) -> Path:
    """Copy a Rasa config, setting `epochs` of every component/policy that has one (smoke runs)."""
    cfg = yaml.safe_load(src.read_text(encoding="utf-8"))
    if epochs is not None:
        for section in ("pipeline", "policies"):
            for item in cfg.get(section) or []:
                if item.get("name") in ("DIETClassifier", "TEDPolicy", "ResponseSelector", "UnexpecTEDIntentPolicy"):
                    item["epochs"] = epochs
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst


def run_timed(args: list[str], log: Path, env: dict[str, str] | None = None,
              timeout: float = 3 * 3600) -> dict[str, Any]:
    """Run a command from the project root; wall time, exit code, CPU time (the child and the children it
    waited for) and the child's peak RSS (ru_maxrss)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **QUIET_ENV, **(env or {})}
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        deadline = start + timeout
        status = rusage = None
        while status is None:
            pid, status_raw, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(status_raw)
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status_raw, rusage = os.wait4(proc.pid, 0)
                status = -9
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        proc.returncode = status  # already reaped by wait4
    return {"seconds": seconds, "returncode": status,
            "cpu_s": rusage.ru_utime + rusage.ru_stime if rusage else None,
            "peak_rss_mb": rusage.ru_maxrss / 1024 if rusage else None, "log": str(log)}


def last_error(log: Path) -> str | None:
    """The last line of a log that names an exception (Rasa's own error message)."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    hits = [ln.strip() for ln in lines if "Exception" in ln or "Error:" in ln]
    return hits[-1] if hits else (lines[-1].strip() if lines else None)


def proc_status_mb(pid: int) -> dict[str, float | None]:
    """VmHWM (peak resident set) and VmRSS of a live process, in MB, from /proc/<pid>/status."""
    out: dict[str, float | None] = {"VmHWM": None, "VmRSS": None}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in out:
                out[key] = int(rest.split()[0]) / 1024
    except (OSError, ValueError):
        pass
    return out


def machine() -> dict[str, Any]:
    cpu = "unknown"
    mem_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "unknown", False
    from importlib.metadata import version

    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "cpu": cpu,
        "ram_gb": mem_gb, "loadavg_at_start": load, "python": platform.python_version(),
        "rasa": version("rasa"), "rasa_sdk": version("rasa-sdk"), "commit": commit + ("+dirty" if dirty else ""),
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def file_mb(path: Path) -> float | None:
    return path.stat().st_size / 1024 / 1024 if path.exists() else None


def load_training_data(path: Path = ROOT / "data" / "nlu") -> Any:
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(path))


def first_per_intent(examples: list[Any], limit: int | None) -> list[Any]:
    """The first `limit` examples of every intent, in file order (all of them when limit is None)."""
    if not limit:
        return list(examples)
    seen: dict[str, int] = {}
    kept = []
    for ex in examples:
        intent = ex.get("intent")
        if seen.get(intent, 0) < limit:
            seen[intent] = seen.get(intent, 0) + 1
            kept.append(ex)
    return kept


def write_nlu(path: Path, examples: list[Any], base: Any) -> Path:
    """NLU YAML with these intent examples plus all of base's synonyms, lookup tables and regexes."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData(training_examples=examples, entity_synonyms=base.entity_synonyms,
                        regex_features=base.regex_features, lookup_tables=base.lookup_tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    RasaYAMLWriter().dump(path, data)
    return path


def silence_rasa() -> None:
    """No deprecation noise or structlog debug lines on the benchmark's own output."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    try:
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)
    except ImportError:
        pass
