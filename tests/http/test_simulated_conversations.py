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
    # Measured on 2026-12-06 with this round's grammar (seed 2026, 300 conversations, the local model): fact_missing 2,
    # fact_wrong_value 7, lender_dropped 7, lender_invented 10 before the last fixes; ceilings leave room for a model
    # trained elsewhere. The last four kinds depend on the intent a model gives a short or Cantonese message.
    "fact_missing": (6, "「使費大概2,900元」 answering the costs question after 「唔記得喎」 → the costs not kept"),
    "fact_wrong_value": (15, "「渣打張卡 花旗銀行 各欠94000塊呀」 → a third lender 張卡 makes the total 282,000 "
                             "(fixed)"),
    "lender_dropped": (12, "「小鹿钱包跟拍拍贷各66,000元」 → 小鹿钱包 not kept (fixed: 钱包 is a lender's ending)"),
    "lender_invented": (12, "「冇咗份工」 answering the lender question became a lender (fixed); "
                            "「一攻欠十一萬七千元」 → 一攻"),
    # Rasa's own fallback when no rule or story predicts the next action: none here since 「是花旗」 was fixed, but
    # which message reaches it depends on the intent a model gives, so a model trained elsewhere may hit one
    "bot_error": (3, "「是花旗」 read as a yes, the offer made, then 「抱歉，这一步我没处理好」 (fixed)"),
    "asked_again": (3, "「逾期三個多月 可唔可以幫我整個還款方案」 answered with the offer when the model's intent is "
                       "none the request net turns into ask_script"),
    "refusal": (2, "a bare 「WeLend㗎」 answering the lender question read as out of scope (fixed by the bare-name "
                   "rule)"),
    "plan_above_affordable": (3, "the month's costs not read, so the plan used the income (fixed: costs are no "
                                 "lenders)"),
    "role_confused": (2, "「而家一個月就揾4500塊」 (earning) taken as what they can pay (fixed: 揾 is earning)"),
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
