"""What the actions share: reading the tracker, sending text in the user's script, and the steps that more
than one action takes (offer a plan, draft the plan, acknowledge facts, handle a no). Actions call these
functions, never each other's ``run``.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from coach import budget, knowledge, outcomes, replies
from coach.audience import STAFF, audience_of
from coach.case import CaseFacts, classify_hardship, region_of_script, vocabulary
from coach.crisis_followup import followup_kind
from coach.drafting import layout
from coach.extraction import names_lender, region_is_clear, threats_in
from coach.multi_drafting import LenderDrafts, MultiLayout, debts_of, make_multi_plan, multi_layout, pending_of
from coach.plan import make_plan
from coach.turn_shape import short_turns
from coach.zh.normalizer import to_traditional
from coach.zh.safety_cues import (
    collector_coaching,
    collector_side,
    deception_request,
    hardship_only_weighed,
    privacy_question,
    strip_untrue,
    untrue_hardship,
    untrue_words,
)

# Facts a 「不对，是…」 outside the form may correct; a change to one of them is acknowledged (and redrafted).
CORRECTABLE_FACTS = {"lender", "debt_amount", "overdue_days", "monthly_income", "affordable_monthly",
                     "extension_days"}


def today() -> datetime.date:
    """Today in the borrowers' time zone (UTC+8: mainland China, Hong Kong, Taiwan), whatever the server's."""
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()


# The slots the actions read the case from (coach/case/vocabulary.yml).
FACT_SLOTS = vocabulary.FACT_SLOTS + vocabulary.STATE_SLOTS


def case_facts(tracker: Tracker) -> CaseFacts:
    """The case from the slots, and what the borrower said they can pay by a date from their messages."""
    slots = {slot: tracker.get_slot(slot) for slot in FACT_SLOTS}
    slots["budget"] = tracker.get_slot("budget")  # the form's working, for the case summary and the hardship line
    untrue = tracker.get_slot("untrue_claims") or []
    if slots.get("hardship_reason") in untrue:
        slots["hardship_reason"] = None  # the person said it is not true: it never reaches a draft
    facts = CaseFacts.from_slots(slots, messages=user_texts(tracker), today=today())
    if JOB_LOSS in untrue and facts.hardship_reason == "失业/收入下降":
        facts = dataclasses.replace(facts, hardship_reason=INCOME_DROP)  # income fell, no job was lost
    return facts


# 「我没失业，是工资降了一半」: the job loss is untrue, the fall in income is not. The drafts then speak of the income
# only (templates: reason 收入下降), never of a lost job or its papers.
JOB_LOSS = "失业"
JOB_LOSS_WORDS = frozenset({"失业", "被裁", "裁员", "被开"})
INCOME_DROP = "收入下降"


def region_of(tracker: Tracker) -> str:
    return region_of_script(tracker.get_slot("script"))


def localise(text: str, tracker: Tracker) -> str:
    """Replies in Traditional characters to users who write Traditional Chinese."""
    return to_traditional(text, tracker.get_slot("script"))


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def user_texts(tracker: Tracker) -> List[str]:
    """What the user wrote in this conversation, oldest first."""
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user" and e.get("text")]


def last_turn_bot_texts(tracker: Tracker) -> List[str]:
    """What the bot said in answer to the user's previous message (between the last two user messages)."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2:
        return []
    return [e.get("text") or "" for e in tracker.events[users[-2] + 1:users[-1]] if e.get("event") == "bot"]


def bot_spoke_this_turn(tracker: Tracker) -> bool:
    """Whether the bot already said something since the user's latest message (a form that runs again after
    another action answered must not say the same thing twice)."""
    last_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    return any(e.get("event") == "bot" for e in tracker.events[last_user + 1:])


def repeats_last_turn(tracker: Tracker, answer: str) -> bool:
    """Whether ``answer`` is what the bot already said last turn (as sent: in the user's script)."""
    sent = localise(answer, tracker).strip()
    return bool(sent) and any(sent in text for text in last_turn_bot_texts(tracker))


