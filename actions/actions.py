"""Rasa action classes: thin wrappers that read the tracker, call the pure modules, and send text.

- extraction.py: message → case-fact slot updates
- plan.py / drafting.py: numbers and drafts
- knowledge.py: rights, consequences, complaint channels, crisis lines (from shared/domain/facts.md)
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge, replies
from actions.drafting import draft_borrower, draft_staff, plan_summary
from actions.extraction import PLAN_BY_INTENT, THREAT_BY_INTENT, extract_facts, threats_in
from actions.plan import AffordabilityUnknown, extension_plan, make_plan, suggested_affordable
from case import CaseFacts, region_of_script, vocabulary
from zh.normalizer import to_traditional

logger = logging.getLogger(__name__)

FACT_SLOTS = ("lender", "lender_type", "debt_amount", "overdue_days", "monthly_income", "essential_expenses",
              "affordable_monthly", "hardship_reason", "extension_days", "requested_plan", "threat_types",
              "facts_unknown", "last_fact", "audience", "script", "crisis_flag")
# While the form runs, facts are taken only from answers; any other intent interrupts the form so the rules
# can answer it (a crisis message must never be swallowed as a form answer).
FORM_ANSWER_INTENTS = {"inform", "affirm", "deny", "cannot_pay", "nlu_fallback", *PLAN_BY_INTENT}
# The form's slots: case/vocabulary.yml.
OPTIONAL_FORM_SLOTS = vocabulary.FORM_OPTIONAL_SLOTS
BASE_FORM_SLOTS = vocabulary.FORM_BASE_SLOTS


def today() -> datetime.date:
    return datetime.date.today()


def region_of(tracker: Tracker) -> str:
    return region_of_script(tracker.get_slot("script"))


def localise(text: str, tracker: Tracker) -> str:
    """Replies in Traditional characters to users who write Traditional Chinese."""
    return to_traditional(text, tracker.get_slot("script"))


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def is_staff(tracker: Tracker) -> bool:
    return tracker.get_slot("audience") == "staff" or latest_metadata(tracker).get("audience") == "staff"


def violence_reported(tracker: Tracker) -> bool:
    """Whether the borrower reported threats of violence in this conversation (raises a 110 flag for staff)."""
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        if intent.startswith("report_") and "violence" in knowledge.topics(intent) and \
                knowledge.topic_for(intent, event.get("text") or "") == "violence":
            return True
    return False


def offer_plan(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Offer to draft a plan, once: not inside the form, not after drafts exist, a short reminder if pending."""
    if tracker.active_loop_name or tracker.get_slot("latest_drafts"):
        return []
    if tracker.get_slot("pending_offer"):
        say(dispatcher, tracker, replies.offer_reminder())
        return []
    dispatcher.utter_message(response="utter_offer_plan")
    return [SlotSet("pending_offer", "draft_plan")]


def say(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, **kwargs: Any) -> None:
    dispatcher.utter_message(text=localise(text, tracker), **kwargs)


def say_draft(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, body: str) -> None:
    """One part of the drafts: 「【title】」 + body, with the kind and title as data for the widget's cards."""
    title = replies.draft_title(kind)
    say(dispatcher, tracker, f"【{title}】\n{body}",
        json_message={"draft": {"kind": kind, "title": localise(title, tracker)}})


def say_answer(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, answer: str) -> None:
    """A borrower-facing answer; hotline staff get it introduced as something to pass on."""
    say(dispatcher, tracker, replies.staff_relay(kind, answer) if is_staff(tracker) else answer)


class ActionExtractCaseFacts(Action):
    """Custom slot mapping: runs after every user message and fills the case facts."""

    def name(self) -> str:
        return "action_extract_case_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        message = tracker.latest_message or {}
        intent = latest_intent(tracker)
        events: List[EventType] = []
        audience = latest_metadata(tracker).get("audience")
        if audience in ("staff", "borrower") and audience != tracker.get_slot("audience"):
            events.append(SlotSet("audience", audience))
        if tracker.active_loop_name and intent not in FORM_ANSWER_INTENTS:
            return events
        text = message.get("text") or ""
        updates = extract_facts(
            intent=intent,
            entities=message.get("entities") or [],
            text=text,
            raw_text=message.get("text_original") or text,
            requested_slot=tracker.get_slot("requested_slot") if tracker.active_loop_name else None,
            current={slot: tracker.get_slot(slot) for slot in FACT_SLOTS},
        )
        return events + [SlotSet(k, v) for k, v in updates.items()]


