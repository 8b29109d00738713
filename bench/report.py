"""Assemble <out>/bench.md (and <out>/bench.json, all raw results) from the JSON files of one benchmark run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SAFETY_INTENTS, ratio, read_json, write_json

STEP_NAMES = {
    "nlu": "NLU pipeline (parse_message)",
    "policies": "dialogue policies (all predictions of the turn)",
    "tracker_read": "tracker store read (SQLite)",
    "tracker_write": "tracker store write (SQLite)",
    "slot_mapping": "slot mapping, Rasa side",
    "actions_rasa": "running actions, Rasa side (form, responses, events)",
    "action_payload": "building the action-server requests (tracker + domain → dict)",
    "processor_other": "rest of the message processor",
}


def fmt(value: Any, digits: int = 3, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def ms(value: float | None, digits: int = 0) -> str:
    return fmt(value, digits, " ms")


def step_label(key: str) -> str:
    if key.startswith("action_server:"):
        return f"action server call `{key.split(':', 1)[1]}` (HTTP round trip + its work)"
    return STEP_NAMES.get(key, key)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"


def header(meta: dict[str, Any], smoke: bool, steps: dict[str, Any]) -> list[str]:
    m = meta["machine"]
    load = m.get("loadavg_at_start")
    lines = ["# Benchmarks", ""]
    if smoke:
        lines += ["> **Smoke run** (`make bench-smoke`): tiny sizes (1 epoch, a few examples per intent, 1 fold, "
                  "2 borrowers). It proves the scripts run end to end; its numbers mean nothing.", ""]
    lines += [
        f"- date: {m['date']}; whole run {duration(meta.get('total_s'))} wall, "
        f"{duration(meta.get('cpu_s'))} of CPU time",
        f"- machine: nproc {m['nproc']} (usable {m['affinity']}), {m['cpu']}, {fmt(m['ram_gb'], 1)} GB RAM; "
        f"load average at start {', '.join(f'{x:.2f}' for x in load) if load else '—'} "
        "(other work shared the machine: compare numbers within this run only)",
        f"- software: Python {m['python']}, Rasa {m['rasa']}, rasa-sdk {m['rasa_sdk']}; commit {m['commit']}",
        "- everything below was measured in this one run; ratios are project ÷ stock from the same run, "
        "latencies are medians unless a percentile is named",
        "- steps: " + ", ".join(f"{k} {duration(v.get('seconds'))}{'' if v.get('ok') else ' (FAILED)'}"
                                 for k, v in steps.items()),
        "",
    ]
    return lines


def accuracy_section(nlu: dict[str, Any] | None, train: dict[str, Any] | None) -> tuple[list[str], dict]:
    lines = ["## 1. Accuracy on the held-out set (tests/nlu/holdout.yml, never trained on)", ""]
    if not nlu:
        return [*lines, "Not run.", ""], {}
    models = nlu["models"]
    cols = [n for n in ("project_nlu", "project_full", "stock_nlu", "rasa_init_zh", "rasa_init_en") if n in models]
    a = next((n for n in ("project_nlu", "project_full") if n in models), None)
    b = "stock_nlu" if "stock_nlu" in models else None
    short = {"project_nlu": "(a) project", "project_full": "(a) project", "stock_nlu": "(b) stock Jieba + DIET",
             "rasa_init_zh": "(c) rasa init, zh", "rasa_init_en": "(c') rasa init forced to en"}

    def get(name: str, path: list[str]) -> Any:
        cur: Any = models[name].get("scores")
        for p in path:
            if not isinstance(cur, dict):
                return None
            cur = cur.get(p)
        return cur

    rows: list[tuple[str, list[str], int]] = [
        ("intent macro-F1 (classifier's top intent)", ["macro_f1"], 3),
        ("intent accuracy", ["accuracy"], 3),
        ("intent macro-F1 after the pipeline's fallback threshold", ["macro_f1_after_fallback"], 3),
        ("share of messages sent to nlu_fallback (no ratio: thresholds differ)", ["fallback_rate"], 3),
        ("**express_crisis recall**", ["per_intent", "express_crisis", "recall"], 3),
    ]
    for intent in SAFETY_INTENTS:
        rows.append((f"{intent} F1", ["per_intent", intent, "f1-score"], 3))
        if intent != "express_crisis":
            rows.append((f"{intent} recall", ["per_intent", intent, "recall"], 3))
    n_examples = next((get(n, ["examples"]) for n in cols if get(n, ["examples"])), None)
    lines += [f"{n_examples} held-out messages." if n_examples else "", "",
              "| metric | " + " | ".join(short[c] for c in cols) + " | ratio (a)/(b) |",
              "|---|" + "---|" * (len(cols) + 1)]
    for label, path, digits in rows:
        vals = [get(c, path) for c in cols]
        r = ratio(get(a, path), get(b, path)) if a and b and path != ["fallback_rate"] else None
        lines.append(f"| {label} | " + " | ".join(fmt(v, digits) if models[c].get("scores") else "cannot run"
                                                   for v, c in zip(vals, cols)) + f" | {fmt(r, 2)} |")
    for etype in ("lender", "amount", "duration", "all"):
        cells = []
        for c in cols:
            s = get(c, ["entities", etype])
            cells.append(f"{s['correct']}/{s['messages']}" if s else ("0" if models[c].get("scores") else "cannot run"))
        acc_a = get(a, ["entities", etype, "accuracy"]) if a else None
        acc_b = get(b, ["entities", etype, "accuracy"]) if b else None
        r = "∞ (stock finds none)" if acc_a and not acc_b else fmt(ratio(acc_a, acc_b), 2)
        label = "entity values right: all types in a message" if etype == "all" else f"entity `{etype}` values right"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {r} |")
    roles = [get(c, ["entities", "roles"]) for c in cols]
    lines.append("| amount/duration roles right | " + " | ".join(
        f"{s['correct']}/{s['annotated']}" if s else "cannot run" for s in roles) + " | |")
    if train:
        lines.append("| NLU training time (this run) | " + " | ".join(
            (duration(train[c]["seconds"]) + ("" if train[c]["ok"] else " (refused)")) if c in train else "—"
            for c in cols) + " | " + fmt(
            ratio(train.get(a or "", {}).get("seconds"), train.get(b or "", {}).get("seconds")), 2) + " |")
        lines.append("| model size | " + " | ".join(
            fmt(train[c].get("model_mb"), 1, " MB") if c in train else "—" for c in cols) + " | " + fmt(
            ratio(train.get(a or "", {}).get("model_mb"), train.get(b or "", {}).get("model_mb")), 2) + " |")
    lines += [""]
    for c in cols:
        if not models[c].get("scores"):
            lines.append(f"- {short[c]} **cannot run on Chinese**: `rasa train nlu` stops with "
                         f"`{models[c].get('error')}`")
    lines += [
        "- Configs: (a) `config.yml`; (b) `bench/configs/stock_diet.yml`; (c) `bench/configs/rasa_init.yml` "
        "(the `rasa init` pipeline, uncommented, language zh); (c') `bench/configs/rasa_init_en.yml` (the same with "
        "language en, so WhitespaceTokenizer accepts it; its emoji filter covers all CJK characters, so every "
        "Chinese message becomes a single token and only the char_wb 1–4-grams carry information). (c') is "
        "not a pipeline anyone should ship for Chinese; it shows what `rasa init` would give if forced.",
        "- Intent metrics use the classifier's own top intent; nlu_fallback is not counted as a prediction "
        "(the row \"after the fallback threshold\" counts it, with each pipeline's own threshold: 0.5 for (a), "
        "0.3 for the stock ones).",
        "- Entities: the project's training data has no entity annotations (entities come from deterministic "
        "extractors, README). The stock pipelines only have DIET (which learns entities from annotated "
        "examples: there are none) and EntitySynonymMapper (which only renames what something else "
        "extracted), so they extract nothing: that is what they give on this data, not a bug of the benchmark. "
        "Scored with evaluation/nlu.py's rule: every value of that type right, no extras.",
        "",
        "![per-intent F1](bench_accuracy.png)", ""]
    summary = {"a": a, "b": b, "macro_a": get(a, ["macro_f1"]) if a else None,
               "macro_b": get(b, ["macro_f1"]) if b else None,
               "crisis_a": get(a, ["per_intent", "express_crisis", "recall"]) if a else None,
               "crisis_b": get(b, ["per_intent", "express_crisis", "recall"]) if b else None,
               "c_error": models.get("rasa_init_zh", {}).get("error")}
    return lines, summary


def crossval_section(cv: dict[str, Any] | None) -> list[str]:
    lines = ["## 2. Cross-validation of the project pipeline (training data)", ""]
    if not cv:
        return [*lines, "Not run.", ""]
    s = cv["summary"]
    lines += [
        f"{cv['folds_run']} of {cv['folds']} folds (StratifiedKFold, shuffled, seed {cv['seed']}) over "
        f"{cv['examples']} training examples of {cv['intents']} intents; every fold keeps the lender synonyms "
        "and lookup table. Mean ± sample standard deviation over the folds.", "",
        "| metric | mean ± std | per fold |", "|---|---|---|"]
    for key, label in (("macro_f1", "intent macro-F1"), ("accuracy", "intent accuracy"),
                       ("macro_f1_after_fallback", "macro-F1 after fallback (0.5)")):
        per = ", ".join(f"{f[key]:.3f}" for f in cv["per_fold"])
        std = f" ± {s[key]['std']:.3f}" if s[key]["std"] is not None else " (one fold)"
        lines.append(f"| {label} | {fmt(s[key]['mean'])}{std} | {per} |")
    train_s = [f["train_s"] for f in cv["per_fold"]]
    lines += ["", f"Training per fold: {', '.join(duration(t) for t in train_s)}.", ""]
    table = cv.get("thresholds")
    if table:
        lines += ["Fallback threshold, pooled over the folds' test messages (each message scored by the model "
                  "that did not train on it). A threshold sends a message to `nlu_fallback` (\"please rephrase\") "
                  "when the top intent's confidence is below it:", "",
                  "| threshold | right answers sent to fallback | wrong answers caught |", "|---|---|---|"]
        for row in table:
            lines.append(f"| {row['threshold']:.1f} | {row['right_lost']}/{row['right']} | "
                         f"{row['wrong_caught']}/{row['wrong']} |")
        lines.append("")
    if cv.get("confusions"):
        recall = cv.get("recall") or {}
        weakest = sorted(recall.items(), key=lambda kv: kv[1])[:6]
        lines += ["Most frequent mistakes, pooled over the folds (gold → predicted, count): " + "; ".join(
            f"{c['gold']} → {c['pred']} {c['count']}" for c in cv["confusions"][:10]) + ".", "",
            "Lowest recall per intent: " + ", ".join(f"{i} {r:.2f}" for i, r in weakest)
            + (f"; express_crisis {recall['express_crisis']:.2f}." if "express_crisis" in recall else "."), ""]
    if cv.get("missed_crisis"):
        lines += ["Crisis messages of the training data that the pipeline missed when it had not trained on them "
                  "(the crisis safety net included; predicted intent and confidence):", ""]
        lines += [f"- 「{m['text']}」 → {m['pred']} ({m['confidence']:.2f})" for m in cv["missed_crisis"]]
        lines.append("")
    return lines


def latency_section(nlu: dict[str, Any] | None) -> tuple[list[str], dict]:
    lines = ["## 3. NLU parse latency: project vs stock (b), interleaved", ""]
    lat = (nlu or {}).get("latency")
    if not lat:
        return [*lines, "Not run (needs both models).", ""], {}
    a, b = lat["project"], lat["stock"]
    ma, mb = lat["models"][a], lat["models"][b]
    lines += [
        f"{lat['messages']} held-out texts × {lat['repeats']} passes, one process, both models loaded; on every "
        "message the two models take turns going first (ABBA), so machine noise falls on both alike. Time of "
        "`Agent.parse_message` (the whole NLU pipeline, in-process, no HTTP).", "",
        "| model | p50 | p95 | p99 | mean | max |", "|---|---|---|---|---|---|",
        f"| (a) project | {ms(ma['p50'], 1)} | {ms(ma['p95'], 1)} | {ms(ma['p99'], 1)} | {ms(ma['mean'], 1)} | "
        f"{ms(ma['max'], 1)} |",
        f"| (b) stock | {ms(mb['p50'], 1)} | {ms(mb['p95'], 1)} | {ms(mb['p99'], 1)} | {ms(mb['mean'], 1)} | "
        f"{ms(mb['max'], 1)} |",
        f"| ratio (a)/(b) | {fmt(lat['ratio_p50'], 2)} | {fmt(lat['ratio_p95'], 2)} | "
        f"{fmt(ratio(ma['p99'], mb['p99']), 2)} | {fmt(ratio(ma['mean'], mb['mean']), 2)} | |",
        "", f"Median of the per-message ratio (a)/(b): {fmt(lat['median_paired_ratio'], 2)}.", "",
        "![parse latency](bench_nlu_latency.png)", ""]
    return lines, {"p50_a": ma["p50"], "p50_b": mb["p50"], "ratio": lat["ratio_p50"]}


def serve_sections(serve: dict[str, Any] | None, train: dict[str, Any] | None) -> tuple[list[str], dict]:
    lines = ["## 4. Whole conversations through the REST channel", ""]
    if not serve:
        return [*lines, "Not run.", ""], {}
    convo = " / ".join(serve["conversation"])
    fs = serve["final_state"]
    lines += [
        f"Each simulated borrower (asyncio + aiohttp, loopback) holds 6-turn conversations: {convo}. Every reply "
        "is checked: turns 1–5 must ask the form's next question, turn 6 must bring the drafts (phone script, "
        "written request, short reply) with 分 22 期、每期 1,455 元 and 招商银行. Real action server, temporary "
        f"SQLite tracker store, one Rasa process serving `{Path(serve['model']).name}`. Each level runs at least "
        f"{serve['settings']['min_conversations']} conversations: with fewer borrowers, each holds several in a "
        "row.", "",
        "| borrowers | conversations | turns | turns/s | p50 | p95 | p99 | draft turn p50 | errors | failed checks |",
        "|---|---|---|---|---|---|---|---|---|---|"]
    for lv in serve["levels"]:
        lat = lv["latency_ms"]
        lines.append(f"| {lv['users']} | {lv['conversations']} | {lv['turns']}/{lv['turns_expected']} | "
                     f"{fmt(lv['turns_per_s'], 1)} | {ms(lat['p50'])} | {ms(lat['p95'])} | {ms(lat['p99'])} | "
                     f"{ms(lv['draft_turn_ms']['p50'])} | {lv['errors']} | {lv['check_failures']} |")
    lines += ["", f"Final state: {fs['conversations_checked']} finished conversations' trackers read back "
              f"(slots lender/debt_amount/overdue_days/affordable_monthly and the stored draft summary): "
              f"{fs['problems']} wrong." + (f" E.g. {fs['problem_samples'][:2]}" if fs["problems"] else ""), ""]
    samples = [s for lv in serve["levels"] for s in lv["error_samples"]]
    if samples:
        lines += ["Errors seen: " + "; ".join(samples[:5]), ""]

    # 5. resources
    st, mem = serve["startup"], serve["memory_mb"]
    lines += ["## 5. Training time, model size, start-up, memory", "", "| what | value |", "|---|---|"]
    if train and train.get("project_full"):
        t = train["project_full"]
        lines.append(f"| training the project model, NLU + dialogue (`rasa train --force`, empty cache) | "
                     f"{duration(t['seconds'])}{'' if t['ok'] else ' (FAILED)'} |")
        lines.append(f"| peak RSS of that training process | {fmt(t['peak_rss_mb'], 0, ' MB')} |")
    nlu_jobs = (("project_nlu", "(a) project"), ("stock_nlu", "(b) stock"), ("rasa_init_en", "(c') rasa init en"))
    for name, label in nlu_jobs:
        if train and train.get(name) and train[name]["ok"]:
            t = train[name]
            lines.append(f"| NLU-only training {label} | {duration(t['seconds'])}, peak RSS "
                         f"{fmt(t['peak_rss_mb'], 0, ' MB')}, model {fmt(t.get('model_mb'), 1, ' MB')} |")
    lines += [
        f"| served model size (`{Path(serve['model']).name}`) | {fmt(serve['model_mb'], 1, ' MB')} |",
        f"| Rasa server start-up (spawn → /status answers) | {fmt(st['rasa_s'], 1, ' s')} |",
        f"| action server start-up (spawn → /health answers) | {fmt(st['action_server_s'], 1, ' s')} |",
        f"| Rasa process RSS after start-up | {fmt(mem['after_start']['rasa']['VmRSS'], 0, ' MB')} |",
        f"| **Rasa process peak RSS** (VmHWM, after all load levels) | "
        f"{fmt(mem['at_end']['rasa']['VmHWM'], 0, ' MB')} |",
        f"| **action server peak RSS** (VmHWM) | {fmt(mem['at_end']['action_server']['VmHWM'], 0, ' MB')} |",
        "", "Start-up is one measurement (polled every 0.1 s); peak RSS is /proc/<pid>/status VmHWM of the "
        "server processes (each a single process: no workers).", ""]

    # 6. scaling
    lines += ["## 6. Cost growth", "", "![throughput and latency against concurrent borrowers](bench_scaling.png)", ""]
    levels = serve["levels"]
    if len(levels) > 1:
        first, last = levels[0], levels[-1]
        grow = last["users"] / first["users"]
        lines += [f"From {first['users']} to {last['users']} concurrent borrowers (×{grow:.0f}) "
                  f"throughput goes from {fmt(first['turns_per_s'], 1)} to {fmt(last['turns_per_s'], 1)} turns/s "
                  f"(×{fmt(ratio(last['turns_per_s'], first['turns_per_s']), 1)}) and p95 latency from "
                  f"{ms(first['latency_ms']['p95'])} to {ms(last['latency_ms']['p95'])} "
                  f"(×{fmt(ratio(last['latency_ms']['p95'], first['latency_ms']['p95']), 1)}). One Rasa process "
                  "and one action server share the 2 cores: once they are saturated, more borrowers can only "
                  "queue.", ""]

    # 7. profile
    prof = serve["profile"]
    d = prof["draft_turn"]
    lines += ["## 7. Where the time of one turn goes", ""]
    slowest = None
    if d["turns"]:
        steps = d["steps_ms"]
        total = sum(v for v in steps.values() if v) or 1
        ordered = sorted(steps.items(), key=lambda kv: -(kv[1] or 0))
        slowest = ordered[0]
        lines += [
            f"The draft turn (「{serve['conversation'][-1]}」, turn 6: actions {' → '.join(d['actions'])}), "
            f"{d['turns']} conversation(s) one at a time, timed inside the Rasa process by bench/rasa_profiled.py "
            "(exclusive times: a step's own time without the timed steps inside it). Medians per step.", "",
            "| step | median | share of the summed medians |", "|---|---|---|"]
        for key, value in ordered:
            lines.append(f"| {step_label(key)} | {ms(value, 1)} | {fmt(100 * (value or 0) / total, 0, ' %')} |")
        server_total, client_total = d["server_total_ms"], d["client_total_ms"]
        lines += [
            f"| HTTP + REST channel (input checks, redaction) + lock: client time − server time | "
            f"{ms(d['http_and_channel_ms'], 1)} | |",
            f"| **whole turn** as the client saw it / inside Rasa's handle_message | {ms(client_total, 1)} / "
            f"{ms(server_total, 1)} | |", ""]
        action_server = sum(v for k, v in steps.items() if k.startswith("action_server:") and v)
        lines += [
            f"**Slowest step: {step_label(slowest[0])}, {ms(slowest[1], 1)}** of the draft turn. All "
            f"action-server calls together: {ms(action_server, 1)} "
            f"({fmt(100 * action_server / total, 0, ' %')}); each includes the HTTP round trip (the whole "
            "tracker and the domain as JSON), the action's work and Rasa's check of the answer"
            + (" — the check was most of it before the fix below." if serve.get("action_check") else "."), ""]
        a = prof["all_turns"]
        lines += ["Over all 6 turns (median per step): " + ", ".join(
            f"{step_label(k).split(' (')[0]} {ms(v, 1)}" for k, v in sorted(a["steps_ms"].items(),
                                                                            key=lambda kv: -(kv[1] or 0))[:6])
            + f"; whole turn {ms(a['client_total_ms'], 1)} at the client.", ""]
    else:
        lines += ["No profiled turns.", ""]
    ac = serve.get("action_check")
    if ac:
        p, st = ac["project"], ac["stock_check"]
        lines += [
            "### The action-server calls: what made them slow, and the fix measured", "",
            "Inside each action-server call, Rasa 3.6 checks the answer with `jsonschema.validate`, which first "
            "validates the schema itself against its meta-schema, on every call (about 16 ms, while the HTTP "
            "round trip with the whole tracker and domain takes about 1 ms). "
            "`serving/patches/action_response_check.py` builds the validator once and reports the same errors. "
            "Measured side by side in this run: a second Rasa process with Rasa's own check "
            "(`DEBT_COACH_STOCK_ACTION_CHECK=1`), same model and action "
            f"server; the two took turns, one conversation each, {ac['conversations']} conversations per server "
            "(the figures above are all with the fix).", "",
            "| server | turn p50 | turn p95 | draft turn p50 | errors |", "|---|---|---|---|---|",
            f"| project (validator built once) | {ms(p['turn_ms']['p50'])} | {ms(p['turn_ms']['p95'])} | "
            f"{ms(p['draft_turn_ms']['p50'])} | {len(p['errors'])} |",
            f"| Rasa's own check | {ms(st['turn_ms']['p50'])} | {ms(st['turn_ms']['p95'])} | "
            f"{ms(st['draft_turn_ms']['p50'])} | {len(st['errors'])} |",
            f"| ratio project / stock check | {fmt(ac['ratio_turn_p50'], 2)} | "
            f"{fmt(ratio(p['turn_ms']['p95'], st['turn_ms']['p95']), 2)} | {fmt(ac['ratio_draft_p50'], 2)} | |", ""]
    one = levels[0] if levels else None
    last = levels[-1] if levels else None
    return lines, {"slowest": slowest, "one": one, "last": last, "startup": st, "mem": mem}


def summary_section(acc: dict, lat: dict, cv: dict | None, srv: dict) -> list[str]:
    lines = ["## Summary", ""]
    if acc.get("macro_a") is not None:
        lines.append(f"- Held-out intent macro-F1: project **{acc['macro_a']:.3f}**, stock Jieba + DIET "
                     f"{fmt(acc['macro_b'])} (ratio {fmt(ratio(acc['macro_a'], acc['macro_b']), 2)}); "
                     f"express_crisis recall {fmt(acc['crisis_a'])} vs {fmt(acc['crisis_b'])}."
                     + (" `rasa init`'s pipeline cannot run on Chinese (WhitespaceTokenizer refuses zh)."
                        if acc.get("c_error") else ""))
    if cv:
        s = cv["summary"]
        std = f" ± {s['macro_f1']['std']:.3f}" if s["macro_f1"]["std"] is not None else ""
        lines.append(f"- {cv['folds_run']}-fold cross-validation (project): "
                     f"macro-F1 {fmt(s['macro_f1']['mean'])}{std}.")
    if lat:
        lines.append(f"- NLU parse p50: project {ms(lat['p50_a'], 1)}, stock {ms(lat['p50_b'], 1)} "
                     f"(ratio {fmt(lat['ratio'], 2)}).")
    if srv.get("one"):
        one, last = srv["one"], srv["last"]
        lines.append(f"- Whole turn through REST with 1 borrower: p50 {ms(one['latency_ms']['p50'])}, "
                     f"{fmt(one['turns_per_s'], 1)} turns/s; with {last['users']}: "
                     f"{fmt(last['turns_per_s'], 1)} turns/s, p95 {ms(last['latency_ms']['p95'])}.")
    if srv.get("slowest"):
        key, value = srv["slowest"]
        lines.append(f"- Slowest step of a turn: {step_label(key)} ({ms(value, 1)} in the draft turn).")
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    work, out = Path(args.work), Path(args.out)
    meta = read_json(work / "meta.json") or {}
    train, nlu, cv, serve = (read_json(work / f) for f in ("train.json", "nlu.json", "crossval.json", "serve.json"))
    acc_lines, acc = accuracy_section(nlu, train)
    lat_lines, lat = latency_section(nlu)
    srv_lines, srv = serve_sections(serve, train)
    lines = header(meta, meta.get("smoke", False), meta.get("steps", {}))
    lines += summary_section(acc, lat, cv, srv)
    lines += acc_lines + crossval_section(cv) + lat_lines + srv_lines
    lines += ["## How to rerun", "",
              "`make bench` (about 2½ hours on 2 cores; `make bench-profiles` for the profile steps only; see "
              "bench/README.md). Raw numbers: bench.json next to this file.", ""]
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text("\n".join(lines), encoding="utf-8")
    write_json(out / "bench.json", {"meta": meta, "train": train, "nlu": nlu, "crossval": cv, "serve": serve})
    print(f"wrote {out / 'bench.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
