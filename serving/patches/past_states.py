"""The dialogue states of a tracker worked out once per prediction, not once per policy.

To predict the next action, Rasa 3.6.21's ``MemoizationPolicy`` and ``RulePolicy`` each ask for the tracker's
past states (``DialogueStateTracker.past_states``), and ``RulePolicy`` asks twice right after a user message
(once with the message's text, once with its intent). Each call replays every event of the session into a
fresh tracker and copies it at every action (``generate_all_prior_trackers``); profiled over whole
conversations that was about 5 % of the Rasa process's CPU, for the same answer two or three times.

So the answer is kept on the tracker object, keyed by what it depends on: the events (their number and the
last one, by identity: events are only ever appended, and a copied tracker holds copied events), the domain
and the arguments. Every caller gets its own copy of the states, two levels deep, because the featurizer
deletes the text or the intent from the last state's user part in place; the values below that level are
strings and tuples.

Targets Rasa 3.6.21's ``DialogueStateTracker.past_states``; fails at start-up if its signature differs. Off
with ``DEBT_COACH_STOCK_TURN=1``.
"""

from __future__ import annotations

import inspect
from typing import Any

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

from serving.patches.turn_switch import enabled, require

_MARK = "_debt_coach_past_states_once"
_KEPT = "_debt_coach_past_states"  # attribute of a DialogueStateTracker: (key, states)
PARAMETERS = ["self", "domain", "omit_unset_slots", "ignore_rule_only_turns", "rule_only_data"]


def copied(states: list[State]) -> list[State]:
    """A copy the caller may change: the states and their parts are new dicts, the values are shared."""
    return [{part: dict(value) if isinstance(value, dict) else value for part, value in state.items()}
            for state in states]


def _frozen(rule_only_data: dict[str, Any] | None) -> Any:
    if rule_only_data is None:
        return None
    return tuple(sorted((name, tuple(values) if isinstance(values, list) else values)
                        for name, values in rule_only_data.items()))


def past_states(self: DialogueStateTracker, domain: Domain, omit_unset_slots: bool = False,
                ignore_rule_only_turns: bool = False,
                rule_only_data: dict[str, Any] | None = None) -> list[State]:
    """Rasa's ``past_states``, worked out once for the same events, domain and arguments."""
    events = self.events
    key = (len(events), id(events[-1]) if events else None, id(domain), omit_unset_slots, ignore_rule_only_turns,
           _frozen(rule_only_data))
    kept = self.__dict__.get(_KEPT)
    if kept is None or kept[0] != key:
        kept = (key, past_states.__wrapped__(self, domain, omit_unset_slots=omit_unset_slots,  # type: ignore
                                             ignore_rule_only_turns=ignore_rule_only_turns,
                                             rule_only_data=rule_only_data))
        self.__dict__[_KEPT] = kept
    return copied(kept[1])


def install() -> None:
    if not enabled() or getattr(DialogueStateTracker.__dict__.get("past_states"), _MARK, False):
        return
    require(list(inspect.signature(DialogueStateTracker.past_states).parameters) == PARAMETERS,
            "DialogueStateTracker.past_states(self, domain, omit_unset_slots, ignore_rule_only_turns, "
            "rule_only_data)")
    setattr(past_states, _MARK, True)
    past_states.__wrapped__ = DialogueStateTracker.past_states  # type: ignore[attr-defined]
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]
