import pytest

from coach.zh.normalizer import normalize
from coach.zh.short_replies import short_reply_intent


@pytest.mark.parametrize(("text", "intent"), [
    ("恩恩", "affirm"), ("dui", "affirm"), ("hao de", "affirm"), ("好的呀", "affirm"), ("係呀", "affirm"),
    ("OK!!", "affirm"), ("👌", "affirm"), ("好的，可以", "affirm"),
    ("米有", "deny"), ("🙅", "deny"), ("唔使", "deny"), ("不用了", "deny"),
    ("xiexie", "thank"), ("唔該晒", "thank"), ("🙏", "thank"),
    ("在吗？？？", "greet"), ("泥好", "greet"), ("👋", "greet"),
    ("在见", "goodbye"), ("掰掰", "goodbye"),
    ("🤖？", "bot_challenge"), ("你是jqr吧", "bot_challenge"),
])
def test_short_replies_are_read_from_the_list(text: str, intent: str) -> None:
    assert short_reply_intent(normalize(text)) == intent


@pytest.mark.parametrize("text", [
    # numbers are answers to the form's questions, not goodbye (coach/zh/bare_answers.py)
    "886", "88", "8000",
    # anything longer or mixed is the classifier's
    "不用了，谢谢", "好的 8000", "我怎么感觉你是机器人", "不是吧", "好的，那我想申请分期", "对，欠招行三万",
    "", "   ", "🙂",
])
def test_other_messages_are_left_to_the_classifier(text: str) -> None:
    assert short_reply_intent(normalize(text)) is None


def test_no_reply_is_listed_under_two_intents() -> None:
    from coach.zh import short_replies

    short_replies._table.cache_clear()
    assert len(short_replies._table()) > 150
