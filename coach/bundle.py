"""What goes into the downloadable files: the plan summary, the drafts, the letters, the contact log and the
calendar events, from a conversation's slots. Pure: no Rasa (channels/files.py reads the tracker).
"""

from __future__ import annotations

import datetime
from typing import Any, Mapping, Sequence

from coach import letters, outcomes
from coach.case import CaseFacts, contact_log, region_of_script, vocabulary
from coach.exports import Bundle, Section
from coach.multi_drafting import make_multi_plan
from coach.plan import make_plan
from coach.schedule import follow_up_event, plan_events, several_events, with_agreements
from coach.zh.normalizer import to_traditional

TITLE = "债务协商方案与信件"
STAFF_TITLE = "个案材料（坐席内部使用，不要交给借款人）"
# Draft kinds written for the hotline adviser, never for the borrower (coach/drafting.py layout with staff=True):
# they go into the staff pack only, never into the borrower's files.
STAFF_ONLY_KINDS = frozenset({"case_summary", "risk_flags", "tell_borrower", "next_questions"})


def bundle(slots: Mapping[str, Any], *, user_texts: Sequence[str], drafted_on: datetime.date | None,
           today: datetime.date, staff: bool = False) -> Bundle:
    """The files' content for one conversation, in the user's script (Traditional for Hong Kong and Taiwan).
    The borrower's files hold borrower-facing text only; ``staff``: the adviser's pack (the case summary, risk
    flags, what to tell the borrower, the questions to ask next, then the drafts)."""
    script = slots.get("script")
    region = region_of_script(script)
    sections: list[Section] = []
    events = []
    drafts = slots.get("latest_drafts")
    if isinstance(drafts, dict):
        if drafts.get("summary"):
            sections.append(Section("方案摘要", str(drafts["summary"])))
        for part in drafts.get("parts") or []:
            if not staff and part.get("kind") in STAFF_ONLY_KINDS:
                continue
            sections.append(Section(str(part.get("title") or part.get("kind")), str(part.get("text") or "")))
        if staff and drafts.get("next_questions"):
            sections.append(Section("建议接着问", "\n".join(f"· {q}" for q in drafts["next_questions"])))
        facts_slots = {s: slots.get(s) for s in vocabulary.FACT_SLOTS + vocabulary.STATE_SLOTS}
        day = drafted_on or today
        try:
            facts = CaseFacts.from_slots(facts_slots, messages=list(user_texts), today=day)
            # several debts: each lender's share, agreed lenders' amounts kept (the same plan as the drafts)
            planned = several_events(make_multi_plan(facts, day), day) if facts.several_debts \
                else plan_events(make_plan(facts, day), day)
            statuses = outcomes.statuses_of(slots.get("debts"), drafts, slots.get("lender"))
            events += with_agreements(planned, statuses, facts.several_debts)  # agreed dates win
            events.append(follow_up_event(day, letters.follow_up_days(region)))
        except (ValueError, TypeError):
            pass  # no debt amount: no schedule
    sent = slots.get("latest_letters")
    if isinstance(sent, dict):
        for letter in sent.get("letters") or []:
            sections.append(Section(str(letter.get("title")), str(letter.get("text") or "")))
        if sent.get("date"):
            sent_on = datetime.date.fromisoformat(sent["date"])
            events.append(follow_up_event(sent_on, letters.follow_up_days(region), "投诉或申请信件"))
    log = slots.get("contact_log")
    if contact_log.is_valid(log) and log:
        sections.append(Section("证据记录", "\n".join(contact_log.as_lines(log))))
    events.sort(key=lambda e: e.day)

    def local(text: str) -> str:
        return to_traditional(text, script)

    return Bundle(local(STAFF_TITLE if staff else TITLE), today,
                  tuple(Section(local(s.title), local(s.text)) for s in sections),
                  tuple(e.__class__(e.day, local(e.summary), local(e.description), e.reminder_days) for e in events))
