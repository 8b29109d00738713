"""The rule against loops (coach/dialogue_rules.py) as properties, and where it runs: every action class of the
action server and Rasa's domain responses (the form's questions)."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions
from actions.base import NoLoops
from coach import replies
from coach.dialogue_rules import bot_turns, unlooped, would_loop
from components.nlg import ScriptAwareNLG

WAY_ON = replies.loop_way_on()
DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain"))

replies_of_a_turn = st.lists(st.sampled_from(["您欠的是哪家？", "大概欠多少？", "好的。", "记下了：借呗 1 万"]),
                             min_size=1, max_size=3)


@settings(max_examples=400, deadline=None)
@given(st.lists(replies_of_a_turn, min_size=1, max_size=12))
def test_no_reply_goes_out_three_times_in_a_row(wanted: list[list[str]]) -> None:
    """Whatever the bot wants to say each turn, what goes out never repeats one reply three turns running."""
    sent: list[list[str]] = []
    for turn in wanted:
        out = unlooped([{"text": t} for t in turn], [], sent, WAY_ON)
        sent.append([m["text"] for m in out])
    for a, b, c in zip(sent, sent[1:], sent[2:]):
        assert not (a == b == c)


@settings(max_examples=200, deadline=None)
@given(st.lists(replies_of_a_turn, min_size=1, max_size=12))
def test_a_reply_that_is_not_a_third_repeat_goes_out_unchanged(wanted: list[list[str]]) -> None:
    sent: list[list[str]] = []
    for turn in wanted:
        out = unlooped([{"text": t} for t in turn], [], sent, WAY_ON)
        if not would_loop(turn, sent):
            assert [m["text"] for m in out] == turn
        else:
            assert out == [WAY_ON]
        sent.append([m["text"] for m in out])


def test_the_way_on_offers_answers_the_form_takes() -> None:
    from coach.extraction import _UNKNOWN

    assert WAY_ON["buttons"] and all(_UNKNOWN.search(b["payload"]) for b in WAY_ON["buttons"])


def test_turns_are_grouped_by_user_message() -> None:
    earlier, now = bot_turns([("bot", "你好"), ("user", None), ("bot", "a"), ("bot", "b"), ("user", None),
                              ("bot", "c"), ("user", None), ("bot", "d")])
    assert earlier == [["a", "b"], ["c"]] and now == ["d"]


def test_every_action_class_carries_the_rule() -> None:
    modules = [importlib.import_module(f"actions.{m.name}") for m in pkgutil.iter_modules(actions.__path__)]
    classes = [c for m in modules for c in vars(m).values()
               if isinstance(c, type) and issubclass(c, Action) and c.__module__ == m.__name__]
    assert len(classes) >= 15
    for cls in classes:
        assert issubclass(cls, NoLoops) and getattr(cls.run, "_no_loops", False), cls.__name__


def _sdk_tracker(turns: list[list[str]], text: str) -> Tracker:
    events = []
    for turn in turns:
        events.append({"event": "user", "text": "嗯", "parse_data": {"intent": {"name": "affirm"}}})
        events += [{"event": "bot", "text": t} for t in turn]
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": "affirm"}}})
    return Tracker("t", {}, {"intent": {"name": "affirm"}, "text": text}, events, False, None, {}, None)


class _Repeater(NoLoops, Action):
    def name(self) -> str:
        return "action_repeater"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(text="您欠的是哪家？")
        return []


def test_an_action_saying_the_same_thing_a_third_time_sends_the_way_on() -> None:
    dispatcher = CollectingDispatcher()
    asyncio.run(_Repeater().run(dispatcher, _sdk_tracker([["您欠的是哪家？"]], "嗯"), {}))
    assert [m["text"] for m in dispatcher.messages] == ["您欠的是哪家？"]
    dispatcher = CollectingDispatcher()
    asyncio.run(_Repeater().run(dispatcher, _sdk_tracker([["您欠的是哪家？"], ["您欠的是哪家？"]], "嗯"), {}))
    assert [m["text"] for m in dispatcher.messages] == [WAY_ON["text"]]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["不知道", "跳过这个问题"]


def _rasa_tracker(turns: list[list[str]], script: str | None = None) -> DialogueStateTracker:
    events: list = [ActionExecuted("action_listen")]
    for turn in [*turns, []]:
        events.append(UserUttered("嗯"))
        events += [BotUttered(t) for t in turn]
    tracker = DialogueStateTracker.from_events("t", events, slots=DOMAIN.slots)
    if script:
        tracker.slots["script"].value = script
    return tracker


def test_a_form_question_asked_a_third_time_in_a_row_becomes_the_way_on() -> None:
    nlg = ScriptAwareNLG(domain=DOMAIN)
    question = asyncio.run(nlg.generate("utter_ask_lender", _rasa_tracker([]), "rest"))["text"]
    twice = asyncio.run(nlg.generate("utter_ask_lender", _rasa_tracker([[question]]), "rest"))
    assert twice["text"] == question
    third = asyncio.run(nlg.generate("utter_ask_lender", _rasa_tracker([[question], [question]]), "rest"))
    assert third["text"] == WAY_ON["text"] and third["buttons"]
    other = asyncio.run(nlg.generate("utter_ask_lender", _rasa_tracker([[question], ["好的。"]]), "rest"))
    assert other["text"] == question
