"""The contact log, the letters and the download links as the actions use them (tracker in, events out).

- ``log_events``: run by the extraction after every message (so logging never depends on which rule answers,
  and a running form is not touched): a report (any report_* intent, or 「记录一下：…」) becomes an entry;
  「删除第二条」「第二条时间不对，是…」 change the log; the slot ``log_notice`` says what happened. Only a change
  is sent (``contact_log.change``), never the whole log: the slot applies it (components/slots.py).
- ``say_log_notice``: the one line the answering action says about it (「已记入证据记录（现有 3 条…）：…」).
- ``answer_evidence``: answers a request about the log or the letters in full (list, delete, correct,
  letters with their download links); returns the events, or None when the message is no such request.
The logic is in coach/case/contact_log.py, coach/case/conduct_rules.py, coach/letters.py; the words in letters.yml.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Mapping

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.steps import latest_intent, region_of, say
from coach import download_links, knowledge, letters
from coach.case import conduct_rules, contact_log
from coach.extraction import names_lender
from coach.zh.evidence_cues import command

# The slot type that applies changes of the log (components.slots.ContactLogSlot; not imported: Rasa-side code).
LOG_SLOT_TYPE = "components.slots.ContactLogSlot"
REPORT_INTENTS = frozenset({"report_visit_threat", "report_lawsuit_threat", "report_third_party_contact",
                            "report_harassment"})


def line(key: str, **values: Any) -> str:
    return letters.load()["lines"][key].format(**values)


def _log(tracker: Tracker) -> List[Dict[str, Any]]:
    value = tracker.get_slot("contact_log")
    return contact_log.ordered(value) if contact_log.is_valid(value) else []


def _message_time(tracker: Tracker) -> datetime.datetime:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return contact_log.local_time(event.get("timestamp"))
    return contact_log.local_time(None)


def stores_changes(domain: Mapping[str, Any] | None) -> bool:
    """Whether Rasa's domain (sent with every request) keeps ``contact_log`` as changes (components/slots.py). A
    model trained before keeps it as a plain value, and a change sent to it would replace the log: it gets the
    whole log, as before."""
    spec = ((domain or {}).get("slots") or {}).get("contact_log") or {}
    return spec.get("type") == LOG_SLOT_TYPE


def log_events(tracker: Tracker, lender: str | None, domain: Mapping[str, Any] | None = None) -> List[EventType]:
    """Slot events for what the latest message does to the contact log (see the module docstring): one event
    carrying the change when the log changed (the whole log only for a model trained before changes were
    stored), none otherwise."""
    text = (tracker.latest_message or {}).get("text") or ""
    found = command(text)
    if found is not None and found.op != "add" and latest_intent(tracker) == "express_crisis":
        found = None  # a crisis is answered first; nothing is deleted or changed on the side
    before = log = _log(tracker)
    now = _message_time(tracker)
    notice: Dict[str, Any] | None = None
    changed = False
    if found and found.op == "delete":
        log, removed = contact_log.delete(log, found.index)
        notice = {"op": "deleted", "number": found.index, "entry": removed} if removed else \
            {"op": "not_found", "number": found.index}
        changed = removed is not None
    elif found and found.op == "correct":
        pos = contact_log.position(log, found.index)
        log, fixed = contact_log.correct(log, found.index, found.rest, now)
        if fixed is not None:
            notice, changed = {"op": "corrected", "id": fixed["id"]}, True
        else:
            notice = {"op": "not_found" if pos is None else "nothing_to_correct", "number": found.index}
    elif found and found.op in ("list", "letter"):
        notice = {"op": found.op, "letter": found.letter}
    elif (found and found.op == "add") or latest_intent(tracker) in REPORT_INTENTS:
        words = found.rest if found and found.op == "add" else text
        # several debts: the entry is about the lender the message names (「借呗的催收…」), not the case's first one
        names = [str(d["lender"]) for d in tracker.get_slot("debts") or []
                 if isinstance(d, Mapping) and d.get("lender")]
        named = [n for n in names if names_lender(words, n)]
        lender = named[0] if len(named) == 1 else lender
        log, entry = contact_log.add(log, contact_log.Report(words, now, lender))
        notice, changed = {"op": "added", "id": entry["id"]}, True
    delta = contact_log.change(before, log) if changed else None
    events: List[EventType] = []
    if delta is not None:
        events.append(SlotSet("contact_log", delta if stores_changes(domain) else log))
    if notice is not None or tracker.get_slot("log_notice") is not None:
        events.append(SlotSet("log_notice", notice))
    return events


def _notice(tracker: Tracker) -> Mapping[str, Any] | None:
    """The log notice set by this message (None when it belongs to an earlier one)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return None
        if event.get("event") == "slot" and event.get("name") == "log_notice":
            return event.get("value")
    return None


def _marks(entry: Mapping[str, Any], log: List[Dict[str, Any]], region: str) -> List[str]:
    kinds = conduct_rules.entry_kinds(entry, region, conduct_rules.calls_by_day(log))
    return [conduct_rules.label(k) for k in kinds]


