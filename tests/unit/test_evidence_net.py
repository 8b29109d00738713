"""components.nlu.EvidenceCommandNet on real Rasa messages: requests about the contact log and the letters go to
ask_complaint_channel whatever DIET guessed; a report to be recorded keeps its report intent; crisis stays."""

from __future__ import annotations

import pytest

from components.nlu import CrisisSafetyNet, EvidenceCommandNet, StopRequestNet
from tests.unit.test_intent_nets import classified


def routed(text: str, *ranking: tuple[str, float]) -> str:
    message = classified(text, *ranking)
    for net in (CrisisSafetyNet(), StopRequestNet(), EvidenceCommandNet()):
        net.process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize("text, guess", [
    ("我的记录", "greet"), ("删除第二条", "deny"), ("第二条时间不对，是前天晚上九点", "inform"),
    ("帮我写投诉信", "ask_script"), ("写一封暂缓催收的信", "request_extension"), ("記錄一下：琴晚又打電話嚟", "inform"),
])
def test_requests_about_the_log_and_letters_are_routed(text: str, guess: str) -> None:
    assert routed(text, (guess, 0.7), ("out_of_scope", 0.2)) == "ask_complaint_channel"


def test_a_report_to_record_keeps_its_report_intent() -> None:
    assert routed("记录一下：昨晚催收打给我妈", ("report_third_party_contact", 0.8)) == "report_third_party_contact"


def test_crisis_and_ordinary_messages_are_left_alone() -> None:
    assert routed("删除第二条 我不想活了", ("cannot_pay", 0.6)) == "express_crisis"
    assert routed("投诉信用卡催收找谁", ("ask_complaint_channel", 0.9)) == "ask_complaint_channel"
    assert routed("催收打电话骂我", ("report_harassment", 0.9)) == "report_harassment"
    assert routed("欠招行三万", ("inform", 0.9)) == "inform"
