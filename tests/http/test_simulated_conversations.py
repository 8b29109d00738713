"""300 simulated conversations (sim/, seed fixed) against the real servers: zero violations of each invariant.

Kinds that still fail are listed in KNOWN_FAILING with an example; their test is an expected failure that must
still fail (strict): when a cause is fixed the test reports it, and the entry is removed. Full runs and the
report: `python -m sim.run` (docs/simulator.md)."""

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

# kind → an example of what fails today (message 「…」 → what the bot did). Remove an entry once its cause is fixed.
KNOWN_FAILING: dict[str, str] = {
    "fact_missing": "「我每個月最多還到1,900元」 → affordable_monthly none (thousands separator); "
                    "「月收入15,500元左右」 → monthly_income none",
    "fact_wrong_value": "「有这几笔 微信微粒贷 100,000元，还有光大欠103000块」 → 微粒贷 100 元; "
                        "「更正一下 是45000」 (staff) → debt_amount stays 67,000",
    "role_confused": "「收數話要我今日還1萬2」 → affordable_monthly 12,000 (a collector's demand); "
                     "「本来一期4600」 → affordable 4,600 (the old 月供)",
    "lender_dropped": "「中银跟微粒贷各11.9w」 → only 微粒贷 kept; "
                      "「我算了下 玉山67000，快易花欠96,000元」 → 快易花 lost",
    "bot_error": "「是花旗」 (Taiwan, first message) → 「抱歉，这一步我没处理好」 after the facts line",
    "plan_above_affordable": "「本来一期1800」 after 「每月能还1500」 → 每月最多 1,800 元 "
                             "(the old 月供 as the budget)",
    "evidence_log_spurious": "「間公司執笠 我俾人炒咗」 (lost my job) and 「收數公司可唔可以打俾我屋企人」 "
                             "(a question) → logged as collector contacts",
    "wrong_region": "「欠花旗嘅呀」 (Hong Kong, no script-distinct character) → script simplified",
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
        if count == 0:
            pytest.fail(f"{kind} no longer fails: remove it from KNOWN_FAILING ({KNOWN_FAILING[kind]})")
        pytest.xfail(f"{count} × {kind}, known: {KNOWN_FAILING[kind]}\n{_examples(report, kind)}")
    assert count == 0, f"{count} × {kind} ({KINDS[kind]}):\n{_examples(report, kind)}"