def say_log_notice(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """The one line about an entry added by this message; True when it was said."""
    notice = _notice(tracker)
    if not notice or notice.get("op") != "added":
        return False
    log = _log(tracker)
    entry = next((e for e in log if e["id"] == notice.get("id")), None)
    if entry is None:
        return False
    marks = _marks(entry, log, region_of(tracker))
    say(dispatcher, tracker, line("added", number=contact_log.number_of(log, entry["id"]), count=len(log),
                                  when=contact_log.when_label(entry), channel=entry.get("channel") or "电话",
                                  marks=line("added_marks", labels="、".join(marks)) if marks else ""))
    return True


def _case(tracker: Tracker) -> letters.Case:
    def number(slot: str) -> int | None:
        value = tracker.get_slot(slot)
        return int(value) if isinstance(value, (int, float)) else None

    drafts = tracker.get_slot("latest_drafts")
    summary = drafts.get("summary") if isinstance(drafts, dict) else None
    return letters.Case(lender=tracker.get_slot("lender"), lender_kind=tracker.get_slot("lender_type"),
                        lender_confirmed=tracker.get_slot("lender_confirmed"),
                        debt=number("debt_amount"), overdue_days=number("overdue_days"),
                        region=region_of(tracker), plan_summary=summary)


def say_list(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    log = _log(tracker)
    if not log:
        say(dispatcher, tracker, line("list_empty"))
        return
    region = region_of(tracker)
    kind = tracker.get_slot("lender_type")
    broken = conduct_rules.breaches(log, region, kind)
    body = [line("list_heading", count=len(log)), *contact_log.as_lines(log)]
    for number, (entry, rules) in enumerate(zip(log, broken), start=1):
        if rules:
            body.append(line("list_rules", number=number, labels="、".join(_marks(entry, log, region)),
                             rules="；".join(conduct_rules.short_label(r) for r in rules)))
    body.append(line("list_footer"))
    say(dispatcher, tracker, "\n".join(body))


def downloads(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The download links of this conversation (nothing when the server has no DOWNLOAD_SECRET)."""
    items = []
    labels = letters.load()["lines"]["download_labels"]
    for name in download_links.offered():
        url = download_links.link(tracker.sender_id, name)
        if url is None:
            return
        items.append({"name": name, "label": labels[name], "url": url})
    text = line("downloads", hours=download_links.ttl() // 3600) + "\n" + \
        "\n".join(f"{item['label']}：{download_links.public_url(item['url'])}" for item in items)
    say(dispatcher, tracker, text, json_message={"downloads": items})


def _letters(dispatcher: CollectingDispatcher, tracker: Tracker, request: str) -> List[EventType]:
    log = _log(tracker)
    today = _message_time(tracker).date()
    if request in ("complaint", "police") and not log:
        say(dispatcher, tracker, line("complaint_needs_entries"))
        return []
    region = region_of(tracker)
    if request in letters.COURT_SET and region != "mainland":
        # the drafts follow the mainland's procedure: what applies there instead (facts §7, §11.1, §12.16)
        say(dispatcher, tracker, line("court_mainland_only"))
        say(dispatcher, tracker, knowledge.special_answer("court_lawsuit", region) or "")
        return []
    # each lender's letters from the entries about it (「借呗的催收…」 → the complaint goes to 借呗)
    amounts = {str(d.get("lender")): int(d["amount"]) for d in tracker.get_slot("debts") or []
               if isinstance(d, dict) and d.get("lender") and d.get("amount")}
    parts = [(_case(tracker), log)] if request in letters.COURT_SET else letters.by_lender(_case(tracker), log, amounts)
    made = [letter for case, entries in parts
            for letter in letters.letters_for(request, case, entries, today, request_date=_request_date(tracker))]
    say(dispatcher, tracker, line(f"court_intro_{request}") if request in letters.COURT_SET
        else line("letters_intro", count=len(log)) if request in ("complaint", "police", "all")
        else line("small_intro"))
    for letter in made:
        say(dispatcher, tracker, f"【{letter.title}】\n{letter.text}",
            json_message={"draft": {"kind": f"letter_{letter.kind}", "title": letter.title}})
    downloads(dispatcher, tracker)
    earlier = tracker.get_slot("latest_letters")
    sent = [x for x in (earlier.get("letters") if isinstance(earlier, dict) else []) or []
            if x.get("kind") not in {m.kind for m in made}]
    return [SlotSet("latest_letters", {"date": today.isoformat(),
                                       "letters": [*sent, *(m.as_dict() | {"date": today.isoformat()}
                                                            for m in made)]})]


def _request_date(tracker: Tracker) -> datetime.date | None:
    """The day the plan's written request was drafted (the follow-up letter refers to it)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and ((event.get("data") or {}).get("custom") or {}).get("draft"):
            if ((event["data"]["custom"]["draft"].get("kind")) or "").startswith("letter_"):
                continue
            return contact_log.local_time(event.get("timestamp")).date()
    return None


def answer_evidence(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """A request about the log or the letters answered in full; None when the message is not one."""
    notice = _notice(tracker)
    if not notice:
        return None
    op = notice.get("op")
    log = _log(tracker)
    if op == "added":
        say_log_notice(dispatcher, tracker)
        return []
    if op == "list":
        say_list(dispatcher, tracker)
        return []
    if op == "letter":
        return _letters(dispatcher, tracker, notice.get("letter") or "complaint")
    if op == "deleted":
        entry = notice.get("entry") or {}
        say(dispatcher, tracker, line("deleted", number=notice.get("number"), when=contact_log.when_label(entry),
                                      channel=entry.get("channel") or "电话", count=len(log)))
        return []
    if op == "corrected":
        entry = next((e for e in log if e["id"] == notice.get("id")), None)
        if entry is not None:
            number = contact_log.number_of(log, entry["id"])
            say(dispatcher, tracker, line("corrected", number=number,
                                          line=contact_log.line(entry, number or 0)[len(f"{number}. "):]))
        return []
    if notice.get("number") is None:
        say(dispatcher, tracker, line("which_entry"))
    elif op == "nothing_to_correct":
        say(dispatcher, tracker, line("nothing_to_correct", number=notice["number"]))
    else:
        say(dispatcher, tracker, line("not_found", number=notice["number"], count=len(log)))
    return []
