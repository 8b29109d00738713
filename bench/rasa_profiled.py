"""`rasa` with per-turn timers, for profiling one turn inside the real server.

Usage: python bench/rasa_profiled.py run --model ... (the same arguments as `rasa`). Wraps a few methods of
Rasa 3.6's MessageProcessor, RemoteAction and FailSafeTrackerStore with timers, then runs the project's
Rasa command line (serving.rasa_cli: the server patches, then Rasa's own). Only turns whose sender id
starts with BENCH_PROFILE_PREFIX (default "rest-profile-": REST sender "profile-…") are timed;
for everybody else each wrapper costs one ContextVar lookup, so the load test runs on the same process.
Each timed turn appends one JSON line to BENCH_PROFILE_FILE:

    {"sender": ..., "text": ..., "total": s, "steps": {category: exclusive seconds}, "actions": [...]}

Times are exclusive (a step's own time without the timed steps inside it), so they add up to `total`:
- nlu                    MessageProcessor.parse_message (the NLU pipeline)
- slot_mapping           run_action_extract_slots, less the action-server call it makes
- policies               _predict_next_with_tracker (the policy ensemble), per predicted action
- actions_rasa           _run_action less action-server calls (forms, responses, applying events)
- action_server:<name>   RemoteAction.run: HTTP round trip to the action server, its work, and Rasa
                         reading the answer
- action_payload         building the request for the action server (whole tracker + domain as a dict)
- tracker_read / tracker_write   the SQL tracker store's retrieve / save
- processor_other        the rest of handle_message (session checks, tracker updates)
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PREFIX = os.environ.get("BENCH_PROFILE_PREFIX", "rest-profile-")  # the REST channel keys senders as rest-<sender>
OUT = os.environ.get("BENCH_PROFILE_FILE")


class _Turn:
    def __init__(self) -> None:
        self.stack: list[list[float]] = []  # [child seconds] per open timer
        self.steps: dict[str, float] = defaultdict(float)
        self.actions: list[str] = []


_CURRENT: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("bench_turn", default=None)


def _timed(category: str | Callable[..., str], fn: Callable[..., Any],
           on_enter: Callable[[_Turn, tuple, dict], None] | None = None) -> Callable[..., Any]:
    """Wrap fn (sync or async) so that, inside a profiled turn, its exclusive time goes to `category`."""

    def name_of(args: tuple) -> str:
        return category(*args) if callable(category) else category

    def enter(turn: _Turn, args: tuple, kwargs: dict) -> float:
        if on_enter:
            try:
                on_enter(turn, args, kwargs)
            except Exception:  # the timers must never break a turn
                pass
        turn.stack.append([0.0])
        return time.perf_counter()

    def leave(turn: _Turn, start: float, args: tuple) -> None:
        elapsed = time.perf_counter() - start
        child = turn.stack.pop()[0]
        turn.steps[name_of(args)] += elapsed - child
        if turn.stack:
            turn.stack[-1][0] += elapsed

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def awrapper(*args: Any, **kwargs: Any) -> Any:
            turn = _CURRENT.get()
            if turn is None:
                return await fn(*args, **kwargs)
            start = enter(turn, args, kwargs)
            try:
                return await fn(*args, **kwargs)
            finally:
                leave(turn, start, args)
        return awrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        turn = _CURRENT.get()
        if turn is None:
            return fn(*args, **kwargs)
        start = enter(turn, args, kwargs)
        try:
            return fn(*args, **kwargs)
        finally:
            leave(turn, start, args)
    return wrapper


def _note_action(turn: _Turn, args: tuple, kwargs: dict) -> None:
    action = args[1] if len(args) > 1 else kwargs.get("action")
    turn.actions.append(action.name() if action is not None else "?")


def install() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore

    MessageProcessor.parse_message = _timed("nlu", MessageProcessor.parse_message)
    MessageProcessor.run_action_extract_slots = _timed("slot_mapping", MessageProcessor.run_action_extract_slots)
    MessageProcessor._predict_next_with_tracker = _timed("policies", MessageProcessor._predict_next_with_tracker)
    MessageProcessor._run_action = _timed("actions_rasa", MessageProcessor._run_action,
                                          on_enter=_note_action)
    RemoteAction.run = _timed(lambda self, *_: f"action_server:{self.name()}", RemoteAction.run)
    RemoteAction._action_call_format = _timed("action_payload", RemoteAction._action_call_format)
    FailSafeTrackerStore.retrieve = _timed("tracker_read", FailSafeTrackerStore.retrieve)
    FailSafeTrackerStore.save = _timed("tracker_write", FailSafeTrackerStore.save)

    original = MessageProcessor.handle_message

    @functools.wraps(original)
    async def handle_message(self: MessageProcessor, message: Any) -> Any:
        if not OUT or not str(message.sender_id).startswith(PREFIX):
            return await original(self, message)
        turn = _Turn()
        token = _CURRENT.set(turn)
        turn.stack.append([0.0])
        start = time.perf_counter()
        try:
            return await original(self, message)
        finally:
            total = time.perf_counter() - start
            child = turn.stack.pop()[0]
            _CURRENT.reset(token)
            turn.steps["processor_other"] += total - child
            record = {"sender": message.sender_id, "text": message.text, "total": total,
                      "steps": dict(turn.steps), "actions": turn.actions}
            try:
                with open(OUT, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            except OSError:
                pass

    MessageProcessor.handle_message = handle_message


if __name__ == "__main__":
    install()
    # After the timers, as when the patches were installed by loading the model: the guard wraps the timer.
    from serving.rasa_cli import main

    main(sys.argv[1:])
