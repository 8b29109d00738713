"""A learned second opinion beside the rubric's word cues.

The cues in rubric.py are precise on the replies they were written from and miss new ways of saying the same
thing. A small text classifier per item (character n-grams of the reply and of the collector's line it answers,
logistic regression), trained on the labelled replies in ``labelled/``, corrects them in two ways only:

- it **adds** an item the cues missed when it is very sure (probability above ``ADD_ABOVE``);
- it **removes** an item the cues found when it is very sure it is not there (below ``VETO_BELOW``), except for the
  mistakes the coach must never miss (``NEVER_VETOED``: a code or an account given away, a promise under
  pressure, insults): a false alarm there costs a line of feedback, a miss costs money.

Items that turn on arithmetic (an offer and whether it is above the means) stay with the cues alone.
Training is deterministic (same files, same model) and takes a few seconds once per process; nothing is
downloaded. docs/rehearsal-rubric.md has the measurements that chose this combination.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import yaml

LABELLED = Path(__file__).resolve().parent / "labelled"
LEARNED_ITEMS = ("identity_checked", "hardship_stated", "lump_sum_countered", "written_confirmation",
                 "official_account_only", "violation_named", "secret_given", "personal_account_accepted",
                 "promise_under_pressure", "abusive")
NEVER_VETOED = frozenset({"secret_given", "personal_account_accepted", "promise_under_pressure", "abusive"})
ADD_ABOVE = 0.95
VETO_BELOW = 0.10


@dataclass(frozen=True)
class Example:
    reply: str
    collector: str
    labels: frozenset[str]


def labelled_examples(paths: Iterable[Path] | None = None) -> list[Example]:
    """Every labelled reply in ``paths`` (default: all files in ``labelled/``)."""
    out: list[Example] = []
    for path in sorted(paths if paths is not None else LABELLED.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for row in data.get("replies") or []:
            out.append(Example(str(row.get("reply") or ""), str(row.get("collector") or ""),
                               frozenset(row.get("labels") or [])))
    return out


class ReplyModel:
    """One logistic regression per item over character n-grams (1–3 of the reply, 1–2 of the collector's line)."""

    def __init__(self, examples: list[Example], normalise: Callable[[str], str]) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._normalise = normalise
        self._hstack = hstack
        self._replies = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
        self._collectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), min_df=3, sublinear_tf=True,
                                           max_features=3000)
        features = hstack([self._replies.fit_transform([normalise(e.reply) for e in examples]),
                           self._collectors.fit_transform([normalise(e.collector) for e in examples])]).tocsr()
        self._models: dict[str, Any] = {}
        for item in LEARNED_ITEMS:
            labels = [item in e.labels for e in examples]
            if any(labels) and not all(labels):
                self._models[item] = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(
                    features, labels)

    def probabilities(self, reply: str, collector: str = "") -> dict[str, float]:
        features = self._hstack([self._replies.transform([self._normalise(reply)]),
                                 self._collectors.transform([self._normalise(collector)])]).tocsr()
        return {item: float(model.predict_proba(features)[0, 1]) for item, model in self._models.items()}


_lock = threading.Lock()
_fitted: dict[Callable[[str], str], ReplyModel | None] = {}


def model(normalise: Callable[[str], str]) -> ReplyModel | None:
    """The model trained on ``labelled/`` (once per process), or None when there is nothing to train on."""
    with _lock:
        if normalise not in _fitted:
            examples = labelled_examples()
            _fitted[normalise] = ReplyModel(examples, normalise) if examples else None
        return _fitted[normalise]


def second_opinion(found: set[str], probabilities: Mapping[str, float]) -> set[str]:
    """The cues' items corrected by the model's probabilities (see the module's docstring)."""
    out = set(found)
    for item, p in probabilities.items():
        if item not in out and p > ADD_ABOVE:
            out.add(item)
        elif item in out and p < VETO_BELOW and item not in NEVER_VETOED:
            out.discard(item)
    if "personal_account_accepted" in out:
        out.discard("official_account_only")  # paying a person's account is not insisting on the official one
    return out
