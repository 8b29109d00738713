"""The Rasa code every patch replaces or wraps, pinned: the version and a hash of each function's source.

A patch copies or wraps a function of Rasa 3.6.21 as it was read; on another Rasa (or the same version number
with different code, e.g. a hand-edited install) it would silently replace code nobody has checked against it.
So each patch's ``install()`` first calls ``require(<patch name>)``, and ``serving.stores.CoachSQLTrackerStore``
(which copies three statements of Rasa's ``SQLTrackerStore``) does the same when it uses them: Rasa's version
must be ``RASA_VERSION`` and the sha256 of ``inspect.getsource`` of every Rasa function listed in ``SOURCES``
must be the one recorded here; otherwise the server does not start, with a message saying what differs.

After upgrading Rasa: read each listed function's new source against its patch, fix the patch (or drop it),
then update ``RASA_VERSION`` and the hashes (``python -m serving.patches.pinned`` prints them).
tests/unit/test_patch_pins.py checks every patch against the installed Rasa.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import linecache
import sys
from typing import Any

RASA_VERSION = "3.6.21"

# patch name (or the dotted name of a class that copies Rasa code) -> {dotted path of a Rasa function it
# replaces, wraps or copies -> sha256 of its source}
SOURCES: dict[str, dict[str, str]] = {
    "serving.stores.CoachSQLTrackerStore": {  # its three statements copy these; it rebuilds the engine __init__ made
        "rasa.core.tracker_store.SQLTrackerStore.__init__":
            "64e704d159dfa35b86175cccdc9d08b05cbf91b2e0779bccf115671106ad9314",
        "rasa.core.tracker_store.SQLTrackerStore._retrieve":
            "c8adbf6f4b61ddd1124690944ebdf2ebc82d0723bd07c6704caab0b80120a0ef",
        "rasa.core.tracker_store.SQLTrackerStore._event_query":
            "cd44f7901b860bfd598a813bde17d0d5b0d7bab129feaf76bb2dca87d628625b",
        "rasa.core.tracker_store.SQLTrackerStore.save":
            "57165e46eab3de0866e77f03df0bf7fd5eac2c1de617ed431b934c9a4edfeef6",
        "rasa.core.tracker_store.SQLTrackerStore._additional_events":
            "d22f99eb863acb07afee63d9fe3a04ca8464251e67a43eb7d36c2d65ffc1653f",
    },
    "action_server_guard": {
        "rasa.core.actions.action.RemoteAction.run":
            "ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e",
        "rasa.core.actions.loops.LoopAction.run":  # FormAction.run is this one, inherited
            "3b5bf747e0d90c12a2879ac2807150d3a4f4771a1aeccbeaad37417cb4b20c71",
    },
    "action_response_check": {
        "rasa.core.actions.action.RemoteAction._validate_action_result":
            "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
    },
    "event_types": {
        "rasa.shared.core.events.Event.resolve_by_type":
            "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968",
    },
    "graph_runner": {
        "rasa.engine.runner.dask.DaskGraphRunner.run":
            "45f0f52f574f3aa9546a552bf671183e171092c18b66e97f5771a7fa295de37e",
        "rasa.engine.runner.dask.DaskGraphRunner._build_dask_graph":
            "5bb99f974d512a36acb61caaf77aafc851b90c04ce4d02c262f230c75086cbee",
        "rasa.engine.runner.dask.DaskGraphRunner._add_inputs_to_graph":
            "d04a0ca2df6241c16997b89d63e2ca89cd1d43bd5f9920843a2a86cb4286ac73",
    },
    "strict_tracker_store": {
        "rasa.core.tracker_store.FailSafeTrackerStore.retrieve":
            "35d77318b0cc79771af3c667bc8c34cd5a56e494eaa8c4d713fd754b9d00d276",
        "rasa.core.tracker_store.FailSafeTrackerStore.retrieve_full_tracker":
            "5272a6be0919b511c874fde07a8666777d09f5a11ba29e66f1f923f5ef85e2a0",
        "rasa.core.tracker_store.FailSafeTrackerStore.save":
            "8426dc08f58d71102f7c031ade8a26b0b1458c8bae162be7b091d288699a5e9b",
    },
    "server_hardening": {
        "rasa.core.run.configure_app":
            "72da30416f74c6488a1bbdae9878467bdc7ecd6b5a46b336220aadafd8b2f41a",
        "rasa.server.configure_cors":
            "4eb39526bd4aa4a9e4009c3e2ccab3e37d7ffcef24841fc765bf909f2b4eba72",
        "rasa.server.add_root_route":
            "acc5f7c278af32f8409cc50874afe80b4d603aa567f9d300b6ffe38a37148001",
    },
    "trusted_audience": {
        "rasa.core.processor.MessageProcessor.log_message":
            "f2f8ec66a291d83d783b7acda52bbc0cc2a093b27a67625d8b9882e95138fac1",
    },
}


class RasaNotPinned(RuntimeError):
    """The installed Rasa is not the one a patch was checked against; the server must not start."""


def installed_rasa_version() -> str:
    import rasa

    return str(rasa.__version__)


def require_rasa(who: str) -> None:
    """Refuse any Rasa but ``RASA_VERSION``."""
    version = installed_rasa_version()
    if version != RASA_VERSION:
        raise RasaNotPinned(
            f"{who} was written for Rasa {RASA_VERSION}, but Rasa {version} is installed: it would replace code it "
            f"was never checked against, so the server does not start. Install rasa=={RASA_VERSION} "
            f"(requirements.lock), or review every patch against Rasa {version} and update "
            f"serving/patches/pinned.py.")


def _split(path: str) -> tuple[Any, list[str]]:
    """The longest importable module prefix of ``path`` and the attribute names after it."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            return importlib.import_module(".".join(parts[:cut])), parts[cut:]
        except ImportError:
            continue
    raise RasaNotPinned(f"no module in {path}")


