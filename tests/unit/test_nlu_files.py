"""The layout of the NLU training data: one file per intent under data/nlu/intents/ (named after the intent), the
lender lookup table and synonyms outside it. A writer adding examples finds an intent's whole set in one place,
and a sentence filed under two intents (a contradiction the classifier cannot learn) is caught here."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import yaml
from rasa.shared.nlu.training_data.loading import load_data

from coach.zh.normalizer import normalize

ROOT = Path(__file__).resolve().parents[2]
NLU = ROOT / "data" / "nlu"
INTENTS_DIR = NLU / "intents"
CONTRACT = ROOT / "knowledge" / "intents.md"


def contract_intents() -> set[str]:
    """The intent names of the table in knowledge/intents.md (the team's intent contract)."""
    names = re.findall(r"^\| ([a-z_]+) \|", CONTRACT.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return set(names) - {"intent"}


def entries(path: Path) -> list[dict]:
    """The top-level items under `nlu:` of one training file."""
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []


def example_lines(item: dict) -> list[str]:
    """The examples of one item as written, annotations included."""
    return [line.strip()[2:] for line in str(item.get("examples") or "").splitlines() if line.strip().startswith("- ")]


def plain(text: str) -> str:
    """An example without entity markup ([招行]{"entity": ...} or [招行](lender)), as Rasa keeps its text."""
    return re.sub(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))", r"\1", text)


@lru_cache(maxsize=1)
def examples_by_file() -> dict[str, list[tuple[str, str]]]:
    """(intent, example) pairs of every training file, keyed by its path under data/nlu."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(NLU.rglob("*.yml")):
        out[str(path.relative_to(NLU))] = [(item["intent"], text) for item in entries(path) if "intent" in item
                                           for text in example_lines(item)]
    return out


def test_every_intent_of_the_contract_has_its_own_file_and_no_other_intent_has_one() -> None:
    files = {p.stem for p in INTENTS_DIR.glob("*.yml")}
    assert files == contract_intents()
    assert not [p for p in INTENTS_DIR.rglob("*") if p.is_file() and p.suffix != ".yml"]


def test_a_file_under_intents_holds_only_the_intent_it_is_named_after() -> None:
    for path in sorted(INTENTS_DIR.glob("*.yml")):
        items = entries(path)
        assert items, path
        assert {next(iter(item)) for item in items} == {"intent"}, f"{path.name}: only intent blocks belong here"
        assert {item["intent"] for item in items} == {path.stem}, path.name
        assert all(example_lines(item) for item in items), f"{path.name}: an empty block"


def test_intent_examples_live_only_under_intents_and_lookups_and_synonyms_only_outside() -> None:
    for path in sorted(NLU.rglob("*.yml")):
        kinds = {next(iter(item)) for item in entries(path)}
        if path.parent == INTENTS_DIR:
            assert kinds == {"intent"}, path
        else:
            assert "intent" not in kinds, f"{path.relative_to(NLU)}: intent examples belong in intents/<intent>.yml"
    registry = {next(iter(item)) for item in entries(NLU / "lenders.yml")}
    assert registry == {"synonym", "lookup"}


def test_no_example_is_written_twice() -> None:
    counts = Counter(plain(text) for pairs in examples_by_file().values() for _, text in pairs)
    assert [text for text, n in counts.items() if n > 1] == []


def test_no_sentence_is_filed_under_two_intents_even_after_normalising() -> None:
    """Simplified/Traditional or spacing variants of one sentence may both be kept, but only under one intent."""
    intents: dict[str, set[str]] = defaultdict(set)
    for pairs in examples_by_file().values():
        for intent, text in pairs:
            intents[normalize(plain(text))].add(intent)
    assert {text: found for text, found in intents.items() if len(found) > 1} == {}


def test_rasa_reads_from_each_file_exactly_the_examples_written_there() -> None:
    """Rasa's own loader on the folder (as `rasa train --data data` reads it) gives every intent the examples of
    its file and nothing else: no YAML slip moves a sentence elsewhere or drops it."""
    data = load_data(str(NLU))
    loaded = Counter((m.get("intent"), m.get("text")) for m in data.intent_examples)
    written = Counter((intent, plain(text)) for pairs in examples_by_file().values() for intent, text in pairs)
    assert loaded == written
    assert set(data.intents) == contract_intents()
    assert data.lookup_tables and data.entity_synonyms
