"""The rubric measured on labelled sets of borrower replies, each with the collector's line it answers and the case
(affordable_monthly, debt): precision and recall per item (run with -s to see the tables).

- tests/rehearsal/heldout5_replies.yml, the independent set: 620 replies by a writer who never saw the detectors
  nor the other sets' replies, labelled before any detector read them; measured once, never used for tuning. Its
  floors sit just below that first reading, so a change that makes any item worse on replies no one tuned on fails.
- tests/rehearsal/borrower_replies.yml, fresh_replies.yml, heldout_replies.yml, heldout2_replies.yml,
  heldout3_replies.yml and heldout4_replies.yml: the first six independent sets. Each was read once as the
  independent measure, then its misses were used to improve the detectors, so they are development sets now.
- tests/rehearsal/dev_replies.yml, dev4_replies.yml and dev5_replies.yml, the sets written to tune the detectors.
Development sets only catch a detector that breaks (DEV_FLOOR per item).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.rehearsal.rubric import ITEMS, read_reply

HERE = Path(__file__).resolve().parents[1] / "rehearsal"
HELDOUT = HERE / "heldout5_replies.yml"
FIRST = HERE / "borrower_replies.yml"
SECOND = HERE / "fresh_replies.yml"
THIRD = HERE / "heldout_replies.yml"
FOURTH = HERE / "heldout2_replies.yml"
FIFTH = HERE / "heldout3_replies.yml"
SIXTH = HERE / "heldout4_replies.yml"
DEV = HERE / "dev_replies.yml"
DEV4 = HERE / "dev4_replies.yml"
DEV5 = HERE / "dev5_replies.yml"
INDEPENDENT_BEFORE = (FIRST, SECOND, THIRD, FOURTH, FIFTH, SIXTH)
WRITTEN_FOR_TUNING = (DEV, DEV4, DEV5)
DEVELOPMENT = (*INDEPENDENT_BEFORE, *WRITTEN_FOR_TUNING)

# (precision, recall) floors on the held-out set, just below its first reading (docs/rehearsal-rubric.md).
FLOORS = {
    "identity_checked": (0.88, 0.90),
    "hardship_stated": (0.93, 0.86),
    "offer_concrete": (0.98, 0.93),
    "lump_sum_countered": (0.95, 0.94),
    "written_confirmation": (0.95, 0.95),
    "official_account_only": (0.86, 0.88),
    "violation_named": (0.97, 0.95),
    "secret_given": (0.99, 0.88),
    "personal_account_accepted": (0.93, 0.93),
    "promise_under_pressure": (0.89, 0.88),
    "offer_above_means": (0.95, 0.88),
    "abusive": (0.96, 0.88),
}
MICRO_FLOOR = (0.94, 0.91)
DEV_FLOOR = 0.85  # per item, precision and recall, on each development set


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        pytest.skip(f"{path.name} is not there")
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def measure(path: Path) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per item, each reply read with its collector's line."""
    data = _load(path)
    counts = {item: [0, 0, 0] for item in ITEMS}
    for row in data["replies"]:
        case = data["cases"][row["case"]]
        found = read_reply(str(row["reply"]), case, row.get("collector"))
        labels = set(row.get("labels") or [])
        for item in ITEMS:
            if item in found and item in labels:
                counts[item][0] += 1
            elif item in found:
                counts[item][1] += 1
            elif item in labels:
                counts[item][2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def figures(table: dict[str, tuple[int, int, int]]) -> dict[str, tuple[float, float]]:
    """(precision, recall) per item and ``micro`` over all items together; the table is printed."""
    out = {item: (_ratio(tp, tp + fp), _ratio(tp, tp + fn)) for item, (tp, fp, fn) in table.items()}
    tp, fp, fn = (sum(v[i] for v in table.values()) for i in range(3))
    out["micro"] = (_ratio(tp, tp + fp), _ratio(tp, tp + fn))
    print(f"\n{'item':28} {'P':>6} {'R':>6}  tp fp fn")
    for item, (t, f, n) in [*table.items(), ("micro", (tp, fp, fn))]:
        print(f"{item:28} {out[item][0]:6.2f} {out[item][1]:6.2f}  {t:2} {f:2} {n:2}")
    return out


def test_held_out_set_per_item() -> None:
    measured = figures(measure(HELDOUT))
    low = {item: measured[item] for item, (p, r) in FLOORS.items()
           if measured[item][0] < p or measured[item][1] < r}
    assert not low, low
    assert measured["micro"][0] >= MICRO_FLOOR[0] and measured["micro"][1] >= MICRO_FLOOR[1], measured["micro"]


@pytest.mark.parametrize("path", DEVELOPMENT)
def test_development_sets_per_item(path: Path) -> None:
    measured = figures(measure(path))
    low = {item: pr for item, pr in measured.items() if min(pr) < DEV_FLOOR}
    assert not low, low


def test_every_item_has_a_floor() -> None:
    assert set(FLOORS) == set(ITEMS)


@pytest.mark.parametrize("path", [HELDOUT, *DEVELOPMENT])
def test_every_labelled_item_is_a_rubric_item_and_every_reply_has_its_collectors_line(path: Path) -> None:
    data = _load(path)
    assert {label for row in data["replies"] for label in row.get("labels") or []} <= set(ITEMS)
    assert all(row.get("collector") for row in data["replies"])
    assert all(row["case"] in data["cases"] for row in data["replies"])


def _length(reply: str) -> int:
    """Characters without the spaces (a space in a chat reply stands for a comma)."""
    return len(re.sub(r"\s", "", reply))


def test_the_two_sets_share_no_reply() -> None:
    """The sets are written apart: no reply of the held-out set is in another, nor of the first three independent
    sets in the sets written for tuning."""
    replies = {path: {str(row["reply"]).strip() for row in _load(path)["replies"]} for path in (HELDOUT, *DEVELOPMENT)}
    others = set().union(*(replies[path] for path in DEVELOPMENT))
    # replies of up to twelve characters (「好的」「分24期好了」「好 我去问问朋友」) are what anyone writes: writers who
    # could not see each other's sets produced eight such lines word for word; they say nothing about copying
    shared = sorted(r for r in replies[HELDOUT] & others if _length(r) > 12)
    independent = set().union(*(replies[path] for path in INDEPENDENT_BEFORE))
    tuning = set().union(*(replies[path] for path in WRITTEN_FOR_TUNING))
    shared += sorted(r for r in independent & tuning if _length(r) > 12)
    assert not shared, shared
