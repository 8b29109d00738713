"""300 simulated conversations (sim/, seed fixed) against the real servers: zero violations of each invariant,
except the kinds in KNOWN_FAILING, which may not exceed their ceiling (a regression gate set above the spread
measured on this machine, so a model trained elsewhere passes it) and are reported with examples. Full runs and
the report: `make simulate` (docs/simulator.md)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Iterator

import pytest

from sim.check import KINDS
from sim.generate import conversations
from sim.run import simulate, simulation_servers

SEED = 2026
COUNT = 300

# kind → (ceiling, an example of what failed before). Measured on 2026-12-06 with this seed on the first 300 of the
# 5,000-conversation runs: 0 of every kind, with two models trained here (the session's first run, 52 violations in
# all 5,000; its last, 1). A model trained on another machine reads some short or Cantonese messages differently
# (one read 「X跟Y各N」 as crisis), so the kinds that hang on the intent keep a small ceiling above that spread.
KNOWN_FAILING: dict[str, tuple[int, str]] = {
    "fact_missing": (3, "「加起来3800吧」 after 「记不清了」 had been read as a no and asked whether to stop (fixed)"),
    "fact_wrong_value": (4, "「看病吃药600块 房贷 2500」 → the debt 97,000 replaced by 2,500 (fixed: a mortgage among "
                            "the month's costs is a cost)"),
    "lender_dropped": (4, "「金豆分期 农行各欠10.7w」 → 金豆分期 not kept (fixed: 期 is the name's)"),
    "lender_invented": (4, "「算错了 一个月最多两千六百块」 → a lender 算错 (fixed)"),
    # Rasa's own fallback when no rule or story predicts the next action: none here, but which message reaches it
    # depends on the intent a model gives
    "bot_error": (2, "「是花旗」 read as a yes, the offer made, then 「抱歉，这一步我没处理好」 (fixed)"),
    "asked_again": (2, "「逾期三個多月 可唔可以幫我整個還款方案」 answered with the offer when the model's intent is "
                       "none the request net turns into ask_script"),
    "refusal": (1, "a bare 「WeLend喎」 answering the lender question read as out of scope (fixed: the particle)"),
    "plan_above_affordable": (2, "「月还款能承受四百块」 read as an extension request (fixed: no plan named, a fact)"),
    "role_confused": (2, "「光预期费就2,200元了」 (a fee, typed 预期) taken as what they can pay (fixed)"),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    workdir: Path = tmp_path_factory.mktemp("simulated")
    with simulation_servers(workdir).running() as servers:
        yield simulate(servers, conversations(SEED, COUNT, datetime.date.today()), workers=3)


def _examples(report: dict[str, Any], kind: str, limit: int = 3) -> str:
    lines = []
    for result in report["results"]:
        for v in result["violations"]:
            if v["kind"] == kind and len(lines) < limit:
                turn = result["turns"][v["turn"]]
                lines.append(f"{result['id']} 「{turn['text']}」: {v['detail']}")
    return "\n".join(lines)


def test_every_turn_was_played(report: dict[str, Any]) -> None:
    assert report["conversations"] == COUNT
    assert report["turns"] >= COUNT * 3


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_violations(report: dict[str, Any], kind: str) -> None:
    count = report["violations"][kind]
    if kind in KNOWN_FAILING:
        ceiling, example = KNOWN_FAILING[kind]
        assert count <= ceiling, f"{count} × {kind} (ceiling {ceiling}; known: {example}):\n{_examples(report, kind)}"
        return
    assert count == 0, f"{count} × {kind} ({KINDS[kind]}):\n{_examples(report, kind)}"
