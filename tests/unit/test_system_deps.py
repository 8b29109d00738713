"""The one list of Debian packages (scripts/system-packages.txt) and the script that installs or names them
(scripts/system-deps.sh), used by `make run`, `make test`, browser-deps, prod-deps and .ci/run. Run here only
with --missing or as an unprivileged user, so no test installs anything."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from coach import exports
from serving import prod

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-deps.sh"
LIST = ROOT / "scripts" / "system-packages.txt"
GROUPS = {"run", "browser", "prod", "test"}


def entries() -> dict[str, tuple[set[str], str, str]]:
    """package → (groups, check, why)."""
    out = {}
    for raw in LIST.read_text(encoding="utf-8").splitlines():
        fields, _, why = raw.partition("#")
        if fields.strip():
            package, groups, check = fields.split()
            out[package] = (set(groups.split(",")), check, why.strip())
    return out


def deps(*args: str, packages: Path = LIST) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYSTEM_PACKAGES": str(packages)}
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


def test_every_line_names_groups_a_check_and_why() -> None:
    found = entries()
    for package, (groups, check, why) in found.items():
        assert groups <= GROUPS and "test" in groups, package  # `make test` and CI install every one
        assert re.fullmatch(r"(cmd|path):\S+", check) and why, package
    assert {p for p, (g, _, _) in found.items() if "run" in g} == {"fonts-wqy-microhei", "nodejs", "npm"}
    assert {p for p, (g, _, _) in found.items() if "browser" in g} == {"chromium", "fonts-noto-cjk"}


def test_the_list_agrees_with_the_code_that_needs_the_packages() -> None:
    found = entries()
    assert {p for p, (g, _, _) in found.items() if "prod" in g} == set(prod.PACKAGES.values())
    assert found["fonts-wqy-microhei"][1] == f"path:{exports.FONT_CANDIDATES[0]}"


def test_missing_packages_are_named_with_why_for_the_groups_asked(tmp_path: Path) -> None:
    fake = tmp_path / "packages.txt"
    fake.write_text("# a comment line\n"
                    f"there-already  run,test  path:{SCRIPT}  # present: never named\n"
                    "pdf-font  run,test  path:/nonexistent/font.ttc  # PDF downloads\n"
                    "proxy  prod,test  cmd:no-such-command-here  # the front door\n", encoding="utf-8")
    run = deps("--missing", "run", packages=fake)
    assert run.returncode == 1 and "apt-get install pdf-font\n" in run.stderr and "PDF downloads" in run.stderr
    assert "proxy" not in run.stderr and "there-already" not in run.stderr
    every = deps("--missing", packages=fake)  # no group: test, every line
    assert every.returncode == 1 and "apt-get install pdf-font proxy\n" in every.stderr
    assert "proxy: the front door" in every.stderr
    assert deps("--missing", "browser", packages=fake).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as another user")
def test_without_root_nothing_is_installed_only_named() -> None:
    """As a user who cannot apt-get (the list in a file that user can read: pytest's folders are root's alone)."""
    fd, name = tempfile.mkstemp(suffix=".txt")
    try:
        os.write(fd, b"pdf-font  run,test  path:/nonexistent/font.ttc  # PDF downloads\n")
        os.close(fd)
        os.chmod(name, 0o644)
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(SCRIPT), "run"],
            env={**os.environ, "SYSTEM_PACKAGES": name}, capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(name)
    assert result.returncode == 1 and "apt-get install pdf-font" in result.stderr and not result.stdout


def test_this_machine_is_complete_or_says_what_is_missing() -> None:
    """On the project's machines (CI, after .ci/run) nothing is missing; elsewhere the answer names packages."""
    result = deps("--missing")
    listed = set(entries())
    if result.returncode:
        named = result.stderr.split("apt-get install ", 1)[1].splitlines()[0].split()
        assert named and set(named) <= listed
    else:
        assert result.stderr == "" and result.stdout == ""
