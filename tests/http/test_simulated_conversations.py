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

# kind → (ceiling, an example of what still fails). Measured on 2026-12-06 with this seed: fact_missing 1,
# fact_wrong_value 12, lender_dropped 15 (of 2,465 turns). Lower a ceiling as causes are fixed; remove the entry
# at zero.
KNOWN_FAILING: dict[str, tuple[int, str]] = {
    "fact_missing": (8, "「有这几笔 三六零借条那边5.3w，还有中信欠14.9万」 → 360借条 without its amount"),
    "fact_wrong_value": (30, "「唔啱 中銀係46000啦」 → the correction goes to another lender's amount; a name no "
                             "list knows dropped from a list makes the total short"),
    "lender_dropped": (30, "「網貸加信用卡 裕融欠93000 …」 → 裕融, a name with no lender's ending and no separator "
                           "before it, is not kept"),
    # Rasa's own fallback when no rule or story predicts the next action: none here since 「是花旗」 was fixed, but
    # which message reaches it depends on the intent a model gives, so a model trained elsewhere may hit one
    "bot_error": (3, "「是花旗」 read as a yes, the offer made, then 「抱歉，这一步我没处理好」 (fixed)"),
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