class ValidateDebtProfileForm(FormValidationAction):
    """Decides which facts the form still needs, checks answers, and re-asks unusable ones."""

    def name(self) -> str:
        return "validate_debt_profile_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[str]:
        unknown = set(tracker.get_slot("facts_unknown") or [])
        slots = list(BASE_FORM_SLOTS)
        if tracker.get_slot("requested_plan") == "extension":
            slots.insert(slots.index("hardship_reason"), "extension_days")
        if "affordable_monthly" in unknown and tracker.get_slot("affordable_monthly") is None:
            slots.remove("affordable_monthly")
            slots += ["monthly_income", "essential_expenses", "affordable_monthly"]
        return [s for s in slots if not (s in unknown and s in OPTIONAL_FORM_SLOTS)]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        filled_now = set(tracker.slots_to_validate())
        events = await super().run(dispatcher, tracker, domain)
        intent = latest_intent(tracker)
        if not requested or requested in filled_now or intent not in FORM_ANSWER_INTENTS:
            return events
        unknown = set(tracker.get_slot("facts_unknown") or [])
        if requested in unknown:
            if requested == "debt_amount":
                dispatcher.utter_message(response="utter_reask_debt_unknown")
            elif requested == "affordable_monthly":
                say(dispatcher, tracker, replies.line("affordable_unknown"))
            # Accept "don't know": the slot is dropped from required_slots (or re-asked for debt_amount).
            return [*events, SlotSet(requested, None)]
        if intent == "deny":
            return events  # 「算了」: nothing extracted, the form is rejected and the pause rule runs
        if any(isinstance(e, dict) and e.get("name") in filled_now for e in events):
            return events
        reask = {"debt_amount": "utter_reask_amount", "monthly_income": "utter_reask_amount",
                 "affordable_monthly": "utter_reask_amount", "essential_expenses": "utter_reask_amount",
                 "overdue_days": "utter_reask_duration", "extension_days": "utter_reask_duration",
                 "lender": "utter_reask_lender"}.get(requested)
        if reask:
            dispatcher.utter_message(response=reask)
        return [*events, SlotSet(requested, None)]

    def validate_debt_amount(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        if value is None or not 0 < float(value) < 100_000_000:
            return {"debt_amount": None}
        return {"debt_amount": float(value)}

    def validate_affordable_monthly(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        if value is None or float(value) < 0:
            return {"affordable_monthly": None}
        return {"affordable_monthly": float(value)}

    def validate_essential_expenses(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        if value is None or float(value) < 0:
            return {"essential_expenses": None}
        income = tracker.get_slot("monthly_income")
        suggestion = suggested_affordable(int(income) if income is not None else None, int(float(value)))
        if suggestion is None:
            return {"essential_expenses": float(value)}
        if suggestion > 0:
            say(dispatcher, tracker, replies.line("affordable_estimate", amount=suggestion))
        else:
            say(dispatcher, tracker, replies.line("affordable_none"))
        return {"essential_expenses": float(value), "affordable_monthly": float(suggestion)}


class ActionStartPlan(Action):
    """Acknowledges a request (installment / extension / fee waiver / cannot pay / what to say) before the form."""

    def name(self) -> str:
        return "action_start_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent = latest_intent(tracker)
        text = replies.start_plan_message(intent or "", staff=is_staff(tracker))
        say(dispatcher, tracker, text)
        return [SlotSet("pending_offer", None)]


class ActionDraftPlan(Action):
    """Computes the plan and sends the drafts: phone script, written request, short reply, checklist."""

    def name(self) -> str:
        return "action_draft_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        facts = CaseFacts.from_slots({slot: tracker.get_slot(slot) for slot in FACT_SLOTS})
        if facts.debt_amount is None:
            dispatcher.utter_message(response="utter_ask_debt_amount")
            return []
        day = today()
        try:
            plan = make_plan(facts, day)
        except AffordabilityUnknown:
            # Nothing can be paid each month: an installment plan would be dishonest; ask for time instead.
            plan = extension_plan(facts.debt_amount, 0, facts.extension_days, day)
            say(dispatcher, tracker, replies.no_affordability_note())
        summary = plan_summary(facts, plan)
        if is_staff(tracker):
            pack = draft_staff(facts, plan, day, crisis=bool(tracker.get_slot("crisis_flag")),
                               violence=violence_reported(tracker), region=region_of(tracker))
            parts = [("case_summary", pack.case_summary), ("tell_borrower", pack.tell_borrower)]
            if pack.risk_flags:
                parts.insert(1, ("risk_flags", "\n".join(f"· {f}" for f in pack.risk_flags)))
            drafts = pack.drafts
            next_questions = list(pack.next_questions)
        else:
            parts = []
            drafts = draft_borrower(facts, plan, day, region_of(tracker))
            next_questions = []
        parts += [("phone_script", drafts.phone_script), ("written_request", drafts.written_request),
                  ("short_reply", drafts.short_reply), ("checklist", drafts.checklist)]
        say(dispatcher, tracker, replies.line("plan_heading", summary=summary))
        for kind, body in parts:
            say_draft(dispatcher, tracker, kind, body)
        if next_questions:
            say_draft(dispatcher, tracker, "next_questions", "\n".join(f"· {q}" for q in next_questions))
        else:
            say(dispatcher, tracker, replies.after_draft_note())
        record = {"summary": summary,
                  "parts": [{"kind": k, "title": replies.draft_title(k), "text": b} for k, b in parts],
                  "next_questions": next_questions}
        return [SlotSet("latest_drafts", record), SlotSet("pending_offer", None)]


class ActionRespondThreat(Action):
    """A reported threat: acknowledge, rules for that threat, evidence, where to complain, offer a plan."""

    def name(self) -> str:
        return "action_respond_threat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent = latest_intent(tracker) or "report_harassment"
        text = tracker.latest_message.get("text") or ""
        say_answer(dispatcher, tracker, "threat", knowledge.threat_answer(intent, text, region_of(tracker)))
        return offer_plan(dispatcher, tracker)


class ActionAnswerQuestion(Action):
    """Legality, consequences, complaint channels, paid debt services, verifying a collector."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent = latest_intent(tracker) or "ask_legality"
        text = tracker.latest_message.get("text") or ""
        topic = knowledge.topic_for(intent, text)
        default = knowledge.load()["answers"][intent]["default"]
        if intent == "ask_complaint_channel" and topic == default and tracker.get_slot("lender_type"):
            topic = knowledge.complaint_topic(tracker.get_slot("lender_type"))  # the case already names the lender
        say_answer(dispatcher, tracker, "question", knowledge.answer(intent, topic, region_of(tracker)))
        return []


class ActionCrisisSupport(Action):
    """Crisis help first, warmly (a running form is deactivated by the rule; the facts are kept).

    When the message also reads as a threat report or a question (the runner-up intent), that is answered
    after the crisis lines: a misread plain threat still gets its answer, and a real crisis message that
    mentions a collector's threat is not left with crisis lines only.
    """

    SECONDARY_MIN_CONFIDENCE = 0.2

    def name(self) -> str:
        return "action_crisis_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        say_answer(dispatcher, tracker, "crisis", knowledge.crisis_message(region_of(tracker)))
        ranking = tracker.latest_message.get("intent_ranking") or []
        text = tracker.latest_message.get("text") or ""
        runner_up = next((r for r in ranking if r.get("name") not in ("express_crisis", "nlu_fallback")), None)
        intent = runner_up["name"] if runner_up and \
            runner_up.get("confidence", 0) >= self.SECONDARY_MIN_CONFIDENCE else None
        named = threats_in(text)
        if named and not (intent or "").startswith("report_"):
            intent = next(i for i, kind in THREAT_BY_INTENT.items() if kind == named[0])
        if intent:
            if intent.startswith("report_"):
                say(dispatcher, tracker, knowledge.threat_answer(intent, text, region_of(tracker)))
            elif intent in ("ask_legality", "ask_consequences", "ask_complaint_channel", "verify_collector",
                            "ask_debt_service"):
                say(dispatcher, tracker, knowledge.answer(intent, knowledge.topic_for(intent, text),
                                                          region_of(tracker)))
        return [SlotSet("crisis_flag", True), SlotSet("pending_offer", None)]


class ActionDistressSupport(Action):
    def name(self) -> str:
        return "action_distress_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        say(dispatcher, tracker, replies.distress_message(region_of(tracker)))
        return offer_plan(dispatcher, tracker)


class ActionAcknowledgeFacts(Action):
    """Facts given outside the form: confirm what was understood, then move the case on.

    - a plan was drafted before and a fact changed → redraft;
    - hotline staff entering a case with enough facts for a plan (amount and monthly affordability) → draft;
    - otherwise offer to draft, and only once: a second offer in a row would read like a machine.
    """

    def name(self) -> str:
        return "action_acknowledge_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        facts = CaseFacts.from_slots({slot: tracker.get_slot(slot) for slot in FACT_SLOTS})
        line = replies.facts_line(facts)
        if tracker.get_slot("latest_drafts") and facts.debt_amount is not None:
            say(dispatcher, tracker, replies.line("facts_updated", line=line) if line
                else replies.line("facts_updated_plain"))
            return await ActionDraftPlan().run(dispatcher, tracker, domain)
        if is_staff(tracker) and facts.debt_amount is not None and facts.affordable_monthly is not None:
            say(dispatcher, tracker, replies.line("facts_complete_staff", line=line))
            return await ActionDraftPlan().run(dispatcher, tracker, domain)
        if line:
            say(dispatcher, tracker, replies.line("facts_noted", line=line))
        return offer_plan(dispatcher, tracker)


class ActionPauseForm(Action):
    def name(self) -> str:
        return "action_pause_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_form_paused")
        return [SlotSet("pending_offer", None)]


class ActionHandleDeny(Action):
    """「不」 outside the form: a correction of a fact (「不对，是两万」), declining the offer, or a plain no."""

    def name(self) -> str:
        return "action_handle_deny"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        changed = set(tracker.slots_to_validate()) & {"lender", "debt_amount", "overdue_days", "monthly_income",
                                                      "affordable_monthly", "extension_days"}
        if changed:
            return await ActionAcknowledgeFacts().run(dispatcher, tracker, domain)
        if tracker.get_slot("pending_offer"):
            say(dispatcher, tracker, replies.decline_offer_message())
        else:
            dispatcher.utter_message(response="utter_ok")
        return [SlotSet("pending_offer", None)]