def say_answer_once(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, answer: str,
                    topic: str | None = None) -> bool:
    """say_answer, unless it is the block the bot gave last turn: the same block twice in a row is itself a
    defect, so the bot says plainly what it can and cannot answer, or asks which part is meant. Returns whether
    the answer itself was sent."""
    if repeats_last_turn(tracker, answer):
        say(dispatcher, tracker, replies.repeat_message(topic))
        return False
    say_answer(dispatcher, tracker, kind, answer)
    return True


# Special topics after which the bot does not offer to draft a plan (not the borrower's own debt, or nothing to
# negotiate about: an illegal loan, 714高炮, gets no offer of a 协商方案).
NO_OFFER_AFTER = {"family_not_liable", "family_reply", "family_help", "off_topic", "phishing_clicked", "debt_list",
                  "illegal_loan"}
# Special topics after which even a question gets the offer to draft: for an overdue debt, the plan is the answer.
OFFER_AFTER_QUESTION = {"overdue_what_now", "overdue_card", "overdue_consequences", "mortgage_arrears",
                        "mortgage_auction", "car_loan"}


def ask_region_once(dispatcher: CollectingDispatcher, tracker: Tracker, crisis: bool = False) -> None:
    """A Traditional-Chinese writer whose words do not say Hong Kong or Taiwan: after an answer that depends on
    the region (emergency numbers, which rules), ask once where they are; in a crisis, give both places' lines."""
    if region_of(tracker) not in ("hk", "tw") or region_is_clear(user_texts(tracker)):
        return
    if latest_metadata(tracker).get("default_script") in ("hk", "tw"):
        return  # the channel says where its users are (LINE: Taiwan, WhatsApp: Hong Kong; docs/channels.md)
    key = "region_question_crisis" if crisis else "region_question"
    text = replies.line(key, **knowledge.hotlines())
    asked = [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]
    asked += [m.get("text") or "" for m in dispatcher.messages]
    if any(localise(text, tracker) in said for said in asked):
        return
    say(dispatcher, tracker, text)


