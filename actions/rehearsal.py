"""The practice call in the dialogue: reads the case and the ``rehearsal`` slot, calls coach/rehearsal/engine.py,
and sends its lines (the collector's marked 【催收】 and, for the widget, ``custom.collector``; the coach's 【教练】).

While a call runs, every plain message is the borrower's reply to the collector, whatever the intent: the actions
a plain message reaches call ``turn`` first (actions.before_the_intent, and the plan, threat and crisis actions).
A self-harm cue ends the call at once and hands the message to the crisis action.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.steps import case_facts, is_staff, localise, region_of, say, today, user_texts
from coach.case import CaseFacts
from coach.drafting import layout
from coach.multi_drafting import debts_of
from coach.plan import ExtensionPlan, HardshipPlan, InstallmentPlan, make_plan
from coach.rehearsal import engine, learned, rubric
from coach.zh.rehearsal_words import style_asked, wants_again, wants_rehearsal
from coach.zh.safety_cues import act_in_progress, strong_self_harm_cue

# The rubric's learned second opinion trains once per process (a few seconds): started with the action server, so
# the first practice reply does not wait for it.
threading.Thread(target=learned.model, args=(rubric.plain,), name="rubric-model", daemon=True).start()

SLOT = "rehearsal"


def _phone_script(tracker: Tracker, facts: CaseFacts, plan: Any) -> str:
    drafts = tracker.get_slot("latest_drafts") or {}
    for part in drafts.get("parts") or [] if isinstance(drafts, dict) else []:
        if isinstance(part, dict) and part.get("kind") == "phone_script" and not part.get("lender"):
            return str(part.get("text") or "")
    parts = dict(layout(facts, plan, today(), region=region_of(tracker)).parts)
    return parts.get("phone_script", "")


def rehearsal_case(tracker: Tracker) -> engine.RehearsalCase | None:
    """The case as the collector knows it, with the plan already drafted; None without an amount owed. With
    several debts, the largest one is practised."""
    facts = case_facts(tracker)
    if facts.several_debts:
        known = sorted(debts_of(facts), key=lambda d: -(d.amount or 0))
        if not known:
            return None
        facts = dataclasses.replace(facts, lender=known[0].lender, debt_amount=known[0].amount, debts=())
    if facts.debt_amount is None:
        return None
    plan = make_plan(facts, today())
    if isinstance(plan, InstallmentPlan):
        monthly = plan.monthly_amount
    elif isinstance(plan, HardshipPlan):
        monthly = plan.token_monthly or None
    elif isinstance(plan, ExtensionPlan):
        monthly = plan.amount_by_date
    else:  # pragma: no cover - defensive
        monthly = None
    return engine.RehearsalCase(
        lender=facts.lender, lender_kind=facts.lender_type, debt=int(facts.debt_amount),
        overdue_days=int(facts.overdue_days) if facts.overdue_days else None,
        affordable_monthly=int(facts.affordable_monthly) if facts.affordable_monthly is not None else None,
        plan_monthly=monthly, region=region_of(tracker), phone_script=_phone_script(tracker, facts, plan))


def _send(dispatcher: CollectingDispatcher, tracker: Tracker, result: engine.Turn,
          lender: str | None = None) -> List[EventType]:
    words = engine.texts()
    for line in result.coach:
        say(dispatcher, tracker, words["coach_prefix"] + line)
    style = (result.state or {}).get("style")
    for line in result.collector:
        say(dispatcher, tracker, words["collector_prefix"] + line,
            json_message={"collector": {"style": style, "label": localise(words["collector_prefix"], tracker)}})
    if result.scorecard:
        say(dispatcher, tracker, result.scorecard)
    if result.script:
        title = words["scorecard"]["script_title"]
        say(dispatcher, tracker, f"【{title}】\n{result.script}",
            json_message={"draft": {"kind": "phone_script", "title": localise(title, tracker)}})
    if result.ended and result.state is not None and result.state.get("replies"):
        buttons = [{"title": localise(words[key], tracker), "payload": localise(words[key], tracker)}
                   for key in ("button_again", "button_fiercer", "button_stop")]
        dispatcher.utter_message(text=localise(words["scorecard"]["again"], tracker), buttons=buttons)
    state = result.state
    if result.ended and state is not None:
        state = {**state, "ended_at": len(user_texts(tracker))}
    events: List[EventType] = [SlotSet(SLOT, state), SlotSet("pending_offer", None)]
    drafts = with_script(tracker.get_slot("latest_drafts"), result.script, lender) if result.script else None
    if drafts is not None:
        events.append(SlotSet("latest_drafts", drafts))  # the downloads carry the improved script
    return events


def with_script(drafts: Any, script: str, lender: str | None) -> dict[str, Any] | None:
    """The drafts with the practised phone script in place of the drafted one (None: no such draft kept)."""
    if not isinstance(drafts, dict):
        return None
    parts = list(drafts.get("parts") or [])
    for i, part in enumerate(parts):
        if isinstance(part, dict) and part.get("kind") == "phone_script" and part.get("lender") in (None, lender):
            parts[i] = {**part, "text": script}
            return {**drafts, "parts": parts}
    return None


def crisis_in(text: str) -> bool:
    return engine.crisis(text) or strong_self_harm_cue(text) or act_in_progress(text)


def turn(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """This message in the practice call: starting one, a reply to the collector, or the end. None when the
    message has nothing to do with a practice call (the intent's own answer applies)."""
    state = tracker.get_slot(SLOT)
    text = tracker.latest_message.get("text") or ""
    if engine.is_active(state):
        if crisis_in(text):
            return [SlotSet(SLOT, None), SlotSet("pending_offer", None), FollowupAction("action_crisis_support")]
        case = rehearsal_case(tracker)
        if case is None:  # the facts were cleared meanwhile: nothing to practise on
            return [SlotSet(SLOT, None)]
        return _send(dispatcher, tracker, engine.reply(state, text, case), case.lender)
    again = wants_again(text) and engine.recent_end(state, len(user_texts(tracker)) - 1)
    if not (wants_rehearsal(text) or again) or crisis_in(text):
        return None
    if tracker.active_loop_name:
        say(dispatcher, tracker, engine.texts()["not_in_form"])
        return []
    case = rehearsal_case(tracker)
    if case is None:
        say(dispatcher, tracker, engine.texts()["needs_case"])
        return [SlotSet("pending_offer", "draft_plan")] if not is_staff(tracker) else []
    if again:
        return _send(dispatcher, tracker, engine.again(state, text, case))
    previous = state if isinstance(state, dict) else None
    asked = style_asked(text, None)
    return _send(dispatcher, tracker, engine.start(case, asked, previous if asked is None and previous else None))


def end_for_crisis(tracker: Tracker) -> List[EventType]:
    """The crisis action ends a running practice call (crisis help wins, whatever the call was at)."""
    return [SlotSet(SLOT, None)] if engine.is_active(tracker.get_slot(SLOT)) else []


def active(tracker: Tracker) -> bool:
    return engine.is_active(tracker.get_slot(SLOT))


def offer_buttons(tracker: Tracker) -> List[dict[str, str]]:
    """The button under the drafts that starts a practice call."""
    title = localise(engine.texts()["button_start"], tracker)
    return [{"title": title, "payload": title}]


def offer_line() -> str:
    return str(engine.texts()["offer_after_drafts"])


def asked_for(tracker: Tracker) -> bool:
    """「练一下」 said while the case form waits for an answer."""
    return wants_rehearsal(tracker.latest_message.get("text") or "")


def not_in_form_line() -> str:
    return str(engine.texts()["not_in_form"])
