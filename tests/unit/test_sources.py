"""The project's copies of the team's shared files (knowledge/): the repository stands alone, and a copy that has
fallen behind the shared file is noticed where the shared file is at hand (beside the repository, as on the team's
machines); elsewhere (a clone on its own) only the copies themselves are checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
SHARED = ROOT.parent / "shared"
# knowledge/<copy> ← shared/<original>
COPIES = {"sources.md": "domain/facts.md", "lender_entities.yml": "domain/lender_entities.yml",
          "intents.md": "intents.md"}
HEADER_END = re.compile(r"^.*end of the project's header.*\n\n?", re.M)


def body(copy: str) -> str:
    """The copy without the project's header: the shared file as it was copied."""
    text = (KNOWLEDGE / copy).read_text(encoding="utf-8")
    found = HEADER_END.search(text)
    assert found, f"knowledge/{copy} has lost its header"
    return text[found.end():]


@pytest.mark.parametrize("copy", sorted(COPIES))
def test_copy_says_what_it_is(copy: str) -> None:
    header = (KNOWLEDGE / copy).read_text(encoding="utf-8")[:800]
    assert "project's copy" in header and COPIES[copy].split("/")[-1] in header
    assert re.search(r"copied \d{4}-\d\d-\d\d", header), "the date it was copied"


def test_sources_keeps_marks_and_sections() -> None:
    text = body("sources.md")
    assert text.startswith("# 中国大陆债务催收与借款人权益")
    assert all(mark in text for mark in ("[V]", "[S]", "[X]"))
    assert [int(n) for n in re.findall(r"^## (\d+)\.", text, re.M)] == list(range(14))


def test_lender_entities_parse() -> None:
    data = yaml.safe_load((KNOWLEDGE / "lender_entities.yml").read_text(encoding="utf-8"))
    assert data["brands"] and all({"brand", "kind", "lenders", "mark"} <= set(b) for b in data["brands"])


def test_intent_list_is_the_domains() -> None:
    """The 24 intents of knowledge/intents.md are the ones the domain declares (docs/CONVENTIONS.md)."""
    listed = set(re.findall(r"^\| ([a-z_]+) \|", body("intents.md"), re.M)) - {"intent"}  # not the heading
    declared: set[str] = set()
    for path in (ROOT / "domain").glob("*.yml"):
        declared |= {i if isinstance(i, str) else next(iter(i))
                     for i in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents") or []}
    assert len(listed) == 24 and listed <= declared, listed - declared


@pytest.mark.parametrize("copy", sorted(COPIES))
def test_copy_matches_the_shared_file(copy: str) -> None:
    """New facts go into the team's shared file first; this says when the copy here needs them too."""
    shared = SHARED / COPIES[copy]
    if not shared.is_file():
        pytest.skip(f"no {shared} beside the repository (a clone on its own): nothing to compare with")
    assert body(copy) == shared.read_text(encoding="utf-8"), (
        f"{shared} has changed since it was copied: copy it to knowledge/{copy} (keep the header, update its date)")
