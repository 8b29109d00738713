"""The rubric measured on labelled sets of borrower replies, each with the collector's line it answers and the case
(affordable_monthly, debt): precision and recall per item (run with -s to see the tables).

- tests/rehearsal/heldout8_replies.yml, the independent set (628 replies), by two writers who never saw the
  detectors, the learned model's training replies nor any other set, labelled before any detector read it. It is not
  in coach/rehearsal/labelled/, so the learned second opinion never trained on it. It was read once, after the last
  change to the detectors and to the learned model's training data (first reading in docs/rehearsal-rubric.md).
  Floors sit just below that reading, so a change that makes any item worse on replies no one trained on fails.
- coach/rehearsal/labelled/*.yml: the earlier sets (nine read once as the independent measure, then used to
  improve the cues; three written to tune them), now the learned model's training data. They only catch a detector
  that breaks (DEV_FLOOR per item).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.rehearsal.learned import LABELLED
from coach.rehearsal.rubric import ITEMS, read_reply

HERE = Path(__file__).resolve().parents[1] / "rehearsal"
ELEVENTH = HERE / "heldout8_replies.yml"
FIRST = LABELLED / "borrower_replies.yml"
SECOND = LABELLED / "fresh_replies.yml"
THIRD = LABELLED / "heldout_replies.yml"
FOURTH = LABELLED / "heldout2_replies.yml"
FIFTH = LABELLED / "heldout3_replies.yml"
SIXTH = LABELLED / "heldout4_replies.yml"
EIGHTH = LABELLED / "heldout5_replies.yml"
NINTH = LABELLED / "heldout6_replies.yml"
TENTH = LABELLED / "heldout7_replies.yml"
DEV = LABELLED / "dev_replies.yml"
DEV4 = LABELLED / "dev4_replies.yml"
DEV5 = LABELLED / "dev5_replies.yml"
INDEPENDENT_BEFORE = (FIRST, SECOND, THIRD, FOURTH, FIFTH, SIXTH, EIGHTH, NINTH, TENTH)
WRITTEN_FOR_TUNING = (DEV, DEV4, DEV5)
DEVELOPMENT = (*INDEPENDENT_BEFORE, *WRITTEN_FOR_TUNING)
INDEPENDENT = (ELEVENTH,)

# (precision, recall) floors on the independent set, just below its first reading (docs/rehearsal-rubric.md).
FLOORS = {
    ELEVENTH: {
        "identity_checked": (0.96, 0.99),
        "hardship_stated": (0.93, 0.93),
        "offer_concrete": (0.97, 0.90),
        "lump_sum_countered": (0.94, 0.97),
        "written_confirmation": (0.97, 0.97),
        "official_account_only": (0.99, 0.99),
        "violation_named": (0.97, 0.97),
        "secret_given": (0.97, 0.99),
        "personal_account_accepted": (0.99, 0.97),
        "promise_under_pressure": (0.96, 0.96),
        "offer_above_means": (0.92, 0.91),
        "abusive": (0.99, 0.92),
    },
}
MICRO_FLOOR = {ELEVENTH: (0.965, 0.955)}
DEV_FLOOR = 0.85  # per item, precision and recall, on each development set
# The ninth set's writers did not count agreeing to a platform's 「先转」 into a personal account as an offer above the
# means; most of its offer_above_means false alarms are that convention (docs/rehearsal-rubric.md).
DEV_EXCEPTIONS = {NINTH: {"offer_above_means": 0.80}}


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        pytest.skip(f"{path.name} is not there")
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def measure(path: Path, learned_opinion: bool = True) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per item, each reply read with its collector's line."""
    data = _load(path)
    counts = {item: [0, 0, 0] for item in ITEMS}
    for row in data["replies"]:
        case = data["cases"][row["case"]]
        found = read_reply(str(row["reply"]), case, row.get("collector"), learned_opinion=learned_opinion)
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


@pytest.mark.parametrize("path", INDEPENDENT)
def test_independent_sets_per_item(path: Path) -> None:
    measured = figures(measure(path))
    low = {item: measured[item] for item, (p, r) in FLOORS[path].items()
           if measured[item][0] < p or measured[item][1] < r}
    assert not low, low
    micro = MICRO_FLOOR[path]
    assert measured["micro"][0] >= micro[0] and measured["micro"][1] >= micro[1], measured["micro"]


def test_the_learned_opinion_adds_what_the_cues_miss_on_replies_it_never_saw() -> None:
    """The learned second opinion is kept only because it reads the independent sets better than the cues alone:
    recall over all items up, precision not down."""
    for path in INDEPENDENT:
        alone, both = measure(path, learned_opinion=False), measure(path)
        tp0, fp0, fn0 = (sum(v[i] for v in alone.values()) for i in range(3))
        tp1, fp1, fn1 = (sum(v[i] for v in both.values()) for i in range(3))
        assert tp1 / (tp1 + fn1) > tp0 / (tp0 + fn0) and tp1 / (tp1 + fp1) >= tp0 / (tp0 + fp0) - 0.002, path.name


def test_the_learned_model_trains_on_the_development_sets_only() -> None:
    assert {path.name for path in LABELLED.glob("*.yml")} == {path.name for path in DEVELOPMENT}


@pytest.mark.parametrize("path", DEVELOPMENT)
def test_development_sets_per_item(path: Path) -> None:
    measured = figures(measure(path))
    floor = DEV_EXCEPTIONS.get(path, {})
    low = {item: pr for item, pr in measured.items() if min(pr) < floor.get(item, DEV_FLOOR)}
    assert not low, low


def test_every_item_has_a_floor() -> None:
    assert all(set(floors) == set(ITEMS) for floors in FLOORS.values())


@pytest.mark.parametrize("path", [*INDEPENDENT, *DEVELOPMENT])
def test_every_labelled_item_is_a_rubric_item_and_every_reply_has_its_collectors_line(path: Path) -> None:
    data = _load(path)
    assert {label for row in data["replies"] for label in row.get("labels") or []} <= set(ITEMS)
    assert all(row.get("collector") for row in data["replies"])
    assert all(row["case"] in data["cases"] for row in data["replies"])


def _length(reply: str) -> int:
    """Characters without the spaces (a space in a chat reply stands for a comma)."""
    return len(re.sub(r"\s", "", reply))


def test_the_sets_share_no_reply() -> None:
    """The sets are written apart: no reply of an independent set is in another set or in the learned model's
    training data, nor of the first independent sets in the sets written for tuning."""
    paths = (*INDEPENDENT, *DEVELOPMENT)
    replies = {path: {str(row["reply"]).strip() for row in _load(path)["replies"]} for path in paths}
    # replies of up to twelve characters (「好的」「分24期好了」「好 我去问问朋友」) are what anyone writes: writers who
    # could not see each other's sets produced such lines word for word; they say nothing about copying
    shared = []
    for path in INDEPENDENT:
        others = set().union(*(replies[p] for p in paths if p != path))
        shared += sorted(r for r in replies[path] & others if _length(r) > 12)
    independent = set().union(*(replies[path] for path in INDEPENDENT_BEFORE))
    tuning = set().union(*(replies[path] for path in WRITTEN_FOR_TUNING))
    shared += sorted(r for r in independent & tuning if _length(r) > 12)
    assert not shared, shared