def region_asked_now(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Whether this turn asked where the borrower is (then an offer to draft waits for the answer)."""
    question = localise(replies.line("region_question", **knowledge.hotlines()), tracker)
    return any(question in (m.get("text") or "") for m in dispatcher.messages)


def after_crisis_lines(tracker: Tracker) -> bool:
    """Whether the bot's last turn gave the crisis lines or stayed with the person after them (borrowers only:
    hotline staff relay, they are not the person in crisis). An acknowledgement that the person is safe ends it."""
    if is_staff(tracker) or not tracker.get_slot("crisis_flag"):
        return False  # no crisis lines in this conversation: nothing to compare (most turns stop here)
    region = region_of(tracker)
    said = [knowledge.crisis_message(region), knowledge.crisis_act_message(region),
            *_crisis_texts(tracker, replies.CRISIS_STATE_KINDS)]
    return any(repeats_last_turn(tracker, text) for text in said)


def report_guessed_after_crisis(tracker: Tracker) -> bool:
    """Right after the crisis lines, a message the classifier reads as a threat report but that names no threat
    (「打咗都冇用」「那钱的事我该怎么办」): a reply to the crisis help, not a report to log and answer."""
    intent = latest_intent(tracker) or ""
    return intent.startswith("report_") and not threats_in(tracker.latest_message.get("text") or "") \
        and after_crisis_lines(tracker)


def _crisis_texts(tracker: Tracker, kinds: tuple[str, ...]) -> List[str]:
    region = region_of(tracker)
    return [replies.crisis_followup(kind, region) for kind in kinds]


def _said_last_turn(tracker: Tracker, kind: str) -> bool:
    return repeats_last_turn(tracker, replies.crisis_followup(kind, region_of(tracker)))


def stay_after_crisis(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """Right after the crisis lines, whatever the intent (coach/crisis_followup.py says which reply). Returns the
    events when this turn is handled here, None when the conversation goes on as usual (not after the crisis lines,
    or the person said they are safe and asked something: acknowledged here, answered by the caller).

    - safe, or a fact of the case: acknowledged once; a form the crisis paused resumes with every fact kept;
    - the offer to start from a pause taken up (「看看怎么申请暂缓吧」): the case form starts — a yes is a yes;
    - otherwise stay with the person, and never with the same text as last turn."""
    if not after_crisis_lines(tracker):
        return None
    text = tracker.latest_message.get("text") or ""
    if deception_request(text) or collector_coaching(text, user_texts(tracker)[:-1][-6:]):
        return None  # refused by safety_guard, crisis state or not
    kind = followup_kind(text)
    facts_given = bool(slots_set_this_turn(tracker) & CORRECTABLE_FACTS)
    paused_form = tracker.get_slot("crisis_resume") == "form"
    if kind == "money" and _said_last_turn(tracker, "money"):
        say(dispatcher, tracker, replies.crisis_followup("pause_yes", region_of(tracker)))
        return [SlotSet("crisis_resume", None), SlotSet("pending_offer", None), FollowupAction("debt_profile_form")]
    if kind == "safe" or facts_given or (kind == "money" and paused_form):
        say(dispatcher, tracker, replies.crisis_followup("safe", region_of(tracker)))
        if paused_form:
            return [SlotSet("crisis_resume", None), SlotSet("pending_offer", None), FollowupAction("debt_profile_form")]
        return None  # the caller answers the message itself (「那安逸花这个怎么弄」)
    if kind == "stay" and _said_last_turn(tracker, "stay"):
        kind = "stay_again"
    elif kind != "stay" and _said_last_turn(tracker, kind):
        kind = "stay_again" if not _said_last_turn(tracker, "stay_again") else "stay"
    say(dispatcher, tracker, replies.crisis_followup(kind, region_of(tracker)))
    # asked about money: 「好」 then starts on the pause (the offer the rules know)
    return [SlotSet("pending_offer", "draft_plan" if kind == "money" else None)]


def safety_guard(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """Requests the bot refuses whatever the intent (coach/zh/safety_cues.py): coaching for the collector's side (an
    earlier 「我是催收公司的」 counts), help to deceive the lender; and the question what the bot stores and whom it
    tells. Returns the events when the message was one of these, else None. A hardship the person says is untrue
    leaves the case, and the drafts already written, whatever else the message is; said as a correction
    (「刚才说错了，我没失业，是工资降了一半」) it needs no refusal."""
    text = tracker.latest_message.get("text") or ""
    region = region_of(tracker)
    earlier = user_texts(tracker)[:-1][-6:]
    if collector_coaching(text, earlier) and not (deception_request(text) and not collector_side(text, earlier)):
        # 「我想冒充警察…吓唬他们别再打了」 is a borrower's request to deceive, not a collector's
        say(dispatcher, tracker, knowledge.safety_message("collector", region))
        return [SlotSet("pending_offer", None)]
    events: List[EventType] = []
    untrue = untrue_hardship(text)
    if untrue and classify_hardship(strip_untrue(text)) == untrue:
        # 「我没失业，是工资降了一半」: the reason is still true; only the job loss was not, and no draft says it
        claims = list(tracker.get_slot("untrue_claims") or [])
        lost_job = [w for w in untrue_words(text) if w in JOB_LOSS_WORDS]
        if lost_job and JOB_LOSS not in claims:
            events.append(SlotSet("untrue_claims", [*claims, JOB_LOSS]))
            say(dispatcher, tracker, replies.line("untrue_removed", reason=lost_job[0]))
            if tracker.get_slot("latest_drafts"):
                say(dispatcher, tracker, replies.line("untrue_redrafted"))
                facts = dataclasses.replace(case_facts(tracker), hardship_reason=INCOME_DROP)
                return [*events, *draft_plan(dispatcher, tracker, facts)]
            return events
        untrue = None
    if untrue:
        claims = list(tracker.get_slot("untrue_claims") or [])
        if untrue not in claims:
            events.append(SlotSet("untrue_claims", [*claims, untrue]))
        if tracker.get_slot("hardship_reason") == untrue:
            events.append(SlotSet("hardship_reason", None))
    deceive = deception_request(text)
    if deceive:
        if repeats_last_turn(tracker, knowledge.safety_message("deception", region)):
            say(dispatcher, tracker, replies.line("deception_again"))
        else:
            say(dispatcher, tracker, knowledge.safety_message("deception", region))
            say(dispatcher, tracker, replies.line("deception_offer"))
    if untrue:
        said = next((w for w in untrue_words(text)), untrue)  # the person's own word: 住院, not 疾病/意外
        say(dispatcher, tracker, replies.line("untrue_removed", reason=said))
        if tracker.get_slot("latest_drafts") and any(e.get("name") == "hardship_reason" for e in events):
            say(dispatcher, tracker, replies.line("untrue_redrafted"))
            facts = dataclasses.replace(case_facts(tracker), hardship_reason=None)
            return [*events, *draft_plan(dispatcher, tracker, facts)]
    if deceive or untrue:
        return [*events, SlotSet("pending_offer", "draft_plan" if deceive else tracker.get_slot("pending_offer"))]
    if hardship_only_weighed(text):
        # 「我能不能说我生病了」: true, say it with papers; untrue, do not; nothing recorded until the person says so
        say(dispatcher, tracker, replies.line("hardship_weighed"))
        return None
    if privacy_question(text):
        say_answer_once(dispatcher, tracker, "question", replies.line("privacy"))
        return []
    return None


def answer_special(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str = "question") -> str | None:
    """Answer the question that was asked, whatever the intent: court SMS, a phishing link opened, interest
    caps, a family member's liability, the workplace, which debt first, defamation, legal help, or something
    else entirely (knowledge.special_topic). Returns the topic answered, or None when the message is none of
    these (the intent's own answer applies)."""
    text = tracker.latest_message.get("text") or ""
    if knowledge.asks_debt_list(text):
        debts_list(dispatcher, tracker, case_facts(tracker))
        return "debt_list"
    topic = knowledge.special_topic(text, user_texts(tracker)[:-1][-6:])
    if topic is None:
        return None
    key = knowledge.special_reply(topic)
    answer = replies.line(key) if key else knowledge.special_answer(topic, region_of(tracker))
    say_answer_once(dispatcher, tracker, kind, answer or "", topic)
    return topic


def offers_after(topic: str, tracker: Tracker) -> bool:
    """Whether a special answer is followed by the offer to draft a plan: not for someone else's debt or a
    question about something else, and not after a clarifying question (the answer was the last turn's)."""
    if topic in NO_OFFER_AFTER:
        return False
    answer = knowledge.special_answer(topic, region_of(tracker))
    return not (answer and repeats_last_turn(tracker, answer))


def offers_after_question(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str) -> bool:
    """Whether an answer to a question is followed by the offer to draft: only for an overdue debt (the plan is the
    answer), and not while the bot waits for the borrower to say where they are."""
    return topic in OFFER_AFTER_QUESTION and offers_after(topic, tracker) and \
        not region_asked_now(dispatcher, tracker)


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def latest_channel(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("input_channel")
    return None


def is_staff(tracker: Tracker) -> bool:
    """Staff wording for this turn: the latest message decides (coach.audience); the slot keeps it for turns
    that start without one."""
    if latest_metadata(tracker).get("audience") is not None:
        return audience_of(latest_channel(tracker), latest_metadata(tracker)) == STAFF
    return tracker.get_slot("audience") == STAFF


def adviser_script(tracker: Tracker) -> str | None:
    """The caller's region an adviser set in the staff console (its script, sent with each staff turn): it decides
    the rules whatever script the adviser types in (a Taiwan caller's case typed in Simplified). Read from staff
    turns only: every other channel's metadata is the client's word."""
    script = latest_metadata(tracker).get("script")
    return script if script in ("simplified", "hk", "tw") and is_staff(tracker) else None


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


def say(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, **kwargs: Any) -> None:
    dispatcher.utter_message(text=localise(text, tracker), **kwargs)


def say_draft(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, body: str) -> None:
    """One part of the drafts: 「【title】」 + body, with the kind and title as data for the widget's cards."""
    title = replies.draft_title(kind)
    say(dispatcher, tracker, f"【{title}】\n{body}",
        json_message={"draft": {"kind": kind, "title": localise(title, tracker)}})


def say_answer(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, answer: str) -> None:
    """A borrower-facing answer; hotline staff get it introduced as something to pass on. A Traditional writer
    whose words do not say Hong Kong or Taiwan is asked once where they are (the rules in the answer differ)."""
    if is_staff(tracker):
        say(dispatcher, tracker, replies.staff_relay(kind, answer))
        return
    say(dispatcher, tracker, answer)
    if kind != "crisis":  # the crisis answer gives both places' lines instead (ActionCrisisSupport)
        ask_region_once(dispatcher, tracker)


def offer_plan(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Offer to draft a plan, once: not inside the form, not after drafts exist, a short reminder if pending."""
    if tracker.active_loop_name or tracker.get_slot("latest_drafts"):
        return []
    if tracker.get_slot("pending_offer"):
        say(dispatcher, tracker, replies.offer_reminder())
        return []
    lender = tracker.get_slot("lender")
    if lender and not is_staff(tracker) and not tracker.get_slot("debts"):
        # the lender is already known (「借呗到期还不上怎么办」): the offer names it, and the form will not ask it
        buttons = [{"title": localise(replies.line(key), tracker), "payload": payload}
                   for key, payload in (("offer_yes", "/affirm"), ("offer_no", "/deny"))]
        say(dispatcher, tracker, replies.line("offer_plan_lender", lender=lender), buttons=buttons)
    else:
        dispatcher.utter_message(response="utter_offer_plan")
    return [SlotSet("pending_offer", "draft_plan")]


# Channels whose messages are plain text in a phone app: for several debts they get the overview first and each
# lender's drafts on request (a dozen long messages in a row would bury the overview).
COMPACT_CHANNELS = {"wecom", "line", "whatsapp"}


def slots_set_this_turn(tracker: Tracker) -> set[str]:
    """Slots set since the user's last message (by the custom slot mapping)."""
    names: set[str] = set()
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("value") is not None:
            names.add(event.get("name"))
    return names


def slots_around_this_turn(tracker: Tracker) -> tuple[dict[str, Any], dict[str, Any]]:
    """(slot values before the user's last message, slots set since it)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    before: dict[str, Any] = {}
    for event in events[:last_user]:
        if event.get("event") == "slot":
            before[event.get("name")] = event.get("value")
    after: dict[str, Any] = {}
    for event in events[last_user + 1:]:
        if event.get("event") == "slot":
            after[event.get("name")] = event.get("value")
    return before, after


def facts_changed_this_turn(tracker: Tracker) -> set[str]:
    """Slots given a different value since the user's last message (a lender named again to ask for its drafts
    re-sets the debts slot to the same list: not a change)."""
    before, after = slots_around_this_turn(tracker)
    return {name for name, value in after.items() if value != before.get(name)}


def corrections_this_turn(tracker: Tracker) -> str:
    """「欠款 9,000 → 101,000 元」「借呗 10,000 → 15,000 元」 for the facts this message changed from one value to
    another; empty when a lender was added or removed (the whole list says that better)."""
    before, after = slots_around_this_turn(tracker)
    if "debts" in after and after["debts"] != before.get("debts"):
        return replies.debt_changes_line(before.get("debts") or [], after["debts"] or [])
    return replies.changes_line({k: before.get(k) for k in after}, after)


def input_channel(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("input_channel")
    return None


def say_lender_drafts(dispatcher: CollectingDispatcher, tracker: Tracker, drafts: LenderDrafts) -> None:
    """One lender's three drafts as one message: a card in the widget (collapsed, a copy button per draft),
    plain text with titles elsewhere."""
    sections = [{"kind": kind, "title": localise(replies.draft_title(kind), tracker), "text": localise(body, tracker)}
                for kind, body in drafts.parts]
    say(dispatcher, tracker, f"【{drafts.title}】\n{drafts.text}",
        json_message={"draft": {"kind": "lender_drafts", "title": localise(drafts.title, tracker),
                                "lender": drafts.lender, "collapsed": True, "sections": sections}})


def requested_lender(tracker: Tracker, facts: CaseFacts) -> str | None:
    """The one lender of several named in the latest message (「借呗的话术发我」「招行」), if any."""
    text = tracker.latest_message.get("text") or ""
    named = [d.lender for d in facts.debts if names_lender(text, d.lender)]
    return named[0] if len(named) == 1 else None


def draft_several(dispatcher: CollectingDispatcher, tracker: Tracker, facts: CaseFacts) -> List[EventType]:
    """Several debts: one plan across all lenders (coach/multi_debt.py), an overview, then one card of drafts
    per lender (compact channels: the overview, and each lender's drafts when asked)."""
    known, pending = debts_of(facts), pending_of(facts)
    if len(known) < 2:
        say(dispatcher, tracker, replies.line("debts_missing_amounts", lenders="、".join(pending)))
        return []
    changed = facts_changed_this_turn(tracker)
    if pending and "debts" in changed and tracker.get_slot("latest_drafts"):
        # a lender added without its amount (「还有花呗」): ask for it before the plan is worked out again
        say(dispatcher, tracker, replies.line("debts_missing_amounts", lenders="、".join(pending)))
        return []
    day = today()
    plan = make_multi_plan(facts, day)  # agreed lenders keep their amounts (coach/multi_debt.py plan_with_agreed)
    staff = is_staff(tracker)
    drafts = multi_layout(facts, plan, day, region=region_of(tracker),
                          crisis=staff and bool(tracker.get_slot("crisis_flag")))
    previous = tracker.get_slot("latest_drafts") or {}
    only = requested_lender(tracker, facts) if previous.get("several") else None
    if only is not None and not changed & (CORRECTABLE_FACTS | {"debts"}):
        # drafts exist and the borrower asks for one lender's: that card only
        say_lender_drafts(dispatcher, tracker, next(d for d in drafts.lenders if d.lender == only))
        return []
    compact = input_channel(tracker) in COMPACT_CHANNELS
    for line in outcomes.redraft_lines(debts_of(facts), plan, day):
        say(dispatcher, tracker, line)  # what is agreed stays, or plainly that it is now more than can be paid
    if staff:
        say_draft(dispatcher, tracker, "case_summary", drafts.case_summary)
    elif drafts.note:
        say(dispatcher, tracker, drafts.note)
    say(dispatcher, tracker, replies.line("plan_heading", summary=drafts.summary))
    say_draft(dispatcher, tracker, "debts_overview", drafts.overview)
    if compact:
        say(dispatcher, tracker, replies.line("lender_drafts_on_request",
                                              lenders="」「".join(d.lender for d in drafts.lenders)))
    else:
        for lender in drafts.lenders:
            say_lender_drafts(dispatcher, tracker, lender)
    say_draft(dispatcher, tracker, "checklist", drafts.checklist)
    say(dispatcher, tracker, replies.line("after_draft_several"))
    return [SlotSet("latest_drafts", several_record(drafts, staff)), SlotSet("pending_offer", None)]


def several_record(drafts: MultiLayout, staff: bool) -> Dict[str, Any]:
    """The ``latest_drafts`` record of several debts' drafts (what the files and later requests give)."""
    parts = [{"kind": "debts_overview", "title": replies.draft_title("debts_overview"), "text": drafts.overview}]
    for lender in drafts.lenders:
        parts += [{"kind": kind, "title": f"{lender.lender} · {replies.draft_title(kind)}", "text": body,
                   "lender": lender.lender} for kind, body in lender.parts]
    parts.append({"kind": "checklist", "title": replies.draft_title("checklist"), "text": drafts.checklist})
    if staff:
        parts.insert(0, {"kind": "case_summary", "title": replies.draft_title("case_summary"),
                         "text": drafts.case_summary})
    return {"summary": drafts.summary, "several": True, "parts": parts, "next_questions": []}


def debts_list(dispatcher: CollectingDispatcher, tracker: Tracker, facts: CaseFacts) -> bool:
    """「我现在欠了哪些」: the debts the case holds, or what is known of the one debt. Returns whether answered."""
    text = tracker.latest_message.get("text") or ""
    if not knowledge.asks_debt_list(text):
        return False
    if facts.debts:
        items = "\n".join(replies.line("debt_item", lender=d.lender,
                                        amount=f"{d.amount:,} 元" if d.amount else "金额还没说")
                          for d in facts.debts)
        total = sum(d.amount or 0 for d in facts.debts)
        say(dispatcher, tracker, replies.line("debts_list", count=len(facts.debts), items=items, total=total))
    elif facts.lender or facts.debt_amount:
        say(dispatcher, tracker, replies.line("debts_list_single", line=replies.facts_line(facts)))
    else:
        say(dispatcher, tracker, replies.line("debts_list_empty"))
    return True


def draft_buttons(tracker: Tracker, kinds: List[str]) -> List[Dict[str, Any]]:
    """One button per draft (「看电话协商话术」): its words ask for that draft (coach/turn_shape.py)."""
    labels = [localise(replies.line("short_turn_button", title=replies.draft_title(kind)), tracker) for kind in kinds]
    return [{"title": label, "payload": label} for label in labels]


def draft_plan(dispatcher: CollectingDispatcher, tracker: Tracker, facts: CaseFacts) -> List[EventType]:
    """Work out the plan and send the drafts as drafting lays them out; keep them in ``latest_drafts``."""
    if facts.several_debts:
        return draft_several(dispatcher, tracker, facts)
    if facts.debt_amount is None:
        dispatcher.utter_message(response="utter_ask_debt_amount")
        return []
    day = today()
    outcome = (tracker.get_slot("latest_drafts") or {}).get("outcome")
    agreed = _agreed_terms(outcome)
    if agreed is not None and facts.lender:
        # the lender agreed: its terms stay; the plan is redrafted on them, or the shortfall said plainly
        for line in outcomes.single_redraft_lines(facts.lender, facts.debt_amount, agreed, facts.affordable_monthly):
            say(dispatcher, tracker, line)
        facts = dataclasses.replace(facts, affordable_monthly=agreed.monthly)  # the drafts keep the agreement
    plan = make_plan(facts, day)  # a plan the borrower can keep: installments, a stated extension, or a pause
    staff = is_staff(tracker)
    drafts = layout(facts, plan, day, staff=staff, crisis=staff and bool(tracker.get_slot("crisis_flag")),
                    violence=staff and violence_reported(tracker), region=region_of(tracker))
    if drafts.note:
        say(dispatcher, tracker, drafts.note)
    say(dispatcher, tracker, replies.line("plan_heading", summary=drafts.summary))
    if short_turns(latest_channel(tracker)) and not staff:
        # a messaging app: the plan and the next step now, each draft on request (actions/short_turns.py)
        say(dispatcher, tracker, replies.line("short_turn_next"),
            buttons=draft_buttons(tracker, [kind for kind, _ in drafts.parts]))
    else:
        for kind, body in drafts.parts:
            say_draft(dispatcher, tracker, kind, body)
        if drafts.next_questions:
            say_draft(dispatcher, tracker, "next_questions", drafts.next_questions_body)
        else:
            say(dispatcher, tracker, replies.after_draft_note())
    record = {"summary": drafts.summary,
              "parts": [{"kind": k, "title": replies.draft_title(k), "text": b} for k, b in drafts.parts],
              "next_questions": list(drafts.next_questions)}
    if isinstance(outcome, dict):
        record["outcome"] = outcome  # the lender's status outlives the drafts (coach/outcomes.py)
    return [SlotSet("latest_drafts", record), SlotSet("pending_offer", None)]


def _agreed_terms(outcome: Any) -> outcomes.Terms | None:
    """The terms one lender agreed to (``latest_drafts["outcome"]``, one debt), or None."""
    if outcomes.agreed_monthly(outcome) is None or not isinstance(outcome, dict):
        return None
    terms = outcomes.Terms.from_dict(outcome.get("terms"))
    return terms if terms is not None and terms.monthly and terms.months else None


def acknowledge_facts(dispatcher: CollectingDispatcher, tracker: Tracker, facts: CaseFacts) -> List[EventType]:
    """Facts given outside the form: confirm what was understood, then move the case on.

    - a plan was drafted before and a fact changed → redraft;
    - hotline staff entering a case with enough facts for a plan (amount and monthly affordability) → draft;
    - otherwise offer to draft, and only once: a second offer in a row would read like a machine.
    """
    drafted = tracker.get_slot("latest_drafts") or {}
    if drafted.get("several") and facts.several_debts and requested_lender(tracker, facts) \
            and not facts_changed_this_turn(tracker) & (CORRECTABLE_FACTS | {"debts"}):
        return draft_several(dispatcher, tracker, facts)  # 「借呗的」 after the overview: that lender's drafts
    topic = answer_special(dispatcher, tracker)
    if topic is not None:
        # facts said with a question (「欠了好几家，先还哪个」): the question first; the facts are kept
        return offer_plan(dispatcher, tracker) if offers_after_question(dispatcher, tracker, topic) else []
    line = replies.facts_line(facts)
    pending = pending_of(facts) if facts.several_debts else []
    if pending and "debts" in facts_changed_this_turn(tracker):
        # 「还有花呗」: noted, and its amount asked before anything is worked out again
        say(dispatcher, tracker, replies.line("facts_noted", line=line))
        say(dispatcher, tracker, replies.line("debts_missing_amounts", lenders="、".join(pending)))
        return []
    changes = corrections_this_turn(tracker)  # a correction says what it changed: 「欠款 9,000 → 101,000 元」
    if tracker.get_slot("latest_drafts") and facts.debt_amount is not None:
        say(dispatcher, tracker, replies.line("facts_changed_redraft", changes=changes) if changes
            else replies.line("facts_updated", line=line) if line else replies.line("facts_updated_plain"))
        return draft_plan(dispatcher, tracker, facts)
    if is_staff(tracker) and facts.debt_amount is not None and facts.affordable_monthly is not None:
        if changes:
            say(dispatcher, tracker, replies.line("facts_changed", changes=changes))
        say(dispatcher, tracker, replies.line("facts_complete_staff", line=line))
        return draft_plan(dispatcher, tracker, facts)
    costs = tracker.get_slot("essential_expenses")
    only_costs = facts_changed_this_turn(tracker) & (CORRECTABLE_FACTS | {"debts", "essential_expenses"}) \
        == {"essential_expenses"}
    if changes:
        say(dispatcher, tracker, replies.line("facts_changed", changes=changes))
    elif costs is not None and only_costs:
        # 「开销大概5k」: the case's line has no costs; they are said alone
        say(dispatcher, tracker, replies.line("costs_noted", money=budget.money(int(costs), region_of(tracker))))
    elif line:
        say(dispatcher, tracker, replies.line("facts_noted", line=line))
    return offer_plan(dispatcher, tracker)


def handle_deny(dispatcher: CollectingDispatcher, tracker: Tracker, facts: CaseFacts) -> List[EventType]:
    """「不」 outside the form: a correction of a fact (「不对，是两万」), a question that reads like a no
    (「我到底要不要还」), declining the offer, or a plain no."""
    if set(tracker.slots_to_validate()) & CORRECTABLE_FACTS:
        return acknowledge_facts(dispatcher, tracker, facts)
    if answer_special(dispatcher, tracker):
        return []
    text = tracker.latest_message.get("text") or ""
    drafts = tracker.get_slot("latest_drafts")
    if _NAMES_A_FACT.search(text) and isinstance(drafts, dict) and drafts.get("summary"):
        # 「不对 是明年1月15号」 when 2027年1月15日 is what the plan already says: the fact is confirmed, not 「好的。」
        say(dispatcher, tracker, replies.line("facts_confirmed", summary=drafts["summary"]))
        return [SlotSet("pending_offer", None)]
    if tracker.get_slot("pending_offer"):
        say(dispatcher, tracker, replies.decline_offer_message())
    else:
        dispatcher.utter_message(response="utter_ok")
    return [SlotSet("pending_offer", None)]


# A correction that names a fact: 「不对 是明年1月15号」「是两万不是三万」.
_NAMES_A_FACT = re.compile(r"(不对|不是|错了|应该是|其实是|是)[^。？！?!]{0,8}"
                           r"(\d|[一二两三四五六七八九十百千万]+(块|元|万|千|号|日|月|天|期))")
