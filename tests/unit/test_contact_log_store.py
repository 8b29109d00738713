"""The contact log is stored as changes (components/slots.py, coach/case/contact_log.py ``change``/``apply``): each
report stores one small event, the slot's value is still the whole log, in Rasa's own tracker classes and in what
the action server, the staff console and the downloads get. Through the real event path (tests/unit/rasa_loop.py):
Rasa's tracker and domain, rasa_sdk's executor running the project's actions."""

from __future__ import annotations

import datetime
import itertools

import pytest
from rasa.shared.core.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa.shared.core.slots import AnySlot, Slot
from rasa.shared.core.trackers import DialogueStateTracker

from actions import evidence
from channels import files
from coach import letters
from coach.bundle import bundle
from coach.case import contact_log
from components.slots import TYPE_NAME, ContactLogSlot
from tests.unit.rasa_loop import START, Conversation, domain, domain_with_plain_slot, stored_bytes

LIMIT = 16 * 1024 * 1024  # the action server's request body limit (serving/action_server.py)
FILL = "催收的人在电话里一直骂我，说要去我单位找领导，还说要告诉我所有的亲戚朋友，让我在老家抬不起头。"


def report(i: int) -> str:
    """A 200-character report (after 「记录一下：」) of a different day each time."""
    text = f"{i % 28 + 1}天前晚上十一点多催收打电话骂我，"
    while len(text) < contact_log.MAX_TEXT:
        text += FILL
    return "记录一下：" + text[:contact_log.MAX_TEXT]


def reported(n: int, conversation: Conversation | None = None, start: int = 0) -> Conversation:
    conversation = conversation or Conversation()
    for i in range(start, start + n):
        conversation.say(report(i), "report_harassment")
    return conversation


def log_of(tracker: DialogueStateTracker) -> list[dict]:
    value = tracker.get_slot("contact_log")
    assert contact_log.is_valid(value), value
    return value


def test_the_domain_gives_the_log_its_own_slot_type_that_is_never_featurized() -> None:
    slot = next(s for s in domain().slots if s.name == "contact_log")
    assert type(slot) is ContactLogSlot and slot.feature_dimensionality() == 0 and not slot.influence_conversation
    assert Slot.resolve_by_type(TYPE_NAME) is ContactLogSlot
    assert evidence.LOG_SLOT_TYPE == TYPE_NAME == f"{ContactLogSlot.__module__}.{ContactLogSlot.__name__}"
    assert domain().as_dict()["slots"]["contact_log"]["type"] == TYPE_NAME  # what the action server is sent
    others = [s for s in domain().slots if s.name in ("log_notice", "latest_letters")]
    assert others and all(type(s) is AnySlot for s in others)  # "any" slots stay plain


