"""The questions people ask most, where the classifier's intent is not enough: a message about a debt that no answer
fits, the borrower's answer to the bot's own region question, and what is not an entry of the evidence log.

- ``about_debt`` / ``clarify_debt``: one clarifying question with quick replies (never 「这个我帮不上忙」 for a
  message about a debt).
- ``acknowledge_region``: 「台灣啊 台北」 — the place is noted (the extraction sets the script) and the question
  asked before it is answered again by that place's rules.
- ``not_a_contact``: a question with no contact in it, the debt list, a phishing report, or a court's papers
  (coach/zh/court_words.py): never a log entry.
The words are data (replies.yml, knowledge.yml); the reading of a message is in coach/zh/debt_words.py.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.steps import (
    CORRECTABLE_FACTS,
    last_turn_bot_texts,
    localise,
    offer_plan,
    region_of,
    repeats_last_turn,
    say,
    say_answer,
    say_answer_once,
    slots_around_this_turn,
    user_texts,
)
from coach import budget, knowledge, money_help, replies, true_rate
from coach.case import brands, region_of_script
from coach.extraction import bare_place, lets_amount_go
from coach.zh import court_words
from coach.zh.debt_words import (
    asks_what_to_do,
    asks_without_contact,
    mentions_debt,
    reports_contact,
    tells_of_no_collector,
)
from coach.zh.evidence_cues import command
from coach.zh.normalizer import to_simplified
from coach.zh.plan_words import PLAN_WORDS
from coach.zh.safety_cues import deception_request, hardship_only_weighed, untrue_hardship

# The quick replies of the clarifying question: the three things most people with a debt come for.
CLARIFY_OPTIONS = (("clarify_option_consequences", "/ask_consequences"),
                   ("clarify_option_plan", "/request_installment"),
                   ("clarify_option_complaint", "/ask_complaint_channel"))


def about_debt(tracker: Tracker) -> bool:
    """Whether the latest message is about a debt: its own words, or a bare 「怎么办」 after a message that was."""
    texts = user_texts(tracker)
    if not texts:
        return False
    if mentions_debt(texts[-1]):
        return True
    return asks_what_to_do(texts[-1]) and any(mentions_debt(t) for t in texts[:-1][-3:])


def clarify_debt(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """A message about a debt that no answer fits: ask which of the three things is meant, as quick replies. Inside
    the form nothing is said here (the form's own question follows); asked again right away, it is said differently."""
    if tracker.active_loop_name:
        return []
    key = "clarify_debt_again" if repeats_last_turn(tracker, replies.line("clarify_debt")) else "clarify_debt"
    buttons = [{"title": localise(replies.line(title), tracker), "payload": payload}
               for title, payload in CLARIFY_OPTIONS]
    say(dispatcher, tracker, replies.line(key), buttons=buttons)
    return []


AMOUNT_ROLE_OPTIONS = ("debt", "monthly", "income", "none")


def ask_amount_role(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """An amount said outside the form whose role the words do not settle (``amount_unsettled``, set by the
    extraction): one question with quick replies, nothing redrafted. 「都不是」 to it: the amount is let go, said
    in one line. None when neither applies or a fact did change this turn (the change is acknowledged instead)."""
    before, after = slots_around_this_turn(tracker)
    if set(after) & (CORRECTABLE_FACTS | {"debts"}) and any(after[k] != before.get(k) for k in after
                                                            if k in CORRECTABLE_FACTS | {"debts"}):
        return None
    region = region_of(tracker)
    asked, earlier = after.get("amount_unsettled"), before.get("amount_unsettled")
    if asked is not None:
        value = int(asked)
        plain = str(value)
        buttons = [{"title": localise(replies.line(f"amount_role_option_{option}"), tracker),
                    "payload": localise(replies.line(f"amount_role_payload_{option}", plain=plain), tracker)}
                   for option in AMOUNT_ROLE_OPTIONS]
        say(dispatcher, tracker, replies.line("amount_role_question", money=budget.money(value, region),
                                              plain=plain), buttons=buttons)
        return []
    if earlier is not None and "amount_unsettled" in after and lets_amount_go(_raw_text(tracker)):
        # 「都不是」: let go, and said so
        say(dispatcher, tracker, replies.line("amount_role_dropped", money=budget.money(int(earlier), region)))
        return []
    return None


def _raw_text(tracker: Tracker) -> str:
    message = tracker.latest_message or {}
    return message.get("text_original") or message.get("text") or ""


def _previous_question(tracker: Tracker) -> tuple[str, str | None] | None:
    """The user's message before the latest one and its intent, if the bot answered it by asking where they are."""
    # compared in Simplified: the question was sent in the script the borrower wrote then
    question = to_simplified(replies.line("region_question", **knowledge.hotlines()))
    if not any(question in to_simplified(said) for said in last_turn_bot_texts(tracker)):
        return None
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    previous = users[-2]
    intent = ((previous.get("parse_data") or {}).get("intent") or {}).get("name")
    return previous.get("text") or "", intent


def _answer_for(text: str, intent: str | None, earlier: List[str], region: str) -> str | None:
    """The answer to ``text`` by ``region``'s rules: its special topic, or its intent's answer."""
    topic = knowledge.special_topic(text, earlier)
    if topic is not None:
        return knowledge.special_answer(topic, region)
    if intent in knowledge.intents() and intent != "express_crisis":
        return knowledge.answer(intent, knowledge.topic_for(intent, text), region)
    return None


def acknowledge_region(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """「台灣啊 台北」「香港」: a message that only names where the borrower is. Noted (the script slot was set by the
    extraction), and when it answers the bot's region question, the question before it is answered again by that
    place's rules. None when the message names no place only."""
    script = bare_place(_raw_text(tracker))
    if script is None:
        return None
    region = region_of_script(script)
    place = replies.line(f"region_name_{region}")
    say(dispatcher, tracker, replies.line("region_noted", place=place))
    previous = _previous_question(tracker)
    if previous is not None:
        text, intent = previous
        answer = _answer_for(text, intent, user_texts(tracker)[:-2][-6:], region)
        if answer:
            say(dispatcher, tracker, f"{replies.line('region_again', place=place)}\n{answer}")
    return []


def not_a_contact(text: str) -> bool:
    """Never an entry of the evidence log, whatever the classifier says: a question that tells of no contact by a
    collector (「我现在欠了哪些」「会员费能退吗」), the debt list, or a phishing link opened (「我已经点了 还填了
    身份证」), or a court's papers (「法院寄来传票」). 「记录一下：…」 is always recorded, and a request about the
    log or a letter (「我的记录呢」「答辩状怎么写」) is left to evidence.log_events."""
    if command(to_simplified(text or "")) is not None:
        return False  # a request about the log or the letters (「答辩状怎么写」): evidence.log_events reads it
    return knowledge.asks_debt_list(text) or asks_without_contact(text) or tells_of_no_collector(text) or \
        knowledge.special_topic(text) == "phishing_clicked" or from_the_court(text) or asks_for_own_plan(text)


def asks_for_own_plan(text: str) -> bool:
    """「我在马上消费金融借了6万8 拖了一个半月 想跟他们谈分期」: the borrower's own debt and the plan they want, with
    no contact by a collector in it (whatever report intent a model gives it)."""
    simplified = to_simplified(text or "")
    return any(words.search(simplified) for _, words in PLAN_WORDS) and not reports_contact(simplified)


# Court stages told of papers or acts of a court, not of a collector (「法院寄来传票 下周开庭」).
_COURT_NOT_COLLECTOR = frozenset({"payment_order", "lawsuit", "preservation", "enforcement", "check_sued"})


def from_the_court(text: str) -> bool:
    """「法院寄来传票 下周开庭」「收到支付令了」: the court's papers or acts, which are no collector's contact; a
    collector who claims a case (「催收说已经立案了」) or sends "court papers" by chat is still an entry."""
    return court_words.stage(text) in _COURT_NOT_COLLECTOR and not reports_contact(text)


def answer_money_and_rates(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """Answered whatever the intent (the classifier reads 「借1万分12期每期980」 as a request for instalments and
    「借呗是哪家公司放的贷」 as facts): a loan's terms → the true annual rate with its working; a question about who
    lends behind a brand or where to complain about it → the brand's lender; income and costs listed → what is left
    to offer (noted as the case's figures); a question about official help → the help. None for any other message."""
    text = _raw_text(tracker)
    region = region_of(tracker)
    rate = true_rate.answer_message(text, region)
    if rate is not None:
        say_answer_once(dispatcher, tracker, "question", rate)
        return []
    brand = brands.brand_question(text)
    if brand is not None:
        say_answer_once(dispatcher, tracker, "question", brands.answer(brand))
        return []
    budget = money_help.budget_answer(text, region, several_debts=bool(tracker.get_slot("debts")))
    if budget is not None:
        reply, read = budget
        say_answer_once(dispatcher, tracker, "question", reply)
        working = money_help.working_of(read)  # the form's working: the same amount offered, kept in the case
        noted: List[EventType] = [SlotSet("monthly_income", float(read.total_income)),
                                  SlotSet("essential_expenses", float(read.total_costs)),
                                  SlotSet("affordable_monthly", float(working.offer)),
                                  SlotSet("budget", working.as_slot())]
        return noted + offer_plan(dispatcher, tracker)
    if money_help.asks_for_help(text):
        say_answer_once(dispatcher, tracker, "question",
                        money_help.help_answer(money_help.circumstances(text), region) or "")
        return []
    return None


def money_help_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A hardship named in passing (「我失业了，网贷还不上了」): the official help that fits, once a conversation,
    after the answer to what was asked."""
    text = _raw_text(tracker)
    if hardship_only_weighed(text) or deception_request(text) or untrue_hardship(text):
        return  # 「我能不能说我生病了」: a hardship weighed, invented or taken back is no circumstance to help with
    topics = money_help.circumstances(text)
    if not topics:
        return
    heading = localise(money_help.heading(region_of(tracker)), tracker)
    if any(heading in (e.get("text") or "") for e in tracker.events if e.get("event") == "bot"):
        return
    pointers = money_help.help_answer(topics, region_of(tracker))
    if pointers:
        say_answer(dispatcher, tracker, "question", pointers)


def brand_note(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """After the complaint answer, when the case's lender is a brand (借呗, 分期乐 …): who probably lends behind it
    and the complaint route that follows."""
    brand = brands.find_brand(tracker.get_slot("lender") or "")
    if brand is not None and region_of(tracker) == "mainland":
        say(dispatcher, tracker, brands.answer(brand))
