"""The dialogue's own rule against going round in circles: the same reply never goes out three times in a row.

One rule for every reply, whoever writes it: the action server's actions (actions/base.py wraps every action's
``run``) and Rasa's domain responses such as the form's questions (components/nlg.py). Both ask ``unlooped``
with the bot's texts of the turns before this one. A reply that would be the third in a row is replaced by a way
on: what the person can answer instead (an estimate, 「不知道」, skip), as buttons, so a question that cannot be
answered never holds the conversation.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

# How many earlier turns in a row may carry the same reply: the third one is replaced.
LIMIT = 2


def normalise(texts: Iterable[str]) -> str:
    """A turn's reply as compared: its texts joined, whitespace ignored."""
    return "".join("".join(texts).split())


def would_loop(turn_texts: Sequence[str], earlier_turns: Sequence[Sequence[str]]) -> bool:
    """Whether this turn's reply (``turn_texts``) is what the bot said in each of the last ``LIMIT`` turns (each
    turn: the bot's texts after one user message, oldest first)."""
    key = normalise(turn_texts)
    if not key or len(earlier_turns) < LIMIT:
        return False
    return all(normalise(turn) == key for turn in earlier_turns[-LIMIT:])


def unlooped(messages: Sequence[Mapping[str, Any]], sent_this_turn: Sequence[str],
             earlier_turns: Sequence[Sequence[str]], way_on: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``messages`` as they may go out: when they would make this turn's reply (with ``sent_this_turn``, what
    went out before them) the same as in each of the last two turns, ``way_on`` instead of their texts."""
    texts = [m["text"] for m in messages if isinstance(m.get("text"), str) and m["text"]]
    if not texts or not would_loop([*sent_this_turn, *texts], earlier_turns):
        return [dict(m) for m in messages]
    return [dict(way_on), *(dict(m) for m in messages if not m.get("text"))]


def bot_turns(events: Iterable[tuple[str, str | None]]) -> tuple[list[list[str]], list[str]]:
    """From ``(kind, text)`` pairs in order (kind ``user`` or ``bot``): the bot's texts of each finished turn,
    oldest first, and those already sent in the current turn."""
    turns: list[list[str]] = []
    current: list[str] | None = None
    for kind, text in events:
        if kind == "user":
            if current is not None:
                turns.append(current)
            current = []
        elif kind == "bot" and text and current is not None:
            current.append(text)
    return turns, current or []
