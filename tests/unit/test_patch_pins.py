"""Every patch is pinned to the Rasa it was written against (serving.patches.pinned): the sha256 of the source of
each Rasa function it replaces or wraps is the recorded one, and on another Rasa version, or with another source,
no patch installs."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil

import pytest
import rasa

from serving import patches
from serving.patches import pinned, turn_switch

PATCHES = ["action_server_guard", "action_response_check", "event_types", "graph_runner", "strict_tracker_store",
           "server_hardening", "trusted_audience"]


@pytest.fixture(autouse=True)
def every_patch_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(turn_switch.STOCK_TURN_ENV, raising=False)
    monkeypatch.delenv("DEBT_COACH_STOCK_ACTION_CHECK", raising=False)


def test_every_patch_and_the_store_class_are_pinned() -> None:
    # http_framing patches Sanic, not Rasa, and pins Sanic itself (PINNED_SANIC, SANIC_SOURCES)
    modules = {name for _, name, _ in pkgutil.iter_modules(patches.__path__)} - {"pinned", "turn_switch",
                                                                                 "http_framing"}
    assert modules == set(PATCHES), "a patch module must be pinned (serving/patches/pinned.py) and listed here"
    assert set(pinned.SOURCES) == set(PATCHES) | {"serving.stores.CoachSQLTrackerStore"}, \
        "a patch module without pinned Rasa sources (or a pin without its patch)"
    assert rasa.__version__ == pinned.RASA_VERSION == "3.6.21"


@pytest.mark.parametrize("patch", [*PATCHES, "serving.stores.CoachSQLTrackerStore"])
def test_the_rasa_functions_a_patch_replaces_have_the_recorded_source(patch: str) -> None:
    for path, recorded in pinned.SOURCES[patch].items():
        text = pinned.source(path)
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == recorded, (
            f"{path} changed: review {pinned.who(patch)} against it, then update serving/patches/pinned.py")
        assert text.lstrip().startswith(("def ", "async def ", "@")), path
    assert pinned.changed(patch) == []


def test_the_hashed_text_is_what_inspect_getsource_gives() -> None:
    """For a replaced function without a kept original (``rasa.server.configure_cors``) the text is read from
    Rasa's file; it must be the same text inspect.getsource gives for the functions still reachable."""
    checked = 0
    for paths in pinned.SOURCES.values():
        for path in paths:
            module, names = pinned._split(path)
            owner = module
            for name in names[:-1]:
                owner = getattr(owner, name)
            function = pinned._unwrapped(owner, names[-1])
            if (function.__module__, function.__qualname__) == (module.__name__, ".".join(names)):
                assert pinned._source_from_file(module, names) == inspect.getsource(function) == pinned.source(path)
                checked += 1
    assert checked >= 12


@pytest.mark.parametrize("patch", PATCHES)
def test_a_patch_refuses_another_rasa_version(patch: str, monkeypatch: pytest.MonkeyPatch) -> None:
    patches.install()  # installed already: the check still runs first
    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    install = importlib.import_module(f"serving.patches.{patch}").install
    if patch in ("server_hardening", "trusted_audience"):
        install = patches.install  # their modules are checked by serving.patches.install()
    with pytest.raises(pinned.RasaNotPinned, match=r"written for Rasa 3\.6\.21, but Rasa 3\.6\.22 is installed"):
        install()


@pytest.mark.parametrize("patch", PATCHES)
def test_a_patch_refuses_a_changed_rasa_function(patch: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same version number, other code (a hand-edited install, a fork): refused, naming the function."""
    changed = next(iter(pinned.SOURCES[patch]))
    real = pinned.source
    monkeypatch.setattr(pinned, "source", lambda path: real(path) + ("    pass\n" if path == changed else ""))
    with pytest.raises(pinned.RasaNotPinned, match=changed.replace(".", r"\.")):
        pinned.require(patch)
    if patch not in ("server_hardening", "trusted_audience"):
        with pytest.raises(pinned.RasaNotPinned, match=f"serving.patches.{patch}"):
            importlib.import_module(f"serving.patches.{patch}").install()
    with pytest.raises(pinned.RasaNotPinned):
        patches.install()
