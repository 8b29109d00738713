"""The rubric measured on two labelled sets of borrower replies, each with the collector's line it answers and
the case (affordable_monthly, debt): precision and recall per item (run with -s to see the tables).

- tests/rehearsal/borrower_replies.yml, the independent set: written by someone else before the detectors, never
  used to tune them (no sentence copied or paraphrased). The floors sit just below what was measured on it, per
  item, so a change that makes any item worse fails here.
- tests/rehearsal/fresh_replies.yml, a second independent set by another writer, labelled before the detectors
  read it; measured once, never used for tuning.
- tests/rehearsal/dev_replies.yml, the development set the detectors were tuned on: its figures say little about
  new replies, its floors only catch a detector that breaks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.rehearsal.rubric import ITEMS, read_reply

HERE = Path(__file__).resolve().parents[1] / "rehearsal"
INDEPENDENT = HERE / "borrower_replies.yml"
DEV = HERE / "dev_replies.yml"

# (precision, recall) floors on the independent set, just below the measured figures (docs/rehearsal-rubric.md).
FLOORS = {
    "identity_checked": (0.98, 0.95),
    "hardship_stated": (0.96, 0.87),
    "offer_concrete": (0.94, 0.95),
    "lump_sum_countered": (0.95, 0.98),
    "written_confirmation": (0.91, 0.88),
    "official_account_only": (0.98, 0.91),
    "violation_named": (0.95, 0.95),
    "secret_given": (0.98, 0.89),
    "personal_account_accepted": (0.93, 0.86),
    "offer_above_means": (0.82, 0.91),
    "promise_under_pressure": (0.84, 0.78),
    "abusive": (0.98, 0.90),
}
MICRO_FLOOR = (0.93, 0.91)
# The second independent set (tests/rehearsal/fresh_replies.yml, 304 replies by another writer, labelled before
# any detector read them): floors just below its first reading. Its hardship precision is low because its writer
# did not count a bare 「还不了」「没钱」 as a hardship stated, while the other two sets and the detector do
# (docs/rehearsal-rubric.md).
FRESH = HERE / "fresh_replies.yml"
FRESH_FLOORS = {
    "identity_checked": (0.98, 0.88),
    "hardship_stated": (0.49, 0.85),
    "offer_concrete": (0.91, 0.92),
    "lump_sum_countered": (0.85, 0.89),
    "written_confirmation": (0.89, 0.93),
    "official_account_only": (0.98, 0.88),
    "violation_named": (0.98, 0.93),
    "secret_given": (0.98, 0.88),
    "personal_account_accepted": (0.92, 0.83),
    "offer_above_means": (0.81, 0.86),
    "promise_under_pressure": (0.86, 0.92),
    "abusive": (0.98, 0.98),
}
DEV_FLOOR = 0.95  # per item, precision and recall


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


def test_independent_set_per_item() -> None:
    measured = figures(measure(INDEPENDENT))
    low = {item: measured[item] for item, (p, r) in FLOORS.items()
           if measured[item][0] < p or measured[item][1] < r}
    assert not low, low
    assert measured["micro"][0] >= MICRO_FLOOR[0] and measured["micro"][1] >= MICRO_FLOOR[1], measured["micro"]


def test_second_independent_set_per_item() -> None:
    measured = figures(measure(FRESH))
    low = {item: measured[item] for item, (p, r) in FRESH_FLOORS.items()
           if measured[item][0] < p or measured[item][1] < r}
    assert not low, low


def test_development_set_per_item() -> None:
    measured = figures(measure(DEV))
    low = {item: pr for item, pr in measured.items() if min(pr) < DEV_FLOOR}
    assert not low, low


def test_every_item_has_a_floor() -> None:
    assert set(FLOORS) == set(ITEMS) == set(FRESH_FLOORS)


@pytest.mark.parametrize("path", [INDEPENDENT, FRESH, DEV])
def test_every_labelled_item_is_a_rubric_item_and_every_reply_has_its_collectors_line(path: Path) -> None:
    data = _load(path)
    assert {label for row in data["replies"] for label in row.get("labels") or []} <= set(ITEMS)
    assert all(row.get("collector") for row in data["replies"])
    assert all(row["case"] in data["cases"] for row in data["replies"])


def test_the_two_sets_share_no_reply() -> None:
    """The development set is written apart from the independent one: no reply of one is in the other."""
    independent = {str(row["reply"]).strip() for row in _load(INDEPENDENT)["replies"]}
    fresh = {str(row["reply"]).strip() for row in _load(FRESH)["replies"]}
    dev = {str(row["reply"]).strip() for row in _load(DEV)["replies"]}
    # replies of a few characters (「好的」「分6期吧」) are what anyone writes; they say nothing about copying
    shared = sorted(r for r in (independent | fresh) & dev if len(r) > 5)
    assert not shared, shared