def test_a_report_stores_one_change_and_the_slot_holds_the_whole_log() -> None:
    conversation = reported(3)
    changes = [e for e in conversation.tracker.events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert len(changes) == 3
    assert all(e.value["op"] == "change" and len(e.value["put"]) == 1 and not e.value["drop"] for e in changes)
    log = log_of(conversation.tracker)
    assert [e["id"] for e in contact_log.ordered(log)] == [3, 2, 1]  # the later report happened earlier
    # the action server is sent the whole log as the slot's value with the next request
    assert conversation.request("action_extract_case_facts")["tracker"]["slots"]["contact_log"] == log
    assert log_of(conversation.rebuilt()) == log  # rebuilt from the stored events, as the store does


def test_a_message_that_does_not_change_the_log_stores_nothing_for_it() -> None:
    conversation = reported(2)
    events, said = conversation.say("我的记录", "ask_complaint_channel", "action_answer_question")
    assert not [e for e in events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert "共 2 条" in said


def test_delete_and_correct_are_stored_as_changes_and_replay_to_the_same_log() -> None:
    conversation = reported(4)
    events, said = conversation.say("删除第二条", "ask_complaint_channel", "action_answer_question")
    (change,) = [e for e in events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert change.value["put"] == [] and len(change.value["drop"]) == 1 and "已删除第 2 条" in said
    events, said = conversation.say("第1条时间不对，是前天晚上九点", "ask_complaint_channel", "action_answer_question")
    (change,) = [e for e in events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert len(change.value["put"]) == 1 and change.value["put"][0]["time_words"] and "已更正" in said
    log = log_of(conversation.tracker)
    assert len(log) == 3 and log_of(conversation.rebuilt()) == log


def test_a_change_applied_twice_gives_the_same_log() -> None:
    """Rasa may apply an event again (a form's temporary tracker, an undo replays the events)."""
    conversation = reported(2)
    change = next(e for e in reversed(conversation.tracker.events)
                  if isinstance(e, SlotSet) and e.key == "contact_log")
    before = log_of(conversation.tracker)
    conversation.tracker.update(SlotSet("contact_log", change.value))
    assert log_of(conversation.tracker) == before


def test_a_new_session_carries_the_whole_log_over() -> None:
    conversation = reported(3)
    log = log_of(conversation.tracker)
    events, _ = conversation.run("action_session_start")
    (carried,) = [e for e in events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert carried.value == log  # a plain list: it replaces the log after the session's reset
    assert log_of(conversation.tracker) == log
    # the store gives back the latest session only: it starts from the carried list
    session = conversation.tracker.events_after_latest_restart()
    start = max(i for i, e in enumerate(session) if e.type_name == "session_started")
    latest = DialogueStateTracker.from_events("s", list(session)[start:], slots=domain().slots)
    assert log_of(latest) == log
    conversation.say(report(40), "report_harassment")
    assert len(log_of(conversation.tracker)) == 4 and log_of(conversation.rebuilt()) == log_of(conversation.tracker)


def test_a_reset_clears_the_log_and_an_odd_value_leaves_it() -> None:
    conversation = reported(2)
    log = log_of(conversation.tracker)
    conversation.tracker.update(SlotSet("contact_log", "nonsense"))
    conversation.tracker.update(SlotSet("contact_log", {"op": "change", "put": [{"no": "id"}], "drop": []}))
    assert log_of(conversation.tracker) == log
    conversation.tracker.update(AllSlotsReset())
    assert conversation.tracker.get_slot("contact_log") is None


def test_trackers_built_from_the_same_events_do_not_share_the_log() -> None:
    """Rasa copies slots shallowly (``copy.copy``) into every tracker: a change must never edit a list in place."""
    conversation = reported(2)
    other = conversation.rebuilt()
    conversation.say(report(10), "report_harassment")
    assert len(log_of(other)) == 2 and len(log_of(conversation.tracker)) == 3


def test_the_staff_console_and_the_downloads_read_the_whole_log() -> None:
    conversation = reported(5)
    tracker = conversation.rebuilt()
    expected = contact_log.as_lines(log_of(conversation.tracker))
    assert files.staff_extras(tracker, "c-1")["evidence"] == expected and len(expected) == 5
    slots = {slot.name: slot.value for slot in tracker.slots.values()}
    section = next(s for s in bundle(slots, user_texts=[], drafted_on=None,
                                     today=datetime.date(2026, 11, 28)).sections if s.title == "证据记录")
    assert section.text.splitlines() == expected


def test_a_model_trained_before_gets_the_whole_log_as_before() -> None:
    """The action server sends changes only when Rasa's domain says the slot applies them; for a model trained
    with ``type: any`` it sends the whole log, which that slot keeps as its value."""
    old = reported(3, Conversation(the_domain=domain_with_plain_slot()))
    sets = [e for e in old.tracker.events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert [len(e.value) for e in sets] == [1, 2, 3] and contact_log.is_valid(old.tracker.get_slot("contact_log"))


# ---------- growth per entry ----------

CHECKPOINTS = (10, 20, 40, 80, 300)


@pytest.fixture(scope="module")
def long_log() -> tuple[Conversation, dict[int, dict[str, int]]]:
    """One conversation with 300 reports of 200 characters; stored bytes measured at each checkpoint."""
    conversation, sizes, done = Conversation("scale"), {}, 0
    for n in CHECKPOINTS:
        reported(n - done, conversation, start=done)
        done = n
        sizes[n] = {"all": conversation.bytes_of(), "log": conversation.bytes_of("contact_log"),
                    "request": conversation.last_request_bytes}
    return conversation, sizes


def test_stored_bytes_grow_linearly_with_entries(long_log) -> None:
    _, sizes = long_log
    per_entry = [(sizes[b]["log"] - sizes[a]["log"]) / (b - a) for a, b in itertools.pairwise(CHECKPOINTS)]
    print("contact_log event bytes per entry:", [round(x) for x in per_entry], "sizes:", sizes)
    assert max(per_entry) < 1.15 * min(per_entry), per_entry  # constant per entry, not growing with the log
    assert max(per_entry) < 3000  # one entry of 200 characters, escaped as JSON, and its fields
    whole = [(sizes[b]["all"] - sizes[a]["all"]) / (b - a) for a, b in itertools.pairwise(CHECKPOINTS)]
    assert max(whole) < 1.3 * min(whole), whole  # the whole conversation too
    assert sizes[300]["all"] < LIMIT / 4 and sizes[300]["request"] < LIMIT / 4, sizes[300]


def test_the_log_stored_as_whole_values_grew_quadratically() -> None:
    """The same reports with the slot as it was (``type: any``, the whole log per change): what the change
    fixed, measured side by side."""
    old, new, sizes = Conversation(the_domain=domain_with_plain_slot()), Conversation(), {}
    for n, start in ((10, 0), (20, 10), (40, 20)):
        reported(n - start, old, start)
        reported(n - start, new, start)
        sizes[n] = (old.bytes_of("contact_log"), new.bytes_of("contact_log"))
    print("contact_log bytes (whole values, changes):", sizes)
    old_growth = (sizes[40][0] - sizes[20][0]) / (sizes[20][0] - sizes[10][0])
    new_growth = (sizes[40][1] - sizes[20][1]) / (sizes[20][1] - sizes[10][1])
    # 20 more entries cost twice as much as 10 more when each costs the same; ~3.9 times when each copies the log
    assert old_growth > 3.5 and 1.8 < new_growth < 2.2, (old_growth, new_growth)
    assert sizes[40][0] > 15 * sizes[40][1]


def test_a_300_entry_log_is_listed_deleted_from_and_made_into_a_letter(long_log) -> None:
    conversation, _ = long_log
    assert len(log_of(conversation.tracker)) == 300
    _, listed = conversation.say("我的记录", "ask_complaint_channel", "action_answer_question")
    assert "共 300 条" in listed and "\n300. " in listed
    events, said = conversation.say("删除第300条", "ask_complaint_channel", "action_answer_question")
    (change,) = [e for e in events if isinstance(e, SlotSet) and e.key == "contact_log"]
    assert stored_bytes(change) < 200 and "已删除第 300 条" in said and "共 299 条" in said
    _, said = conversation.say("帮我写投诉信", "ask_complaint_channel", "action_answer_question")
    assert "按您的证据记录（299 条）" in said and "【投诉材料】" in said
    assert said.count("｜电话｜") >= 299  # every entry is a row of the complaint's table
    assert conversation.last_request_bytes < LIMIT / 4
    assert len(log_of(conversation.rebuilt())) == 299


# ---------- the letter's addressee ----------

def lender_answered(answer: str, intent: str = "nlu_fallback") -> Conversation:
    """The form asked 「哪家机构」 and got ``answer``; then a report interrupted the form."""
    conversation = Conversation("lender")
    conversation.tracker.update(ActiveLoop("debt_profile_form"))
    conversation.say(answer, intent, requested_slot="lender")
    return conversation


def letters_after_a_report(conversation: Conversation) -> str:
    conversation.tracker.update(ActiveLoop(None))
    conversation.say("记录一下：昨晚十一点多催收打电话骂我", "report_harassment", requested_slot=None)
    _, complaint = conversation.say("帮我写投诉信", "ask_complaint_channel", "action_answer_question")
    _, small = conversation.say("帮我写一封暂缓催收的信", "ask_complaint_channel", "action_answer_question")
    assert "【投诉材料】" in complaint and "【暂缓催收申请】" in small
    return complaint + "\n" + small


def test_free_text_read_as_a_lender_never_addresses_a_letter() -> None:
    """「逾期两个月」 typed when the form asked 「哪家机构」 was kept as an unconfirmed lender name and became a
    complaint's addressee: the letters now use a neutral addressee with a blank."""
    conversation = lender_answered("逾期两个月")
    assert conversation.tracker.get_slot("lender_confirmed") is not True
    text = letters_after_a_report(conversation)
    assert "逾期两个月" not in text.replace("已逾期", "")
    assert "贷款机构【请填写机构名称】" in text or "放款机构【请先查清放款方名称】" in text


def test_an_unknown_lender_addresses_the_letters_only_once_confirmed() -> None:
    conversation = lender_answered("某某小贷")
    assert (conversation.tracker.get_slot("lender"), conversation.tracker.get_slot("lender_confirmed")) == \
        ("某某小贷", False)
    assert "某某小贷" not in letters_after_a_report(conversation)
    confirmed = lender_answered("某某小贷")
    confirmed.say("对", "affirm", requested_slot="lender_confirmed")
    assert confirmed.tracker.get_slot("lender_confirmed") is True
    assert "致：某某小贷 客户服务部门" in letters_after_a_report(confirmed)


@pytest.mark.parametrize(("lender", "confirmed", "kind", "addressee"), [
    ("逾期两个月", False, "other", "贷款机构【请填写机构名称】 客户投诉部门"),
    ("逾期两个月", None, "other", "贷款机构【请填写机构名称】 客户投诉部门"),
    ("某某小贷", False, "credit_card", "发卡银行【请填写银行名称】信用卡中心 客户投诉部门"),
    ("宁波某某银行", True, "bank_loan", "宁波某某银行 客户投诉部门"),  # confirmed by the borrower
    ("招商银行", None, "credit_card", "招商银行信用卡中心 客户投诉部门"),  # a registry name
])
def test_the_addressee_is_a_confirmed_or_known_lender_or_a_blank(lender: str, confirmed: bool | None, kind: str,
                                                                addressee: str) -> None:
    case = letters.Case(lender=lender, lender_kind=kind, lender_confirmed=confirmed)
    assert letters.route(case)[0] == addressee
    log, _ = contact_log.add([], contact_log.Report("昨晚打电话骂我", contact_log.local_time(START)))
    text = "\n".join(m.text for m in letters.letters_for("all", case, log, datetime.date(2026, 11, 28)))
    assert (lender in text) == (addressee.startswith(lender))

