"""The import contracts of `make lint` (pyproject.toml [tool.importlinter]) hold on this tree and break when the
core imports Rasa, an adapter imports another adapter, or runtime code imports a tool: each case is run on a copy
of the packages with one import added."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach.audience import audience_of

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("actions", "bench", "channels", "coach", "components", "evaluation", "serving", "sim")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-logo", "--no-cache", "--config", str(tree / "pyproject.toml")],
                          cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "*.yml", "*.j2"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_contracts_hold_on_this_tree(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("coach/plan.py", "import rasa.core.agent", "The core (coach/) imports no Rasa"),
    ("coach/zh/numbers.py", "import sanic", "The core (coach/) imports no Rasa"),
    ("coach/drafting.py", "import actions.steps", "The core (coach/) imports no Rasa"),
    ("actions/evidence.py", "import channels.history", "The adapters stand side by side"),
    ("channels/history.py", "import components.nlu", "The adapters stand side by side"),
    ("channels/rest.py", "import bench.common", "Runtime code never imports the tools"),
    ("coach/letters.py", "import evaluation.nlu", "Runtime code never imports the tools"),
    ("actions/steps.py", "import rasa.core.agent", "actions/ imports no Rasa Open Source"),
])
def test_one_wrong_import_breaks_its_contract(tree: Path, module: str, line: str, contract: str) -> None:
    path = tree / module
    original = path.read_text(encoding="utf-8")
    path.write_text(f"{line}\n{original}", encoding="utf-8")
    try:
        result = _lint(tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


def test_only_the_staff_channel_makes_a_staff_message() -> None:
    assert audience_of("staff", {"audience": "staff"}) == "staff"
    assert audience_of("staff", {}) == "borrower"
    assert audience_of("staff", None) == "borrower"
    for channel in ("rest", "socketio", "wecom", "line", "whatsapp", "cmdline", None, "Staff", "staff "):
        assert audience_of(channel, {"audience": "staff"}) == "borrower"