def _unwrapped(owner: Any, name: str) -> Any:
    value = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
    if value is None:
        value = getattr(owner, name, None)
    value = getattr(value, "__func__", value)  # staticmethod / classmethod
    seen = 0
    while hasattr(value, "__wrapped__") and seen < 10:  # a patch keeps the function it replaced here
        value = value.__wrapped__
        value = getattr(value, "__func__", value)
        seen += 1
    return value


def _source_from_file(module: Any, names: list[str]) -> str:
    """The text ``inspect.getsource`` gives for the definition ``names`` in ``module``'s file (decorators
    included), for a function a patch replaced without keeping it (e.g. ``rasa.server.configure_cors``)."""
    filename = inspect.getsourcefile(module)
    if filename is None:
        raise OSError(f"no source file for {module.__name__}")
    lines = linecache.getlines(filename)
    body: list[ast.stmt] = ast.parse("".join(lines)).body
    node: Any = None
    for name in names:
        node = next((n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                     and n.name == name), None)
        if node is None:
            raise OSError(f"{module.__name__}.{'.'.join(names)} not found in {filename}")
        body = node.body
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "".join(lines[start - 1:node.end_lineno])


def source(path: str) -> str:
    """Rasa's source of the function at ``path`` (dotted), whether or not a patch has replaced it since."""
    module, names = _split(path)
    owner: Any = module
    for name in names[:-1]:
        owner = getattr(owner, name)
    function = _unwrapped(owner, names[-1])
    if getattr(function, "__module__", None) == module.__name__ \
            and getattr(function, "__qualname__", None) == ".".join(names):
        return inspect.getsource(function)
    return _source_from_file(module, names)


def source_hash(path: str) -> str:
    return hashlib.sha256(source(path).encode("utf-8")).hexdigest()


def who(patch: str) -> str:
    """The full name of what is pinned under ``patch``."""
    return patch if "." in patch else f"serving.patches.{patch}"


def changed(patch: str) -> list[str]:
    """The functions pinned for ``patch`` whose source is not the recorded one."""
    differ = []
    for path, digest in SOURCES[patch].items():
        try:
            if source_hash(path) != digest:
                differ.append(path)
        except (OSError, TypeError, AttributeError) as error:  # no source to compare: as good as changed
            differ.append(f"{path} ({error})")
    return differ


def require(patch: str) -> None:
    """Refuse to install ``patch`` unless Rasa is the pinned version with the pinned sources."""
    require_rasa(who(patch))
    differ = changed(patch)
    if differ:
        raise RasaNotPinned(
            f"{who(patch)}: Rasa's code differs from the Rasa {RASA_VERSION} it was written against "
            f"({', '.join(differ)}); the patch would replace code it was never checked against, so the server "
            f"does not start. Review the patch against this code and update serving/patches/pinned.py.")


def main() -> int:
    """Print the current hashes in ``SOURCES``'s layout (after an upgrade, once every patch is reviewed)."""
    for patch, paths in SOURCES.items():
        print(f'    "{patch}": {{')
        for path in paths:
            print(f'        "{path}":\n            "{source_hash(path)}",')
        print("    },")
    return 0


if __name__ == "__main__":
    sys.exit(main())
