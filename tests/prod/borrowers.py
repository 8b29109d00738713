"""Simulated borrowers for the fault tests: whole conversations over REST, each reply checked, errors counted.

A turn answered with an error (nginx's 503 when a process died holding it, Rasa's 500 when a store was
unavailable) must say so in Chinese; the borrower then sends the same message again, as a person would,
unless the stored conversation shows it was taken after all (the process stored the turn and died before it
answered: sending it again would repeat it)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.serve import CONVERSATION, EXPECTED_SLOTS, check_reply
from channels.rest import conversation_id
from serving.prod import ProdStack

MESSAGES = [message for message, _ in CONVERSATION]


@dataclass
class Outcome:
    sender: str
    errors: list[tuple[int, str]] = field(default_factory=list)  # (status, error text) of refused turns
    wrong: list[str] = field(default_factory=list)  # replies that were not what the turn must produce
    taken_before_reply: int = 0  # turns stored by a process that died before answering


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


def converse(stack: ProdStack, sender: str, *, pause: float = 0.0, give_up_after: float = 180) -> Outcome:
    out = Outcome(sender)
    deadline = time.monotonic() + give_up_after
    for turn, message in enumerate(MESSAGES):
        while True:
            try:
                status, body = stack.say(sender, message)
            except OSError as err:  # the connection itself broke
                status, body = 0, {"error": str(err)}
            if status == 200:
                problem = check_reply(turn, body)
                if problem:
                    out.wrong.append(problem)
                break
            error = body.get("error", "") if isinstance(body, dict) else str(body)
            out.errors.append((status, error))
            if time.monotonic() > deadline:
                out.wrong.append(f"turn {turn + 1}: still refused after {give_up_after} s: {status} {error}")
                return out
            time.sleep(0.5)
            try:
                if len(user_texts(stack.tracker(conversation_id(sender)))) > turn:
                    out.taken_before_reply += 1
                    break
            except Exception:  # the store may still be coming back: send again
                pass
        if pause:
            time.sleep(pause)
    return out


def many(stack: ProdStack, senders: list[str], **kwargs: Any) -> list[Outcome]:
    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        return list(pool.map(lambda s: converse(stack, s, **kwargs), senders))


def stored_problems(stack: ProdStack, sender: str) -> list[str]:
    """What is wrong with a finished conversation as stored: its facts, its draft, its messages (each once, in
    order), one session."""
    tracker = stack.tracker(conversation_id(sender))
    slots = tracker["slots"]
    problems = [f"{k}={slots.get(k)!r}" for k, v in EXPECTED_SLOTS.items() if slots.get(k) != v]
    summary = (slots.get("latest_drafts") or {}).get("summary") or ""
    if "22 期" not in summary or "1,455 元" not in summary:
        problems.append(f"draft summary {summary[:80]!r}")
    if user_texts(tracker) != MESSAGES:
        problems.append(f"messages {user_texts(tracker)}")
    sessions = sum(1 for e in tracker["events"] if e.get("event") == "session_started")
    if sessions != 1:
        problems.append(f"{sessions} sessions")
    return [f"{sender}: {p}" for p in problems]


class Background(threading.Thread):
    """Runs ``many`` in a thread; ``result`` afterwards."""

    def __init__(self, stack: ProdStack, senders: list[str], **kwargs: Any) -> None:
        super().__init__(daemon=True)
        self.args = (stack, senders)
        self.kwargs = kwargs
        self.result: list[Outcome] = []

    def run(self) -> None:
        self.result = many(*self.args, **self.kwargs)
