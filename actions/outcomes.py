"""A lender's answer after a call (「他们说最多分12期」「同意了」「说不行」): the thin adapter around coach/outcomes.py.

Only after a plan was drafted (slot ``latest_drafts``) and outside the form, so an ordinary answer to the form is
never read as a lender's answer. Reading, deciding and wording are in coach/; here the slots are read, the reply
sent, and the lender's status stored: in its ``debts`` entry (several debts) or ``latest_drafts["outcome"]``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Mapping

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import evidence
from actions.steps import case_facts, is_staff, region_of, say, several_record, today
from coach import download_links, outcomes
from coach.case import CaseFacts, contact_log
from coach.extraction import names_lender, threats_in
from coach.multi_drafting import make_multi_plan, multi_layout
from coach.plan import InstallmentPlan, make_plan
from coach.rehearsal import engine
from coach.zh import evidence_cues
from coach.zh.outcome_words import Reading


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _lenders(facts: CaseFacts) -> List[str]:
    return [d.lender for d in facts.debts] if facts.several_debts else [facts.lender] if facts.lender else []


def reading_of(tracker: Tracker) -> Reading | None:
    """The lender's answer in the latest message, or None (no plan yet, the form running, or not an answer)."""
    if not tracker.get_slot("latest_drafts") or tracker.active_loop_name or \
            engine.is_active(tracker.get_slot("rehearsal")):
        return None  # a practice call that has ended keeps its state (for 「再来一次」) and stops nothing
    text = _text(tracker)
    if threats_in(text):
        return None  # 「不同意，还说要起诉我」: the threat's own answer, and the entry in the contact log
    if evidence_cues.command(text) is not None:
        return None  # 「银行没回复，写个跟进信」: the letter asked for (actions/evidence.py)
    lenders = [str(d.get("lender")) for d in tracker.get_slot("debts") or [] if isinstance(d, Mapping)] or \
        [str(tracker.get_slot("lender") or "")]
    return outcomes.read(text, names_lender=any(names_lender(text, x) for x in lenders if x))


def keeps_facts(tracker: Tracker) -> bool:
    """A lender's answer is no fact of the borrower's case: 「他们说每个月至少还2000」 is not what the borrower can
    pay, and 「招行说最多分12期」 names no new debt."""
    return reading_of(tracker) is not None


def _proposed(facts: CaseFacts, lender: str, status: Any, debts: List[Dict[str, Any]]) -> outcomes.Terms | None:
    """What the borrower last proposed to ``lender``: the last counter-offer or agreed terms, else the plan."""
    previous = outcomes.Terms.from_dict(status.get("terms")) if isinstance(status, Mapping) else None
    if previous is not None:
        return previous
    if facts.several_debts:
        share = outcomes.split_after(debts, facts.affordable_monthly, today()).share_of(lender)
        return outcomes.Terms(share.installment, share.months, last=share.last_amount) \
            if share is not None and share.monthly else None
    try:
        plan = make_plan(facts, today())
    except ValueError:
        return None
    if isinstance(plan, InstallmentPlan):
        return outcomes.Terms(plan.monthly_amount, plan.months, last=plan.last_amount)
    return None


def answer_outcome(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """The reply to a lender's answer and the lender's new status; None when the message is not one."""
    reading = reading_of(tracker)
    if reading is None:
        return None
    facts = case_facts(tracker)
    text = _text(tracker)
    lenders = _lenders(facts)
    named = [x for x in lenders if names_lender(text, x)]
    debts = [dict(d) for d in tracker.get_slot("debts") or [] if isinstance(d, Mapping)]
    if facts.several_debts and len(named) != 1:
        waiting = [str(d["lender"]) for d in debts
                   if (d.get("outcome") or {}).get("status") in ("counter_offer", "agreed")]
        if len(waiting) != 1:
            say(dispatcher, tracker, outcomes.load()["lines"]["which_lender"].format(lenders="、".join(lenders)))
            return []
        named = waiting
    lender = named[0] if named else (lenders[0] if lenders else "")
    if not lender:
        return None
    drafts = dict(tracker.get_slot("latest_drafts") or {})
    if facts.several_debts:
        entry = next(d for d in debts if d.get("lender") == lender)
        status, debt = entry.get("outcome"), int(entry.get("amount") or 0)
        limit = outcomes.limit_for(lender, debts, facts.affordable_monthly)
    else:
        status, debt = drafts.get("outcome"), int(facts.debt_amount or 0)
        limit = facts.affordable_monthly
    if not debt:
        return None
    day = today()
    decision = outcomes.decide(reading, lender=lender, debt=debt, limit=limit,
                               proposed=_proposed(facts, lender, status, debts), today=day)
    log = tracker.get_slot("contact_log")
    entries = [e for e in (contact_log.ordered(log) if contact_log.is_valid(log) else []) if e.get("lender") == lender]
    kind = next((d.kind for d in facts.debts if d.lender == lender), None) if facts.several_debts \
        else facts.lender_type
    ctx = outcomes.Context(lender_kind=kind, region=region_of(tracker), today=day, log_count=len(entries), debt=debt,
                           downloads=download_links.secret() is not None)
    for message in outcomes.reply(decision, ctx):
        say(dispatcher, tracker, message)
    new_status = outcomes.record(status, decision, day)
    if decision.action == "confirm":
        evidence.downloads(dispatcher, tracker)  # the files' calendar now holds the agreed dates (coach/schedule.py)
    if not facts.several_debts:
        return [SlotSet("latest_drafts", {**drafts, "outcome": {**new_status, "lender": lender}})]
    entry["outcome"] = new_status
    events: List[EventType] = [SlotSet("debts", debts)]
    if decision.status in ("agreed", "agreed_in_writing") and outcomes.agreed_monthly(new_status) is not None:
        plan = outcomes.split_after(debts, facts.affordable_monthly, day)
        agreed = {str(d["lender"]): m for d in debts if (m := outcomes.agreed_monthly(d.get("outcome"))) is not None}
        say(dispatcher, tracker, outcomes.split_lines(lender, plan, agreed))
        # the kept drafts follow the agreement, so drafts asked for later carry the new split
        updated = dataclasses.replace(facts, debts=CaseFacts.from_slots({"debts": debts}).debts)
        layout = multi_layout(updated, make_multi_plan(updated, day), day, region=region_of(tracker),
                              crisis=is_staff(tracker) and bool(tracker.get_slot("crisis_flag")))
        events.append(SlotSet("latest_drafts", {**several_record(layout, is_staff(tracker)),
                                                **{k: v for k, v in drafts.items() if k == "outcome"}}))
    return events
