"""Look up an event's class by its type name once, not on every event read from the tracker store.

Rasa 3.6.21's ``Event.resolve_by_type`` (called for every stored event when a tracker is rebuilt, i.e. for
every event of the conversation on every turn, and for every event the action server returns) walks the whole
class tree of ``Event`` recursively, calling ``inspect.isabstract`` on each class, and returns the first
class whose ``type_name`` matches. Profiled over whole conversations it was about 5 % of the Rasa process's
CPU. The classes do not change while serving, so the answer for a type name is remembered after the first
lookup. Unknown names (and Rasa's old ``topic`` events) still go through Rasa's own code every time, so they
give the same default, ``None`` or ``ValueError`` as before. The cache is filled lazily, after the model and
every module have been imported; this project defines no event classes of its own.

Targets Rasa 3.6.21 (``rasa.shared.core.events.Event.resolve_by_type(type_name, default=None)``, a
staticmethod); refuses any other Rasa, or another source of it (``serving.patches.pinned``). Off with
``DEBT_COACH_STOCK_TURN=1``.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Type

from rasa.shared.core.events import Event

from serving.patches import pinned
from serving.patches.turn_switch import enabled, require

_MARK = "_debt_coach_cached_event_types"


def cached_resolver(resolve: Callable[..., Type[Event] | None]) -> Callable[..., Type[Event] | None]:
    """``resolve`` (Rasa's function) with its answers for known type names remembered."""
    known: dict[str, Type[Event]] = {}

    def resolve_by_type(type_name: Any, default: Type[Event] | None = None) -> Type[Event] | None:
        if isinstance(type_name, str):
            cls = known.get(type_name)
            if cls is not None:
                return cls
            try:
                cls = resolve(type_name)  # no default: only a real match comes back as a class
            except ValueError:
                cls = None
            if cls is not None:
                known[type_name] = cls
                return cls
        return resolve(type_name, default)

    setattr(resolve_by_type, _MARK, True)
    resolve_by_type.__wrapped__ = resolve  # type: ignore[attr-defined]
    return resolve_by_type


def install() -> None:
    if not enabled():
        return
    pinned.require("event_types")
    current = Event.__dict__.get("resolve_by_type")
    if getattr(getattr(current, "__func__", None), _MARK, False):
        return
    require(isinstance(current, staticmethod), "Event.resolve_by_type is not a staticmethod")
    original = current.__func__
    require(list(inspect.signature(original).parameters) == ["type_name", "default"],
            "Event.resolve_by_type(type_name, default)")
    Event.resolve_by_type = staticmethod(cached_resolver(original))  # type: ignore[method-assign]
