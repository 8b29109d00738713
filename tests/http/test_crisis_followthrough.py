"""After the crisis lines the bot stays with the person, over REST against the real servers: a doubt
about calling is answered with care, money only when asked and starting from a pause, no offer to draft a plan
otherwise. The replies depend on the words, not on the intent the model gives them, so they hold for any model
that sends a crisis message to the crisis answer (the cue net guarantees that for these messages)."""

from __future__ import annotations

import uuid

from serving.servers import Servers, texts


def new_sender() -> str:
    return f"crisis-{uuid.uuid4().hex}"


def test_doubt_then_money_then_yes(servers: Servers) -> None:
    sender = new_sender()
    first = texts(servers.say(sender, "欠了十几万，我真的不想活了"))
    assert "12356" in first
    doubt = texts(servers.say(sender, "打了有啥用"))
    assert "受过专门训练" in doubt and "12356" in doubt and "协商" not in doubt
    money = servers.say(sender, "那我欠的钱怎么办")
    assert "暂缓催收" in texts(money) and "不用马上拿出钱" in texts(money)
    assert not any((r.get("custom") or {}).get("draft") for r in money)  # nothing drafted unasked
    assert servers.tracker(sender)["slots"]["pending_offer"] == "draft_plan"
    # 「好」: the pause is worked out with the form's questions, gently, one at a time
    assert "哪家机构" in texts(servers.say(sender, "好"))


def test_presence_not_a_plan_offer_after_the_crisis_lines(servers: Servers) -> None:
    sender = new_sender()
    assert "12356" in texts(servers.say(sender, "活着太累了，想一了百了"))
    reply = texts(servers.say(sender, "我一个人在出租屋里"))
    assert "您现在安全吗" in reply and "起草" not in reply
    thanks = texts(servers.say(sender, "谢谢你"))
    assert "我都在" in thanks


def test_hong_kong_user_gets_the_local_line_in_traditional(servers: Servers) -> None:
    sender = new_sender()
    first = texts(servers.say(sender, "我喺香港，欠咗財務公司好多錢，真係唔想再活落去"))
    assert "2896 0000" in first
    doubt = texts(servers.say(sender, "打咗都冇用，說了也沒用"))
    assert "18111" in doubt and "12356" not in doubt and "訓練" in doubt


def test_quoted_follow_ups_from_the_issue(servers: Servers) -> None:
    sender = new_sender()
    assert "12356" in texts(servers.say(sender, "我撑不下去了，不想活了"))
    doubt = texts(servers.say(sender, "打了有啥用 他们又不能帮我还钱"))
    assert "受过专门训练" in doubt and "停息挂账" not in doubt and "代理" not in doubt
    money = texts(servers.say(sender, "嗯 我会打的 那钱的事我该怎么办"))
    assert "暂缓催收" in money and "不用马上拿出钱" in money


def test_traditional_writer_without_a_place_is_asked_once_and_the_answer_sets_the_rules(servers: Servers) -> None:
    sender = new_sender()
    first = texts(servers.say(sender, "銀行的催收說要打給我公司"))
    assert "還是內地？" in first and "香港緊急情況打 999" in first
    second = texts(servers.say(sender, "他們還一直打電話罵我"))
    assert "還是內地" not in second  # asked once
    servers.say(sender, "香港")
    assert servers.tracker(sender)["slots"]["script"] == "hk"


def test_traditional_crisis_without_a_place_gets_both_places_lines(servers: Servers) -> None:
    sender = new_sender()
    reply = texts(servers.say(sender, "欠了太多錢，我真的不想活了"))
    assert "18111" in reply and "1925" in reply and "999" in reply


def test_a_cantonese_writer_in_shenzhen_keeps_mainland_rules(servers: Servers) -> None:
    """Issue 11: 「我喺深圳住㗎 唔系香港」 — the place wins over the script, also in the messages after it."""
    sender = new_sender()
    first = texts(servers.say(sender, "我喺深圳住㗎 唔系香港，催收話聽日上門搵我"))
    assert "999" not in first and "110" in first
    later = texts(servers.say(sender, "佢哋仲話要打俾我屋企人同公司"))
    assert "999" not in later and "金管局" not in later and "還是內地" not in later
    assert servers.tracker(sender)["slots"]["script"] == "simplified"
    assert "哪家机构" in texts(servers.say(sender, "我想申請分期還"))
    amount_question = texts(servers.say(sender, "招行信用卡"))
    assert "一共欠多少" in amount_question  # mainland wording, Simplified characters, whatever script they write
