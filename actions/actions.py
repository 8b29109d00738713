"""Rasa action classes: thin wrappers that read the tracker, call the pure modules, and send text.

- extraction.py: message → case-fact slot updates
- plan.py / drafting.py: numbers and drafts
- knowledge.py: rights, consequences, complaint channels, crisis lines (from knowledge/sources.md)
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import evidence, outcomes, rehearsal
from actions.base import NoLoops
from actions.common_questions import (
    about_debt,
    acknowledge_region,
    answer_money_and_rates,
    ask_amount_role,
    brand_note,
    clarify_debt,
    money_help_once,
    not_a_contact,
)
from actions.short_turns import drafts_on_request
from actions.steps import (
    CORRECTABLE_FACTS,
    FACT_SLOTS,
    acknowledge_facts,
    adviser_script,
    answer_special,
    ask_region_once,
    bot_spoke_this_turn,
    case_facts,
    corrections_this_turn,
    draft_plan,
    facts_changed_this_turn,
    handle_deny,
    is_staff,
    latest_channel,
    latest_intent,
    latest_metadata,
    localise,
    offer_plan,
    offers_after,
    offers_after_question,
    region_asked_now,
    region_of,
    repeats_last_turn,
    report_guessed_after_crisis,
    safety_guard,
    say,
    say_answer,
    say_answer_once,
    slots_set_this_turn,
    stay_after_crisis,
    user_texts,
)
from coach import budget, knowledge, money_help, replies
from coach.audience import audience_of
from coach.case import vocabulary
from coach.extraction import THREAT_BY_INTENT, extract_facts, place_named, threats_in
from coach.form_reading import ANSWER_ATTEMPT_INTENTS, form_turn, has_question_words
from coach.turn_shape import short_turns
from coach.zh.budget_words import Costs, read_costs
from coach.zh.debt_words import tells_of_no_collector
from coach.zh.safety_cues import (
    act_in_progress,
    cantonese,
    grateful,
    negated_crisis,
    not_a_report,
    only_gratitude,
    self_harm_cue,
    strong_self_harm_cue,
    weak_cue_about_debt,
)

logger = logging.getLogger(__name__)

# While the form runs, facts are taken only from answers; any other intent interrupts the form so the rules
# can answer it (a crisis message must never be swallowed as a form answer).
# The form's slots: coach/case/vocabulary.yml.
OPTIONAL_FORM_SLOTS = vocabulary.FORM_OPTIONAL_SLOTS
BASE_FORM_SLOTS = vocabulary.FORM_BASE_SLOTS
# Questions of the form no amount answers: money said to them is asked about (actions.common_questions); and
# questions an amount does answer, where 「还有1200」 alone says neither what nor whose.
UNSETTLED_WHILE_ASKED = ("overdue_days", "extension_days", "hardship_reason", "affordable_monthly", "monthly_income")
# Facts said back when given while the form asks another (besides the correctable ones).
ASIDE_FACTS = {"debts", "essential_expenses", "hardship_reason"}
# Facts of the case that, set by a message read as a question or a report with none in it, say what the message was.
_CASE_FACT_SLOTS = {"debt_amount", "affordable_monthly", "overdue_days", "monthly_income", "debts", "lender",
                    "extension_days"}
REASK_RESPONSES = {"debt_amount": "utter_reask_amount", "monthly_income": "utter_reask_amount",
                   "affordable_monthly": "utter_reask_amount", "essential_expenses": "utter_reask_amount",
                   "overdue_days": "utter_reask_duration", "extension_days": "utter_reask_duration",
                   "lender": "utter_reask_lender", "lender_confirmed": "utter_ask_lender_confirmed"}


def misses_after(current: Any, slot: str) -> Dict[str, int]:
    """How many replies in a row gave nothing for each asked fact, after one more for ``slot``."""
    misses = {k: int(v) for k, v in (current or {}).items() if isinstance(v, (int, float))} \
        if isinstance(current, dict) else {}
    misses[slot] = misses.get(slot, 0) + 1
    return misses


def before_the_intent(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """What comes before the intent's own answer in the actions a plain message can reach: right after the
    crisis lines, staying with the person; then the evidence log and letter requests (「我的记录」「删除第二条」
    「帮我写投诉信」); then the borrower's answer to where they are (「台灣啊 台北」). None when none applies.
    A practice call with a simulated collector (actions/rehearsal.py) comes right after the refusals."""
    stayed = stay_after_crisis(dispatcher, tracker)
    if stayed is not None:
        return stayed
    guarded = safety_guard(dispatcher, tracker)
    if guarded is not None:
        return guarded
    rehearsed = rehearsal.turn(dispatcher, tracker)  # a practice call: the message is the reply to the collector
    if rehearsed is not None:
        return rehearsed
    answered = evidence.answer_evidence(dispatcher, tracker)
    if answered is not None:
        return answered
    reported = outcomes.answer_outcome(dispatcher, tracker)  # 「他们说最多分12期」「同意了」 after a plan
    if reported is not None:
        return reported
    role_asked = ask_amount_role(dispatcher, tracker)  # 「5000」「我手上有3000」: which fact is it?
    if role_asked is not None:
        return role_asked
    shown = drafts_on_request(dispatcher, tracker)  # 「看电话协商话术」「全部」 after a plan
    if shown is not None:
        return shown
    money = answer_money_and_rates(dispatcher, tracker)  # loan terms, a brand's lender, a budget, official help
    if money is not None:
        return money
    return acknowledge_region(dispatcher, tracker)


class ActionExtractCaseFacts(NoLoops, Action):
    """Custom slot mapping: runs after every user message and fills the case facts."""

    def name(self) -> str:
        return "action_extract_case_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        message = tracker.latest_message or {}
        intent = latest_intent(tracker)
        events: List[EventType] = []
        if latest_metadata(tracker).get("audience") is not None:
            audience = audience_of(latest_channel(tracker), latest_metadata(tracker))
            if audience != tracker.get_slot("audience"):
                events.append(SlotSet("audience", audience))
        text = message.get("text") or ""
        current = {slot: tracker.get_slot(slot) for slot in FACT_SLOTS}
        default_script = latest_metadata(tracker).get("default_script")
        if current.get("script") is None and default_script in ("hk", "tw"):
            # LINE (tw) and WhatsApp (hk) users: the channel's region until their own writing decides.
            current["script"] = default_script
            events.append(SlotSet("script", default_script))
        if rehearsal.active(tracker):
            return events  # a reply to the simulated collector: no fact of the case, no contact-log entry
        reading_args = dict(intent=intent, entities=message.get("entities") or [], text=text,
                            raw_text=message.get("text_original") or text, current=current)
        if tracker.active_loop_name:
            # The form waits for a fact: a reply that can be read as it is the answer, whatever the intent.
            _, updates = form_turn(requested_slot=tracker.get_slot("requested_slot"), **reading_args)
        else:
            updates = extract_facts(requested_slot=None, **reading_args)
        if outcomes.keeps_facts(tracker):  # a lender's answer (「他们说每月至少还2000」) is no fact of the case
            updates = {k: v for k, v in updates.items() if k == "script"}
        # The contact log: a report becomes a dated entry whatever rule answers it (evidence never hangs on a rule).
        # A question with no contact in it, the debt list or a phishing report is no entry (common_questions.py).
        log = [] if report_guessed_after_crisis(tracker) or not_a_report(text) or not_a_contact(text) \
            or outcomes.keeps_facts(tracker) else \
            evidence.log_events(tracker, updates.get("lender") or tracker.get_slot("lender"), domain)
        place = place_named(user_texts(tracker)[:-1])
        if place and place_named([reading_args["raw_text"]]) is None and updates.get("script") not in (None,
                                                                                                   place):
            # a place named earlier (「我喺深圳住㗎」) keeps deciding the rules, whatever script later messages use
            updates["script"] = place
        fixed = adviser_script(tracker)  # the region the adviser set for the case wins over any reading
        if fixed and (updates.get("script") or current.get("script")) != fixed:
            updates["script"] = fixed
        return events + [SlotSet(k, v) for k, v in updates.items()] + log


def latest_raw_text(tracker: Tracker) -> str:
    message = tracker.latest_message or {}
    return message.get("text_original") or message.get("text") or ""


def say_budget(dispatcher: CollectingDispatcher, tracker: Tracker, lines: List[str], nothing_left: bool,
               texts: List[str]) -> None:
    """The budget's working and the amount; when nothing is left, the official help that fits what the borrower
    said in ``texts`` (once a conversation: not when the same help was already given)."""
    if nothing_left:
        region = region_of(tracker)
        pointers = money_help.budget_pointers([*texts, tracker.get_slot("hardship_reason") or ""], region)
        said = "\n".join(e.get("text") or "" for e in tracker.events if e.get("event") == "bot")
        heading, *help_lines = localise(pointers or "", tracker).split("\n")
        new = [line for line in help_lines if line not in said]
        if new:
            lines = [*lines, heading, *new]
    say(dispatcher, tracker, "\n".join(lines))


class ValidateDebtProfileForm(NoLoops, FormValidationAction):
    """Decides which facts the form still needs, checks answers, and re-asks unusable ones."""

    def name(self) -> str:
        return "validate_debt_profile_form"

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> EventType | None:
        """As rasa_sdk's, except that an unconfirmed lender name (lender_confirmed False) still has to be asked."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        if required == self.domain_slots(domain):
            return None
        missing = (s for s in required if tracker.slots.get(s) is None
                   or (s == "lender_confirmed" and tracker.slots.get(s) is not True))
        return SlotSet("requested_slot", next(missing, None))

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[str]:
        unknown = set(tracker.get_slot("facts_unknown") or [])
        slots = list(BASE_FORM_SLOTS)
        if tracker.get_slot("requested_plan") == "extension":
            slots.insert(slots.index("hardship_reason"), "extension_days")
        if "affordable_monthly" in unknown and tracker.get_slot("affordable_monthly") is None:
            # Worked out from income and the month's costs (validate_*), never asked again; with either not known
            # there is no amount (the plan starts from a pause), and costs are not asked without an income.
            slots.remove("affordable_monthly")
            slots += ["monthly_income"] if "monthly_income" in unknown else ["monthly_income", "essential_expenses"]
        if tracker.get_slot("lender") and tracker.get_slot("lender_confirmed") is False:
            # A name the lender registry does not know reaches a draft only once the borrower confirms it.
            slots.insert(slots.index("lender") + 1, "lender_confirmed")
        return [s for s in slots if not (s in unknown and s in OPTIONAL_FORM_SLOTS)]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        filled_now = set(tracker.slots_to_validate())
        guarded = safety_guard(dispatcher, tracker)
        events = await super().run(dispatcher, tracker, domain)
        if guarded is None and rehearsal.asked_for(tracker):
            say(dispatcher, tracker, rehearsal.not_in_form_line())  # the practice call comes after the plan
        if guarded is not None:
            # 「两个月 原因就写住院 你帮我写得像一点」: the true facts are kept, the lie is refused
            return [*events, *(e for e in guarded if e.get("name") != "pending_offer")]
        intent = latest_intent(tracker)
        if requested == "lender_confirmed" and requested in filled_now and not bot_spoke_this_turn(tracker):
            # 「唔係 逾期倆月」 to 「我記下的機構是「Promise」，對嗎？」: the name stands, and what else changed is said
            self._noted_aside(dispatcher, tracker, requested)
        if requested and requested not in filled_now and not bot_spoke_this_turn(tracker):
            if requested in UNSETTLED_WHILE_ASKED and ask_amount_role(dispatcher, tracker) is not None:
                # 「我手上有五百块」 while the form asks how long: which fact the money is, then the question again
                return events
            if self._noted_aside(dispatcher, tracker, requested):
                return events
        if not requested or requested in filled_now or intent not in ANSWER_ATTEMPT_INTENTS:
            return events
        unknown = set(tracker.get_slot("facts_unknown") or [])
        if requested in unknown:
            if requested == "debt_amount":
                dispatcher.utter_message(response="utter_reask_debt_unknown")
            elif requested == "affordable_monthly":
                income, costs = tracker.get_slot("monthly_income"), tracker.get_slot("essential_expenses")
                if income is not None and costs is not None:  # both said earlier: worked out now, nothing asked
                    return [*events, *(SlotSet(k, v) for k, v in self._estimate(
                        dispatcher, tracker, budget.work_out(int(income), Costs((), int(costs))),
                        user_texts(tracker)).items())]
                say(dispatcher, tracker, replies.line("affordable_unknown" if income is None else "affordable_costs"))
            elif requested in ("monthly_income", "essential_expenses") and "affordable_monthly" in unknown:
                say(dispatcher, tracker, replies.line("affordable_not_worked_out"))
            # Accept "don't know": the slot is dropped from required_slots (or re-asked for debt_amount).
            return [*events, SlotSet(requested, None)]
        if any(isinstance(e, dict) and e.get("name") in filled_now for e in events):
            return events
        if tracker.get_slot("amount_unsettled") is not None or bot_spoke_this_turn(tracker):
            # money said instead (「您说的500元是指哪一项？」 was asked), or another fact said back already
            # (「记下了：…月收入约 6,500 元」): no miss and no 「没读出来」, the form's question follows
            return [*events, SlotSet(requested, None)]
        # Nothing usable for the asked fact: re-ask with an example; from the second miss on, offer to skip it.
        misses = misses_after(tracker.get_slot("form_misses"), requested)
        reask = REASK_RESPONSES.get(requested)
        amounts = [e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
                   if e.get("entity") == "amount" and isinstance(e.get("value"), (int, float))]
        if requested in ("overdue_days", "extension_days") and amounts:
            # 「我手上有3000」 while the form asks how long: money heard, said so, the time asked again
            say(dispatcher, tracker, replies.line("amount_not_a_time",
                                                  money=budget.money(int(amounts[0]), region_of(tracker))))
        elif reask:
            dispatcher.utter_message(response=reask)
        if misses.get(requested, 0) >= 2 and requested in OPTIONAL_FORM_SLOTS:
            dispatcher.utter_message(response="utter_offer_skip")
        return [*events, SlotSet(requested, None), SlotSet("form_misses", misses)]

    @staticmethod
    def _noted_aside(dispatcher: CollectingDispatcher, tracker: Tracker, requested: str) -> bool:
        """Facts given while the form asks something else (「每个月最多还四千七」 to 「需要宽限多久」): said back in
        one line (what changed, or what is now known), and the form's question follows."""
        changed = facts_changed_this_turn(tracker) & (CORRECTABLE_FACTS | ASIDE_FACTS)
        if not changed - {requested}:
            return False
        changes = corrections_this_turn(tracker)
        line = replies.facts_line(case_facts(tracker))
        costs = tracker.get_slot("essential_expenses")
        if changes:
            say(dispatcher, tracker, replies.line("facts_changed", changes=changes))
        elif changed - {requested} == {"essential_expenses"} and costs is not None:
            # 「开销大概7k」 to 「每个月最多能拿出多少来还？」: the case's line has no costs; they are said alone
            say(dispatcher, tracker, replies.line("costs_noted", money=budget.money(int(costs), region_of(tracker))))
        elif line:
            say(dispatcher, tracker, replies.line("facts_noted", line=line))
        return bool(changes or line or costs is not None)

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

    def validate_monthly_income(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[str, Any]:
        if value is None or float(value) < 0:
            return {"monthly_income": None}
        if float(value) == 0 and self._working_out(tracker):
            # No income: nothing to pay from, no need to ask the costs; the help that fits instead
            say_budget(dispatcher, tracker, [replies.line("affordable_none")], True, user_texts(tracker))
            return {"monthly_income": 0.0, "affordable_monthly": 0.0}
        costs = tracker.get_slot("essential_expenses")
        if costs is not None and self._working_out(tracker):
            # 「工资5000 房租1500 吃饭1200」 answering the income question: the costs came with it (Rasa validates
            # only the asked slot here, so the working is done now and the costs are not asked)
            return {"monthly_income": float(value),
                    **self.validate_essential_expenses(costs, dispatcher, tracker, domain, income=float(value))}
        return {"monthly_income": float(value)}

    def validate_essential_expenses(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict, income: float | None = None) -> Dict[str, Any]:
        if value is None or float(value) < 0:
            return {"essential_expenses": None}
        income = tracker.get_slot("monthly_income") if income is None else income
        if income is None or not self._working_out(tracker):
            return {"essential_expenses": float(value)}
        # the items as the borrower listed them (form_reading read the same message for the total)
        costs = read_costs(latest_raw_text(tracker))
        if costs is None or costs.total != int(float(value)):
            costs = Costs((), int(float(value)))
        # the costs answer itself is no circumstance (「看病吃药300」 is a cost, not an illness)
        return self._estimate(dispatcher, tracker, budget.work_out(int(income), costs), user_texts(tracker)[:-1])

    @staticmethod
    def _estimate(dispatcher: CollectingDispatcher, tracker: Tracker, working: budget.Working,
                  texts: List[str]) -> Dict[str, Any]:
        """The working shown and the amount it leaves (after the margin) as what the borrower can pay."""
        say_budget(dispatcher, tracker, budget.estimate_lines(working, region_of(tracker)), working.offer <= 0, texts)
        return {"essential_expenses": float(working.total_costs), "affordable_monthly": float(working.offer),
                "budget": working.as_slot()}

    @staticmethod
    def _working_out(tracker: Tracker) -> bool:
        """The form is working out what the borrower can pay (they said they do not know it)."""
        return tracker.get_slot("affordable_monthly") is None and \
            "affordable_monthly" in (tracker.get_slot("facts_unknown") or [])


class ActionStartPlan(NoLoops, Action):
    """Acknowledges a request (installment / extension / fee waiver / cannot pay / what to say) before the form."""

    def name(self) -> str:
        return "action_start_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        stayed = stay_after_crisis(dispatcher, tracker)
        if stayed is not None:  # right after the crisis lines: no form, whatever the words
            return stayed if any(e.get("event") == "followup" for e in stayed) else \
                [*stayed, FollowupAction("action_listen")]
        guarded = safety_guard(dispatcher, tracker)
        if guarded is not None:  # a request to deceive is refused, and no form starts on it
            return [*guarded, FollowupAction("action_listen")]
        rehearsed = rehearsal.turn(dispatcher, tracker)  # 「我想练习怎么跟催收说」, or a reply in a practice call
        if rehearsed is not None:
            followed = any(e.get("event") == "followup" for e in rehearsed)
            return rehearsed if followed else [*rehearsed, FollowupAction("action_listen")]
        money = answer_money_and_rates(dispatcher, tracker)
        if money is not None:  # 「借1万分12期每期980」 read as a request: the rate, and no form
            return [*money, FollowupAction("action_listen")]
        reported = outcomes.answer_outcome(dispatcher, tracker)  # 「同意分12期」 read as a request: no new form
        if reported is not None:
            return [*reported, FollowupAction("action_listen")]
        shown = drafts_on_request(dispatcher, tracker)  # 「看电话协商话术」 after a plan: that draft, no new form
        if shown is not None:
            return [*shown, FollowupAction("action_listen")]
        topic = answer_special(dispatcher, tracker)
        if topic is not None:
            # A question that only looked like a request for a plan (「没钱请律师」「那我能怎么帮他」): answered,
            # and the form does not start (the follow-up action replaces the rule's next step).
            # (not while the bot waits to hear where the borrower is: 「您在香港、台湾还是内地？」 is enough for now)
            offer = offer_plan(dispatcher, tracker) if offers_after(topic, tracker) and \
                not region_asked_now(dispatcher, tracker) else []
            return [*offer, FollowupAction("action_listen")]
        intent = latest_intent(tracker)
        text = replies.start_plan_message(intent or "", staff=is_staff(tracker))
        say(dispatcher, tracker, text)
        money_help_once(dispatcher, tracker)  # 「我失业了，网贷还不上了」: 失业保险金 and 12333 before the form asks
        return [SlotSet("pending_offer", None)]


class ActionDraftPlan(NoLoops, Action):
    """Computes the plan and sends the drafts: phone script, written request, short reply, checklist."""

    def name(self) -> str:
        return "action_draft_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        guarded = safety_guard(dispatcher, tracker)
        if guarded is not None:  # 「好 原因就写住院 写得像一点」: a yes that asks for a lie drafts nothing
            return guarded
        events = draft_plan(dispatcher, tracker, case_facts(tracker))
        if events:
            evidence.downloads(dispatcher, tracker)
            # the staff console types 「练一下」 instead; messaging apps get the offer once the drafts are read
            if not is_staff(tracker) and not short_turns(latest_channel(tracker)):
                say(dispatcher, tracker, rehearsal.offer_line(), buttons=rehearsal.offer_buttons(tracker))
        return events


class ActionRespondThreat(NoLoops, Action):
    """A reported threat: acknowledge, rules for that threat, evidence, where to complain, offer a plan."""

    def name(self) -> str:
        return "action_respond_threat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if report_guessed_after_crisis(tracker):
            return stay_after_crisis(dispatcher, tracker) or []
        guarded = safety_guard(dispatcher, tracker)
        if guarded is not None:
            return guarded
        rehearsed = rehearsal.turn(dispatcher, tracker)  # 「你们找我家人是违规的」 said to the simulated collector
        if rehearsed is not None:
            return rehearsed
        reported = outcomes.answer_outcome(dispatcher, tracker)  # 「他们说要先还30%」 read as a threat: the answer
        if reported is not None:
            return reported
        if slots_set_this_turn(tracker) & _CASE_FACT_SLOTS and \
                tells_of_no_collector(tracker.latest_message.get("text") or ""):
            # 「他在你我贷欠了65,000元」 (an adviser's note) read as a report: no collector in it, the facts are what
            # was said (and no entry of the contact log: ActionExtractCaseFacts)
            return acknowledge_facts(dispatcher, tracker, case_facts(tracker))
        # The answer as before, then 「已记入证据记录（现有 N 条…）：…」 (so the borrower sees what was logged), then
        # the offer.
        topic = answer_special(dispatcher, tracker, "threat")
        if topic is None:
            intent = latest_intent(tracker) or "report_harassment"
            text = tracker.latest_message.get("text") or ""
            answer = knowledge.threat_answer(intent, text, region_of(tracker))
            answered = say_answer_once(dispatcher, tracker, "threat", answer)
            evidence.say_log_notice(dispatcher, tracker)
            if not answered:
                return []  # the same block as last turn: a clarifying question instead, and no second offer
        else:
            evidence.say_log_notice(dispatcher, tracker)
        if region_asked_now(dispatcher, tracker):
            return []  # 「您在香港、台湾还是内地？」 is enough for this turn; the offer comes later
        if topic is not None and not offers_after(topic, tracker):
            return []
        return offer_plan(dispatcher, tracker)


class ActionAnswerQuestion(NoLoops, Action):
    """Legality, consequences, complaint channels, paid debt services, verifying a collector."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        first = before_the_intent(dispatcher, tracker)
        if first is not None:
            return first
        topic = answer_special(dispatcher, tracker)
        if topic is not None:  # the question asked, whatever the intent (court SMS, interest, family, …)
            # an overdue debt (「借呗到期还不上怎么办」): the answer, then the offer to draft with the lender named
            return offer_plan(dispatcher, tracker) if offers_after_question(dispatcher, tracker, topic) else []
        text = tracker.latest_message.get("text") or ""
        if slots_set_this_turn(tracker) & _CASE_FACT_SLOTS and not has_question_words(text):
            # A case told in facts with no question in it (a hotline adviser entering a case) that the classifier
            # read as a question: the facts are what was said.
            return acknowledge_facts(dispatcher, tracker, case_facts(tracker))
        intent = latest_intent(tracker) or "ask_legality"
        if intent not in knowledge.intents():  # out_of_scope, nlu_fallback: none of the questions above
            if about_debt(tracker):  # about a debt: one question with quick replies, never 「帮不上忙」
                return clarify_debt(dispatcher, tracker)
            fallback = "utter_ask_rephrase" if intent == "nlu_fallback" else "utter_out_of_scope"
            dispatcher.utter_message(response=fallback)
            return []
        topic = knowledge.topic_for(intent, text)
        default = knowledge.load()["answers"][intent]["default"]
        if intent == "ask_complaint_channel" and topic == default and tracker.get_slot("lender_type"):
            topic = knowledge.complaint_topic(tracker.get_slot("lender_type"))  # the case already names the lender
        if say_answer_once(dispatcher, tracker, "question", knowledge.answer(intent, topic, region_of(tracker))) \
                and intent == "ask_complaint_channel":
            brand_note(dispatcher, tracker)  # the case's lender is a brand: who lends behind it, where to complain
        return []


class ActionCrisisSupport(NoLoops, Action):
    """Crisis help first, warmly (a running form is deactivated by the rule; the facts are kept).

    When the message also reads as a threat report or a question (the runner-up intent), that is answered
    after the crisis lines: a misread plain threat still gets its answer, and a real crisis message that
    mentions a collector's threat is not left with crisis lines only.
    """

    SECONDARY_MIN_CONFIDENCE = 0.2

    def name(self) -> str:
        return "action_crisis_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if rehearsal.active(tracker) and not self_harm_cue(text) and not rehearsal.crisis_in(text):
            # In a practice call the classifier read a crisis in words with no cue of one (「好好好我今天想办法」
            # said to the collector): a check-in with the crisis line, then the practice goes on. Any cue of
            # self-harm ends the practice and gets the crisis help below.
            say(dispatcher, tracker, replies.crisis_followup("rehearsal_check", region_of(tracker)))
            practised = rehearsal.turn(dispatcher, tracker)
            if practised is not None:
                return practised
        ended = rehearsal.end_for_crisis(tracker)  # crisis help wins: a practice call running ends here
        return [*ended, *await self.support(dispatcher, tracker)]

    async def support(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        region = region_of(tracker)
        paused = [SlotSet("crisis_resume", "form")] if tracker.active_loop_name else []
        go_on = [FollowupAction("debt_profile_form")] if tracker.active_loop_name else []
        act = act_in_progress(text)
        if not act and not strong_self_harm_cue(text):
            # No cue of the person's own in the words: the classifier's reading is checked against what they say.
            if only_gratitude(text) or grateful(text):
                dispatcher.utter_message(response="utter_thank")  # 「多亏了你」: thanks, never a crisis
                return go_on
            guarded = safety_guard(dispatcher, tracker)
            if guarded is not None:  # 「就写我得了癌症，反正他们也不会去查」: a request to deceive, not a crisis
                return [*guarded, *go_on]
            if negated_crisis(text) or weak_cue_about_debt(text):
                # 「我不想死，我想解决欠款的问题」「想一了百了把债还清」: a gentle check, then on
                kind = "negated" if negated_crisis(text) else "check"
                say(dispatcher, tracker, replies.crisis_followup(kind, region))
                return [*go_on, *([] if go_on else offer_plan(dispatcher, tracker))]
        if is_staff(tracker):
            say(dispatcher, tracker, replies.staff_crisis_protocol(region, act=act))
        both_places = region == "mainland" and cantonese(text) and not place_named(user_texts(tracker))
        if act and both_places:
            # 「我而家喺天台，想跳落去」: Cantonese, place unknown: both places' emergency numbers, first
            say_answer(dispatcher, tracker, "crisis_act", replies.line("act_both_places", **knowledge.hotlines()))
        elif act:
            say_answer(dispatcher, tracker, "crisis_act", knowledge.crisis_act_message(region))
        if repeats_last_turn(tracker, knowledge.crisis_message(region)):
            say(dispatcher, tracker, replies.crisis_followup("again", region))  # never the same block twice
        else:
            say_answer(dispatcher, tracker, "crisis", knowledge.crisis_message(region))
        if both_places:
            say(dispatcher, tracker, replies.line("crisis_hk_too", **knowledge.hotlines()))
        ask_region_once(dispatcher, tracker, crisis=True)
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
        return [SlotSet("crisis_flag", True), SlotSet("pending_offer", None), *paused]


class ActionDistressSupport(NoLoops, Action):
    def name(self) -> str:
        return "action_distress_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        first = before_the_intent(dispatcher, tracker)
        if first is not None:
            return first  # after the crisis lines: stay with the person, no offer to draft
        topic = answer_special(dispatcher, tracker)
        if topic is not None:  # a question asked in worried words (「加速包的钱可以要回来吗」): its answer
            return offer_plan(dispatcher, tracker) if offers_after_question(dispatcher, tracker, topic) else []
        say(dispatcher, tracker, replies.distress_message(region_of(tracker)))
        money_help_once(dispatcher, tracker)
        return offer_plan(dispatcher, tracker)


class ActionAcknowledgeFacts(NoLoops, Action):
    """Facts given outside the form: confirm what was understood, then redraft, draft or offer (steps.py)."""

    def name(self) -> str:
        return "action_acknowledge_facts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        first = before_the_intent(dispatcher, tracker)
        if first is not None:
            return first
        return acknowledge_facts(dispatcher, tracker, case_facts(tracker))


class ActionConfirmStop(NoLoops, Action):
    """A goodbye or a no while the form asks: ask before stopping. The facts stay; 「继续」 resumes the form."""

    def name(self) -> str:
        return "action_confirm_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_confirm_stop")
        return [SlotSet("pending_offer", "resume_form")]


class ActionHandleDeny(NoLoops, Action):
    """「不」 outside the form: a correction of a fact (「不对，是两万」), declining the offer, or a plain no."""

    def name(self) -> str:
        return "action_handle_deny"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        first = before_the_intent(dispatcher, tracker)
        if first is not None:
            return first
        return handle_deny(dispatcher, tracker, case_facts(tracker))


class _ShortReplyOrStay(NoLoops, Action, ABC):
    """A short reply (``RESPONSE``), or, right after the crisis lines, staying with the person instead: 「我一个人在
    出租屋里」 read as a greeting, or 「谢谢」, must not get the introduction or 「不客气」 and an offer to draft."""

    RESPONSE = ""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return _turn_ends(await self._reply(dispatcher, tracker))

    async def _reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        first = before_the_intent(dispatcher, tracker)
        if first is not None:
            return first
        if facts_changed_this_turn(tracker) & CORRECTABLE_FACTS:
            # 「不对 是明年1月15号」 read as a yes or a greeting: a changed fact is acknowledged (and redrafted)
            return acknowledge_facts(dispatcher, tracker, case_facts(tracker))
        dispatcher.utter_message(response=self.RESPONSE)
        return []


def _turn_ends(events: List[EventType]) -> List[EventType]:
    """A short reply ends the turn. Its rules hold only while no offer is pending (「是花旗」 read as a yes names a
    lender, and the offer to draft it sets ``pending_offer``): without this the rule no longer matches after the
    action, nothing predicts listening, and Rasa's fallback says 「抱歉，这一步我没处理好」."""
    if any(e.get("event") == "followup" for e in events):
        return events
    return [*events, FollowupAction("action_listen")]


class ActionGreet(_ShortReplyOrStay):
    RESPONSE = "utter_greet"

    def name(self) -> str:
        return "action_greet"


class ActionPlainYes(_ShortReplyOrStay):
    """「嗯」 outside any offer: 「好的。」; right after the crisis lines the person's message is answered instead
    (「嗯 我会打的 那钱的事我该怎么办」 must reach the answer about money whatever the classifier makes of 「嗯」)."""

    RESPONSE = "utter_ok"

    def name(self) -> str:
        return "action_plain_yes"


class ActionBotChallenge(_ShortReplyOrStay):
    """「你是机器人吗」, or in a practice call 「你们是哪家公司？」 said to the collector (a model may read it as asking
    the bot what it is): the practice call and the crisis follow-up come first, as for every short reply."""

    RESPONSE = "utter_bot_challenge"

    def name(self) -> str:
        return "action_bot_challenge"


class ActionThank(_ShortReplyOrStay):
    RESPONSE = "utter_thank"

    def name(self) -> str:
        return "action_thank"


class ActionGoodbye(_ShortReplyOrStay):
    """A goodbye, or right after the crisis lines a reply to them: 「我没事了 继续吧」 read as a goodbye must go back
    to the case, not end the conversation."""

    RESPONSE = "utter_goodbye"

    def name(self) -> str:
        return "action_goodbye"
